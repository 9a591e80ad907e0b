"""Telling the moderators that comments are waiting: one e-mail every few minutes at most."""

import logging
import time

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.core.mail import send_mail
from django.db.models import Q
from django.urls import NoReverseMatch, reverse

from articles.models import SiteSettings, absolute_url
from comments.models import Comment
from comments.rules import rule

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
