"""What happened in the newsroom, announced for whoever cares (the page cache does).

Action functions send these after their change is saved; listeners must not assume the
transaction has committed (the page cache defers its work with transaction.on_commit).
Model signals still cover plain saves from the admin; these cover what model signals
cannot see (queryset updates, relations changed from the other side) and name the event.
"""

from django.db.models.signals import pre_save
from django.dispatch import Signal

# A workflow move made an article public (now or at its scheduled time): `article`.
article_published = Signal()
# A public article was taken down, or a scheduled one cancelled: `article`.
article_unpublished = Signal()
# What readers see of these articles changed without a status change: `article_ids`.
articles_changed = Signal()
# An image's file or text changed (or it was deleted): `image`. Renditions are remade first.
image_changed = Signal()
# Categories moved under another parent: their articles changed section. `category`.
category_moved = Signal()
# Every media URL changed (the files moved to a bucket, or a CDN base was set): no sender args.
media_moved = Signal()


def m2m_article_ids(instance, action, reverse, pk_set) -> list[int]:
    """The articles an m2m_changed of Article.topics or Article.bylines touched, from either
    side (article.topics.add(topic) or topic.articles.add(article)). A clear from the
    topic's side is announced twice: at pre_clear, when its articles can still be listed,
    this remembers them on the instance for post_clear."""
    if action == "pre_clear" and reverse:
        instance._cleared_ids = list(instance.articles.values_list("pk", flat=True))
        return []
    if action not in {"post_add", "post_remove", "post_clear"}:
        return []
    if not reverse:
        return [instance.pk]
    return list(pk_set if action != "post_clear" else getattr(instance, "_cleared_ids", ()))


# -- what a row held before a save ---------------------------------------------------------

_tracked: dict[type, set[str]] = {}


def track_old_values(model, fields) -> None:
    """Have old_values() give these fields of `model` as its row held them before each save.
    Listeners of several rooms may ask for fields; a save reads them all in one query."""
    _tracked.setdefault(model, set()).update(fields)
    pre_save.connect(_remember, sender=model, dispatch_uid=f"old-values-{model._meta.label}")


def _remember(sender, instance, **kwargs):
    instance._old_values = None
    if instance.pk is not None:
        rows = sender._default_manager.filter(pk=instance.pk)
        instance._old_values = rows.values("pk", *sorted(_tracked[sender])).first()


def old_values(instance) -> dict | None:
    """In a post_save listener: the tracked fields (and "pk") before this save, or None for
    a new row."""
    return getattr(instance, "_old_values", None)
