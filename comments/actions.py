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
from django.db import transaction
from django.utils import timezone

from articles.models import SiteSettings
from articles.vietnamese import nfc
from comments.flood import check_flood
from comments.models import Comment
from comments.notify import notify_moderators
from comments.rules import Submission, evaluate
from comments.signals import comment_decided, comment_held, comments_changed
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
    check_flood(sub.ip, sub.email)
    verdict = evaluate(article, sub, now=now)
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
    )
    with transaction.atomic():
        comment.save()
        if verdict.status == Status.PENDING:
            transaction.on_commit(notify_moderators)
            transaction.on_commit(
                lambda: comment_held.send(sender=Comment, article_id=comment.article_id)
            )
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
        _decided(status, user, 1, {comment.article_id})
    return comment


def _decided(status: str, user, count: int, article_ids) -> None:
    """For the newsroom's audit log (articles/audit.py, connected in comments/apps.py)."""
    comment_decided.send(
        sender=Comment, user=user if getattr(user, "pk", None) else None, status=status,
        status_label=Status(status).label, count=count, article_ids=set(article_ids),
    )  # fmt: skip


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
        if count:
            _decided(status, user, count, {article_id for _, article_id in rows})
    return count


def approve_many(queryset, user) -> int:
    return _decide_many(queryset, Status.APPROVED, user)


def reject_many(queryset, user) -> int:
    return _decide_many(queryset, Status.REJECTED, user)


def mark_spam_many(queryset, user) -> int:
    return _decide_many(queryset, Status.SPAM, user)


DECISIONS = {"approve": approve, "reject": reject, "spam": mark_spam}
BULK_DECISIONS = {"approve": approve_many, "reject": reject_many, "spam": mark_spam_many}


def reply(comment: Comment, user, content: str) -> Comment:
    """The newsroom answers under a reader's comment ("Tòa soạn trả lời"), published at
    once. Replying to a pending comment approves it, or the answer would hang in the air;
    replying to a reply answers the reader's comment it hangs under."""
    parent = comment.parent if comment.parent_id else comment
    content = clean_text(content, multiline=True)
    if is_blank(content):
        raise ValueError("empty reply")
    with transaction.atomic():
        if parent.status != Status.APPROVED:
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
    return answer
