"""The article list's own columns and filters: "Bài của tôi" and the author, by name."""

from django.contrib import admin
from django.contrib.auth import get_user_model

from articles import workflow
from articles.notifications import display_name


class MineFilter(admin.SimpleListFilter):
    title = "bài của tôi"
    parameter_name = "cua_toi"

    def lookups(self, request, model_admin):
        return [("1", "Bài của tôi")]

    def queryset(self, request, queryset):
        return queryset.filter(created_by=request.user) if self.value() == "1" else queryset


class AuthorFilter(admin.SimpleListFilter):
    """Authors of the articles this user may open, by display name."""

    title = "người viết"
    parameter_name = "nguoi_viet"

    def lookups(self, request, model_admin):
        ids = workflow.visible_articles(request.user).values("created_by").distinct()
        people = get_user_model().objects.filter(pk__in=ids)
        return sorted(((str(u.pk), display_name(u)) for u in people), key=lambda item: item[1])

    def queryset(self, request, queryset):
        value = self.value()
        return queryset.filter(created_by_id=value) if value and value.isdigit() else queryset


@admin.display(description="người viết", ordering="created_by__last_name")
def author_column(article):
    return display_name(article.created_by) if article.created_by_id else "—"
