"""Listing pages at any size: the section an article falls under, cards kept as HTML, the
large columns left out, and a deep page costing what the first one does."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import Article
from tests.conftest import reset_caches
from tests.factories import make_article, make_byline, make_category, make_comment

pytestmark = pytest.mark.django_db

SESSION = {"HTTP_COOKIE": "sessionid=reader"}  # a session bypasses the page cache


def article_sql(captured) -> list[str]:
    return [q["sql"] for q in captured.captured_queries if 'FROM "articles_article"' in q["sql"]]


def listing(client, url) -> str:
    """The page's own list, without the side column's widgets."""
    return client.get(url).content.decode().split('class="layout__side"')[0]


class TestSection:
    def test_an_article_falls_under_its_top_level_category(self):
        top = make_category(name="Kinh tế")
        child = make_category(name="Doanh nghiệp", parent=top)
        assert make_article(category=child).section_id == top.pk
        assert make_article(category=top).section_id == top.pk

    def test_bulk_created_articles_get_their_section_too(self):
        child = make_category(parent=make_category())
        [article] = Article.objects.bulk_create(
            [Article(title="Nhập hàng loạt", category=child, public_id="bulk001")]
        )
        assert Article.objects.get(pk=article.pk).section_id == child.parent_id

    def test_moving_a_category_moves_its_articles_to_the_new_section(self, client):
        old, new = make_category(name="Văn hóa"), make_category(name="Thể thao")
        child = make_category(name="Bóng đá", parent=old)
        article = make_article(category=child, title="Trận chung kết lượt về")
        child.parent = new
        child.save()
        article.refresh_from_db()
        assert article.section_id == new.pk
        assert "Trận chung kết lượt về" in listing(client, "/the-thao/")
        assert "Trận chung kết lượt về" not in listing(client, "/van-hoa/")


class TestCards:
    def test_listing_queries_leave_out_body_and_search_columns(self, client):
        category = make_category(name="Xã hội")
        for _ in range(3):
            make_article(category=category)
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/xa-hoi/").status_code == 200
        for sql in article_sql(captured):
            for column in ("body", "body_html", "search_text", "search_vector"):
                assert f'"articles_article"."{column}"' not in sql

    def test_a_warm_page_reads_ids_only_and_a_deep_page_costs_the_same(
        self, client, django_assert_max_num_queries
    ):
        category = make_category(name="Thời sự")
        for n in range(45):
            make_article(category=category, title=f"Tin thời sự {n}")
        reset_caches()
        for url in ("/thoi-su/", "/thoi-su/?page=3"):
            client.get(url, **SESSION)  # cards and the count into the cache
            with django_assert_max_num_queries(3), CaptureQueriesContext(connection) as warm:
                assert client.get(url, **SESSION).status_code == 200
            [ids] = article_sql(warm)
            assert '"articles_article"."title"' not in ids  # the page's ids, no article rows

    def test_a_card_shows_an_edit_at_once(self, client):
        category = make_category(name="Pháp luật")
        article = make_article(category=category, title="Tiêu đề cũ")
        make_article(category=category)
        assert "Tiêu đề cũ" in client.get("/phap-luat/", **SESSION).content.decode()
        article.title = "Tiêu đề mới"
        article.save()
        html = client.get("/phap-luat/", **SESSION).content.decode()
        assert "Tiêu đề mới" in html and "Tiêu đề cũ" not in html

    def test_byline_page_cards_name_the_category(self, client):
        pen = make_byline(name="Minh Châu")
        make_article(bylines=[pen], category=make_category(name="Giáo dục"))
        html = client.get("/tac-gia/minh-chau/").content.decode()
        assert "Giáo dục" in html and 'class="item"' in html


class TestCachedCommentBox:
    def test_a_warm_article_page_reads_no_comments_until_one_is_approved(self, client):
        article = make_article()
        make_comment(article, content="Ý kiến thứ nhất")
        client.get(article.get_absolute_url(), **SESSION)
        with CaptureQueriesContext(connection) as warm:
            html = client.get(article.get_absolute_url(), **SESSION).content.decode()
        assert "Ý kiến thứ nhất" in html
        assert not [q for q in warm.captured_queries if "articles_comment" in q["sql"]]
        make_comment(article, content="Ý kiến thứ hai")  # approved: bumps the article
        assert (
            "Ý kiến thứ hai" in client.get(article.get_absolute_url(), **SESSION).content.decode()
        )


class TestArticleRow:
    def test_article_page_takes_its_category_from_the_cached_map_and_sees_a_rename(self, client):
        top = make_category(name="Văn hóa")
        article = make_article(category=make_category(name="Di sản", parent=top))
        client.get(article.get_absolute_url(), **SESSION)
        with CaptureQueriesContext(connection) as warm:
            client.get(article.get_absolute_url(), **SESSION)
        assert len(warm) == 1 and "articles_category" not in warm[0]["sql"]
        top.name = "Văn hóa - Nghệ thuật"
        top.save()
        html = client.get(article.get_absolute_url(), **SESSION).content.decode()
        assert "Văn hóa - Nghệ thuật" in html.split("</nav>")[1]  # the breadcrumb

    def test_unknown_public_id_is_404(self, client):
        category = make_category(name="Thể thao")
        assert client.get(f"/{category.slug}/202611/khong-co-bai-nay-abcdef1/").status_code == 404
