"""The newsroom's audit log in the admin: read-only, filtered by person, action, article and
date. Chiefs and superusers read everything, everyone else their own entries
(articles/audit.py: readable_by). Nobody adds, edits or deletes an entry here."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.html import format_html

from articles import audit
from articles.admin.common import ReadOnlyAdminMixin
from articles.models import Article, AuditEntry
from articles.notifications import display_name
from articles.vietnamese import short_datetime

ARTICLE_PARAM = "bai"


class PersonFilter(admin.SimpleListFilter):
    """People who appear in the log, by display name (a chief's filter; others see only
    themselves, so the filter is not offered to them)."""

    title = "người thực hiện"
    parameter_name = "nguoi"

    def lookups(self, request, model_admin):
        ids = AuditEntry.objects.exclude(user=None).values("user").distinct()
        people = get_user_model().objects.filter(pk__in=ids)
        return sorted(((str(u.pk), display_name(u)) for u in people), key=lambda item: item[1])

    def queryset(self, request, queryset):
        value = self.value()
        return queryset.filter(user_id=value) if value and value.isdigit() else queryset


class ArticleFilter(admin.SimpleListFilter):
    """?bai=<id>: the entries of one article (the article page links here). Offers only the
    article already chosen: a list of every article would be the whole archive."""

    title = "bài viết"
    parameter_name = ARTICLE_PARAM

    def lookups(self, request, model_admin):
        value = self.value()
        if not (value and value.isdigit()):
            return []
        article = Article.objects.filter(pk=value).only("title").first()
        return [(value, article.title if article else f"#{value}")]

    def queryset(self, request, queryset):
        value = self.value()
        return queryset.filter(article_id=value) if value and value.isdigit() else queryset


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["when", "who", "action", "article_link", "target", "summary", "reason"]
    list_display_links = None
    list_filter = [PersonFilter, "action", ArticleFilter, ("at", admin.DateFieldListFilter)]
    list_select_related = ["user", "article"]
    search_fields = ["target", "summary", "username"]
    search_help_text = "Tìm theo đối tượng, nội dung hoặc tên đăng nhập."
    show_facets = admin.ShowFacets.NEVER
    list_per_page = 100

    def get_queryset(self, request):
        return audit.readable_by(request.user, super().get_queryset(request))

    def get_list_filter(self, request):
        if audit.may_read_all(request.user):
            return self.list_filter
        return [f for f in self.list_filter if f is not PersonFilter]

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None):
        if not self.has_module_permission(request):
            return False
        return obj is None or audit.readable_by(request.user).filter(pk=obj.pk).exists()

    @admin.display(description="thời điểm (GMT+7)", ordering="at")
    def when(self, entry):
        return short_datetime(entry.at)

    @admin.display(description="người thực hiện", ordering="user")
    def who(self, entry):
        if entry.user is not None:
            return display_name(entry.user)
        return entry.username or "—"

    @admin.display(description="bài viết")
    def article_link(self, entry):
        if entry.article is None:
            return "—"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:articles_article_change", args=[entry.article_id]),
            entry.article.title,
        )
