"""Widgets: content, order, and a query count that does not grow with the data."""

from datetime import timedelta

import pytest
from django.template import Context, Template
from django.utils import timezone

from articles.models import Article, ArticleView
from tests.conftest import reset_caches
from tests.factories import (
    make_article,
    make_byline,
    make_category,
    make_comment,
    make_image,
    make_link,
    make_topic,
)

pytestmark = pytest.mark.django_db
Status = Article.Status


def render(source: str, **context) -> str:
    return Template("{% load reader %}" + source).render(Context(context))


def ago(hours: float):
    return timezone.now() - timedelta(hours=hours)


class TestOtherArticles:
    def test_older_articles_of_the_same_category_newest_first(self):
        category = make_category()
        oldest = make_article(category=category, published_at=ago(30))
        older = make_article(category=category, published_at=ago(20))
        current = make_article(category=category, published_at=ago(10))
        make_article(category=category, published_at=ago(5))  # newer: never listed
        make_article(published_at=ago(15))  # another category
        make_article(category=category, status=Status.DRAFT)
        html = render("{% other_articles article 10 %}", article=current)
        assert "Các tin khác" in html
        assert current.title not in html
        assert html.index(older.title) < html.index(oldest.title)
        assert html.count("<li>") == 2
        assert f"({timezone.localtime(older.published_at):%d/%m/%Y})" in html

    def test_limit(self):
        category = make_category()
        for n in range(5):
            make_article(category=category, published_at=ago(10 + n))
        current = make_article(category=category, published_at=ago(1))
        assert render("{% other_articles article 3 %}", article=current).count("<li>") == 3


class TestLatestAndMostRead:
    def test_latest_lists_public_articles_newest_first(self):
        old = make_article(published_at=ago(5))
        new = make_article(published_at=ago(1))
        make_article(published_at=timezone.now() + timedelta(hours=1))  # scheduled
        make_article(status=Status.PENDING_APPROVAL)
        html = render("{% latest_articles 10 %}")
        assert html.index(new.title) < html.index(old.title)
        assert html.count("<li>") == 2

    def test_most_read_orders_by_views_in_the_window(self):
        popular, quiet, stale = make_article(), make_article(), make_article()
        today = timezone.localdate()
        ArticleView.objects.create(article=popular, day=today, views=50)
        ArticleView.objects.create(article=popular, day=today - timedelta(days=1), views=50)
        ArticleView.objects.create(article=quiet, day=today, views=10)
        ArticleView.objects.create(article=stale, day=today - timedelta(days=30), views=999)
        reset_caches()  # views move the list without a bump, within its cache's minute
        html = render("{% most_read 10 %}")
        assert html.index(popular.title) < html.index(quiet.title)
        assert stale.title not in html

    def test_taken_down_article_leaves_most_read(self):
        gone = make_article()
        ArticleView.objects.create(article=gone, day=timezone.localdate(), views=99)
        Article.objects.filter(pk=gone.pk).update(status=Status.UNPUBLISHED)
        assert gone.title not in render("{% most_read 10 %}")


class TestWebsiteLinks:
    def test_select_and_plain_list_open_in_a_new_tab(self):
        make_link(title="Báo Chính phủ", url="https://baochinhphu.vn", position=2)
        make_link(title="Báo Nhân Dân", url="https://nhandan.vn", position=1)
        make_link(title="Ẩn", url="https://hidden.example", is_active=False)
        html = render("{% website_links %}")
        assert "— Liên kết website —" in html
        assert html.index("Báo Nhân Dân") < html.index("Báo Chính phủ")
        assert 'target="_blank" rel="noopener noreferrer"' in html
        assert "hidden.example" not in html


class TestCommentBox:
    def test_only_approved_comments_oldest_first_with_newsroom_replies(self):
        article = make_article()
        first = make_comment(article, name="Lan", content="Thứ nhất\nDòng hai")
        make_comment(article, name="Hùng", content="Thứ hai")
        make_comment(article, name="Chờ", status="pending")
        make_comment(article, name="Rác", status="spam")
        make_comment(article, parent=first, name="Tòa soạn", content="Cảm ơn bạn",
                     is_newsroom_reply=True)  # fmt: skip
        html = render("{% comment_box article %}", article=article)
        assert html.index("Lan") < html.index("Hùng")
        assert "Chờ" not in html and "Rác" not in html
        assert "Thứ nhất<br>Dòng hai" in html
        assert "Tòa soạn trả lời" in html and "Cảm ơn bạn" in html

    def test_comment_text_is_escaped(self):
        article = make_article()
        make_comment(article, name="<b>x</b>", content='<script>alert(1)</script><a href="x">l</a>')
        html = render("{% comment_box article %}", article=article)
        assert "<script>alert(1)" not in html and "&lt;script&gt;" in html
        assert '<a href="x">' not in html


def build_site(n: int):
    """A site with n of everything the article page shows."""
    category = make_category(parent=make_category())
    topics = [make_topic(show_on_home=True) for _ in range(n)]
    bylines = [make_byline() for _ in range(n)]
    for i in range(n):
        make_link()
        other = make_article(category=category, cover=make_image(), published_at=ago(10 + i))
        other.topics.set(topics)
        ArticleView.objects.create(article=other, day=timezone.localdate(), views=i + 1)
    article = make_article(
        category=category,
        cover=make_image(),
        bylines=[(b, "tin") for b in bylines],
        topics=topics,
        is_featured=True,
    )
    for _ in range(n):
        make_comment(article)
    return article


@pytest.mark.parametrize("n", [1, 12])
def test_article_page_query_budget(client, django_assert_max_num_queries, n):
    article = build_site(n)
    reset_caches()
    with django_assert_max_num_queries(14):  # every cache empty
        assert client.get(article.get_absolute_url()).status_code == 200
    # Its parts cached, the page reads only the article's row (the page cache is bypassed:
    # a reader with a session).
    client.cookies["sessionid"] = "reader"
    with django_assert_max_num_queries(1):
        assert client.get(article.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("n", [1, 12])
def test_home_page_query_budget(client, django_assert_max_num_queries, n):
    build_site(n)
    reset_caches()
    with django_assert_max_num_queries(15):
        assert client.get("/").status_code == 200


@pytest.mark.parametrize("n", [1, 25])
def test_category_page_query_budget(client, django_assert_max_num_queries, n):
    article = build_site(n)
    reset_caches()
    with django_assert_max_num_queries(10):
        assert client.get(article.category.get_absolute_url()).status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get(article.category.parent.get_absolute_url()).status_code == 200


def test_home_bands_come_from_one_query_per_page_not_per_band(
    client, django_assert_max_num_queries
):
    for _ in range(8):
        top = make_category()
        for _ in range(6):
            make_article(category=top)
    reset_caches()
    with django_assert_max_num_queries(15):
        html = client.get("/").content.decode()
    assert html.count('class="band"') == 8
    assert html.count('<article class="card') == 8 * 5


class TestAfterAPublish:
    """The widgets every page shows are built again by the change that moved them (the
    editor's request), not by the first reader after it."""

    def test_the_first_reader_after_a_publish_finds_them_built(
        self, client, django_assert_max_num_queries
    ):
        article = make_article()
        reset_caches()
        client.cookies["sessionid"] = "reader"
        client.get(article.get_absolute_url())
        make_article(title="Tin vừa đăng", category=article.category)
        with django_assert_max_num_queries(1):  # the article's row, with its stored HTML
            html = client.get(article.get_absolute_url()).content.decode()
        latest = html.split('id="w-latest"', 1)[1].split("</section>", 1)[0]
        assert "Tin vừa đăng" in latest

    def test_a_failed_rebuild_leaves_the_publish_done(self, client, monkeypatch, caplog):
        from django.db import DatabaseError

        from reader.templatetags import reader

        def refused(*args, **kwargs):
            raise DatabaseError("read-only")

        monkeypatch.setitem(reader._cached_tags, "most_read", refused)
        article = make_article(title="Vẫn được đăng")
        assert Article.objects.published().filter(pk=article.pk).exists()
        assert "Could not rebuild the widgets" in caplog.text
