"""What happens to an article after it is written: its workflow moves and its daily views."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from articles.models.article import Article


class ArticleTransition(models.Model):
    """One workflow move: who moved the article from what to what, when and why."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=20, choices=Article.Status.choices)
    to_status = models.CharField(max_length=20, choices=Article.Status.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "lịch sử chuyển trạng thái"
        verbose_name_plural = "lịch sử chuyển trạng thái"
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.get_from_status_display()} → {self.get_to_status_display()}"


class ArticleView(models.Model):
    """Views per article per day (Asia/Ho_Chi_Minh), fed in batches from cache counters."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="view_days")
    day = models.DateField()
    views = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = verbose_name_plural = "lượt xem theo ngày"
        constraints = [
            models.UniqueConstraint(fields=["article", "day"], name="articleview_unique_day")
        ]
        indexes = [
            # Đọc nhiều: sum of views over the last N days, grouped by article
            models.Index(fields=["day", "article"], name="articleview_day_idx"),
        ]

    def __str__(self):
        return f"{self.article_id} {self.day}: {self.views}"
