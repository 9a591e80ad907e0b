"""What happened in the newsroom, announced for whoever cares (the page cache does).

Action functions send these after their change is saved; listeners must not assume the
transaction has committed (the page cache defers its work with transaction.on_commit).
Model signals still cover plain saves from the admin; these cover what model signals
cannot see (queryset updates, relations changed from the other side) and name the event.
"""

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
