"""The admin site's Vietnamese titles and desk index, the legal masthead (a singleton) and
the website links."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect

from articles.models import SiteSettings, WebsiteLink

admin.site.site_header = "Tòa soạn điện tử"
admin.site.site_title = "Tòa soạn"
admin.site.index_title = "Bàn làm việc"
# The index shows the desk (articles/admin/desk.py) above the list of models.
admin.site.index_template = "admin/newsroom/index.html"


@admin.register(SiteSettings)
class SiteSettingsAdmin(admin.ModelAdmin):
    fieldsets = [
        ("Tên báo", {"fields": ["masthead_name", "tagline", "governing_body", "domain"]}),
        (
            "Giấy phép và liên hệ (Luật Báo chí, Điều 46)",
            {
                "fields": [
                    "license_no",
                    "license_date",
                    "license_issuer",
                    "addresses",
                    "phone",
                    "fax",
                    "email",
                    "hotline",
                    "editor_in_chief",
                    "deputy_editors",
                    "copyright_line",
                ]
            },
        ),
        ("Quy trình", {"fields": ["tkts_may_publish"]}),
        ("Đọc nhiều", {"fields": ["most_read_days"]}),
        (
            "Phản hồi",
            {
                "fields": [
                    "comments_close_after_days",
                    "comments_post_moderation",
                    "comments_hold_without_diacritics",
                ]
            },
        ),
    ]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not SiteSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        """One row: the list is a detour, go straight to it."""
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        settings = SiteSettings.load()
        return redirect("admin:articles_sitesettings_change", settings.pk)


@admin.register(WebsiteLink)
class WebsiteLinkAdmin(admin.ModelAdmin):
    list_display = ["title", "url", "position", "is_active"]
    list_editable = ["position", "is_active"]
    search_fields = ["title", "url"]
