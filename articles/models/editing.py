"""Who is editing an article right now, and what they typed but have not saved yet.

Both tables stay small by construction: one lock per article, one autosave per article and
user (overwritten every time), deleted when that user saves. The revisions themselves are
django-reversion's (articles/revisions.py)."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class ArticleLock(models.Model):
    """The article is open for editing by `user` since `since`. The editor's page renews
    `seen_at` with every autosave; a lock not renewed for LOCK_TTL is free for anyone."""

    article = models.OneToOneField(
        "articles.Article", on_delete=models.CASCADE, primary_key=True, related_name="lock"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    since = models.DateTimeField(default=timezone.now)
    seen_at = models.DateTimeField(default=timezone.now)
    # Set when a chief took the article over: the person it was taken from is told on
    # their next save (and that save is refused, their text kept in the form).
    taken_from = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip

    class Meta:
        verbose_name = "khóa sửa bài"
        verbose_name_plural = "khóa sửa bài"

    def __str__(self):
        return f"{self.article_id}: {self.user_id}"


class ArticleAutosave(models.Model):
    """The form as `user` last left it, saved every ~15 s while the form is open."""

    # None: the form of a new article, not saved yet (one per user).
    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="autosaves", null=True
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # The article's version the form was opened at: a restore over a newer version says so.
    version = models.PositiveIntegerField(default=0)
    data = models.JSONField(default=dict)
    saved_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "bản lưu tự động"
        verbose_name_plural = "bản lưu tự động"
        constraints = [
            models.UniqueConstraint(fields=["article", "user"], name="articleautosave_unique"),
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(article__isnull=True),
                name="articleautosave_unique_new",
            ),
        ]

    def __str__(self):
        return f"{self.article_id}/{self.user_id} @ {self.saved_at:%H:%M:%S}"


class LiveEditProposal(models.Model):
    """A Biên tập viên's change to live copy, waiting for a chief (articles/live_edits.py).
    `changes` holds the proposed fields in revisions' snapshot form (ids for relations)."""

    class State(models.TextChoices):
        PENDING = "pending", "Chờ duyệt"
        APPROVED = "approved", "Đã duyệt"
        REJECTED = "rejected", "Không duyệt"

    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="live_edit_proposals"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    changes = models.JSONField(default=dict)
    reason = models.CharField(max_length=500)
    is_correction = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "đề xuất sửa bài đang đăng"
        verbose_name_plural = "đề xuất sửa bài đang đăng"
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.article_id}: {self.state}"
