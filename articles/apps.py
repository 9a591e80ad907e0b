from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Tòa soạn"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from articles import invalidation, revisions
        from articles.roles import sync_groups

        post_migrate.connect(sync_groups, sender=self, dispatch_uid="articles.sync_groups")
        invalidation.connect()
        revisions.register()
