from django.apps import AppConfig


class CommentsConfig(AppConfig):
    name = "comments"
    verbose_name = "Phản hồi bạn đọc"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The content room keeps the newsroom's notifications and audit log but must not
        # import this room, so the comment room hands its events over here.
        from articles import audit, notifications
        from comments import rendering
        from comments.signals import comment_decided, comment_held

        # The list of comments is stored with the article's own HTML (articles/parts.py).
        rendering.connect()

        comment_held.connect(
            lambda sender, article_id, **kw: notifications.comment_waiting(article_id),
            weak=False,
            dispatch_uid="comments.notify_author",
        )
        comment_decided.connect(
            audit.moderation_decided, weak=False, dispatch_uid="comments.audit_decision"
        )
