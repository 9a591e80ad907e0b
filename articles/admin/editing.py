"""The article form's guards against lost work, as mixins for ArticleAdminForm and
ArticleAdmin: the version check with its side-by-side, the lock and its takeover, autosave,
revisions (history, compare, restore), schedule moves and edits of live copy.

The rules live in plain modules (articles/locking.py, autosave.py, revisions.py,
scheduling.py); this file only wires them to the admin."""

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from reversion.models import Version

from articles import autosave, live_edits, locking, revisions, scheduling, workflow
from articles.models import Article, LiveEditProposal
from articles.vietnamese import short_datetime

Status = Article.Status
# Form fields that are bookkeeping, not the article's content.
BOOKKEEPING = ("opened_version", "overwrite_version", "edit_reason", "is_correction")
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"]


class MinuteDateTimeField(forms.SplitDateTimeField):
    """The publish time as the newsroom types it (GMT+7, to the minute). Seconds the form
    cannot show are not a change, and a save keeps the stored seconds."""

    def has_changed(self, initial, data):
        if not isinstance(data, (list, tuple)):
            return super().has_changed(initial, data)
        try:
            parts = [field.clean(part) for field, part in zip(self.fields, data, strict=False)]
            value = self.compress(parts) if any(data) else None
        except ValidationError:
            return True
        return revisions.minute(value) != revisions.minute(initial)


class EditingFormMixin(forms.Form):
    opened_version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    # Set by the conflict panel's checkbox to the version the user has now seen.
    overwrite_version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    edit_reason = forms.CharField(
        label="lý do sửa", required=False, max_length=500,
        help_text="Bắt buộc khi sửa bài đang đăng. Với đính chính, đây là lời đính chính "
        "bạn đọc sẽ thấy ở cuối bài.",
        widget=forms.TextInput(attrs={"size": 80}),
    )  # fmt: skip
    is_correction = forms.BooleanField(
        label="đây là đính chính", required=False,
        help_text="Bạn đọc thấy “Đính chính: …” ở cuối bài và giờ cập nhật ở đầu bài.",
    )  # fmt: skip

    editing_user = None  # set per request by ArticleAdmin.get_form
    conflict = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["opened_version"].initial = self.initial.get(
            "opened_version", self.instance.version if self.instance.pk else None
        )

    def clean_published_at(self):
        value = self.cleaned_data.get("published_at")
        stored = self.instance.published_at if self.instance.pk else None
        if value and stored and revisions.minute(value) == revisions.minute(stored):
            return stored  # keep the seconds the form could not show
        if value and value <= timezone.now() and self.instance.pk and self.instance.is_scheduled:
            raise ValidationError(
                "Giờ này đã qua: lưu sẽ cho bài lên trang ngay. Muốn xuất bản ngay, dùng nút "
                "“Xuất bản ngay” ở khung Quy trình.",
                code="publish_time_passed",
            )
        return value

    def submitted_snapshot(self) -> dict:
        data = self.cleaned_data
        snap = {}
        for key in ("title", "sapo", "body", "source"):
            if key in data:
                snap[key] = data[key] or ""
        if "category" in data:
            snap["category"] = data["category"].pk if data["category"] else None
        if "cover" in data:
            snap["cover"] = data["cover"].pk if data["cover"] else None
        if "topics" in data and data["topics"] is not None:
            snap["topics"] = sorted(topic.pk for topic in data["topics"])
        if "published_at" in data:
            snap["published_at"] = revisions.minute(data["published_at"])
        return snap

    def content_changed(self) -> bool:
        return any(name not in BOOKKEEPING for name in self.changed_data)

    def clean(self):
        cleaned = super().clean()
        article = self.instance
        if article.pk is None or self.editing_user is None:
            return cleaned
        self.conflict = locking.check_save(
            article,
            self.editing_user,
            cleaned.get("opened_version"),
            cleaned.get("overwrite_version"),
            self.submitted_snapshot(),
        )
        if self.conflict is not None:
            raise ValidationError(self.conflict.message, code="conflict")
        if article.is_public and self.content_changed() and not cleaned.get("edit_reason"):
            self.add_error(
                "edit_reason",
                ValidationError(
                    "Bài đang trên trang: hãy ghi ngắn gọn lý do sửa.", code="reason_required"
                ),
            )
        return cleaned


class EditingAdminMixin:
    """For ArticleAdmin: extra URLs, context and save hooks."""

    # -- the form -----------------------------------------------------------------------

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "published_at":
            kwargs.update(
                form_class=MinuteDateTimeField,
                label="thời gian xuất bản (GMT+7)",
                help_text="Giờ Việt Nam (GMT+7). Giờ trong tương lai là hẹn giờ; bài đang hẹn "
                "giờ thì đổi hoặc hủy bằng các nút ở khung Quy trình.",
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change, **kwargs)
        form_class.editing_user = request.user
        saved = getattr(request, "_autosave_restore", None)
        if saved is None:
            return form_class
        # ModelAdmin builds the GET change form as ModelForm(instance=obj); the values of
        # the autosave being restored go in as its initial data.
        initial = autosave.initial_for(form_class, saved)

        class Restored(form_class):
            def __init__(self, *args, **kw):
                if not args and "data" not in kw:
                    kw["initial"] = {**(kw.get("initial") or {}), **initial}
                super().__init__(*args, **kw)

        return Restored

    def get_fieldsets(self, request, obj=None):
        fieldsets = list(super().get_fieldsets(request, obj))
        if obj is not None and obj.is_public and self.has_change_permission(request, obj):
            fieldsets.insert(
                1,
                (
                    "Sửa bài đang đăng",
                    {
                        "fields": ["edit_reason", "is_correction"],
                        "description": "Bài đang trên trang: mỗi lần sửa được lưu thành một "
                        "phiên bản, kèm lý do.",
                    },
                ),
            )
        return fieldsets

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = dict(extra_context or {})
        obj = self.get_object(request, unquote(object_id))
        if obj is not None and request.method == "GET" and request.GET.get("autosave") == "restore":
            saved = autosave.offered(obj, request.user)
            if saved is not None:
                request._autosave_restore = saved
        return super().change_view(request, object_id, form_url, extra_context)

    def add_view(self, request, form_url="", extra_context=None):
        if request.method == "GET" and request.GET.get("autosave") == "restore":
            saved = autosave.offered(None, request.user)
            if saved is not None:
                request._autosave_restore = saved
        return super().add_view(request, form_url, extra_context)

    def new_article_context(self, request) -> dict:
        """The add form: autosave only (no lock, history or schedule yet)."""
        restoring = getattr(request, "_autosave_restore", None)
        return {
            "may_edit": True,
            "version": 0,
            "autosave": None if restoring else autosave.offered(None, request.user),
            "restoring": restoring,
            "autosave_url": reverse("admin:articles_article_autosave_new"),
        }

    def editing_context(self, request, article) -> dict:
        user = request.user
        may_edit = self.has_change_permission(request, article)
        other = None
        if may_edit and request.method == "GET":
            other = locking.open_for_edit(article, user)
        elif may_edit:
            lock = locking.current_lock(article)
            other = lock if lock and lock.user_id != user.pk else None
        restoring = getattr(request, "_autosave_restore", None)
        offered = None if restoring else (autosave.offered(article, user) if may_edit else None)
        return {
            "lock": other,
            "lock_name": locking.display_name(other.user) if other else "",
            "may_take_over": other is not None and locking.may_take_over(user, article),
            "autosave": offered,
            "restoring": restoring,
            "autosave_url": reverse("admin:articles_article_autosave", args=[article.pk]),
            "history_url": reverse("admin:articles_article_revisions", args=[article.pk]),
            "takeover_url": reverse("admin:articles_article_takeover", args=[article.pk]),
            "schedule_url": reverse("admin:articles_article_schedule", args=[article.pk]),
            "may_edit": may_edit,
            "version": article.version,
            "proposals": [
                {"proposal": proposal, "rows": live_edits.comparison(proposal)}
                for proposal in live_edits.pending(article)
            ],
            "may_decide": live_edits.may_decide(user),
        }

    # -- saving -------------------------------------------------------------------------

    def save_model(self, request, obj, form, change):
        comment = "Tạo bài" if not change else "Lưu"
        reason = form.cleaned_data.get("edit_reason", "")
        correction = form.cleaned_data.get("is_correction", False)
        if change and live_edits.may_propose(request.user, obj):
            # A desk editor's change to live copy waits for a publisher: nothing is saved.
            request._proposal = live_edits.propose(
                obj, request.user, form.submitted_snapshot(), reason, correction
            )
            return
        if change and obj.status == Status.PUBLISHED and form.content_changed():
            stored = Article.objects.filter(pk=obj.pk).values("published_at").first()
            if stored and stored["published_at"] and stored["published_at"] <= timezone.now():
                comment = live_edits.mark_live_edit(obj, reason, correction)
        request._revision_comment = comment
        if change:
            revisions.ensure_baseline(obj)
        else:
            autosave.discard(None, request.user)  # the new article's form autosave
        super().save_model(request, obj, form, change)

    def response_change(self, request, obj):
        if getattr(request, "_proposal", None) is not None:
            self.message_user(
                request,
                "Đã gửi đề xuất sửa bài đang đăng; bài trên trang chưa đổi cho đến khi lãnh "
                "đạo duyệt.",
                messages.SUCCESS,
            )
            return redirect("admin:articles_article_change", obj.pk)
        return super().response_change(request, obj)

    def record_saved(self, request, article) -> None:
        """Once the article and its inlines are saved: a revision, and no more autosave."""
        revisions.record(article, request.user, getattr(request, "_revision_comment", ""))
        autosave.discard(article, request.user)

    # -- URLs ---------------------------------------------------------------------------

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<path:object_id>/takeover/", view(self.takeover_view),
                 name="articles_article_takeover"),
            path("<path:object_id>/autosave/", view(self.autosave_view),
                 name="articles_article_autosave"),
            path("autosave-new/", view(self.autosave_new_view),
                 name="articles_article_autosave_new"),
            path("<path:object_id>/phien-ban/", view(self.revisions_view),
                 name="articles_article_revisions"),
            path("<path:object_id>/phien-ban/<int:version_id>/khoi-phuc/",
                 view(self.restore_view), name="articles_article_restore"),
            path("<path:object_id>/schedule/", view(self.schedule_view),
                 name="articles_article_schedule"),
            path("<path:object_id>/de-xuat/<int:proposal_id>/", view(self.proposal_view),
                 name="articles_article_proposal"),
            *super().get_urls(),
        ]  # fmt: skip

    def _article_or_404(self, request, object_id):
        article = self.get_object(request, unquote(object_id))
        if article is None or not self.has_view_permission(request, article):
            raise Http404("Bài viết không tồn tại hoặc bạn không được xem.")
        return article

    def takeover_view(self, request, object_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = self._article_or_404(request, object_id)
        lock = locking.current_lock(article)
        locking.take_over(article, request.user)
        if lock is not None and lock.user_id != request.user.pk:
            self.message_user(
                request,
                f"Bạn đã tiếp quản bài từ {locking.display_name(lock.user)}; "
                "họ sẽ được báo khi lưu lần tới.",
                messages.SUCCESS,
            )
        return redirect("admin:articles_article_change", article.pk)

    def autosave_view(self, request, object_id):
        """POST data=<JSON of the form's fields>, version=<opened version>; action=discard
        drops the autosave. Answers JSON; sendBeacon on page exit ignores the answer."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = self._article_or_404(request, object_id)
        if not self.has_change_permission(request, article):
            if "data" not in request.POST:  # a ping from a page that is now read-only
                return JsonResponse({"ok": False, "editable": False})
            raise PermissionDenied("Bạn không được sửa bài này.")
        if request.POST.get("action") == "discard":
            autosave.discard(article, request.user)
            if request.POST.get("next") == "form":
                return redirect("admin:articles_article_change", article.pk)
            return JsonResponse({"discarded": True})
        if "data" not in request.POST:
            locking.heartbeat(article, request.user)
            return JsonResponse({"ok": True})
        try:
            version = int(request.POST.get("version") or article.version)
            saved = autosave.store(article, request.user, request.POST["data"], version)
        except (ValueError, TypeError) as error:
            return JsonResponse({"error": str(error) or "Dữ liệu không hợp lệ."}, status=400)
        return JsonResponse({"saved_at": short_datetime(saved.saved_at)})

    def autosave_new_view(self, request):
        """The add form's autosave: as autosave_view, with no article yet."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_add_permission(request):
            raise PermissionDenied("Bạn không được viết bài.")
        if request.POST.get("action") == "discard":
            autosave.discard(None, request.user)
            if request.POST.get("next") == "form":
                return redirect("admin:articles_article_add")
            return JsonResponse({"discarded": True})
        if "data" not in request.POST:
            return JsonResponse({"ok": True})
        try:
            saved = autosave.store(None, request.user, request.POST["data"], 0)
        except (ValueError, TypeError) as error:
            return JsonResponse({"error": str(error) or "Dữ liệu không hợp lệ."}, status=400)
        return JsonResponse({"saved_at": short_datetime(saved.saved_at)})

    def revisions_view(self, request, object_id):
        article = self._article_or_404(request, object_id)
        versions = list(revisions.versions_of(article))
        numbered = [(len(versions) - n, version) for n, version in enumerate(versions)]
        by_id = {version.pk: version for version in versions}
        rows, pair = None, None
        try:
            a, b = int(request.GET.get("a", 0)), int(request.GET.get("b", 0))
        except ValueError:
            a = b = 0
        if a in by_id and b in by_id:
            older, newer = sorted([by_id[a], by_id[b]], key=lambda v: v.pk)
            rows = revisions.compare(
                revisions.version_snapshot(older), revisions.version_snapshot(newer)
            )
            number = {version.pk: n for n, version in numbered}
            pair = (number[older.pk], older, number[newer.pk], newer)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": article,
            "title": f"Các phiên bản: {article.title}",
            "numbered": numbered,
            "rows": rows,
            "pair": pair,
            "may_restore": revisions.may_restore(request.user, article),
            "latest_id": versions[0].pk if versions else None,
        }
        return TemplateResponse(request, "admin/newsroom/revisions.html", context)

    def restore_view(self, request, object_id, version_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = self._article_or_404(request, object_id)
        if not revisions.may_restore(request.user, article):
            raise PermissionDenied("Chỉ lãnh đạo hoặc biên tập viên phụ trách được khôi phục.")
        version = get_object_or_404(Version.objects.get_for_object(article), pk=version_id)
        number = revisions.revision_number(article, version)
        with transaction.atomic():
            revisions.restore(article, version, request.user)
        self.message_user(
            request,
            f"Đã khôi phục phiên bản #{number} thành một phiên bản mới; bản trước đó vẫn "
            "còn trong danh sách.",
            messages.SUCCESS,
        )
        return redirect("admin:articles_article_change", article.pk)

    def schedule_view(self, request, object_id):
        """Hủy hẹn giờ / Đổi giờ / Xuất bản ngay for a scheduled article."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = self._article_or_404(request, object_id)
        form = ScheduleForm(request.POST)
        if not form.is_valid():
            self.message_user(request, "Giờ không hợp lệ (ví dụ 14:05 03/12/2026).", messages.ERROR)
            return redirect("admin:articles_article_change", article.pk)
        action, version = form.cleaned_data["action"], form.cleaned_data["version"]
        try:
            if action == "cancel":
                scheduling.cancel(article, request.user, expected_version=version)
                done = "Đã hủy hẹn giờ; bài về Chờ duyệt."
            else:
                scheduling.reschedule(
                    article, request.user, form.cleaned_data["published_at"],
                    publish_now=action == "now", expected_version=version,
                )  # fmt: skip
                done = (
                    "Đã xuất bản ngay."
                    if action == "now"
                    else f"Đã đổi giờ hẹn sang {short_datetime(article.published_at)} (GMT+7)."
                )
        except workflow.PublishTimePassed:
            self.message_user(
                request,
                "Giờ mới đã qua hoặc để trống. Chọn giờ trong tương lai, hoặc bấm “Xuất bản "
                "ngay” nếu muốn bài lên trang ngay.",
                messages.ERROR,
            )
            return redirect("admin:articles_article_change", article.pk)
        except workflow.MoveRefused as refused:
            self.message_user(request, str(refused), messages.WARNING)
            return redirect("admin:articles_article_change", article.pk)
        self.log_change(request, article, done)
        self.message_user(request, done, messages.SUCCESS)
        return redirect("admin:articles_article_change", article.pk)

    def proposal_view(self, request, object_id, proposal_id):
        """POST action=approve|reject on a desk editor's change to live copy."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = self._article_or_404(request, object_id)
        proposal = get_object_or_404(LiveEditProposal, pk=proposal_id, article=article)
        approving = request.POST.get("action") == "approve"
        try:
            if approving:
                live_edits.approve(proposal, request.user)
            else:
                live_edits.reject(proposal, request.user)
        except workflow.MoveRefused as refused:
            if not live_edits.may_decide(request.user):
                raise
            self.message_user(request, str(refused), messages.WARNING)
            return redirect("admin:articles_article_change", article.pk)
        done = "Đã duyệt và áp dụng đề xuất sửa." if approving else "Đã không duyệt đề xuất sửa."
        self.log_change(request, article, done)
        self.message_user(request, done, messages.SUCCESS)
        return redirect("admin:articles_article_change", article.pk)


class ScheduleForm(forms.Form):
    action = forms.ChoiceField(choices=[("cancel", "cancel"), ("move", "move"), ("now", "now")])
    published_at = forms.DateTimeField(required=False, input_formats=DATETIME_FORMATS)
    version = forms.IntegerField(required=False)
