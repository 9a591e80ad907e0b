"""Phản hồi: what happens to a reader's comment, from the form to the moderator's decision.

Readers' pages come from a cache, so everything here is keyed on data a cached page can
carry (a signed form token, the article) and on shared-cache counters, never on a session.
The moderation queue and the reader view both call these functions; neither writes
Comment.status itself. Each action runs in one transaction and announces what readers will
see with comments.signals.comments_changed.
"""

import ipaddress
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from articles.models import SiteSettings
from articles.vietnamese import nfc
from comments.flood import check_flood
from comments.models import BlockedSender, Comment
from comments.notify import notify_moderators, notify_reader, send_private_note
from comments.rules import Submission, evaluate
from comments.signals import comments_changed
from comments.text import clean_text, content_hash, is_blank

Status = Comment.Status
NEWSROOM_NAME = "Tòa soạn"
THANKS_ANCHOR = "phan-hoi-da-gui"


def comments_open(article, now: datetime | None = None) -> bool:
    """Per-article switch, then auto-close N days after first publication (0 = never)."""
    if not article.comments_enabled:
        return False
    days = SiteSettings.load().comments_close_after_days
    since = article.first_published_at or article.published_at
    if not days or since is None:
        return True
    return (now or timezone.now()) - since <= timedelta(days=days)


def thanks_url(article) -> str:
    """Post/redirect/get target. The thank-you note is in every copy of the page (cached or
    not) and shows when its anchor is the :target; the query parameter also shows it
    server-side (a page cache that keys on the full URL serves it correctly; one that
    ignores query strings still shows it through the anchor)."""
    return f"{article.get_absolute_url()}?phan-hoi=da-gui#{THANKS_ANCHOR}"


def _valid_ip(value: str | None) -> str | None:
    try:
        return str(ipaddress.ip_address(value)) if value else None
    except ValueError:
        return None


def submit_comment(article, sub: Submission, *, now: datetime | None = None) -> Comment:
    """Store a reader's comment with the rules' verdict. Raises Flooded (nothing stored).
    Spam is stored too: nothing a reader sends is silently lost."""
    now = now or timezone.now()
    sub.ip = _valid_ip(sub.ip)
    check_flood(sub.ip, sub.email, sub.browser)
    verdict = evaluate(article, sub, now=now)
    if is_blocked(sub.email, sub.ip, now=now):
        # Kept like any spam, and the sender is thanked like anyone: they are not told.
        verdict.status, verdict.reason = Status.SPAM, Comment.HoldReason.BLOCKED
        verdict.details.insert(0, "người gửi bị chặn")
    comment = Comment(
        article=article,
        name=sub.name,
        email=sub.email,
        content=sub.content,
        status=verdict.status,
        hold_reason=verdict.reason,
        hold_detail=verdict.detail,
        content_hash=content_hash(sub.content),
        ip_address=sub.ip,
        user_agent=clean_text(sub.user_agent)[:300],
        moderated_at=now if verdict.status == Status.APPROVED else None,
        notify_reply=sub.notify,
    )
    with transaction.atomic():
        comment.save()
        if verdict.status == Status.PENDING:
            transaction.on_commit(notify_moderators)
        elif verdict.status == Status.APPROVED:
            _changed({comment.article_id})
    return comment


# -- the moderator's side ------------------------------------------------------------------


def can_moderate(user) -> bool:
    return bool(user and user.is_active and user.has_perm("comments.moderate_comment"))


def pending_count() -> int:
    """Comments waiting for a moderator, for the admin navigation and the desk."""
    return Comment.objects.pending().count()


def _changed(article_ids) -> None:
    """What readers see under these articles changed (the page cache listens)."""
    ids = set(article_ids)
    if ids:
        comments_changed.send(sender=Comment, article_ids=ids)


def _decide(comment: Comment, status: str, user) -> Comment:
    comment.status = status
    comment.moderated_by = user if getattr(user, "pk", None) else None
    comment.moderated_at = timezone.now()
    with transaction.atomic():
        comment.save(update_fields=["status", "moderated_by", "moderated_at"])
        _changed({comment.article_id})
    return comment


def keep_original(comment: Comment, previous: str) -> None:
    """Before a moderator's edit is saved: keep the reader's own words, once."""
    if previous != comment.content and not comment.original_content:
        comment.original_content = previous


def edit(comment: Comment, content: str) -> None:
    """Light edit by a moderator (not saved here)."""
    content = nfc(content)
    previous = comment.content
    comment.content = content
    keep_original(comment, previous)


def approve(comment: Comment, user, *, content: str | None = None) -> Comment:
    if content is not None and content != comment.content:
        edit(comment, content)
        comment.save(update_fields=["content", "original_content"])
    return _decide(comment, Status.APPROVED, user)


def reject(comment: Comment, user) -> Comment:
    """Also takes an approved comment down."""
    return _decide(comment, Status.REJECTED, user)


def mark_spam(comment: Comment, user) -> Comment:
    return _decide(comment, Status.SPAM, user)


def _decide_many(queryset, status: str, user) -> int:
    rows = list(queryset.order_by().values_list("pk", "article_id"))
    with transaction.atomic():
        count = Comment.objects.filter(pk__in=[pk for pk, _ in rows]).update(
            status=status, moderated_by=user if getattr(user, "pk", None) else None,
            moderated_at=timezone.now(),
        )  # fmt: skip
        _changed({article_id for _, article_id in rows})
    return count


def approve_many(queryset, user) -> int:
    return _decide_many(queryset, Status.APPROVED, user)


def reject_many(queryset, user) -> int:
    return _decide_many(queryset, Status.REJECTED, user)


def mark_spam_many(queryset, user) -> int:
    return _decide_many(queryset, Status.SPAM, user)


DECISIONS = {"approve": approve, "reject": reject, "spam": mark_spam}
BULK_DECISIONS = {"approve": approve_many, "reject": reject_many, "spam": mark_spam_many}


class ReplyRefused(ValueError):
    """A public reply would publish a comment the newsroom turned down."""

    MESSAGE = (
        "Không thể trả lời công khai phản hồi đã bị từ chối hoặc là thư rác: trả lời sẽ đăng "
        "cả phản hồi đó. Bạn có thể gửi thư riêng cho bạn đọc thay vào đó."
    )

    def __init__(self):
        super().__init__(self.MESSAGE)


def reply_parent(comment: Comment) -> Comment:
    """A reply to a reply answers the reader's comment it hangs under."""
    return comment.parent if comment.parent_id else comment


def can_reply(comment: Comment) -> bool:
    """A public reply never changes a rejected or spam comment's status."""
    return reply_parent(comment).status in (Status.PENDING, Status.APPROVED)


def reply(comment: Comment, user, content: str) -> Comment:
    """The newsroom answers under a reader's comment ("Tòa soạn trả lời"), published at
    once. Replying to a pending comment approves it (the button says so), or the answer
    would hang in the air; a rejected or spam comment is never published by a reply:
    ReplyRefused (private_note writes to the reader instead). A reader who asked to be told
    gets one email (notify.notify_reader), after commit."""
    parent = reply_parent(comment)
    content = clean_text(content, multiline=True)
    if is_blank(content):
        raise ValueError("empty reply")
    with transaction.atomic():
        parent = Comment.objects.select_for_update().get(pk=parent.pk)
        if not can_reply(parent):
            raise ReplyRefused
        if parent.status == Status.PENDING:
            approve(parent, user)
        now = timezone.now()
        answer = Comment.objects.create(
            article_id=parent.article_id,
            parent=parent,
            is_newsroom_reply=True,
            author=user,
            name=NEWSROOM_NAME,
            email=getattr(user, "email", "") or settings.DEFAULT_FROM_EMAIL,
            content=content,
            content_hash=content_hash(content),
            status=Status.APPROVED,
            moderated_by=user,
            moderated_at=now,
        )
        _changed({parent.article_id})
        if parent.notify_reply and parent.reply_notified_at is None:
            transaction.on_commit(lambda: notify_reader(parent.pk, answer.pk))
    return answer


def private_note(comment: Comment, user, content: str) -> bool:
    """Write to the reader by email instead of answering in public; the comment's status
    stays what it is. False when the mail could not be sent."""
    content = clean_text(content, multiline=True)
    if is_blank(content):
        raise ValueError("empty note")
    return send_private_note(reply_parent(comment), content)


def save_edit(comment: Comment, content: str) -> Comment:
    """A moderator's light edit from the queue row; the reader's own words are kept."""
    content = clean_text(content, multiline=True)
    if is_blank(content):
        raise ValueError("empty content")
    with transaction.atomic():
        edit(comment, content)
        comment.content_hash = content_hash(comment.content)
        comment.save(update_fields=["content", "original_content", "content_hash"])
        if comment.status == Status.APPROVED:
            _changed({comment.article_id})
    return comment


# -- undo ----------------------------------------------------------------------------------

UNDO_SECONDS = 60
_UNDO_SALT = "comments.undo"


def undo_token(comment: Comment, before: dict, user) -> str:
    """What a decision changed, signed, for the moderator who made it, for a minute."""
    return signing.dumps({"pk": comment.pk, "user": user.pk, **before}, salt=_UNDO_SALT)


def snapshot(comment: Comment) -> dict:
    at = comment.moderated_at
    return {
        "status": comment.status,
        "by": comment.moderated_by_id,
        "at": at.isoformat() if at else None,
    }


def undo(token: str, user) -> Comment:
    """Put a comment back as it was before this user's decision. Raises ValueError for a
    token that is forged, someone else's, or older than UNDO_SECONDS."""
    try:
        data = signing.loads(token, salt=_UNDO_SALT, max_age=UNDO_SECONDS)
    except signing.BadSignature as error:
        raise ValueError("undo expired") from error
    if data.get("user") != user.pk or data.get("status") not in Status.values:
        raise ValueError("not yours")
    with transaction.atomic():
        comment = Comment.objects.select_for_update().get(pk=data["pk"])
        comment.status = data["status"]
        comment.moderated_by_id = data["by"]
        comment.moderated_at = datetime.fromisoformat(data["at"]) if data["at"] else None
        comment.save(update_fields=["status", "moderated_by", "moderated_at"])
        _changed({comment.article_id})
    return comment


# -- ban and hide --------------------------------------------------------------------------


def is_blocked(email: str, ip: str | None, *, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    match = Q(email=(email or "").strip().lower())
    if ip:
        match |= Q(ip_address=ip, ip_until__gt=now)
    return BlockedSender.objects.filter(match).exists()


def ban(comment: Comment, user, *, ip_hours: int = 0, reason: str = "") -> int:
    """Block this comment's sender (email; optionally its IP for ip_hours) and reject every
    comment of theirs still pending, this one included. Returns how many were rejected."""
    now = timezone.now()
    with transaction.atomic():
        block, _created = BlockedSender.objects.get_or_create(
            email=comment.email, defaults={"comment": comment}
        )
        block.comment = comment
        block.created_by = user if getattr(user, "pk", None) else None
        block.reason = clean_text(reason)[:300]
        if ip_hours and comment.ip_address:
            block.ip_address = comment.ip_address
            block.ip_until = now + timedelta(hours=ip_hours)
        block.save()
        pending = Comment.objects.pending().filter(email=comment.email, is_newsroom_reply=False)
        rejected = reject_many(pending, user)
        if comment.status == Status.APPROVED:  # the one in hand goes down too
            reject(comment, user)
            rejected += 1
    return rejected


def lift_block(block: BlockedSender) -> None:
    block.delete()
