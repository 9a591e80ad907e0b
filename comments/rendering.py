"""An article's approved comments and the newsroom's replies under them, as the HTML of its
Phản hồi list. Drawn for many articles at once and stored with each article's own HTML
(articles/parts.py registers it), so an uncached article page shows its comments without a
query; any change to what readers see of them marks that copy stale."""

from collections import defaultdict

from django.db.models.signals import post_delete, post_save
from django.template.loader import render_to_string

from articles import parts
from comments.models import Comment
from comments.signals import comments_changed

TEMPLATE = "comments/list.html"
CODE = ("comments/rendering.py", f"templates/{TEMPLATE}")


def threads(rows) -> list[tuple]:
    """(comment, [replies]) for each top-level comment, oldest first, from rows in order."""
    replies: dict[int, list] = {}
    for row in rows:
        if row.parent_id:
            replies.setdefault(row.parent_id, []).append(row)
    return [(row, replies.get(row.pk, [])) for row in rows if not row.parent_id]


def comment_lists(articles) -> dict[int, str]:
    """{article id: the HTML of its list} for `articles`, from one query."""
    ids = [article.pk for article in articles]
    rows = (
        Comment.objects.approved()
        .filter(article_id__in=ids)
        .order_by("created_at", "pk")
        .only("pk", "article_id", "parent_id", "name", "content", "created_at")
    )
    by_article = defaultdict(list)
    for row in rows:
        by_article[row.article_id].append(row)
    return {pk: render_to_string(TEMPLATE, {"threads": threads(by_article[pk])}) for pk in ids}


def _shown_changed(sender, article_ids, **kwargs):
    parts.mark_stale(article_ids)


def _saved(sender, instance, **kwargs):
    # A decision (approved, rejected, spam) may change the list; a new comment held for
    # moderation does not, so a reader's post never costs a render.
    if instance.status != Comment.Status.PENDING:
        parts.mark_stale([instance.article_id])


def _deleted(sender, instance, **kwargs):
    if instance.status == Comment.Status.APPROVED:
        parts.mark_stale([instance.article_id])


def connect() -> None:
    parts.register("comments", comment_lists, CODE)
    comments_changed.connect(_shown_changed, dispatch_uid="comments.parts")
    post_save.connect(_saved, sender=Comment, dispatch_uid="comments.parts-saved")
    post_delete.connect(_deleted, sender=Comment, dispatch_uid="comments.parts-deleted")
