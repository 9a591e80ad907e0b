"""Invalidation happens once, after commit: each domain action bumps exactly the generations
it should, and a reader never stores old rows under a new key."""

import threading
from unittest import mock

import pytest
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.test import Client

from articles import workflow
from articles.models import Article, Image
from comments import actions
from comments.models import Comment
from pagecache import generations
from pagecache.generations import CONTENT, SITE, article_scope
from tests.factories import (
    jpeg_bytes,
    make_article,
    make_byline,
    make_category,
    make_comment,
    make_image,
    make_topic,
    make_user,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def bumps():
    """Every call of generations.bump() made during the test, as sets of scopes."""
    calls = []
    real = generations.bump

    def record(*scopes):
        calls.append(set(scopes))
        real(*scopes)

    with mock.patch.object(generations, "bump", record):
        yield calls


def scope_of(article) -> str:
    return article_scope(article.public_id)


class TestAfterCommit:
    def test_a_save_inside_a_transaction_bumps_only_when_it_commits(self, bumps):
        article = make_article(title="Bản cũ")
        bumps.clear()
        with transaction.atomic():
            Article.objects.get(pk=article.pk).save()
            article.title = "Bản mới"
            article.save()
            assert bumps == []  # a reader now would find the old key and the old rows
        assert bumps == [{CONTENT, scope_of(article)}]

    def test_a_rolled_back_change_bumps_nothing(self, bumps):
        article = make_article()
        bumps.clear()
        with pytest.raises(RuntimeError), transaction.atomic():
            article.title = "Không bao giờ lưu"
            article.save()
            raise RuntimeError
        assert bumps == []

    @pytest.mark.django_db(transaction=True)
    @pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs a second connection that reads while the first holds an open write "
        "transaction; SQLite's shared in-memory test database locks the table instead of "
        "showing the committed rows (CI runs this on PostgreSQL)",
    )
    def test_a_reader_during_the_save_then_the_commit_then_the_new_title(self):
        article = make_article(title="Tiêu đề trước khi sửa")
        url = article.get_absolute_url()
        reader = Client()
        assert "Tiêu đề trước khi sửa" in reader.get(url).content.decode()
        saved, read = threading.Event(), threading.Event()
        seen = {}

        def editor():
            try:
                with transaction.atomic():
                    row = Article.objects.get(pk=article.pk)
                    row.title = "Tiêu đề sau khi sửa"
                    row.save()
                    saved.set()
                    read.wait(10)  # the reader's request runs while this is uncommitted
            finally:
                connection.close()

        def read_during():
            saved.wait(10)
            try:
                generations.forget_local()
                seen["during"] = Client().get(url).content.decode()
            finally:
                read.set()
                connection.close()

        threads = [threading.Thread(target=editor), threading.Thread(target=read_during)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(20)
        assert "Tiêu đề trước khi sửa" in seen["during"]
        generations.forget_local()
        after = reader.get(url).content.decode()
        assert "Tiêu đề sau khi sửa" in after
        assert "Tiêu đề trước khi sửa" not in after


class TestEachActionBumpsOnce:
    def test_publish_and_unpublish(self, bumps):
        chief = make_user(group="Tổng biên tập")
        article = make_article(status=Article.Status.PENDING_APPROVAL)
        bumps.clear()
        workflow.transition(article, Article.Status.PUBLISHED, chief)
        assert bumps == [{CONTENT, scope_of(article)}]
        bumps.clear()
        workflow.transition(article, Article.Status.UNPUBLISHED, chief, "Sai số liệu")
        assert bumps == [{CONTENT, scope_of(article)}]

    def test_desk_moves_of_a_draft_bump_nothing(self, bumps):
        reporter = make_user(group="Phóng viên")
        article = make_article(status=Article.Status.DRAFT, created_by=reporter)
        bumps.clear()
        workflow.transition(article, Article.Status.SUBMITTED, reporter)
        assert bumps == []

    def test_approving_a_comment_bumps_its_article_once(self, bumps):
        article = make_article()
        comment = make_comment(article, status=Comment.Status.PENDING)
        bumps.clear()
        actions.approve(comment, None)
        assert bumps == [{scope_of(article)}]

    def test_rejecting_a_pending_comment_bumps_its_article_once(self, bumps):
        article = make_article()
        comment = make_comment(article, status=Comment.Status.PENDING)
        bumps.clear()
        actions.reject(comment, None)
        assert bumps == [{scope_of(article)}]

    def test_a_reply_bumps_once(self, bumps):
        article = make_article()
        comment = make_comment(article, status=Comment.Status.APPROVED)
        bumps.clear()
        actions.reply(comment, make_user(group="Tổng biên tập"), "Cảm ơn bạn đọc.")
        assert bumps == [{scope_of(article)}]

    def test_a_bulk_decision_bumps_every_article_in_one_call(self, bumps):
        first, second = make_article(), make_article()
        make_comment(first, status=Comment.Status.PENDING)
        make_comment(second, status=Comment.Status.PENDING)
        bumps.clear()
        actions.approve_many(Comment.objects.all(), None)
        assert bumps == [{scope_of(first), scope_of(second)}]

    def test_topic_added_from_either_side(self, bumps):
        article, topic = make_article(), make_topic()
        bumps.clear()
        topic.articles.add(article)
        assert bumps == [{CONTENT, scope_of(article)}]
        bumps.clear()
        article.topics.remove(topic)
        assert bumps == [{CONTENT, scope_of(article)}]
        article.topics.add(topic)
        bumps.clear()
        topic.articles.clear()
        assert bumps == [{CONTENT, scope_of(article)}]

    def test_topic_added_to_a_draft_bumps_nothing(self, bumps):
        draft, topic = make_article(status=Article.Status.DRAFT), make_topic()
        bumps.clear()
        topic.articles.add(draft)
        assert bumps == []

    def test_byline_linked_from_the_byline_side(self, bumps):
        article, byline = make_article(), make_byline()
        bumps.clear()
        byline.articles.add(article, through_defaults={"position": 3})
        assert bumps == [{CONTENT, scope_of(article)}]

    def test_moving_a_category_bumps_once(self, bumps):
        top, other = make_category(), make_category()
        child = make_category(parent=top)
        bumps.clear()
        child.parent = other
        child.save()
        assert bumps == [{SITE, CONTENT}]


class TestImages:
    def test_editing_alt_bumps_once(self, bumps):
        image = make_image()
        bumps.clear()
        image = Image.objects.get(pk=image.pk)
        image.alt = "Mô tả mới"
        image.save()
        assert bumps == [{SITE, CONTENT}]

    def test_replacing_the_file_remakes_renditions_and_redraws_bodies(self, bumps):
        image = make_image()
        article = make_article(body=f'<figure><img data-file="{image.pk}" alt="x"></figure>')
        old_files = set(image.renditions.values_list("file", flat=True))
        assert any(name.rsplit("/", 1)[-1] in article.body_html for name in old_files)
        bumps.clear()
        image = Image.objects.get(pk=image.pk)
        image.file.save("thay-the.jpg", ContentFile(jpeg_bytes(900, 600)), save=False)
        image.save()
        new_files = set(image.renditions.values_list("file", flat=True))
        assert new_files and not (new_files & old_files)
        body_html = Article.objects.get(pk=article.pk).body_html
        assert not any(name.rsplit("/", 1)[-1] in body_html for name in old_files)
        assert any(name.rsplit("/", 1)[-1] in body_html for name in new_files)
        assert bumps == [{SITE, CONTENT}]

    def test_deleting_an_image_clears_the_cover_and_refreshes_pages(self, bumps, client):
        image = make_image(alt="Ảnh bìa sắp xóa")
        article = make_article(cover=image)
        assert "Ảnh bìa sắp xóa" in client.get(article.get_absolute_url()).content.decode()
        bumps.clear()
        image.delete()
        assert bumps == [{SITE, CONTENT}]
        generations.forget_local()
        assert "Ảnh bìa sắp xóa" not in client.get(article.get_absolute_url()).content.decode()
        assert Article.objects.get(pk=article.pk).cover_id is None
