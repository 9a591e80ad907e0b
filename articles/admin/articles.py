"""Articles in the admin: the body editor with the photo library, ordered bylines, the cover
chooser, and the workflow buttons.

Every rule is asked of articles/workflow.py: get_queryset() shows only what the user may
open, the object permissions follow can_view/can_edit/can_delete, status is never a form
field, and the move view calls workflow.transition(), which checks again."""

import re

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from articles import live_edits, workflow
from articles.admin import desk
from articles.admin.common import FoldedSearchMixin
from articles.admin.editing import DATETIME_FORMATS, EditingAdminMixin, EditingFormMixin
from articles.admin.widgets import ImageChooserWidget
from articles.models import (
    Article,
    ArticleByline,
    ArticleTransition,
    Byline,
    Category,
    Image,
)
from articles.models.article import BODY_EXTENSIONS
from articles.sanitize import clean_html
from articles.vietnamese import date_line, short_datetime

Status = Article.Status
_IMG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_DATA_FILE = re.compile(r'\bdata-file="([0-9]+)"')


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, category):
        return f"{category.parent.name} › {category.name}" if category.parent_id else category.name


def categories_in_menu_order():
    """Top-level categories by position, each followed by its children."""
    return Category.objects.select_related("parent").order_by(
        Coalesce("parent__position", "position"),
        Coalesce("parent_id", "id"),
        F("parent_id").asc(nulls_first=True),
        "position",
        "name",
    )


class ArticleAdminForm(EditingFormMixin, forms.ModelForm):
    class Meta:
        model = Article
        # The admin narrows these further by role (get_readonly_fields); status is never
        # a form field: it moves only through workflow.transition().
        fields = [
            "title", "sapo", "body", "cover", "category", "topics", "published_at",
            "is_featured", "slug", "source", "comments_enabled",
        ]  # fmt: skip
        widgets = {"sapo": forms.Textarea(attrs={"rows": 3, "cols": 90})}

    def clean_body(self):
        """Body images come from the photo library only: each <img> must carry the id of a
        library image (data-file), which the picker sets. A typed or pasted URL has none."""
        body = self.cleaned_data.get("body", "")
        tags = _IMG.findall(clean_html(body))
        ids = set()
        for tag in tags:
            found = _DATA_FILE.search(tag)
            if not found:
                raise forms.ValidationError(
                    "Ảnh trong bài phải chọn từ Thư viện ảnh (nút Chọn ảnh → Duyệt…), "
                    "không dán địa chỉ ảnh.",
                    code="image_not_from_library",
                )
            ids.add(int(found.group(1)))
        if ids and Image.objects.filter(pk__in=ids).count() != len(ids):
            raise forms.ValidationError(
                "Một ảnh trong bài không còn trong Thư viện ảnh.", code="image_missing"
            )
        return body


class BylineInlineForm(forms.ModelForm):
    # Empty = after the others; save_formset renumbers 0, 1, 2… in the chosen order.
    position = forms.IntegerField(
        label="thứ tự", required=False, min_value=0, max_value=999,
        widget=forms.NumberInput(attrs={"style": "width: 4em"}),
    )  # fmt: skip

    class Meta:
        model = ArticleByline
        fields = ["position", "byline", "role"]


class ArticleChildInline:
    """Inline rows follow the article: whoever may edit the article edits them."""

    def has_view_permission(self, request, obj=None):
        return obj is None or workflow.can_view(request.user, obj)

    def has_add_permission(self, request, obj=None):
        if obj is None:
            return request.user.has_perm("articles.add_article")
        return workflow.can_edit(request.user, obj)

    def has_change_permission(self, request, obj=None):
        return obj is None or workflow.can_edit(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        return obj is None or workflow.can_edit(request.user, obj)


class BylineInline(ArticleChildInline, admin.TabularInline):
    model = ArticleByline
    form = BylineInlineForm
    autocomplete_fields = ["byline"]
    ordering = ["position", "pk"]
    extra = 1
    verbose_name = "bút danh"
    verbose_name_plural = "Bút danh (in cuối bài theo thứ tự)"


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False
    classes = ["collapse"]

    def has_view_permission(self, request, obj=None):
        return obj is None or workflow.can_view(request.user, obj)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class TransitionInline(ReadOnlyInline):
    model = ArticleTransition
    fields = ["at", "from_status", "to_status", "user", "note"]
    readonly_fields = fields
    verbose_name = "lần chuyển"
    verbose_name_plural = "Lịch sử chuyển trạng thái"


class QueueFilter(admin.SimpleListFilter):
    """The desk's queues as a list filter: the links on the admin index lead here."""

    title = "hàng việc"
    parameter_name = desk.QUEUE_PARAM

    def lookups(self, request, model_admin):
        return [(queue.key, queue.title) for queue in desk.queues_for(request.user)]

    def queryset(self, request, queryset):
        queue = desk.QUEUES_BY_KEY.get(self.value() or "")
        if queue is None or not queue.shown_to(request.user):
            return queryset
        return queue.articles(request.user, queryset)


class MoveForm(forms.Form):
    # "publish_now" is the explicit "Xuất bản ngay" button: publish, ignoring any time.
    to_status = forms.ChoiceField(choices=[*Status.choices, ("publish_now", "Xuất bản ngay")])
    # The status the panel showed: tells a colleague's earlier click from a forged request.
    from_status = forms.ChoiceField(choices=Status.choices, required=False)
    note = forms.CharField(required=False, max_length=2000)
    published_at = forms.DateTimeField(required=False, input_formats=DATETIME_FORMATS)
    # "Xuất bản ngay": the explicit choice a publish time in the past asks for.
    publish_now = forms.BooleanField(required=False)
    # The article's version the panel showed: a move decided on a stale page is refused.
    version = forms.IntegerField(required=False)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("to_status") == "publish_now":
            cleaned["to_status"], cleaned["publish_now"] = Status.PUBLISHED, True
        return cleaned


@admin.register(Article)
class ArticleAdmin(EditingAdminMixin, FoldedSearchMixin, admin.ModelAdmin):
    form = ArticleAdminForm
    inlines = [BylineInline, TransitionInline]
    list_display = [
        "title", "status_badge", "category", "byline_names", "when", "updated", "preview_link",
    ]  # fmt: skip
    list_filter = [
        QueueFilter,
        "status",
        ("category", admin.RelatedOnlyFieldListFilter),
        ("bylines", admin.RelatedOnlyFieldListFilter),
        ("published_at", admin.DateFieldListFilter),
        "is_featured",
    ]
    list_select_related = ["category", "category__parent"]
    list_per_page = 50
    show_facets = admin.ShowFacets.NEVER  # its toggle is untranslated; the desk has counts
    search_help_text = "Tìm trong tiêu đề, sapo và nội dung, gõ có dấu hay không dấu đều được."
    autocomplete_fields = ["topics"]
    # Listed here only so the admin does not wrap the cover's chooser in its add/change
    # popup links: the library picker uploads too. The widget is set in
    # formfield_for_foreignkey.
    raw_id_fields = ["cover"]
    view_on_site = False  # "Xem trước" opens the reader page itself, see preview_link
    save_on_top = True
    fieldsets = [
        (None, {"fields": ["title", "sapo", "body"]}),
        ("Ảnh đại diện, chuyên mục, chủ đề", {"fields": ["cover", "category", "topics"]}),
        (
            "Xuất bản",
            {
                "fields": [
                    "status_line",
                    "published_at",
                    "is_featured",
                    "slug",
                    "public_id",
                    "preview_link",
                ]
            },
        ),
        ("Nguồn, phản hồi", {"fields": ["source", "comments_enabled"]}),
    ]
    always_readonly = ["status_line", "public_id", "preview_link", "rendered_body"]

    class Media:
        css = {"all": ["admin-newsroom/newsroom.css"]}
        js = [
            "admin-newsroom/editor-vi.js",
            "admin-newsroom/workflow.js",
            "admin-newsroom/figure-caret.js",
            "admin-newsroom/autosave.js",
        ]

    # -- who sees and edits what --------------------------------------------------------

    def get_queryset(self, request):
        queryset = super().get_queryset(request).prefetch_related("byline_links__byline")
        return workflow.visible_articles(request.user, queryset)

    def has_view_permission(self, request, obj=None):
        allowed = super().has_view_permission(request, obj)
        return allowed and (obj is None or workflow.can_view(request.user, obj))

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        if not allowed or obj is None:
            return allowed
        # A desk editor may open live copy of their desk to propose a change (live_edits).
        return workflow.can_edit(request.user, obj) or live_edits.may_propose(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        if request.user.is_superuser:
            return True
        # Without an object (the list's bulk action) nobody but a superuser may delete.
        return obj is not None and workflow.can_delete(request.user, obj)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or self.has_change_permission(request, obj):
            return fieldsets
        # Read-only: show the body as readers will see it, not its HTML source.
        main = dict(fieldsets[0][1])
        main["fields"] = ["rendered_body" if f == "body" else f for f in main["fields"]]
        return [(fieldsets[0][0], main), *fieldsets[1:]]

    def get_readonly_fields(self, request, obj=None):
        user = request.user
        readonly = list(self.always_readonly)
        if not workflow.can_schedule(user, obj):
            readonly.append("published_at")
        if not workflow.may_feature(user):
            readonly.append("is_featured")
        if not (user.is_superuser or workflow.is_secretary(user) or workflow.is_chief(user)):
            readonly.append("slug")  # a live URL is the secretariat's business
        if obj is not None and obj.is_scheduled and "published_at" not in readonly:
            readonly.append("published_at")  # Đổi giờ / Hủy hẹn giờ are recorded moves
        return readonly

    # -- the form -----------------------------------------------------------------------

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "body" and field is not None:
            # The picker URL is known only once URLs load, so it is added here rather than
            # in BODY_EXTENSIONS; the field's own config (and migrations) stay untouched.
            picker = {"pickerUrl": reverse("admin:articles_image_picker")}
            field.widget.config = {
                **field.widget.config,
                "extensions": {**BODY_EXTENSIONS, "Figure": picker},
            }
        return field

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "cover":
            kwargs["widget"] = ImageChooserWidget()
        if db_field.name == "category":
            kwargs["form_class"] = CategoryChoiceField
            kwargs["queryset"] = categories_in_menu_order()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    # -- display ------------------------------------------------------------------------

    @admin.display(description="trạng thái", ordering="status")
    def status_badge(self, article):
        label = "Hẹn giờ" if article.is_scheduled else article.get_status_display()
        return format_html(
            '<span class="status-badge status-badge--{}">{}</span>',
            "scheduled" if article.is_scheduled else article.status,
            label,
        )

    @admin.display(description="trạng thái")
    def status_line(self, article):
        if article.pk is None:
            return "Nháp (bài mới)"
        text = self.status_badge(article)
        if article.is_scheduled:
            return format_html("{} lúc {}", text, date_line(article.published_at))
        return text

    @admin.display(description="nội dung")
    def rendered_body(self, article):
        return article.body_markup  # body_html: clean_html() output, see articles/sanitize.py

    @admin.display(description="bút danh")
    def byline_names(self, article):
        return " - ".join(link.display for link in article.ordered_bylines()) or "—"

    @admin.display(description="xuất bản", ordering="published_at")
    def when(self, article):
        if article.status != Status.PUBLISHED or not article.published_at:
            return "—"
        prefix = "Hẹn giờ: " if article.is_scheduled else ""
        return f"{prefix}{short_datetime(article.published_at)}"

    @admin.display(description="cập nhật", ordering="updated_at")
    def updated(self, article):
        return short_datetime(article.updated_at)

    @admin.display(description="xem")
    def preview_link(self, article):
        if article.pk is None:
            return "—"
        label = "Xem trên trang" if article.is_public else "Xem trước"
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">{}</a>', article.get_absolute_url(), label
        )

    # -- saving -------------------------------------------------------------------------

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        is_bylines = formset.model is ArticleByline
        if is_bylines:
            for index, inline_form in enumerate(formset.forms):
                if getattr(inline_form.instance, "position", None) is None:
                    inline_form.instance.position = 1000 + index
        super().save_formset(request, form, formset, change)
        if is_bylines:
            links = list(form.instance.byline_links.order_by("position", "pk"))
            for position, link in enumerate(links):
                link.position = position
            ArticleByline.objects.bulk_update(links, ["position"])

    def save_related(self, request, form, formsets, change):
        if getattr(request, "_proposal", None) is not None:
            # A proposal for live copy: nothing of the article is saved yet (the change
            # message reads these lists, which a formset's save() would fill).
            for formset in formsets:
                formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
            return
        super().save_related(request, form, formsets, change)
        article = form.instance
        if not change and not article.byline_links.exists():
            # A reporter with one pen name signs their new article with it by default.
            own = list(Byline.objects.filter(user=request.user)[:2])
            if len(own) == 1:
                ArticleByline.objects.create(article=article, byline=own[0], position=0)
        self.record_saved(request, article)

    # -- the workflow panel and its view --------------------------------------------------

    def get_urls(self):
        move = self.admin_site.admin_view(self.move_view)
        return [
            path("<path:object_id>/move/", move, name="articles_article_move"),
            *super().get_urls(),
        ]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk:
            context["workflow"] = self.workflow_context(request, obj)
            context["editing"] = self.editing_context(request, obj)
        elif add:
            context["editing"] = self.new_article_context(request)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def workflow_context(self, request, article) -> dict:
        user = request.user
        moves = [
            {
                "to": to,
                "label": workflow.MOVE_LABELS[(article.status, to)],
                "reason": to in workflow.REASON_REQUIRED,
                "danger": to in workflow.REASON_REQUIRED,
            }
            for to in workflow.allowed_moves(user, article)
        ]
        proposed = ""
        if article.published_at and article.published_at > timezone.now():
            proposed = f"{timezone.localtime(article.published_at):%Y-%m-%dT%H:%M}"
        return {
            "moves": moves,
            "publishing": any(move["to"] == Status.PUBLISHED for move in moves),
            "proposed": proposed,
            "reason": workflow.latest_reason(article),
            "url": reverse("admin:articles_article_move", args=[article.pk]),
            "scheduled_at": date_line(article.published_at) if article.is_scheduled else "",
            "may_reschedule": article.is_scheduled and workflow.may_publish(user),
        }

    def move_view(self, request, object_id):
        """POST only: one workflow move. A refused move is a 403, whatever the form showed."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = self.get_object(request, unquote(object_id))
        if article is None or not self.has_view_permission(request, article):
            raise Http404("Bài viết không tồn tại hoặc bạn không được xem.")
        form = MoveForm(request.POST)
        if not form.is_valid():
            raise PermissionDenied("Yêu cầu chuyển trạng thái không hợp lệ.")
        to_status = form.cleaned_data["to_status"]
        publish_at = form.cleaned_data["published_at"] if to_status == Status.PUBLISHED else None
        try:
            workflow.transition(
                article, to_status, request.user, form.cleaned_data["note"],
                published_at=publish_at, publish_now=form.cleaned_data["publish_now"],
                expected_version=form.cleaned_data["version"],
            )  # fmt: skip
        except workflow.StalePage as stale:
            self.message_user(request, str(stale), messages.WARNING)
            return redirect("admin:articles_article_change", article.pk)
        except workflow.PublishTimePassed:
            self.message_user(
                request,
                f"Giờ xuất bản {date_line(publish_at)} đã qua. Chọn giờ trong tương lai để "
                "hẹn giờ, hoặc bấm “Xuất bản ngay”.",
                messages.ERROR,
            )
            return redirect("admin:articles_article_change", article.pk)
        except workflow.MoveRefused:
            shown = form.cleaned_data["from_status"]
            article.refresh_from_db(fields=["status"])
            if not shown or shown == article.status:
                raise
            self.message_user(
                request,
                f"Bài đã được chuyển sang “{article.get_status_display()}” trước đó; "
                "hãy xem lại trước khi thao tác.",
                messages.WARNING,
            )
            return redirect("admin:articles_article_change", article.pk)
        except workflow.ReasonRequired:
            self.message_user(
                request, "Hãy ghi lý do trước khi trả lại hoặc gỡ bài.", messages.ERROR
            )
            return redirect("admin:articles_article_change", article.pk)
        done = f"Đã chuyển “{article.title}” sang “{article.get_status_display()}”"
        if article.is_scheduled:
            done += f", hẹn giờ {date_line(article.published_at)}"
        self.log_change(request, article, done)
        self.message_user(request, done + ".", messages.SUCCESS)
        if workflow.can_view(request.user, article):
            return redirect("admin:articles_article_change", article.pk)
        return redirect("admin:articles_article_changelist")
