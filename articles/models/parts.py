"""An article's own HTML, stored beside it (articles/parts.py renders and keeps it)."""

from django.db import models

from articles.models.article import Article


class ArticleParts(models.Model):
    """The article's head tags, its text from title to topics, its comments and the list of
    older articles beside it, as a reader page shows them, with the stamp they were rendered
    under. A copy whose stamp is not the current one is never shown: the page renders the
    article instead."""

    article = models.OneToOneField(
        Article, on_delete=models.CASCADE, primary_key=True, related_name="stored_parts"
    )
    stamp = models.CharField(max_length=40, default="", blank=True)
    head = models.TextField(default="", blank=True)
    main = models.TextField(default="", blank=True)
    # The approved comments and the newsroom's replies, drawn by the comment room (it
    # registers with articles/parts.py): the article page's Phản hồi list.
    comments = models.TextField(default="", blank=True)
    # Các tin khác, the older articles of its category, drawn by the reader room.
    others = models.TextField(default="", blank=True)
    rendered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "HTML dựng sẵn của bài"
        verbose_name_plural = "HTML dựng sẵn của bài"

    def __str__(self):
        return f"{self.article_id}: {self.stamp or 'cũ'}"
