"""The comment queue: opens on pending comments, newest first, each with its article, why it
was held, how many comments the sender wrote before, and one-click decisions. Decisions go
through comments/actions.py, the same functions the reader view uses, and are logged.

Only holders of comments.moderate_comment (Kiểm duyệt viên bình luận, Phó Tổng biên tập,
Tổng biên tập, superusers) may change comments; a reporter cannot approve one, not even
under their own article."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.models import CHANGE, LogEntry
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.text import Truncator

from articles.admin import desk
from articles.vietnamese import fold, short_datetime
from comments import actions
from comments.models import BlockedSender, Comment, ModerationWord
from comments.queue import DECISION_LABELS, QueueViews, reply_label, status_text

Status = Comment.Status


class QueueFilterTemplate:
    """The queue's filters say "Theo …" (Django's Vietnamese has "Bởi …")."""

    template = "admin/comments/comment/filter.html"


class ReasonFilter(QueueFilterTemplate, admin.ChoicesFieldListFilter):
    pass


class ArticleFilter(QueueFilterTemplate, admin.RelatedOnlyFieldListFilter):
    pass


class StatusFilter(QueueFilterTemplate, admin.SimpleListFilter):
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
        help_text="Đăng ngay dưới phản hồi này, ký tên “Tòa soạn”.",
    )

    PENDING_HELP = (
        "Đăng ngay dưới phản hồi này, ký tên “Tòa soạn”. Trả lời cũng duyệt phản hồi này."
    )
    PRIVATE_HELP = (
        "Phản hồi này không được đăng: trả lời công khai sẽ đăng nó, nên nội dung bạn viết ở "
        "đây được gửi riêng tới email của bạn đọc, không hiện trên trang."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A public reply never publishes a rejected or spam comment: it becomes a private note.
        self.private = bool(self.instance.pk) and not actions.can_reply(self.instance)
        field = self.fields["reply"]
        if self.private:
            field.label, field.help_text = "Thư riêng cho bạn đọc", self.PRIVATE_HELP
        elif self.instance.status == Status.PENDING:
            field.label, field.help_text = "Tòa soạn trả lời (và duyệt)", self.PENDING_HELP

    class Meta:
        model = Comment
        fields = ["name", "content"]
        help_texts = {
            "content": "Có thể sửa nhẹ trước khi duyệt; nội dung gốc của bạn đọc được giữ lại."
        }


@admin.register(Comment)
class CommentAdmin(QueueViews, admin.ModelAdmin):
    form = CommentAdminForm
    list_display = ["summary", "article_link", "reason", "history", "sent", "status_label"]
    list_display_links = ["summary"]
    list_filter = [StatusFilter, ("hold_reason", ReasonFilter), ("article", ArticleFilter)]
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
        js = ["admin-newsroom/queue.js"]

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
        pending = actions.pending_count()
        extra_context = {
            "title": f"Phản hồi của bạn đọc — {pending} chờ duyệt",
            "pending": pending,
            "can_moderate": self.can_moderate(request),
            **(extra_context or {}),
        }
        return super().changelist_view(request, extra_context)

    @admin.display(
        description=format_html(
            '<input type="checkbox" id="action-toggle" aria-label="{}">',
            "Chọn mọi phản hồi trên trang",
        )
    )
    def action_checkbox(self, obj):
        """Django's checkbox, with its screen-reader label in Vietnamese."""
        attrs = {"class": "action-select", "aria-label": f"Chọn phản hồi của {obj.name}"}
        checkbox = forms.CheckboxInput(attrs, lambda value: False)
        return checkbox.render(ACTION_CHECKBOX_NAME, str(obj.pk))

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
        return format_html("<span data-status-label>{}</span>", status_text(obj))

    @admin.display(description="Xử lý")
    def buttons(self, obj):
        """Buttons inside the changelist form, which already carries the CSRF token;
        formaction sends just this row's decision to its own small POST view. Reply and
        edit open the change form without JavaScript and an inline box with it (queue.js)."""
        decisions = format_html_join(
            "",
            '<button type="submit" class="button comment-{}" formaction="{}" formmethod="post" '
            'data-decision="{}" aria-keyshortcuts="{}"{}>{}</button>',
            (
                (
                    decision,
                    reverse(f"admin:comments_comment_{decision}", args=[obj.pk]),
                    decision,
                    key,
                    " disabled" if obj.status == status else "",
                    label,
                )
                for decision, status, label, key in (
                    ("approve", Status.APPROVED, "Duyệt", "a"),
                    ("reject", Status.REJECTED, "Từ chối", "r"),
                    ("spam", Status.SPAM, "Thư rác", "s"),
                )
            ),
        )
        change = reverse("admin:comments_comment_change", args=[obj.pk])
        return format_html(
            '<div class="comment-actions" data-comment="{}" data-status="{}" data-content="{}" '
            'data-reply-url="{}" data-edit-url="{}">{}'
            '<a class="button comment-reply" href="{}#id_reply" data-inline="reply">{}</a>'
            '<a class="button comment-edit" href="{}" data-inline="edit" '
            'aria-keyshortcuts="e">Sửa</a>'
            '<a class="button comment-ban" href="{}">Chặn</a></div>',
            obj.pk,
            obj.status,
            obj.content,
            reverse("admin:comments_comment_reply", args=[obj.pk]),
            reverse("admin:comments_comment_edit", args=[obj.pk]),
            decisions,
            change,
            reply_label(obj),
            change,
            reverse("admin:comments_comment_ban", args=[obj.pk]),
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
        text = form.cleaned_data.get("reply", "")
        if not text.strip():
            return
        if form.private:
            if actions.private_note(obj, request.user, text):
                self.message_user(request, f"Đã gửi thư riêng cho {obj.email}.", messages.SUCCESS)
            else:
                self.message_user(request, "Chưa gửi được thư riêng.", messages.ERROR)
            return
        try:
            actions.reply(obj, request.user, text)
        except actions.ReplyRefused as refused:  # e.g. "Lưu và từ chối" with a reply typed
            self.message_user(request, f"Trả lời chưa được đăng. {refused}", messages.WARNING)

    def construct_change_message(self, request, form, formsets, add=False):
        message = super().construct_change_message(request, form, formsets, add)
        decision = next((d for d in actions.DECISIONS if f"_{d}" in request.POST), None)
        if decision:
            message.append({"changed": {"fields": [DECISION_LABELS[decision][1]]}})
        if form.cleaned_data.get("reply", "").strip():
            name = "thư riêng" if form.private else "trả lời"
            message.append({"added": {"name": name, "object": "Tòa soạn"}})
        return message

    # -- row actions (comments/queue.py) ---------------------------------------------------

    def get_urls(self):
        return self.queue_urls() + super().get_urls()

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


@admin.register(BlockedSender)
class BlockedSenderAdmin(admin.ModelAdmin):
    """The block list: who is blocked, by whom and why; lifting a block is deleting it."""

    list_display = ["email", "ip_shown", "reason", "created_by", "created_at"]
    search_fields = ["email", "ip_address", "reason"]
    list_select_related = ["created_by"]
    readonly_fields = ["email", "ip_address", "ip_until", "comment", "created_by", "created_at"]
    fields = [*readonly_fields, "reason"]
    actions = ["lift_selected"]

    def has_module_permission(self, request):
        return actions.can_moderate(request.user)

    def has_view_permission(self, request, obj=None):
        return actions.can_moderate(request.user)

    def has_change_permission(self, request, obj=None):
        return actions.can_moderate(request.user)

    def has_delete_permission(self, request, obj=None):
        return actions.can_moderate(request.user)

    def has_add_permission(self, request):
        return False  # blocks are made from a comment ("Chặn" in the queue)

    def get_actions(self, request):
        found = super().get_actions(request)
        found.pop("delete_selected", None)
        return found

    @admin.display(description="IP bị chặn đến")
    def ip_shown(self, obj):
        if not obj.ip_address or not obj.ip_until:
            return "—"
        return f"{obj.ip_address} ({short_datetime(obj.ip_until)})"

    @admin.action(description="Gỡ chặn những người đã chọn")
    def lift_selected(self, request, queryset):
        rows = list(queryset)
        self.log_deletions(request, rows)
        for block in rows:
            actions.lift_block(block)
        self.message_user(request, f"Đã gỡ chặn {len(rows)} người gửi.", messages.SUCCESS)


def pending_comments(user) -> dict | None:
    """The desk's box for moderators: how many comments wait, and a link to the queue."""
    if not actions.can_moderate(user) or not user.is_staff:
        return None
    url = reverse("admin:comments_comment_changelist") + "?status__exact=pending"
    return {"count": actions.pending_count(), "url": url}


desk.register_box("comments", pending_comments)
