"""The article's workflow history as the newsroom reads it: Vietnamese headers, GMT+7,
display names, the status names of the desk and the reason of each move. (The history of
the words themselves, with compare and restore, is articles/revisions.py's business.)"""

import re

from django.apps import apps
from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from articles import workflow
from articles.admin.common import ReadOnlyAdminMixin
from articles.models import ArticleTransition
from articles.notifications import display_name
from articles.vietnamese import short_datetime

AUTO_ROW = re.compile(r"\bobject \(\d+\)")


class TransitionInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = ArticleTransition
    fields = ["when", "from_label", "to_label", "who", "reason"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False
    classes = ["collapse", "workflow-history"]
    verbose_name = "lần chuyển"
    verbose_name_plural = "Lịch sử chuyển trạng thái"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user")

    def has_view_permission(self, request, obj=None):
        return obj is None or workflow.can_view(request.user, obj)

    @admin.display(description="thời điểm (GMT+7)")
    def when(self, move):
        return short_datetime(move.at)

    @admin.display(description="từ trạng thái")
    def from_label(self, move):
        return move.get_from_status_display()

    @admin.display(description="sang trạng thái")
    def to_label(self, move):
        return move.get_to_status_display()

    @admin.display(description="người thực hiện")
    def who(self, move):
        return display_name(move.user)

    @admin.display(description="lý do / ghi chú")
    def reason(self, move):
        return move.note or "—"


def readable_deleted_objects(model_admin, objs, request):
    """ModelAdmin.get_deleted_objects without the rows of auto-created many-to-many tables,
    which Django names in English ("Article_topics object (5)"); the links go with the
    article, the confirmation needs only what a person would miss."""
    to_delete, counts, perms_needed, protected = admin.ModelAdmin.get_deleted_objects(
        model_admin, objs, request
    )

    def keep(items):
        kept = []
        for item in items:
            if isinstance(item, list):
                kept.append(keep(item))
            elif not AUTO_ROW.search(str(item)):
                kept.append(item)
        return kept

    through = {
        str(model._meta.verbose_name_plural)
        for model in apps.get_models(include_auto_created=True)
        if model._meta.auto_created
    }
    counts = {name: n for name, n in counts.items() if str(name) not in through}
    return keep(to_delete), counts, perms_needed, protected


def audit_link(article) -> str:
    """A link to the article's entries in the newsroom's audit log."""
    url = reverse("admin:articles_auditentry_changelist") + f"?bai={article.pk}"
    return format_html('<a href="{}">Xem nhật ký của bài này</a>', url)
