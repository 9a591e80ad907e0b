"""What happened to comments, announced for whoever cares (the page cache does)."""

from django.dispatch import Signal

# What readers see under these articles changed (an approval, a take-down, a newsroom
# reply): `article_ids`. Sent inside the action's transaction; listeners defer their work.
comments_changed = Signal()
# A comment was held for moderation under an article: `article_id`. Sent after commit.
comment_held = Signal()
# A moderator decided on comments: `user`, `status`, `status_label`, `count`, `article_ids`.
comment_decided = Signal()
