"""Who is told what: in-app notifications (the bell) and a per-person e-mail digest.

Every workflow move is an ArticleTransition row; notify_move() reads that row and tells the
people it concerns, pointing back at it (Notification.transition), so a notification is
never a second record of the move. The database refuses a second notification of one move
for one person, so a signal that fires twice tells nobody twice. Nobody is told about their
own move.

Comments waiting under an article are announced by the comment room (comments/apps.py
connects its signal to comment_waiting): one unread notification per article, counted up.

E-mail: after the move commits, each person told gets at most one digest every
DIGEST_EVERY seconds (cache.add is the lock, shared by every web node); what arrives in
between waits for the next digest or for `manage.py send_notification_digests` (cron).
"""

import logging

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from articles import roles
from articles.models import (
    Article,
    ArticleTransition,
    Notification,
    NotificationSettings,
    SiteSettings,
    absolute_url,
)

logger = logging.getLogger(__name__)

Status = Article.Status
Kind = Notification.Kind
DIGEST_EVERY = 300  # seconds between two digests to one person
DIGEST_LOCK = "desk:digest:{}"


def display_name(user) -> str:
    """Full name, falling back to the username; "—" for nobody."""
    if user is None:
        return "—"
    return user.get_full_name().strip() or user.get_username()


# -- who is told ----------------------------------------------------------------------------


def _active_staff():
    return get_user_model().objects.filter(is_active=True, is_staff=True)


def _publishers() -> set[int]:
    """Those who approve: holders of articles.publish_article (groups or direct), and the
    secretariat when SiteSettings lets it publish."""
    perm = Permission.objects.filter(
        codename="publish_article", content_type__app_label="articles"
    ).first()
    query = Q(groups__permissions=perm) | Q(user_permissions=perm) if perm else Q(pk__in=[])
    if SiteSettings.load().tkts_may_publish:
        query |= Q(groups__name=roles.SECRETARY)
    return set(_active_staff().filter(query).values_list("pk", flat=True))


def _category_editors(article) -> set[int]:
    """Biên tập viên listed on the article's category or on its parent (workflow's rule)."""
    category = article.category
    if category is None:
        return set()
    ids = [category.pk] + ([category.parent_id] if category.parent_id else [])
    return set(
        _active_staff()
        .filter(edited_categories__in=ids, groups__name=roles.EDITOR)
        .values_list("pk", flat=True)
    )


def _handler(article) -> int | None:
    """Who claimed the article last (the editor who handled it)."""
    return (
        ArticleTransition.objects.filter(article=article, to_status=Status.EDITING)
        .values_list("user_id", flat=True)
        .first()
    )


def kind_of(move: ArticleTransition) -> str | None:
    to = move.to_status
    if to == Status.SUBMITTED:
        return Kind.SUBMITTED
    if to == Status.EDITING:
        return Kind.CLAIMED
    if to == Status.RETURNED:
        return Kind.RETURNED
    if to == Status.PENDING_APPROVAL:
        return Kind.RESTORED if move.from_status == Status.UNPUBLISHED else Kind.SENT_FOR_APPROVAL
    if to == Status.PUBLISHED:
        published_at = move.article.published_at
        return Kind.SCHEDULED if published_at and published_at > move.at else Kind.PUBLISHED
    if to == Status.UNPUBLISHED:
        return Kind.UNPUBLISHED
    return None


def recipients_of(move: ArticleTransition, kind: str) -> set[int]:
    article = move.article
    author = {article.created_by_id} if article.created_by_id else set()
    if kind == Kind.SUBMITTED:
        people = _category_editors(article)
    elif kind in (Kind.CLAIMED, Kind.RETURNED):
        people = author
    elif kind in (Kind.SENT_FOR_APPROVAL, Kind.RESTORED):
        people = author | _publishers()
    else:  # published, scheduled, unpublished: the author and the editor who handled it
        people = author | {_handler(article)}
    people.discard(None)
    people.discard(move.user_id)
    if not people:
        return set()
    return set(_active_staff().filter(pk__in=people).values_list("pk", flat=True))


def notify_move(move: ArticleTransition) -> list[Notification]:
    """Tell the people a workflow move concerns. Safe to call twice for one move."""
    kind = kind_of(move)
    if kind is None:
        return []
    made = []
    for user_id in sorted(recipients_of(move, kind)):
        try:
            with transaction.atomic():
                made.append(
                    Notification.objects.create(
                        recipient_id=user_id,
                        kind=kind,
                        article_id=move.article_id,
                        transition=move,
                        created_at=move.at,
                    )
                )
        except IntegrityError:
            continue  # already told about this move
    if made:
        people = [n.recipient_id for n in made]
        transaction.on_commit(lambda: send_digests(people))
    return made


def transition_saved(sender, instance, created, raw=False, **kwargs):
    """post_save of ArticleTransition (connected in articles/apps.py)."""
    if created and not raw:
        notify_move(instance)


def comment_waiting(article_id: int) -> Notification | None:
    """A reader's comment is held for moderation under this article: tell its author."""
    article = Article.objects.filter(pk=article_id).only("pk", "created_by").first()
    if article is None or article.created_by_id is None:
        return None
    if not _active_staff().filter(pk=article.created_by_id).exists():
        return None
    unread = Notification.objects.filter(
        recipient_id=article.created_by_id, article=article, kind=Kind.COMMENT, read_at=None
    )
    now = timezone.now()
    if unread.update(count=F("count") + 1, created_at=now):
        return unread.first()
    made = Notification.objects.create(
        recipient_id=article.created_by_id, article=article, kind=Kind.COMMENT, created_at=now
    )
    transaction.on_commit(lambda: send_digests([made.recipient_id]))
    return made


# -- the bell ---------------------------------------------------------------------------------


def unread_count(user) -> int:
    if not (user and user.is_authenticated):
        return 0
    return Notification.objects.filter(recipient=user, read_at=None).count()


def mark_read(user, ids=None) -> int:
    rows = Notification.objects.filter(recipient=user, read_at=None)
    if ids is not None:
        rows = rows.filter(pk__in=ids)
    return rows.update(read_at=timezone.now())


def wants_digest(user) -> bool:
    row = NotificationSettings.objects.filter(user=user).first()
    return row.email_digest if row else True


def set_digest(user, on: bool) -> None:
    NotificationSettings.objects.update_or_create(user=user, defaults={"email_digest": on})


def describe(notification: Notification) -> str:
    """One line for the bell and the digest, in the newsroom's words."""
    move = notification.transition
    text = f"{notification.get_kind_display()}: “{notification.article.title}”"
    if notification.kind == Kind.COMMENT and notification.count > 1:
        text += f" ({notification.count} phản hồi)"
    if move is not None:
        text += f" — {display_name(move.user)}"
        if move.note:
            text += f". Lý do: {move.note}"
    return text


# -- the digest -------------------------------------------------------------------------------


def send_digests(user_ids) -> int:
    """One e-mail per person with what they were not yet e-mailed about, unless they had one
    in the last DIGEST_EVERY seconds or turned digests off. Returns the e-mails sent."""
    sent = 0
    for user in get_user_model().objects.filter(pk__in=set(user_ids), is_active=True):
        if send_digest(user):
            sent += 1
    return sent


def send_digest(user) -> bool:
    if not user.email or not wants_digest(user):
        return False
    waiting = list(
        Notification.objects.filter(recipient=user, read_at=None, emailed_at=None)
        .select_related("article", "transition__user")
        .order_by("created_at", "pk")
    )
    if not waiting or not cache.add(DIGEST_LOCK.format(user.pk), 1, DIGEST_EVERY):
        return False
    site = SiteSettings.load()
    lines = [f"- {describe(n)}" for n in waiting]
    body = (
        f"Chào {display_name(user)},\n\nCó {len(waiting)} thông báo mới trong tòa soạn:\n\n"
        + "\n".join(lines)
        + f"\n\nXem tất cả: {absolute_url(reverse('admin:articles_notification_changelist'))}\n\n"
        "Thư tổng hợp được gửi tối đa một lần mỗi vài phút; bạn có thể tắt nó trên trang "
        "Thông báo."
    )
    subject = f"[{site.masthead_name}] {len(waiting)} thông báo mới"
    try:
        send_mail(subject, body, None, [user.email])
    except Exception:  # a mail outage must never undo a workflow move
        logger.exception("could not e-mail the notification digest to user %s", user.pk)
        cache.delete(DIGEST_LOCK.format(user.pk))
        return False
    Notification.objects.filter(pk__in=[n.pk for n in waiting]).update(emailed_at=timezone.now())
    return True
