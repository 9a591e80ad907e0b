"""The desk (bàn làm việc): my own work and what is waiting for whom, on the admin index.

"Bài của tôi" shows a writer's own articles in every state as tabs with counts (MY_TABS),
newest change first, each with who has it now and since when. Each queue is defined once
here. The index shows the queues of the signed-in user with
counts and the first few articles; the article list offers the same queues as a filter
(`?hang_viec=<key>`), which is where the desk's links lead. Queues are always cut from
workflow.visible_articles(), so a queue never shows what its reader may not open.

Registered as the template library "newsroom_desk" (TEMPLATES OPTIONS in settings)."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django import template
from django.contrib.auth import get_user_model
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone

from articles import notifications, roles, workflow
from articles.models import Article, ArticleTransition
from articles.notifications import display_name
from articles.vietnamese import date_line, short_datetime

Status = Article.Status
QUEUE_PARAM = "hang_viec"
TAB_PARAM = "viec"
ITEMS_SHOWN = 5
MINE_SHOWN = 10

register = template.Library()
register.filter("date_line", date_line)
register.filter("short_datetime", short_datetime)


def _latest_move(to_status: str | None, column: str) -> Subquery:
    moves = ArticleTransition.objects.filter(article=OuterRef("pk"))
    if to_status:
        moves = moves.filter(to_status=to_status)
    return Subquery(moves.order_by("-at", "-pk").values(column)[:1])


def with_last_move(queryset: QuerySet) -> QuerySet:
    """Who made the latest move of each article and when: one subquery each, in the list's
    own query. Articles that never moved count from their last change."""
    return queryset.annotate(moved_by=_latest_move(None, "user"), moved_at=_latest_move(None, "at"))


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
    # The writer's own articles: the desk shows them as "Bài của tôi" tabs instead of a
    # box; the queue stays as a filter of the article list.
    mine: bool = False


QUEUES = [
    Queue(
        "cho-bien-tap", "Chờ biên tập", "Bài phóng viên đã gửi, chờ nhận biên tập.",
        _claims, lambda user, qs: with_last_move(qs.filter(status=Status.SUBMITTED))
        .order_by("moved_at", "updated_at"),
        "category",
    ),
    Queue(
        "dang-bien-tap", "Đang biên tập (tôi nhận)", "Bài bạn đã nhận và đang biên tập.",
        _claims,
        lambda user, qs: with_last_move(qs.filter(status=Status.EDITING))
        .annotate(claimed_by=_latest_move(Status.EDITING, "user"))
        .filter(claimed_by=user.pk)
        .order_by("moved_at", "updated_at"),
        "category",
    ),
    Queue(
        "tra-lai", "Bị trả lại (bài của tôi)", "Bài của bạn được trả lại, kèm lý do.",
        _writes,
        lambda user, qs: qs.filter(status=Status.RETURNED, created_by=user)
        .annotate(reason=_latest_move(Status.RETURNED, "note"))
        .order_by("-updated_at"),
        "reason", _reports, mine=True,
    ),
    Queue(
        "nhap", "Nháp của tôi", "Bài bạn đang viết, chưa gửi.",
        _writes,
        lambda user, qs: qs.filter(status=Status.DRAFT, created_by=user).order_by("-updated_at"),
        "", _reports, mine=True,
    ),
    Queue(
        "cho-duyet", "Chờ duyệt", "Bài đã biên tập, chờ lãnh đạo duyệt và xuất bản.",
        _oversees,
        lambda user, qs: with_last_move(qs.filter(status=Status.PENDING_APPROVAL))
        .order_by("moved_at", "updated_at"),
        "time",
    ),
    Queue(
        "hen-gio", "Hẹn giờ", "Bài đã duyệt, tự lên trang vào giờ hẹn.",
        _oversees,
        lambda user, qs: with_last_move(
            qs.filter(status=Status.PUBLISHED, published_at__gt=timezone.now())
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


# -- my work: the writer's own articles in every state ----------------------------------------


@dataclass(frozen=True)
class Tab:
    key: str
    title: str
    filter: Q


def _scheduled() -> Q:
    return Q(status=Status.PUBLISHED, published_at__gt=timezone.now())


def _live() -> Q:
    return Q(status=Status.PUBLISHED, published_at__lte=timezone.now())


def my_tabs() -> list[Tab]:
    return [
        Tab("tat-ca", "Tất cả", Q()),
        Tab("nhap", "Nháp", Q(status=Status.DRAFT)),
        Tab("cho-bien-tap", "Chờ biên tập", Q(status=Status.SUBMITTED)),
        Tab("dang-bien-tap", "Đang biên tập", Q(status=Status.EDITING)),
        Tab("tra-lai", "Trả lại", Q(status=Status.RETURNED)),
        Tab("cho-duyet", "Chờ duyệt", Q(status=Status.PENDING_APPROVAL)),
        Tab("hen-gio", "Hẹn giờ", _scheduled()),
        Tab("da-dang", "Đã đăng", _live()),
        Tab("da-go", "Đã gỡ", Q(status=Status.UNPUBLISHED)),
    ]


# Who has an article now, by status, when it is not the person of its latest move.
HOLDERS = {
    Status.DRAFT: "Bạn (đang viết)",
    Status.RETURNED: "Bạn (sửa theo yêu cầu)",
    Status.SUBMITTED: "Ban biên tập (chưa ai nhận)",
    Status.PENDING_APPROVAL: "Lãnh đạo (chờ duyệt)",
}


def _people(rows, column: str = "moved_by") -> dict:
    ids = {getattr(row, column, None) for row in rows} - {None}
    return get_user_model().objects.in_bulk(ids) if ids else {}


def my_work(user, tab_key: str = "") -> dict | None:
    """The "Bài của tôi" panel: one count per tab in one query, and the chosen tab's newest
    changes with their category, who has each now and since when."""
    if not (workflow.is_staff(user) and roles.in_group(user, *workflow.WRITERS)):
        return None
    mine = workflow.visible_articles(user).filter(created_by=user)
    tabs = my_tabs()
    counts = mine.aggregate(**{tab.key: Count("pk", filter=tab.filter) for tab in tabs})
    chosen = next((tab for tab in tabs if tab.key == tab_key), tabs[0])
    rows = list(
        with_last_move(mine.filter(chosen.filter))
        .annotate(reason=_latest_move(Status.RETURNED, "note"))
        .select_related("category")
        .defer(*Article.LARGE_FIELDS)
        .order_by("-updated_at", "-pk")[:MINE_SHOWN]
    )
    people = _people(rows)
    for row in rows:
        mover = people.get(row.moved_by)
        if row.status in HOLDERS:
            row.holder = HOLDERS[row.status]
        elif row.status == Status.EDITING:
            row.holder = display_name(mover)
        elif mover is not None:  # live, scheduled or taken down: by whom
            row.holder = f"{row.get_status_display()} bởi {display_name(mover)}"
        else:  # published before the workflow kept records (imported, seeded)
            row.holder = row.get_status_display()
        row.since = row.moved_at or row.updated_at
    return {
        "tabs": [{"tab": tab, "count": counts[tab.key], "selected": tab is chosen} for tab in tabs],
        "chosen": chosen,
        "items": rows,
        "more_url": changelist_url(f"cua_toi=1{_status_query(chosen.key)}"),
    }


def _status_query(key: str) -> str:
    status = {
        "nhap": Status.DRAFT, "cho-bien-tap": Status.SUBMITTED, "dang-bien-tap": Status.EDITING,
        "tra-lai": Status.RETURNED, "cho-duyet": Status.PENDING_APPROVAL,
        "da-go": Status.UNPUBLISHED,
    }.get(key)  # fmt: skip
    if key in ("hen-gio", "da-dang"):
        status = Status.PUBLISHED
    return f"&status__exact={status}" if status else ""


def waited(since: datetime | None, now: datetime) -> str:
    """ "3 giờ 20 phút", "2 ngày 4 giờ": how long an article has been waiting."""
    if since is None:
        return "—"
    minutes = max(0, int((now - since).total_seconds() // 60))
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return f"{days} ngày {hours} giờ" if hours else f"{days} ngày"
    if hours:
        return f"{hours} giờ {minutes} phút" if minutes else f"{hours} giờ"
    return f"{minutes} phút"


# Boxes other rooms add to the desk (the comment queue's count): name -> box(user), where a
# box is a dict for the template or None when the user has no such box.
EXTRA_BOXES: dict[str, Callable] = {}


def register_box(name: str, box: Callable) -> None:
    EXTRA_BOXES[name] = box


def desk_context(user, tab_key: str = "") -> dict:
    now = timezone.now()
    boxes = []
    for queue in queues_for(user):
        if queue.mine:
            continue
        articles = queue_articles(queue, user).select_related("category")
        count = articles.count()
        if not count and queue.always_for and not queue.always_for(user):
            continue
        items = list(articles.defer(*Article.LARGE_FIELDS)[:ITEMS_SHOWN])
        people = _people(items)
        for item in items:
            # Queues other modules add may not annotate the last move.
            item.sent_by = display_name(people.get(getattr(item, "moved_by", None)))
            item.waited = waited(getattr(item, "moved_at", None) or item.updated_at, now)
        boxes.append(
            {
                "queue": queue,
                "count": count,
                "items": items,
                "url": changelist_url(f"{QUEUE_PARAM}={queue.key}"),
            }
        )
    extra = {name: box(user) for name, box in EXTRA_BOXES.items()}
    return {"mine": my_work(user, tab_key), "boxes": boxes, **extra, "now": now}


@register.inclusion_tag("admin/newsroom/desk.html", takes_context=True)
def newsroom_desk(context):
    request = context["request"]
    return desk_context(request.user, request.GET.get(TAB_PARAM, ""))


@register.inclusion_tag("admin/newsroom/bell.html", takes_context=True)
def newsroom_bell(context):
    """The bell in the admin's top bar: unread notifications, one COUNT per page."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if not workflow.is_staff(user):
        return {"show": False}
    return {
        "show": True,
        "unread": notifications.unread_count(user),
        "url": reverse("admin:articles_notification_changelist") + "?da_doc=chua",
    }
