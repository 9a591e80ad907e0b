"""A scheduled article (published, its time still to come) can be cancelled or moved.

Both are workflow moves in their own right, made by whoever may publish, and recorded in
the article's history like any other move. Neither ever publishes by accident: a new time
in the past is refused unless the caller asks to publish now."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from articles import workflow
from articles.models import Article, ArticleTransition
from articles.vietnamese import short_datetime

Status = Article.Status


class NotScheduled(workflow.MoveRefused):
    """The article is not (or no longer) waiting for its publish time."""


def _locked(article, user, expected_version):
    locked = Article.objects.select_for_update().get(pk=article.pk)
    if expected_version is not None and locked.version != expected_version:
        raise workflow.StalePage(
            "Bài đã được lưu hoặc chuyển trạng thái sau khi bạn mở trang; hãy xem lại."
        )
    if not (workflow.may_publish(user) and workflow.can_view(user, locked)):
        raise workflow.MoveRefused("Bạn không có quyền đổi giờ xuất bản của bài này.")
    if not locked.is_scheduled:
        raise NotScheduled("Bài không còn ở trạng thái hẹn giờ.")
    return locked


def _copy_back(article, locked) -> None:
    for name in ("status", "published_at", "updated_at", "version"):
        setattr(article, name, getattr(locked, name))


def cancel(article, user, *, expected_version: int | None = None) -> ArticleTransition:
    """Hủy hẹn giờ: back to Chờ duyệt; the time stays as a proposal for the next approval."""
    with transaction.atomic():
        locked = _locked(article, user, expected_version)
        was = locked.published_at
        locked.status = Status.PENDING_APPROVAL
        locked.save()
        move = ArticleTransition.objects.create(
            article=locked,
            from_status=Status.PUBLISHED,
            to_status=Status.PENDING_APPROVAL,
            user=user,
            note=f"Hủy hẹn giờ (đã hẹn {short_datetime(was)}).",
        )
    _copy_back(article, locked)
    return move


def reschedule(
    article,
    user,
    when: datetime | None,
    *,
    publish_now: bool = False,
    expected_version: int | None = None,
) -> ArticleTransition:
    """Đổi giờ: a new future time, or (explicitly) now."""
    now = timezone.now()
    if not publish_now:
        if when is None:
            raise workflow.PublishTimePassed("Hãy chọn giờ mới.", code="publish_time_missing")
        if when <= now:
            raise workflow.PublishTimePassed(
                "Giờ xuất bản đã qua.", code="publish_time_passed", params={"at": when}
            )
    with transaction.atomic():
        locked = _locked(article, user, expected_version)
        was = locked.published_at
        locked.published_at = now if publish_now else when
        locked.save()
        label = "xuất bản ngay" if publish_now else short_datetime(locked.published_at)
        move = ArticleTransition.objects.create(
            article=locked,
            from_status=Status.PUBLISHED,
            to_status=Status.PUBLISHED,
            user=user,
            note=f"Đổi giờ hẹn: {short_datetime(was)} → {label}.",
        )
    _copy_back(article, locked)
    return move
