from django.apps import AppConfig


class CommentsConfig(AppConfig):
    name = "comments"
    verbose_name = "Phản hồi bạn đọc"
    default_auto_field = "django.db.models.BigAutoField"
