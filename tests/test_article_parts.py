"""An article's own HTML is rendered when it is saved and stored with it (articles/parts.py):
the first reader of an archive article pays for one row, and no change can leave a stale
copy on the page."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection
from django.utils import timezone

from articles import parts, roles
from articles.models import Article, ArticleParts, SiteSettings
from comments import actions
from comments.models import Comment
from tests.conftest import reset_caches
from tests.factories import (
    make_article,
    make_byline,
    make_category,
    make_comment,
    make_image,
    make_topic,
    make_user,
)

pytestmark = pytest.mark.django_db


def cold_page(client, article):
    """The article's page with every cache empty and the page cache bypassed (a reader with
    a session), as an archive crawl meets it."""
    reset_caches()
    client.cookies["sessionid"] = "reader"
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def stored_copy(article) -> ArticleParts:
    return ArticleParts.objects.get(article=article)


class TestRenderedAtSave:
    def test_a_published_article_is_stored_rendered_when_saved(self):
        article = make_article(title="Cầu Trần Phú thông xe")
        copy = stored_copy(article)
        assert parts.is_current(copy.stamp)
        assert "Cầu Trần Phú thông xe" in copy.main
        assert "application/ld+json" in copy.head

    def test_a_draft_is_not_rendered_ahead(self):
        draft = make_article(status=Article.Status.DRAFT)
        assert not parts.is_current(stored_copy(draft).stamp)

    def test_a_cold_page_shows_the_stored_copy_without_rendering_it(
        self, client, django_assert_max_num_queries, monkeypatch
    ):
        article, other = make_article(title="Bài đã dựng sẵn"), make_article()
        monkeypatch.setattr(parts, "render", lambda article: pytest.fail("rendered again"))
        reset_caches()
        client.cookies["sessionid"] = "reader"
        # The row with its copy (comments and Các tin khác included); site-wide widgets warm.
        client.get(other.get_absolute_url())
        with django_assert_max_num_queries(1):
            html = client.get(article.get_absolute_url()).content.decode()
        assert '<h1 class="article__title">Bài đã dựng sẵn</h1>' in html

    def test_an_edit_is_on_the_page_at_once(self, client):
        article = make_article(title="Tiêu đề cũ")
        cold_page(client, article)
        article.title = "Tiêu đề mới"
        article.save()
        html = cold_page(client, article)
        assert "Tiêu đề mới" in html and "Tiêu đề cũ" not in html


class TestRelationsMakeCopiesStale:
    def test_a_renamed_pen_name(self, client):
        byline = make_byline(name="Minh Châu")
        article = make_article(bylines=[byline])
        assert "MINH CHÂU" in cold_page(client, article)
        byline.name = "Minh Khôi"
        byline.save()
        html = cold_page(client, article)
        assert "MINH KHÔI" in html and "MINH CHÂU" not in html

    def test_a_topic_added_renamed_and_deleted(self, client):
        article = make_article()
        topic = make_topic(name="Biển đảo")
        article.topics.add(topic)
        assert "Biển đảo" in cold_page(client, article)
        topic.name = "Biển và đảo"
        topic.save()
        assert "Biển và đảo" in cold_page(client, article)
        topic.delete()
        assert "Biển và đảo" not in cold_page(client, article)

    def test_a_topic_added_from_its_own_side(self, client):
        article = make_article()
        topic = make_topic(name="Nông thôn mới")
        topic.articles.add(article)
        assert "Nông thôn mới" in cold_page(client, article)
        topic.articles.clear()
        assert "Nông thôn mới" not in cold_page(client, article)

    def test_a_renamed_category_and_its_parent(self, client):
        parent = make_category(name="Xã hội")
        child = make_category(name="Giáo dục", parent=parent)
        article = make_article(category=child)
        cold_page(client, article)
        parent.name = "Đời sống"
        parent.save()
        child.name = "Học đường"
        child.save()
        head = stored_copy(article).head
        assert "Đời sống" in head and "Học đường" in head

    def test_a_cover_caption_edited_and_the_photo_deleted(self, client):
        photo = make_image(caption="Bến cảng lúc bình minh")
        article = make_article(cover=photo)
        assert "Bến cảng lúc bình minh" in cold_page(client, article)
        photo.caption = "Bến cảng lúc hoàng hôn"
        photo.save()
        assert "Bến cảng lúc hoàng hôn" in cold_page(client, article)
        photo.delete()
        assert "Bến cảng lúc hoàng hôn" not in cold_page(client, article)

    def test_the_publisher_in_the_site_settings(self, client):
        article = make_article()
        cold_page(client, article)
        SiteSettings.objects.update_or_create(pk=1, defaults={"masthead_name": "Báo Thử Nghiệm"})
        reset_caches()
        assert parts.stored(Article.objects.get(pk=article.pk)) is None
        assert '"name":"Báo Thử Nghiệm"' in cold_page(client, article)


class TestComments:
    def test_an_approved_comment_is_in_the_stored_list(self, client):
        article = make_article()
        comment = make_comment(article, content="Cầu đẹp quá", status=Comment.Status.PENDING)
        assert "Cầu đẹp quá" not in cold_page(client, article)
        actions.approve(comment, make_user(group=roles.MODERATOR))
        assert "Cầu đẹp quá" in stored_copy(article).comments
        assert "Cầu đẹp quá" in cold_page(client, article)

    def test_a_comment_taken_down_leaves_the_list(self, client):
        article = make_article()
        comment = make_comment(article, content="Ý kiến bị gỡ")
        assert "Ý kiến bị gỡ" in cold_page(client, article)
        actions.reject(comment, make_user(group=roles.MODERATOR))
        assert "Ý kiến bị gỡ" not in cold_page(client, article)

    def test_a_reply_of_the_newsroom_is_shown_under_its_comment(self, client):
        article = make_article()
        comment = make_comment(article, content="Khi nào thông xe?")
        actions.reply(comment, make_user(group=roles.MODERATOR), "Dự kiến cuối tháng.")
        html = cold_page(client, article)
        assert "Tòa soạn trả lời" in html and "Dự kiến cuối tháng." in html

    def test_a_comment_held_for_moderation_renders_nothing(self, monkeypatch):
        article = make_article()
        monkeypatch.setattr(parts, "render_many", lambda articles: pytest.fail("rendered"))
        make_comment(article, status=Comment.Status.PENDING)


class TestOtherArticles:
    """Các tin khác is stored with each article (reader/neighbours.py): the older articles
    of its category, which a change to one of them updates in the lists after it."""

    @pytest.fixture
    def desk(self):
        section = make_category(name="Thời sự")
        now = timezone.now()
        older = [
            make_article(
                title=f"Tin cũ số {n}", category=section, published_at=now - timedelta(hours=10 - n)
            )  # fmt: skip
            for n in range(3)
        ]
        return section, older, make_article(title="Tin mới nhất", category=section)

    def test_the_list_comes_with_the_row_on_a_cold_page(
        self, client, desk, django_assert_max_num_queries
    ):
        _section, older, newest = desk
        assert all(a.title in stored_copy(newest).others for a in older)
        reset_caches()
        client.cookies["sessionid"] = "reader"
        client.get(make_article().get_absolute_url())  # site-wide widgets warm
        with django_assert_max_num_queries(1):
            html = client.get(newest.get_absolute_url()).content.decode()
        section_html = html.split('id="w-other"', 1)[1].split("</section>", 1)[0]
        titles = [a.title for a in reversed(older)]  # newest first
        assert [t for t in titles if t in section_html] == titles
        assert section_html.index(titles[0]) < section_html.index(titles[-1])

    def test_publishing_a_newer_article_leaves_older_lists_alone(self, desk):
        section, _older, newest = desk
        before = stored_copy(newest).stamp
        make_article(title="Tin vừa đăng", category=section, published_at=timezone.now())
        assert stored_copy(newest).stamp == before

    def test_a_retitled_older_article_is_renamed_in_the_lists_after_it(self, client, desk):
        _section, older, newest = desk
        older[0].title = "Tin cũ đã sửa tên"
        older[0].save()
        assert "Tin cũ đã sửa tên" in stored_copy(newest).others
        assert "Tin cũ đã sửa tên" in cold_page(client, newest)

    def test_a_withdrawn_older_article_leaves_the_lists(self, client, desk):
        _section, older, newest = desk
        older[1].status = Article.Status.DRAFT
        older[1].save()
        assert "Tin cũ số 1" not in stored_copy(newest).others
        assert "Tin cũ số 1" not in cold_page(client, newest)

    def test_a_deleted_older_article_leaves_the_lists(self, desk):
        _section, older, newest = desk
        older[2].delete()
        assert "Tin cũ số 2" not in stored_copy(newest).others
        assert "Tin cũ số 0" in stored_copy(newest).others

    def test_an_older_article_moved_to_another_category(self, desk):
        _section, older, newest = desk
        other_section = make_category(name="Kinh tế")
        later_there = make_article(title="Tin kinh tế", category=other_section)
        older[0].category = other_section
        older[0].save()
        assert "Tin cũ số 0" not in stored_copy(newest).others
        assert "Tin cũ số 0" in stored_copy(later_there).others

    def test_an_older_article_retitled_in_bulk(self, desk):
        _section, older, newest = desk
        Article.objects.filter(pk=older[0].pk).update(title="Tin cũ sửa hàng loạt")
        assert "Tin cũ sửa hàng loạt" in stored_copy(newest).others

    def test_a_scheduled_article_lists_what_will_be_older_when_it_appears(self, desk):
        section, older, newest = desk
        now = timezone.now()
        earlier = make_article(title="Tin hẹn giờ trước", category=section,
                               published_at=now + timedelta(hours=1))  # fmt: skip
        scheduled = make_article(category=section, published_at=now + timedelta(hours=2))
        assert "Tin hẹn giờ trước" in stored_copy(scheduled).others
        assert "Tin mới nhất" in stored_copy(scheduled).others
        # ... and not on the pages readers see now.
        assert "Tin hẹn giờ trước" not in stored_copy(newest).others
        earlier.status = Article.Status.DRAFT
        earlier.save()
        assert "Tin hẹn giờ trước" not in stored_copy(scheduled).others


class TestNoStaleWriteBack:
    def test_a_render_that_raced_with_a_change_is_not_kept(self):
        byline = make_byline(name="Thu Hà")
        article = make_article(bylines=[byline])
        started_from = stored_copy(article).stamp
        rendered = parts.render(Article.objects.get(pk=article.pk))  # reads "THU HÀ"
        byline.name = "Thu Hằng"
        byline.save()  # marks the copy stale and renders it again
        assert not parts.store(article.pk, rendered, started_from, parts.current_stamp())
        assert "THU HẰNG" in stored_copy(article).main

    def test_a_database_that_refuses_the_write_does_not_fail_the_page(self, client, monkeypatch):
        article = make_article(title="Bản sao cũ")
        ArticleParts.objects.filter(article=article).update(stamp="stale-test")

        def refuse(*args, **kwargs):
            raise DatabaseError("read-only replica")

        monkeypatch.setattr(parts, "_write", refuse)
        assert "Bản sao cũ" in cold_page(client, article)


class TestManyArticlesAtOnce:
    def test_past_the_limit_copies_wait_for_their_first_reader(self, client, monkeypatch):
        monkeypatch.setattr(parts, "RENDER_NOW_LIMIT", 2)
        byline = make_byline(name="Lan Anh")
        articles = [make_article(bylines=[byline]) for _ in range(3)]
        byline.name = "Lan Chi"
        byline.save()
        assert all(stored_copy(a).stamp.startswith("stale-") for a in articles)
        assert "LAN CHI" in cold_page(client, articles[0])
        # The first reader stored what it rendered: the next one reads it.
        assert parts.is_current(stored_copy(articles[0]).stamp)
        assert "LAN CHI" in stored_copy(articles[0]).main

    def test_render_parts_renders_what_is_stale(self):
        articles = [make_article() for _ in range(3)]
        draft = make_article(status=Article.Status.DRAFT)
        ArticleParts.objects.update(stamp="stale-deploy")
        out = StringIO()
        call_command("render_parts", stdout=out)
        assert "Đã dựng 3 bài" in out.getvalue()
        assert all(parts.is_current(stored_copy(a).stamp) for a in articles)
        assert stored_copy(draft).stamp == "stale-deploy"


def test_a_preview_is_rendered_for_the_editor_alone(admin_client):
    draft = make_article(status=Article.Status.DRAFT, title="Bản nháp riêng")
    response = admin_client.get(draft.get_absolute_url())
    assert "Bản nháp riêng" in response.content.decode()
    assert "Bản nháp riêng" not in stored_copy(draft).main


@pytest.mark.django_db(transaction=True)  # the foreign keys are checked at the commit
def test_deleting_an_article_takes_its_copy_along():
    article = make_article(bylines=[make_byline()], topics=[make_topic()])
    article.delete()
    assert not ArticleParts.objects.filter(article_id=article.pk).exists()


def test_the_migration_gives_every_existing_article_a_stale_row():
    from importlib import import_module

    from django.apps import apps

    migration = import_module("articles.migrations.0011_article_parts")
    article = make_article()
    ArticleParts.objects.all().delete()
    migration.rows_for_existing_articles(apps, None)
    assert not parts.is_current(stored_copy(article).stamp)


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's"
)
def test_the_article_row_is_read_by_a_statement_prepared_once_per_connection(
    client, django_assert_max_num_queries
):
    article = make_article()
    cold_page(client, article)
    with django_assert_max_num_queries(1):  # still one query, logged and counted
        assert client.get(article.get_absolute_url()).status_code == 200
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
            ['%FROM "articles_article"%"articles_articleparts"%'],
        )
        assert cursor.fetchone()[0] == 1
