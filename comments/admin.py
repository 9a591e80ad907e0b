"""The comment queue: opens on pending comments, newest first, each with its article, why it
was held, how many comments the sender wrote before, and one-click decisions. Decisions go
through comments/actions.py, the same functions the reader view uses, and are logged.

Only holders of comments.moderate_comment (Kiểm duyệt viên bình luận, Phó Tổng biên tập,
Tổng biên tập, superusers) may change comments; a reporter cannot approve one, not even
under their own article."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.models import CHANGE, LogEntry
from django.core.exceptions import PermissionDenied
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.text import Truncator

from articles.admin import desk
from articles.vietnamese import fold, short_datetime
from comments import actions
from comments.models import Comment, ModerationWord

Status = Comment.Status

DECISION_LABELS = {
    "approve": ("Duyệt", "Đã duyệt"),
    "reject": ("Từ chối", "Đã từ chối"),
    "spam": ("Thư rác", "Đã đánh dấu thư rác"),
}


class StatusFilter(admin.SimpleListFilter):
    """Like a choices filter, but with no parameter the queue shows what needs a decision."""

    title = "trạng thái"
    parameter_name = "status__exact"  # the plain choices filter's name: old links still work
    ALL = "all"

    def lookups(self, request, model_admin):
        return [*Status.choices, (self.ALL, "Tất cả")]

    def value(self):
        value = super().value()
        valid = {*Status.values, self.ALL}
        return value if value in valid else Status.PENDING

    def choices(self, changelist):
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        value = self.value()
        return queryset if value == self.ALL else queryset.filter(status=value)


def earlier_comments(status: str | None = None):
    """How many comments this sender wrote before this one: one correlated subquery per
    row inside the list's single query (comment_email_idx), never a query per row."""
    rows = Comment.objects.filter(
        email=OuterRef("email"), created_at__lt=OuterRef("created_at"), is_newsroom_reply=False
    )
    if status:
        rows = rows.filter(status=status)
    counted = rows.order_by().values("email").annotate(n=Count("pk")).values("n")[:1]
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


class CommentAdminForm(forms.ModelForm):
    reply = forms.CharField(
        label="Tòa soạn trả lời",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Đăng ngay dưới phản hồi này, ký tên “Tòa soạn”. Nếu phản hồi đang chờ, "
        "trả lời cũng duyệt nó.",
    )

    class Meta:
        model = Comment
        fields = ["name", "content"]
        help_texts = {
            "content": "Có thể sửa nhẹ trước khi duyệt; nội dung gốc của bạn đọc được giữ lại."
        }


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    form = CommentAdminForm
    list_display = ["summary", "article_link", "reason", "history", "sent", "status_label"]
    list_display_links = ["summary"]
    list_filter = [StatusFilter, "hold_reason", ("article", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "email", "content"]
    ordering = ["-created_at", "-pk"]
    list_per_page = 50
    list_select_related = ["article__category__parent", "moderated_by"]
    actions = ["approve_selected", "reject_selected", "spam_selected"]
    readonly_fields = [
        "article_link", "email", "status", "hold_reason", "hold_detail", "original_content",
        "history", "created_at", "ip_address", "user_agent", "moderated_by", "moderated_at",
        "replies",
    ]  # fmt: skip
    fieldsets = [
        (None, {"fields": ["article_link", ("status", "hold_reason"), "hold_detail"]}),
        ("Bạn đọc", {"fields": ["name", "email", "history", "content", "original_content"]}),
        ("Trả lời", {"fields": ["replies", "reply"]}),
        (
            "Kỹ thuật",
            {
                "classes": ["collapse"],
                "fields": [
                    "created_at",
                    "ip_address",
                    "user_agent",
                    "moderated_by",
                    "moderated_at",
                ],
            },
        ),  # fmt: skip
    ]

    class Media:
        css = {"all": ["admin-newsroom/newsroom.css"]}

    # -- permissions -------------------------------------------------------------------

    def can_moderate(self, request) -> bool:
        return actions.can_moderate(request.user)

    def has_moderate_permission(self, request) -> bool:  # for @admin.action(permissions=)
        return self.can_moderate(request)

    def has_view_permission(self, request, obj=None):
        return self.can_moderate(request) or super().has_view_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self.can_moderate(request) and super().has_change_permission(request, obj)

    def has_add_permission(self, request):
        return False  # comments come from readers; the newsroom answers with a reply

    def has_delete_permission(self, request, obj=None):
        # Reject instead: nothing a reader sent is lost. Superusers may still erase one.
        return request.user.is_superuser

    # -- the list ------------------------------------------------------------------------

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                earlier_count=earlier_comments(),
                earlier_approved=earlier_comments(Status.APPROVED),
            )
        )

    def get_list_display(self, request):
        columns = list(super().get_list_display(request))
        return [*columns, "buttons"] if self.can_moderate(request) else columns

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            "title": f"Phản hồi của bạn đọc — {actions.pending_count()} chờ duyệt",
            **(extra_context or {}),
        }
        return super().changelist_view(request, extra_context)

    @admin.display(description="Phản hồi")
    def summary(self, obj):
        return format_html(
            '<strong>{}</strong> <span class="comment-email">&lt;{}&gt;</span>'
            '{}<div class="comment-text">{}</div>',
            obj.name,
            obj.email,
            format_html(" · <em>{}</em>", "Tòa soạn trả lời") if obj.is_newsroom_reply else "",
            Truncator(obj.content).chars(400),
        )

    @admin.display(description="Bài viết")
    def article_link(self, obj):
        article = obj.article
        queue = reverse("admin:comments_comment_changelist")
        only = urlencode(
            {"article__id__exact": article.pk, StatusFilter.parameter_name: StatusFilter.ALL}
        )
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">{}</a><br><a href="{}?{}">{}</a>',
            article.get_absolute_url(),
            Truncator(article.title).chars(90),
            queue,
            only,
            "mọi phản hồi của bài",
        )

    @admin.display(description="Lý do giữ", ordering="hold_reason")
    def reason(self, obj):
        if not obj.hold_reason and not obj.hold_detail:
            return "—"
        return format_html(
            "<strong>{}</strong><br><small>{}</small>",
            obj.get_hold_reason_display(),
            obj.hold_detail,
        )

    @admin.display(description="Đã gửi trước đó")
    def history(self, obj):
        earlier = getattr(obj, "earlier_count", None)
        if earlier is None:
            return "—"
        if not earlier:
            return "Lần đầu"
        queue = reverse("admin:comments_comment_changelist")
        query = urlencode({"q": obj.email, StatusFilter.parameter_name: StatusFilter.ALL})
        return format_html(
            '<a href="{}?{}">{} ({} đã duyệt)</a>', queue, query, earlier, obj.earlier_approved
        )

    @admin.display(description="Gửi lúc", ordering="created_at")
    def sent(self, obj):
        return short_datetime(obj.created_at)

    @admin.display(description="Trạng thái", ordering="status")
    def status_label(self, obj):
        who = ""
        if obj.moderated_at:
            by = obj.moderated_by.get_username() if obj.moderated_by_id else "tự động"
            who = f" ({by}, {short_datetime(obj.moderated_at)})"
        return f"{obj.get_status_display()}{who}"

    @admin.display(description="Xử lý")
    def buttons(self, obj):
        """Buttons inside the changelist form, which already carries the CSRF token;
        formaction sends just this row's decision to its own small POST view."""
        return format_html_join(
            " ",
            '<button type="submit" class="button comment-{}" formaction="{}" '
            'formmethod="post"{}>{}</button>',
            (
                (
                    decision,
                    reverse(f"admin:comments_comment_{decision}", args=[obj.pk]),
                    " disabled" if obj.status == status else "",
                    label,
                )
                for decision, status, label in (
                    ("approve", Status.APPROVED, "Duyệt"),
                    ("reject", Status.REJECTED, "Từ chối"),
                    ("spam", Status.SPAM, "Thư rác"),
                )
            ),
        )

    # -- the change form -------------------------------------------------------------------

    @admin.display(description="Trả lời đã đăng")
    def replies(self, obj):
        answers = list(obj.replies.order_by("created_at")) if obj.pk else []
        if not answers:
            return "—"
        return format_html_join(
            "",
            "<p><strong>{}</strong> · {}<br>{}</p>",
            ((a.name, short_datetime(a.created_at), a.content) for a in answers),
        )

    def save_model(self, request, obj, form, change):
        if change and "content" in form.changed_data:
            actions.keep_original(obj, form.initial.get("content", ""))
        super().save_model(request, obj, form, change)
        decision = next((d for d in actions.DECISIONS if f"_{d}" in request.POST), None)
        if decision:
            actions.DECISIONS[decision](obj, request.user)
        if form.cleaned_data.get("reply", "").strip():
            actions.reply(obj, request.user, form.cleaned_data["reply"])

    def construct_change_message(self, request, form, formsets, add=False):
        message = super().construct_change_message(request, form, formsets, add)
        decision = next((d for d in actions.DECISIONS if f"_{d}" in request.POST), None)
        if decision:
            message.append({"changed": {"fields": [DECISION_LABELS[decision][1]]}})
        if form.cleaned_data.get("reply", "").strip():
            message.append({"added": {"name": "trả lời", "object": "Tòa soạn"}})
        return message

    # -- one-click decisions ---------------------------------------------------------------

    def get_urls(self):
        own = [
            path(
                f"<int:pk>/{decision}/",
                self.admin_site.admin_view(self.decision_view),
                {"decision": decision},
                name=f"comments_comment_{decision}",
            )
            for decision in actions.DECISIONS
        ]
        return own + super().get_urls()

    def decision_view(self, request, pk, decision):
        """POST only, CSRF-checked by the middleware and admin_view; back to where the
        moderator was."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.can_moderate(request):
            raise PermissionDenied
        comment = get_object_or_404(Comment, pk=pk)
        actions.DECISIONS[decision](comment, request.user)
        label, done = DECISION_LABELS[decision]
        self.log_change(request, comment, [{"changed": {"fields": [done]}}])
        self.message_user(request, f"{done} phản hồi của “{comment.name}”.", messages.SUCCESS)
        return HttpResponseRedirect(self._back(request))

    def _back(self, request) -> str:
        back = request.META.get("HTTP_REFERER", "")
        if back and url_has_allowed_host_and_scheme(
            back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return back
        return reverse("admin:comments_comment_changelist")

    # -- bulk actions --------------------------------------------------------------------

    def _bulk(self, request, queryset, decision):
        rows = list(queryset)
        count = actions.BULK_DECISIONS[decision](queryset, request.user)
        done = DECISION_LABELS[decision][1]
        LogEntry.objects.log_actions(
            request.user.pk, rows, CHANGE, [{"changed": {"fields": [done]}}]
        )
        self.message_user(request, f"{done} {count} phản hồi.", messages.SUCCESS)

    @admin.action(description="Duyệt các phản hồi đã chọn", permissions=["moderate"])
    def approve_selected(self, request, queryset):
        self._bulk(request, queryset, "approve")

    @admin.action(description="Từ chối các phản hồi đã chọn", permissions=["moderate"])
    def reject_selected(self, request, queryset):
        self._bulk(request, queryset, "reject")

    @admin.action(description="Đánh dấu thư rác các phản hồi đã chọn", permissions=["moderate"])
    def spam_selected(self, request, queryset):
        self._bulk(request, queryset, "spam")


class ModerationWordForm(forms.ModelForm):
    class Meta:
        model = ModerationWord
        fields = ["word", "action"]
        help_texts = {
            "word": "So khớp không phân biệt dấu, hoa thường và đ/d, trong họ tên, email và "
            "nội dung; bắt cả cách viết tách chữ như “c a s i n o”. Ví dụ: “cờ bạc”. "
            "Bỏ dấu rồi, từ ngắn có thể trùng từ thông dụng (“Đảng” khớp cả “đang”): "
            "với những từ như vậy nên chọn “Giữ lại chờ duyệt”, đừng chặn."
        }

    def clean_word(self):
        word = " ".join((self.cleaned_data.get("word") or "").split())
        if not fold(word).strip():
            raise forms.ValidationError("Vui lòng nhập một từ hoặc cụm từ.")
        return word


@admin.register(ModerationWord)
class ModerationWordAdmin(admin.ModelAdmin):
    form = ModerationWordForm
    list_display = ["word", "action"]
    list_filter = ["action"]
    search_fields = ["word"]


def pending_comments(user) -> dict | None:
    """The desk's box for moderators: how many comments wait, and a link to the queue."""
    if not actions.can_moderate(user) or not user.is_staff:
        return None
    url = reverse("admin:comments_comment_changelist") + "?status__exact=pending"
    return {"count": actions.pending_count(), "url": url}


desk.register_box("comments", pending_comments)
