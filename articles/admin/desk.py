"""The desk (bàn làm việc): what is waiting for whom, on the admin index.

Each queue is defined once here. The index shows the queues of the signed-in user with
counts and the first few articles; the article list offers the same queues as a filter
(`?hang_viec=<key>`), which is where the desk's links lead. Queues are always cut from
workflow.visible_articles(), so a queue never shows what its reader may not open.

Registered as the template library "newsroom_desk" (TEMPLATES OPTIONS in settings)."""

from collections.abc import Callable
from dataclasses import dataclass

from django import template
from django.db.models import OuterRef, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone

from articles import roles, workflow
from articles.models import Article, ArticleTransition
from articles.vietnamese import date_line

Status = Article.Status
QUEUE_PARAM = "hang_viec"
ITEMS_SHOWN = 5

register = template.Library()
register.filter("date_line", date_line)


def _latest_move(to_status: str, column: str) -> Subquery:
    return Subquery(
        ArticleTransition.objects.filter(article=OuterRef("pk"), to_status=to_status)
        .order_by("-at", "-pk")
        .values(column)[:1]
    )


def _claims(user) -> bool:
    return workflow.is_secretary(user) or workflow.is_editor(user)


def _writes(user) -> bool:
    return roles.in_group(user, *workflow.WRITERS)


def _reports(user) -> bool:
    return roles.in_group(user, roles.REPORTER)


def _oversees(user) -> bool:
    return workflow.is_secretary(user) or workflow.is_chief(user) or workflow.may_publish(user)


@dataclass(frozen=True)
class Queue:
    key: str
    title: str
    help: str
    shown_to: Callable
    articles: Callable  # (user, visible queryset) -> queryset
    detail: str = ""  # "reason" | "time" | "category"
    # Shown even when empty to these users; to the others only when it holds something
    # (a chief's own drafts matter only when there are some).
    always_for: Callable | None = None


QUEUES = [
    Queue(
        "cho-bien-tap", "Chờ biên tập", "Bài phóng viên đã gửi, chờ nhận biên tập.",
        _claims, lambda user, qs: qs.filter(status=Status.SUBMITTED).order_by("updated_at"),
        "category",
    ),
    Queue(
        "dang-bien-tap", "Đang biên tập (tôi nhận)", "Bài bạn đã nhận và đang biên tập.",
        _claims,
        lambda user, qs: qs.filter(status=Status.EDITING)
        .annotate(claimed_by=_latest_move(Status.EDITING, "user"))
        .filter(claimed_by=user.pk)
        .order_by("updated_at"),
        "category",
    ),
    Queue(
        "tra-lai", "Bị trả lại (bài của tôi)", "Bài của bạn được trả lại, kèm lý do.",
        _writes,
        lambda user, qs: qs.filter(status=Status.RETURNED, created_by=user)
        .annotate(reason=_latest_move(Status.RETURNED, "note"))
        .order_by("-updated_at"),
        "reason", _reports,
    ),
    Queue(
        "nhap", "Nháp của tôi", "Bài bạn đang viết, chưa gửi.",
        _writes,
        lambda user, qs: qs.filter(status=Status.DRAFT, created_by=user).order_by("-updated_at"),
        "", _reports,
    ),
    Queue(
        "cho-duyet", "Chờ duyệt", "Bài đã biên tập, chờ lãnh đạo duyệt và xuất bản.",
        _oversees,
        lambda user, qs: qs.filter(status=Status.PENDING_APPROVAL).order_by("updated_at"),
        "time",
    ),
    Queue(
        "hen-gio", "Hẹn giờ", "Bài đã duyệt, tự lên trang vào giờ hẹn.",
        _oversees,
        lambda user, qs: qs.filter(
            status=Status.PUBLISHED, published_at__gt=timezone.now()
        ).order_by("published_at"),
        "time",
    ),
    Queue(
        "de-xuat-sua", "Đề xuất sửa bài đang đăng",
        "Sửa đổi của biên tập viên trên bài đang đăng, chờ duyệt (articles/live_edits.py).",
        workflow.may_publish,
        lambda user, qs: qs.filter(live_edit_proposals__state="pending")
        .distinct()
        .order_by("-updated_at"),
        "time", lambda user: False,
    ),
]  # fmt: skip
QUEUES_BY_KEY = {queue.key: queue for queue in QUEUES}


def queues_for(user) -> list[Queue]:
    if not workflow.is_staff(user):
        return []
    return [queue for queue in QUEUES if queue.shown_to(user)]


def queue_articles(queue: Queue, user, queryset: QuerySet | None = None) -> QuerySet:
    visible = workflow.visible_articles(user, queryset)
    return queue.articles(user, visible)


def changelist_url(query: str = "") -> str:
    return reverse("admin:articles_article_changelist") + (f"?{query}" if query else "")


# Boxes other rooms add to the desk (the comment queue's count): name -> box(user), where a
# box is a dict for the template or None when the user has no such box.
EXTRA_BOXES: dict[str, Callable] = {}


def register_box(name: str, box: Callable) -> None:
    EXTRA_BOXES[name] = box


def desk_context(user) -> dict:
    boxes = []
    for queue in queues_for(user):
        articles = queue_articles(queue, user).select_related("category")
        count = articles.count()
        if not count and queue.always_for and not queue.always_for(user):
            continue
        boxes.append(
            {
                "queue": queue,
                "count": count,
                "items": list(articles[:ITEMS_SHOWN]),
                "url": changelist_url(f"{QUEUE_PARAM}={queue.key}"),
            }
        )
    extra = {name: box(user) for name, box in EXTRA_BOXES.items()}
    return {"boxes": boxes, **extra, "now": timezone.now()}


@register.inclusion_tag("admin/newsroom/desk.html", takes_context=True)
def newsroom_desk(context):
    return desk_context(context["request"].user)
