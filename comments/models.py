"""Phản hồi: reader comments, pre-moderated, and the newsroom's replies."""

from django.conf import settings
from django.db import models

from articles.models.base import NormalizedModel


class CommentQuerySet(models.QuerySet):
    def approved(self):
        """The one definition of a comment readers may see."""
        return self.filter(status=Comment.Status.APPROVED)

    def pending(self):
        return self.filter(status=Comment.Status.PENDING)


class Comment(NormalizedModel):
    class Status(models.TextChoices):
        PENDING = "pending", "Chờ duyệt"
        APPROVED = "approved", "Đã duyệt"
        REJECTED = "rejected", "Từ chối"
        SPAM = "spam", "Thư rác"

    class HoldReason(models.TextChoices):
        NONE = "", "—"
        HONEYPOT = "honeypot", "Trường bẫy bị điền"
        TOO_FAST = "too_fast", "Gửi quá nhanh sau khi mở trang"
        STALE_FORM = "stale_form", "Biểu mẫu quá cũ"
        DUPLICATE = "duplicate", "Nội dung lặp lại"
        BLOCK_WORD = "block_word", "Có từ bị chặn"
        LINKS = "links", "Có nhiều liên kết"
        HOLD_WORD = "hold_word", "Có từ cần xem xét"
        PERSONAL_DATA = "personal_data", "Có thông tin cá nhân"
        NO_DIACRITICS = "no_diacritics", "Viết không dấu"
        FIRST_TIME = "first_time", "Người gửi lần đầu"
        MODERATION = "moderation", "Chờ kiểm duyệt"
        BLOCKED = "blocked", "Người gửi bị chặn"

    article = models.ForeignKey(
        "articles.Article", verbose_name="bài viết", on_delete=models.CASCADE,
        related_name="comments",
    )  # fmt: skip
    parent = models.ForeignKey(
        "self", verbose_name="trả lời cho", null=True, blank=True, on_delete=models.CASCADE,
        related_name="replies",
    )  # fmt: skip
    name = models.CharField("họ và tên", max_length=100)
    email = models.EmailField("email", max_length=254)
    content = models.TextField("nội dung", max_length=2000)
    original_content = models.TextField("nội dung gốc", blank=True)
    status = models.CharField(
        "trạng thái", max_length=10, choices=Status.choices, default=Status.PENDING
    )
    hold_reason = models.CharField(
        "lý do giữ", max_length=20, choices=HoldReason.choices, blank=True
    )
    hold_detail = models.CharField("chi tiết", max_length=300, blank=True)
    content_hash = models.CharField(max_length=64, blank=True, editable=False)
    is_newsroom_reply = models.BooleanField("tòa soạn trả lời", default=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="người trả lời", null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    created_at = models.DateTimeField("gửi lúc", auto_now_add=True)
    ip_address = models.GenericIPAddressField("IP", null=True, blank=True)
    user_agent = models.CharField("trình duyệt", max_length=300, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="người duyệt", null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    moderated_at = models.DateTimeField("duyệt lúc", null=True, blank=True)
    notify_reply = models.BooleanField("báo khi tòa soạn trả lời", default=False)
    reply_notified_at = models.DateTimeField("đã báo lúc", null=True, blank=True)

    objects = CommentQuerySet.as_manager()

    class Meta:
        db_table = "articles_comment"  # the table it had before comments had an app of its own
        verbose_name = "phản hồi"
        verbose_name_plural = "phản hồi"
        ordering = ["-created_at"]
        indexes = [
            # the article page's approved comments, oldest first; the queue per article
            models.Index(fields=["article", "status", "created_at"], name="comment_article_idx"),
            # duplicate and history checks for one sender
            models.Index(fields=["email", "created_at"], name="comment_email_idx"),
            # the moderation queue: pending first, newest first
            models.Index(fields=["status", "-created_at"], name="comment_queue_idx"),
        ]
        permissions = [("moderate_comment", "Kiểm duyệt phản hồi")]

    def __str__(self):
        return f"{self.name}: {self.content[:60]}"

    def save(self, *args, **kwargs):
        self.email = (self.email or "").strip().lower()
        super().save(*args, **kwargs)


class ModerationWord(NormalizedModel):
    """A word or phrase that holds a comment for review or marks it as spam. Matched
    diacritic-, case- and đ/d-insensitively against name, email and content."""

    class Action(models.TextChoices):
        HOLD = "hold", "Giữ lại chờ duyệt"
        BLOCK = "block", "Đánh dấu thư rác"

    word = models.CharField("từ / cụm từ", max_length=100)
    action = models.CharField("xử lý", max_length=5, choices=Action.choices)

    class Meta:
        db_table = "articles_moderationword"
        verbose_name = "từ kiểm duyệt"
        verbose_name_plural = "từ kiểm duyệt"
        ordering = ["action", "word"]
        constraints = [
            models.UniqueConstraint(fields=["word", "action"], name="moderationword_unique")
        ]

    def __str__(self):
        return self.word


class BlockedSender(models.Model):
    """A commenter the moderators blocked: their email for good (until lifted), and
    optionally their IP until a set time. Their comments are stored as spam and they get
    the same thank-you as anyone (comments.actions.submit_comment)."""

    email = models.EmailField("email", max_length=254, unique=True)
    ip_address = models.GenericIPAddressField("IP", null=True, blank=True)
    ip_until = models.DateTimeField("chặn IP đến", null=True, blank=True)
    reason = models.CharField("lý do", max_length=300, blank=True)
    comment = models.ForeignKey(
        Comment, verbose_name="từ phản hồi", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="người chặn", null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    created_at = models.DateTimeField("chặn lúc", auto_now_add=True)

    class Meta:
        verbose_name = "người gửi bị chặn"
        verbose_name_plural = "người gửi bị chặn"
        ordering = ["-created_at"]
        indexes = [
            # submit_comment's check of a sender's IP while its block lasts
            models.Index(fields=["ip_address", "ip_until"], name="blockedsender_ip_idx"),
        ]

    def __str__(self):
        return self.email

    def save(self, *args, **kwargs):
        self.email = (self.email or "").strip().lower()
        super().save(*args, **kwargs)
