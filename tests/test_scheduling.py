"""Safe scheduling: a past time is never published without the explicit choice; a
scheduled article is cancelled or moved by recorded moves; seconds are never a change."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles import roles, scheduling, workflow
from articles.models import Article, ArticleTransition
from tests.factories import make_desk_article, make_user
from tests.test_admin import article_form, change_url, move_url

pytestmark = pytest.mark.django_db
S = Article.Status


@pytest.fixture
def chief(client):
    user = make_user("tongbientap", group=roles.CHIEF)
    client.force_login(user)
    return user


def schedule_url(article) -> str:
    return f"/admin/articles/article/{article.pk}/schedule/"


def local(moment) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%dT%H:%M}"


def scheduled_article(hours=5):
    return make_desk_article(S.PUBLISHED, published_at=timezone.now() + timedelta(hours=hours))


class TestPublishingWithATime:
    def test_a_past_time_is_not_published_without_the_explicit_choice(self, client, chief):
        article = make_desk_article(S.PENDING_APPROVAL)
        past = local(timezone.now() - timedelta(hours=2))
        response = client.post(
            move_url(article), {"to_status": S.PUBLISHED, "published_at": past}, follow=True
        )
        assert "đã qua" in response.content.decode()
        assert "Xuất bản ngay" in response.content.decode()
        article.refresh_from_db()
        assert article.status == S.PENDING_APPROVAL

        client.post(move_url(article), {"to_status": "publish_now", "published_at": past})
        article.refresh_from_db()
        assert article.is_public
        assert timezone.now() - article.published_at < timedelta(minutes=1)

    def test_a_future_time_schedules(self, client, chief):
        article = make_desk_article(S.PENDING_APPROVAL)
        later = timezone.now() + timedelta(days=1)
        client.post(move_url(article), {"to_status": S.PUBLISHED, "published_at": local(later)})
        article.refresh_from_db()
        assert article.is_scheduled

    def test_the_fields_say_gmt7(self, client, chief):
        article = make_desk_article(S.PENDING_APPROVAL)
        page = client.get(change_url(article)).content.decode()
        assert "Giờ xuất bản (GMT+7)" in page
        assert "thời gian xuất bản (GMT+7)" in page


class TestScheduledArticle:
    def test_cancel_returns_it_to_pending_and_is_recorded(self, client, chief):
        article = scheduled_article()
        page = client.get(change_url(article)).content.decode()
        assert "Hủy hẹn giờ" in page and "Đổi giờ" in page
        client.post(schedule_url(article), {"action": "cancel", "version": article.version})
        article.refresh_from_db()
        assert article.status == S.PENDING_APPROVAL and not article.is_public
        move = ArticleTransition.objects.get(article=article)
        assert (move.from_status, move.to_status, move.user) == (
            S.PUBLISHED,
            S.PENDING_APPROVAL,
            chief,
        )
        assert move.note.startswith("Hủy hẹn giờ")

    def test_move_to_another_future_time_is_recorded(self, client, chief):
        article = scheduled_article()
        later = timezone.now() + timedelta(days=2)
        client.post(
            schedule_url(article),
            {"action": "move", "published_at": local(later), "version": article.version},
        )
        article.refresh_from_db()
        assert article.is_scheduled
        assert local(article.published_at) == local(later)
        move = ArticleTransition.objects.get(article=article)
        assert move.note.startswith("Đổi giờ hẹn:")

    def test_move_to_the_past_is_refused_unless_publishing_now(self, client, chief):
        article = scheduled_article()
        past = local(timezone.now() - timedelta(hours=1))
        response = client.post(
            schedule_url(article), {"action": "move", "published_at": past}, follow=True
        )
        assert "đã qua" in response.content.decode()
        article.refresh_from_db()
        assert article.is_scheduled
        client.post(schedule_url(article), {"action": "now"})
        article.refresh_from_db()
        assert article.is_public

    def test_only_a_publisher_may_move_the_schedule(self):
        article = scheduled_article()
        secretary = make_user(group=roles.SECRETARY)
        with pytest.raises(workflow.MoveRefused):
            scheduling.cancel(article, secretary)
        article.refresh_from_db()
        assert article.is_scheduled

    def test_the_form_field_is_read_only_while_scheduled(self, client, chief):
        article = scheduled_article()
        form = client.get(change_url(article)).context["adminform"].form
        assert "published_at" not in form.fields


class TestSeconds:
    def test_saving_keeps_the_seconds_and_logs_no_change_of_time(self, client, chief):
        when = timezone.now() - timedelta(days=1)
        when = when.replace(second=42, microsecond=0)
        article = make_desk_article(S.PENDING_APPROVAL, published_at=when)
        local_time = timezone.localtime(when)
        data = article_form(
            article,
            opened_version=article.version,
            published_at_0=f"{local_time:%d/%m/%Y}",
            published_at_1=f"{local_time:%H:%M}",
        )
        assert client.post(change_url(article), data).status_code == 302
        article.refresh_from_db()
        assert article.published_at == when
        from django.contrib.admin.models import LogEntry

        entry = LogEntry.objects.filter(object_id=str(article.pk)).latest("pk")
        assert "published_at" not in entry.change_message
        assert "thời gian xuất bản" not in entry.get_change_message().lower()
