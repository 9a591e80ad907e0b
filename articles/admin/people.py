"""Accounts and groups in Vietnamese. Django names permissions in English when it creates
them ("Can add bài viết"); the forms here label each one from its codename and its
model's Vietnamese name instead, so a chief granting a right reads what it means."""

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group

from articles.admin.history import readable_deleted_objects

VERBS = {"add": "Thêm", "change": "Sửa", "delete": "Xóa", "view": "Xem"}
# Permissions nobody in the newsroom is given: machinery of Django and of django-reversion.
HIDDEN_APPS = ("admin", "contenttypes", "sessions", "reversion")


def permission_label(permission) -> str:
    content_type = permission.content_type
    model = content_type.model_class()
    thing = str(model._meta.verbose_name) if model else content_type.model
    app = str(model._meta.app_config.verbose_name) if model else content_type.app_label
    verb, _, rest = permission.codename.partition("_")
    if verb in VERBS and model and rest == model._meta.model_name:
        return f"{app} › {thing}: {VERBS[verb]}"
    return f"{app} › {thing}: {permission.name}"


class PermissionChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, permission):
        return permission_label(permission)


class VietnamesePermissions:
    get_deleted_objects = readable_deleted_objects

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name in ("permissions", "user_permissions"):
            kwargs["form_class"] = PermissionChoiceField
            kwargs.setdefault(
                "queryset",
                db_field.remote_field.model.objects.select_related("content_type").exclude(
                    content_type__app_label__in=HIDDEN_APPS
                ),
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)


User = get_user_model()
admin.site.unregister(Group)
admin.site.unregister(User)


@admin.register(Group)
class NewsroomGroupAdmin(VietnamesePermissions, GroupAdmin):
    pass


@admin.register(User)
class NewsroomUserAdmin(VietnamesePermissions, UserAdmin):
    pass
