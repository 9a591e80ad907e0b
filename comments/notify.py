"""E-mail about comments: telling the moderators that comments are waiting (one e-mail every
few minutes at most), telling a reader the newsroom answered (once per comment, if they asked),
and a moderator's private note to a reader."""

import logging
import time

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.core.mail import EmailMessage, send_mail
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from articles.models import SiteSettings, absolute_url
from comments.models import Comment
from comments.rules import rule
from comments.tokens import unsubscribe_token

logger = logging.getLogger(__name__)

NOTIFY_LOCK_KEY = "comments:notify-lock"


def moderator_emails() -> list[str]:
    """Active users holding comments.moderate_comment through a group or directly."""
    perm = Permission.objects.filter(
        codename="moderate_comment", content_type__app_label="comments"
    ).first()
    if perm is None:
        return []
    users = (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(groups__permissions=perm) | Q(user_permissions=perm))
        .exclude(email="")
    )
    return sorted(set(users.values_list("email", flat=True)))


def notify_moderators() -> bool:
    """One e-mail to the moderators, at most every NOTIFY_EVERY seconds however many
    comments arrive (cache.add is the lock, shared by every web node)."""
    if not cache.add(NOTIFY_LOCK_KEY, int(time.time()), rule("NOTIFY_EVERY")):
        return False
    recipients = moderator_emails()
    if not recipients:
        return False
    count = Comment.objects.pending().count()
    try:
        queue = absolute_url(reverse("admin:comments_comment_changelist"))
    except NoReverseMatch:
        queue = absolute_url("/admin/")
    site = SiteSettings.load()
    subject = f"[{site.masthead_name}] {count} phản hồi chờ duyệt"
    body = (
        f"Có {count} phản hồi của bạn đọc đang chờ duyệt.\n\n"
        f"Mở hàng chờ: {queue}\n\n"
        "Thư này được gửi tối đa một lần mỗi vài phút."
    )
    try:
        send_mail(subject, body, None, recipients)
    except Exception:  # a mail outage must never lose a reader's comment
        logger.exception("could not e-mail moderators about pending comments")
        return False
    return True


def unsubscribe_url(email: str) -> str:
    return absolute_url(reverse("comments:unsubscribe", args=[unsubscribe_token(email)]))


def _send_to_reader(email: str, subject: str, body: str) -> bool:
    """One e-mail to a reader, with List-Unsubscribe (and RFC 8058 one-click) headers."""
    link = unsubscribe_url(email)
    message = EmailMessage(
        subject,
        f"{body}\n\n--\nKhông muốn nhận thư báo nữa? Hủy tại: {link}",
        None,
        [email],
        headers={
            "List-Unsubscribe": f"<{link}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    try:
        message.send()
    except Exception:  # a mail outage must never undo the newsroom's reply
        logger.exception("could not e-mail a reader")
        return False
    return True


def notify_reader(comment_pk: int, answer_pk: int) -> bool:
    """Tell the reader the newsroom answered their comment: one e-mail per comment, ever.
    The UPDATE claims the comment, so two replies at once still send one e-mail."""
    claimed = Comment.objects.filter(
        pk=comment_pk, notify_reply=True, reply_notified_at__isnull=True
    ).update(reply_notified_at=timezone.now())
    if not claimed:
        return False
    comment = Comment.objects.select_related("article").get(pk=comment_pk)
    answer = Comment.objects.get(pk=answer_pk)
    site = SiteSettings.load()
    link = absolute_url(f"{comment.article.get_absolute_url()}#phan-hoi-{comment.pk}")
    subject = f"[{site.masthead_name}] Tòa soạn đã trả lời phản hồi của bạn"
    body = (
        f"Chào {comment.name},\n\n"
        f"Tòa soạn đã trả lời phản hồi của bạn dưới bài “{comment.article.title}”.\n\n"
        f"Bạn viết:\n{comment.content}\n\n"
        f"Tòa soạn trả lời:\n{answer.content}\n\n"
        f"Xem tại: {link}\n\n"
        "Đây là thư báo duy nhất cho phản hồi này."
    )
    return _send_to_reader(comment.email, subject, body)


def send_private_note(comment: Comment, content: str) -> bool:
    """A moderator writes to the reader privately (e.g. why a comment was not published)."""
    site = SiteSettings.load()
    subject = f"[{site.masthead_name}] Thư của Tòa soạn về phản hồi của bạn"
    body = (
        f"Chào {comment.name},\n\n{content}\n\n"
        f"Về phản hồi bạn gửi dưới bài “{comment.article.title}”:\n{comment.content}"
    )
    return _send_to_reader(comment.email, subject, body)


def unsubscribe(email: str) -> int:
    """No more reply e-mails for this reader's comments."""
    return Comment.objects.filter(email=email, notify_reply=True).update(notify_reply=False)
