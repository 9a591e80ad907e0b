from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Tòa soạn"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from articles import revisions
        from articles.models import Image, Rendition
        from articles.models.media import image_deleted, rendition_deleted
        from articles.roles import sync_groups

        post_delete.connect(image_deleted, sender=Image, dispatch_uid="articles.image_deleted")
        post_delete.connect(rendition_deleted, sender=Rendition, dispatch_uid="articles.rendition")
        # After every app's migrations: the groups hold permissions of several apps.
        post_migrate.connect(sync_groups, dispatch_uid="articles.sync_groups")
        revisions.register()
