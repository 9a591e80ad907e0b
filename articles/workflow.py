"""The editorial workflow of product.md §7: who may see, edit and move an article.

Every move goes through transition(), whether it comes from an admin button, the desk, a
script or a test, so a hidden button is never the only guard. The rules are plain
predicates over (user, article); the admin asks the same predicates for its querysets,
permissions and read-only fields.

Roles are the groups of articles/roles.py. Publishing and taking down also honour the custom
permissions publish_article / unpublish_article, so a superuser (who has every permission)
can do everything, and a Thư ký tòa soạn publishes only when SiteSettings delegates it.
"""

from collections.abc import Callable
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from articles import roles, signals
from articles.models import Article, ArticleTransition, Category, SiteSettings
from articles.vietnamese import nfc

Status = Article.Status

WRITERS = (roles.REPORTER, roles.EDITOR, roles.SECRETARY, roles.DEPUTY_CHIEF, roles.CHIEF)
CHIEFS = (roles.DEPUTY_CHIEF, roles.CHIEF)

# Moves that must say why: the reporter reads the reason of a return, readers' complaints
# and the law make a take-down something the paper must be able to explain.
REASON_REQUIRED = frozenset({Status.RETURNED, Status.UNPUBLISHED})


class MoveRefused(PermissionDenied):
    """The move does not exist in §7, or this user may not make it."""


class ReasonRequired(ValidationError):
    """A return or a take-down without a reason."""


class StalePage(MoveRefused):
    """The move was decided on a page showing an older version of the article."""


class PublishTimePassed(ValidationError):
    """A publish time typed in the past: publishing now must be asked for explicitly."""


# -- who is who ---------------------------------------------------------------------------


def is_staff(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.is_staff)


def is_secretary(user) -> bool:
    return roles.in_group(user, roles.SECRETARY)


def is_chief(user) -> bool:
    return roles.in_group(user, *CHIEFS)


def is_editor(user) -> bool:
    return roles.in_group(user, roles.EDITOR)


def is_own(user, article) -> bool:
    return bool(user.is_authenticated and article.created_by_id == user.pk)


def edited_category_ids(user) -> frozenset[int]:
    """Categories a Biên tập viên answers for: those they are listed on, plus the children
    of those (a trưởng ban of Xã hội also edits Y tế). Cached on the user object, like
    roles.in_group, because one admin page asks many times."""
    cached = getattr(user, "_newsroom_categories", None)
    if cached is None:
        direct = set(Category.objects.filter(editors=user).values_list("pk", flat=True))
        children = Category.objects.filter(parent__in=direct).values_list("pk", flat=True)
        cached = frozenset(direct | set(children))
        user._newsroom_categories = cached
    return cached


def edits_category(user, article) -> bool:
    return is_editor(user) and article.category_id in edited_category_ids(user)


def may_publish(user) -> bool:
    if not is_staff(user):
        return False
    if user.has_perm("articles.publish_article"):
        return True
    return is_secretary(user) and SiteSettings.load().tkts_may_publish


def may_take_down(user) -> bool:
    return is_staff(user) and user.has_perm("articles.unpublish_article")


def may_feature(user) -> bool:
    """Placing an article on the home page is the secretariat's and the chiefs' call."""
    return is_staff(user) and (is_secretary(user) or is_chief(user))


# -- the moves ----------------------------------------------------------------------------


def _author(user, article) -> bool:
    # "PV, own article": whoever wrote it submits it, whatever their desk.
    return is_own(user, article) and roles.in_group(user, *WRITERS)


def _desk(user, article) -> bool:
    return is_secretary(user) or edits_category(user, article)


def _secretary(user, article) -> bool:
    return is_secretary(user)


def _publisher(user, article) -> bool:
    return may_publish(user)


def _chief(user, article) -> bool:
    return may_take_down(user)


def _restorer(user, article) -> bool:
    return is_secretary(user) or may_take_down(user)


# (from, to) -> who may make the move. Anything not listed is refused to everyone.
MOVES: dict[tuple[str, str], Callable] = {
    (Status.DRAFT, Status.SUBMITTED): _author,
    (Status.RETURNED, Status.SUBMITTED): _author,
    # Rút lại: the author takes back what they submitted, until the desk claims it.
    (Status.SUBMITTED, Status.DRAFT): _author,
    (Status.SUBMITTED, Status.EDITING): _desk,
    (Status.SUBMITTED, Status.PENDING_APPROVAL): _secretary,
    (Status.EDITING, Status.PENDING_APPROVAL): _desk,
    # A return is made by whoever may move the article forward from where it stands.
    (Status.EDITING, Status.RETURNED): _desk,
    (Status.PENDING_APPROVAL, Status.RETURNED): _publisher,
    (Status.PENDING_APPROVAL, Status.PUBLISHED): _publisher,
    (Status.PUBLISHED, Status.UNPUBLISHED): _chief,
    (Status.UNPUBLISHED, Status.PENDING_APPROVAL): _restorer,
}

# Button labels in the admin, by move.
MOVE_LABELS = {
    (Status.DRAFT, Status.SUBMITTED): "Gửi biên tập",
    (Status.RETURNED, Status.SUBMITTED): "Gửi lại biên tập",
    (Status.SUBMITTED, Status.DRAFT): "Rút lại",
    (Status.SUBMITTED, Status.EDITING): "Nhận biên tập",
    (Status.SUBMITTED, Status.PENDING_APPROVAL): "Trình duyệt ngay",
    (Status.EDITING, Status.PENDING_APPROVAL): "Trình duyệt",
    (Status.EDITING, Status.RETURNED): "Trả lại phóng viên",
    (Status.PENDING_APPROVAL, Status.RETURNED): "Trả lại",
    (Status.PENDING_APPROVAL, Status.PUBLISHED): "Duyệt và xuất bản",
    (Status.PUBLISHED, Status.UNPUBLISHED): "Gỡ bài",
    (Status.UNPUBLISHED, Status.PENDING_APPROVAL): "Đưa về Chờ duyệt",
}


def may_move(user, article, to_status: str) -> bool:
    check = MOVES.get((article.status, to_status))
    return bool(check and is_staff(user) and check(user, article))


def allowed_moves(user, article) -> list[str]:
    """The statuses this user may move this article to, in §7 order."""
    return [to for (frm, to) in MOVES if frm == article.status and may_move(user, article, to)]


def transition(
    article: Article,
    to_status: str,
    user,
    note: str = "",
    *,
    published_at: datetime | None = None,
    publish_now: bool = False,
    expected_version: int | None = None,
) -> ArticleTransition:
    """Move `article` to `to_status` on behalf of `user`, or raise MoveRefused /
    ReasonRequired / StalePage / PublishTimePassed. Records the move; publishing sets
    published_at to `published_at` when it lies in the future (Hẹn giờ), else to a time
    already proposed on the article when that lies in the future, else to now. A
    `published_at` in the past is refused unless `publish_now` says to publish at once.
    With `expected_version` (the version the deciding page showed), a move on an article
    saved or moved since is refused."""
    note = nfc((note or "").strip())
    with transaction.atomic():
        # Lock the row and judge the status as stored: two editors clicking at once
        # must not both move the same article.
        locked = Article.objects.select_for_update().get(pk=article.pk)
        from_status = locked.status
        if expected_version is not None and locked.version != expected_version:
            raise StalePage(
                "Bài đã được lưu hoặc chuyển trạng thái sau khi bạn mở trang; "
                "hãy xem lại trước khi thao tác."
            )
        if not may_move(user, locked, to_status):
            raise MoveRefused(
                f"Không thể chuyển bài từ “{Status(from_status).label}” sang "
                f"“{Status(to_status).label}”."
                if to_status in Status.values
                else "Trạng thái không hợp lệ."
            )
        if to_status in REASON_REQUIRED and not note:
            raise ReasonRequired("Cần ghi rõ lý do.", code="reason_required")
        locked.status = to_status
        if to_status == Status.PUBLISHED:
            now = timezone.now()
            if publish_now:
                published_at = None
            elif published_at is not None and published_at <= now:
                raise PublishTimePassed(
                    "Giờ xuất bản đã qua.", code="publish_time_passed", params={"at": published_at}
                )
            wanted = None if publish_now else (published_at or locked.published_at)
            locked.published_at = wanted if wanted and wanted > now else now
        locked.save()
        move = ArticleTransition.objects.create(
            article=locked, from_status=from_status, to_status=to_status, user=user, note=note
        )
        _announce(locked, from_status)
    for field in ("status", "published_at", "first_published_at", "slug", "updated_at", "version"):
        setattr(article, field, getattr(locked, field))
    return move


def _announce(article: Article, from_status: str) -> None:
    """Tell listeners (the page cache) that readers will see this article, or stop seeing it."""
    if article.status == Status.PUBLISHED:
        signals.article_published.send(sender=Article, article=article)
    elif from_status == Status.PUBLISHED:
        signals.article_unpublished.send(sender=Article, article=article)


def latest_reason(article) -> ArticleTransition | None:
    """The latest return or take-down of the article, when that is where it stands now."""
    if article.status not in REASON_REQUIRED:
        return None
    return (
        ArticleTransition.objects.filter(article=article, to_status=article.status)
        .select_related("user")
        .first()
    )


# -- seeing and editing -------------------------------------------------------------------


def visible_articles(user, queryset: QuerySet | None = None) -> QuerySet:
    """The articles `user` may open in the admin. Drafts are private to their author;
    a Biên tập viên sees their categories; the secretariat and chiefs see the whole paper;
    a comment moderator sees what is live."""
    queryset = Article.objects.all() if queryset is None else queryset
    if not is_staff(user):
        return queryset.none()
    if user.is_superuser:
        return queryset
    own = Q(created_by=user)
    not_draft = ~Q(status=Status.DRAFT)
    if is_secretary(user) or is_chief(user):
        return queryset.filter(own | not_draft)
    scope = own
    if is_editor(user):
        scope |= not_draft & Q(category__in=edited_category_ids(user))
    if roles.in_group(user, roles.MODERATOR):
        scope |= Q(status=Status.PUBLISHED)
    return queryset.filter(scope)


def can_view(user, article) -> bool:
    """Python twin of visible_articles() for one article (the reader view's staff preview
    and the admin's object permissions use it)."""
    if not is_staff(user):
        return False
    if user.is_superuser or is_own(user, article):
        return True
    if article.status == Status.DRAFT:
        return False
    if is_secretary(user) or is_chief(user) or edits_category(user, article):
        return True
    return roles.in_group(user, roles.MODERATOR) and article.status == Status.PUBLISHED


def can_edit(user, article) -> bool:
    """Who may change the words and fields of an article in its current status."""
    if not is_staff(user):
        return False
    if user.is_superuser:
        return True
    status = article.status
    if status in (Status.DRAFT, Status.RETURNED):
        return _author(user, article)
    if is_secretary(user) or is_chief(user):
        return True  # submitted onwards, live articles included
    if status == Status.EDITING:
        return edits_category(user, article)
    return False


def can_delete(user, article) -> bool:
    """Only a draft that never left its author may be deleted (by the author); anything
    that went through the desk is taken down instead, so its history stays."""
    if not is_staff(user):
        return False
    if user.is_superuser:
        return True
    return (
        article.status == Status.DRAFT
        and _author(user, article)
        and user.has_perm("articles.delete_article")
        and not article.transitions.exists()
    )


def can_schedule(user, article=None) -> bool:
    """Who may set published_at. On a live article only a publisher may move it (moving it
    to the past would publish; to the future would take it off the site)."""
    if article is not None and article.status == Status.PUBLISHED:
        return may_publish(user)
    return is_staff(user) and (is_secretary(user) or may_publish(user))
