"""What the newsroom is told and what it keeps: notifications and the audit log.

Notifications point at the workflow's own records (ArticleTransition) whenever a move
caused them, so the move stays the one source of truth: the notification only says who is
told about it and whether they have read it. The audit log is append-only; the admin
shows it read-only (articles/admin/audit.py)."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from articles.models.activity import ArticleTransition
from articles.models.article import Article


class Notification(models.Model):
    class Kind(models.TextChoices):
        SUBMITTED = "submitted", "Bài mới gửi biên tập"
        CLAIMED = "claimed", "Bài đã được nhận biên tập"
        RETURNED = "returned", "Bài bị trả lại"
        SENT_FOR_APPROVAL = "sent_for_approval", "Bài được trình duyệt"
        PUBLISHED = "published", "Bài đã được duyệt đăng"
        SCHEDULED = "scheduled", "Bài đã được duyệt, hẹn giờ đăng"
        UNPUBLISHED = "unpublished", "Bài đã bị gỡ"
        RESTORED = "restored", "Bài được đưa về Chờ duyệt"
        COMMENT = "comment", "Phản hồi chờ duyệt dưới bài của bạn"

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField("loại", max_length=20, choices=Kind.choices)
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="+", verbose_name="bài viết"
    )
    transition = models.ForeignKey(
        ArticleTransition, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # Comments waiting under one article make one notification, counted up until read.
    count = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField("lúc", default=timezone.now)
    read_at = models.DateTimeField("đã đọc lúc", null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "thông báo"
        verbose_name_plural = "thông báo"
        ordering = ["-created_at", "-pk"]
        constraints = [
            # One move tells each person once, however often its signal fires.
            models.UniqueConstraint(
                fields=["recipient", "transition"], name="notification_once_per_move"
            )
        ]
        indexes = [
            # The bell: a person's unread count and newest-first list.
            models.Index(
                fields=["recipient", "read_at", "-created_at"], name="notification_bell_idx"
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.article}"


class NotificationSettings(models.Model):
    """A person's choice of the e-mail digest (on unless they turn it off)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_settings"
    )
    email_digest = models.BooleanField("nhận thư tổng hợp thông báo", default=True)

    class Meta:
        verbose_name = "cài đặt thông báo"
        verbose_name_plural = "cài đặt thông báo"

    def __str__(self):
        return str(self.user)


class AuditEntry(models.Model):
    class Action(models.TextChoices):
        MOVE = "move", "Chuyển trạng thái"
        PUBLISH = "publish", "Xuất bản"
        UNPUBLISH = "unpublish", "Gỡ bài"
        ADD = "add", "Tạo mới"
        EDIT = "edit", "Sửa"
        EDIT_LIVE = "edit_live", "Sửa bài đang đăng"
        DELETE = "delete", "Xóa"
        RESTORE = "restore", "Khôi phục phiên bản"
        MODERATE = "moderate", "Kiểm duyệt phản hồi"
        IMAGE = "image", "Thay đổi ảnh"
        PERMISSIONS = "permissions", "Thay đổi tài khoản, quyền"
        SETTINGS = "settings", "Thay đổi cài đặt"
        LOGIN = "login", "Đăng nhập"
        LOGIN_FAILED = "login_failed", "Đăng nhập sai"
        LOCKOUT = "lockout", "Khóa đăng nhập"

    at = models.DateTimeField("thời điểm", default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="người thực hiện",
    )
    # Kept as written at the time: a failed login names no user, a deleted user stays named.
    username = models.CharField("tên đăng nhập", max_length=150, blank=True)
    action = models.CharField("hành động", max_length=20, choices=Action.choices)
    article = models.ForeignKey(
        Article,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="bài viết",
    )
    target = models.CharField("đối tượng", max_length=300, blank=True)
    summary = models.CharField("nội dung", max_length=500, blank=True)
    reason = models.TextField("lý do", blank=True)
    ip_address = models.GenericIPAddressField("địa chỉ IP", null=True, blank=True)

    class Meta:
        verbose_name = "nhật ký tòa soạn"
        verbose_name_plural = "nhật ký tòa soạn"
        ordering = ["-at", "-pk"]
        indexes = [
            # "Mine" for everyone who is not a chief, newest first.
            models.Index(fields=["user", "-at"], name="audit_user_at_idx"),
        ]

    def __str__(self):
        return f"{self.get_action_display()}: {self.target or self.username}"
