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
