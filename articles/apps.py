from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate, post_save, pre_save


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Tòa soạn"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from articles import audit, derived, notifications, parts, revisions
        from articles.models import Article, ArticleTransition, Image, Rendition
        from articles.models.media import image_deleted, rendition_deleted
        from articles.roles import sync_groups

        post_delete.connect(image_deleted, sender=Image, dispatch_uid="articles.image_deleted")
        post_delete.connect(rendition_deleted, sender=Rendition, dispatch_uid="articles.rendition")
        # loaddata skips Article.save(): its derived columns are computed from the body here.
        pre_save.connect(derived.before_raw_save, sender=Article, dispatch_uid="articles.raw")
        post_save.connect(derived.after_raw_save, sender=Article, dispatch_uid="articles.raw")
        # After every app's migrations: the groups hold permissions of several apps.
        post_migrate.connect(sync_groups, dispatch_uid="articles.sync_groups")
        revisions.register()
        # The desk: who is told about a move, and the newsroom's audit log.
        post_save.connect(
            notifications.transition_saved, sender=ArticleTransition, dispatch_uid="notify.move"
        )
        audit.connect()
        # An article's stored HTML goes stale with whatever it shows (articles/parts.py).
        parts.connect()
