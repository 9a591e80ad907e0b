"""Full revisions: every save keeps every editable field; any two compare side by side with
the changed words marked; a restore brings back body, bylines and topics as a new revision."""

import pytest
from reversion.models import Version

from articles import revisions, roles
from articles.models import Article, ArticleByline
from tests.factories import (
    make_byline,
    make_category,
    make_desk_article,
    make_topic,
    make_user,
)
from tests.test_admin import article_form, change_url

pytestmark = pytest.mark.django_db
S = Article.Status


@pytest.fixture
def chief(client):
    user = make_user("tongbientap", group=roles.CHIEF, first_name="Tổng", last_name="Biên")
    client.force_login(user)
    return user


def history_url(article) -> str:
    return f"/admin/articles/article/{article.pk}/phien-ban/"


def save(client, article, **changes):
    fresh = Article.objects.get(pk=article.pk)
    data = article_form(fresh, opened_version=fresh.version, **changes)
    response = client.post(change_url(article), data)
    assert response.status_code == 302, response.content.decode()[:2000]


class TestEverySaveKeepsARevision:
    def test_body_bylines_topics_category_and_source_are_kept(self, client, chief):
        article = make_desk_article(S.PENDING_APPROVAL, category=make_category())
        topic = make_topic(name="Chuyển đổi số")
        byline = make_byline(name="MINH AN")
        save(client, article, body="<p>Thân bài mới.</p>", topics=[topic.pk], source="TTXVN",
             **{"byline_links-TOTAL_FORMS": "1", "byline_links-0-byline": byline.pk,
                "byline_links-0-role": "tin_anh", "byline_links-0-position": "0"})  # fmt: skip
        latest = revisions.version_snapshot(revisions.versions_of(article).first())
        assert latest["body"] == "<p>Thân bài mới.</p>"
        assert latest["topics"] == [topic.pk]
        assert latest["bylines"] == [(byline.pk, "tin_anh")]
        assert latest["source"] == "TTXVN"
        assert latest["category"] == article.category_id

    def test_the_history_lists_who_and_when_in_gmt7(self, client, chief):
        article = make_desk_article(S.PENDING_APPROVAL, title="Tít đầu")
        save(client, article, title="Tít sau")
        page = client.get(history_url(article)).content.decode()
        assert "Tổng Biên" in page and "Lúc (GMT+7)" in page
        version = revisions.versions_of(article).first()
        from django.utils import timezone

        assert f"{timezone.localtime(version.revision.date_created):%H:%M:%S %d/%m/%Y}" in page

    def test_a_save_that_changes_nothing_adds_no_revision(self, client, chief):
        article = make_desk_article(S.PENDING_APPROVAL)
        save(client, article, title="Tít mới")
        count = Version.objects.get_for_object(article).count()
        save(client, article)
        assert Version.objects.get_for_object(article).count() == count


class TestCompare:
    def test_two_revisions_side_by_side_with_the_changed_words_marked(self, client, chief):
        article = make_desk_article(
            S.PENDING_APPROVAL, body="<p>Dự kiến công trình khởi công vào tháng Năm.</p>"
        )
        save(client, article, body="<p>Dự kiến công trình hoàn thành vào tháng Năm.</p>")
        newer, older = list(revisions.versions_of(article))[:2]
        page = client.get(history_url(article), {"a": older.pk, "b": newer.pk})
        html = page.content.decode()
        assert "<del>khởi công </del>" in html
        assert "<ins>hoàn thành </ins>" in html
        assert "Dự kiến công trình" in html

    def test_word_diff_keeps_unchanged_words(self):
        pieces = revisions.word_diff("Hà Nội mùa thu", "Hà Nội mùa đông")
        assert [(p.op, p.text) for p in pieces] == [
            ("same", "Hà Nội mùa "),
            ("del", "thu"),
            ("ins", "đông"),
        ]

    def test_the_history_page_has_a_bounded_query_count(
        self, client, chief, django_assert_max_num_queries
    ):
        article = make_desk_article(S.PENDING_APPROVAL)
        for n in range(5):
            save(client, article, title=f"Tít số {n}")
        with django_assert_max_num_queries(20):
            client.get(history_url(article))


class TestRestore:
    def test_a_restore_brings_back_body_bylines_and_topics_as_a_new_revision(self, client, chief):
        old_topic, new_topic = make_topic(name="Nông thôn mới"), make_topic(name="Giao thông")
        first, second = make_byline(name="HẢI LĂNG"), make_byline(name="XUÂN THÀNH")
        article = make_desk_article(
            S.PENDING_APPROVAL, body="<p>Bản gốc.</p>", topics=[old_topic],
            bylines=[(first, "anh")],
        )  # fmt: skip
        save(client, article, body="<p>Bản gốc.</p>")  # keeps the original as a revision
        original = revisions.versions_of(article).last()
        link = article.byline_links.get()
        save(client, article, body="<p>Bản bị sửa hỏng.</p>", topics=[new_topic.pk],
             **{"byline_links-0-byline": second.pk, "byline_links-0-id": link.pk,
                "byline_links-0-role": "tin"})  # fmt: skip
        count = Version.objects.get_for_object(article).count()

        url = f"/admin/articles/article/{article.pk}/phien-ban/{original.pk}/khoi-phuc/"
        assert client.post(url).status_code == 302

        article.refresh_from_db()
        assert article.body == "<p>Bản gốc.</p>"
        assert list(article.topics.all()) == [old_topic]
        assert [
            (link.byline, link.role) for link in ArticleByline.objects.filter(article=article)
        ] == [(first, "anh")]
        assert article.status == S.PENDING_APPROVAL
        assert Version.objects.get_for_object(article).count() == count + 1  # nothing dropped
        assert revisions.versions_of(article).first().revision.comment.startswith("Khôi phục")

    def test_a_reporter_may_not_restore(self, client):
        reporter = make_user("phongvien", group=roles.REPORTER)
        article = make_desk_article(S.DRAFT, created_by=reporter)
        client.force_login(reporter)
        save(client, article, title="Tít hai")
        oldest = revisions.versions_of(article).last()
        url = f"/admin/articles/article/{article.pk}/phien-ban/{oldest.pk}/khoi-phuc/"
        assert client.post(url).status_code == 403
        assert "Khôi phục</button>" not in client.get(history_url(article)).content.decode()


def test_old_revisions_are_migrated_with_their_words(transactional_db):
    """The data migration turns the old title/sapo/body rows into reversion revisions."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    article = make_desk_article(S.DRAFT, title="Tít nay")
    executor = MigrationExecutor(connection)
    before = [("articles", "0003_article_section")]
    executor.migrate(before)
    apps = executor.loader.project_state(before).apps
    ArticleRevision = apps.get_model("articles", "ArticleRevision")
    ArticleRevision.objects.create(
        article_id=article.pk, title="Tít xưa", sapo="Sapo xưa", body="<p>Xưa</p>"
    )
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    migrated = revisions.versions_of(Article.objects.get(pk=article.pk)).get()
    assert migrated.field_dict["title"] == "Tít xưa"
    assert migrated.field_dict["body"] == "<p>Xưa</p>"
