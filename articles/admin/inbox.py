"""Notifications in the admin: the bell's list. Each person sees only their own; opening
one marks it read and leads to the article. The e-mail digest is switched here too."""

from django.contrib import admin, messages
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.html import format_html

from articles import notifications
from articles.admin.common import ReadOnlyAdminMixin
from articles.models import Notification
from articles.vietnamese import short_datetime


class ReadFilter(admin.SimpleListFilter):
    title = "đã đọc"
    parameter_name = "da_doc"

    def lookups(self, request, model_admin):
        return [("chua", "Chưa đọc"), ("roi", "Đã đọc")]

    def queryset(self, request, queryset):
        if self.value() == "chua":
            return queryset.filter(read_at=None)
        if self.value() == "roi":
            return queryset.exclude(read_at=None)
        return queryset


@admin.action(description="Đánh dấu đã đọc")
def mark_selected_read(modeladmin, request, queryset):
    count = notifications.mark_read(request.user, list(queryset.values_list("pk", flat=True)))
    modeladmin.message_user(request, f"Đã đánh dấu {count} thông báo là đã đọc.", messages.SUCCESS)


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["state", "message", "when"]
    list_display_links = None
    list_filter = [ReadFilter, "kind"]
    list_select_related = ["article", "transition__user"]
    actions = [mark_selected_read]
    show_facets = admin.ShowFacets.NEVER
    list_per_page = 50
    change_list_template = "admin/newsroom/notifications.html"

    def get_queryset(self, request):
        return super().get_queryset(request).filter(recipient=request.user)

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None):
        allowed = self.has_module_permission(request)
        return allowed and (obj is None or obj.recipient_id == request.user.pk)

    @admin.display(description="")
    def state(self, notification):
        if notification.read_at:
            return ""
        return format_html('<span class="bell-dot" title="{}">●</span>', "Chưa đọc")

    @admin.display(description="thông báo")
    def message(self, notification):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:articles_notification_open", args=[notification.pk]),
            notifications.describe(notification),
        )

    @admin.display(description="lúc (GMT+7)", ordering="created_at")
    def when(self, notification):
        return short_datetime(notification.created_at)

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<int:pk>/mo/", wrap(self.open_view), name="articles_notification_open"),
            path("doc-het/", wrap(self.read_all_view), name="articles_notification_read_all"),
            path("thu/", wrap(self.digest_view), name="articles_notification_digest"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra = {
            "digest_on": notifications.wants_digest(request.user),
            "unread": notifications.unread_count(request.user),
            **(extra_context or {}),
        }
        return super().changelist_view(request, extra)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """A notification has no form: opening it leads to its article."""
        if not str(object_id).isdigit():
            return redirect("admin:articles_notification_changelist")
        return self.open_view(request, int(object_id))

    def open_view(self, request, pk):
        notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
        notifications.mark_read(request.user, [notification.pk])
        return redirect("admin:articles_article_change", notification.article_id)

    def read_all_view(self, request):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        count = notifications.mark_read(request.user)
        self.message_user(request, f"Đã đánh dấu {count} thông báo là đã đọc.", messages.SUCCESS)
        return redirect("admin:articles_notification_changelist")

    def digest_view(self, request):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        on = request.POST.get("email_digest") == "1"
        notifications.set_digest(request.user, on)
        text = "Đã bật thư tổng hợp thông báo." if on else "Đã tắt thư tổng hợp thông báo."
        self.message_user(request, text, messages.SUCCESS)
        return redirect("admin:articles_notification_changelist")
