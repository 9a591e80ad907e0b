"""The monthly sheet in the admin: the period's page (fund, totals, warnings, moves, exports,
log) and the grading screen. Views are thin: the work is in articles/royalties/sheet.py."""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Q, Sum
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from articles import royalty_money as money
from articles.models import Byline, Category
from articles.models.royalties import RoyaltyAllowance, RoyaltyGenre, RoyaltyPeriod
from articles.royalties import exports, sheet
from articles.royalties.admin import dong

Status = RoyaltyPeriod.Status


@admin.register(RoyaltyPeriod)
class RoyaltyPeriodAdmin(admin.ModelAdmin):
    list_display = ["__str__", "status", "spent_shown", "budget_shown", "remaining_shown",
                    "grading_link"]  # fmt: skip
    list_filter = ["status"]
    change_form_template = "admin/royalties/period_change_form.html"

    class Media:
        css = {"all": ["admin-newsroom/newsroom.css", "admin-newsroom/royalties.css"]}

    # -- the form: a month to open; the fund and pay date for Kế toán ---------------------

    def may_set_fund(self, request, obj) -> bool:
        return request.user.has_perm("articles.set_royalty_fund") and not obj.is_locked

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["month"]
        fund = "budget" if self.may_set_fund(request, obj) else "budget_shown"
        return ["month", "status", fund, "pay_date", "over_budget_reason",
                "graded_by", "graded_at", "approved_by", "approved_at", "paid_at"]  # fmt: skip

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        editable = {"budget", "pay_date"} if self.may_set_fund(request, obj) else set()
        return [f for f in self.get_fields(request, obj) if f not in editable]

    def save_model(self, request, obj, form, change):
        if not change:
            sheet.open_period(obj.month, request.user)
            obj.pk = RoyaltyPeriod.objects.get(month=obj.month.replace(day=1)).pk
            return
        if "budget" in form.changed_data or "pay_date" in form.changed_data:
            sheet.log(obj, request.user, "fund", budget=obj.budget, pay_date=str(obj.pay_date))
        super().save_model(request, obj, form, change)

    # -- list columns ------------------------------------------------------------------

    def get_queryset(self, request):
        counted = Sum("grades__amount", filter=Q(grades__excluded=False), default=0)
        return super().get_queryset(request).annotate(spent_total=counted)

    @admin.display(description="đã chấm")
    def spent_shown(self, obj):
        return dong(obj.spent_total)

    @admin.display(description="quỹ nhuận bút")
    def budget_shown(self, obj):
        return dong(obj.budget)

    @admin.display(description="còn lại")
    def remaining_shown(self, obj):
        return "—" if obj.budget is None else dong(obj.budget - obj.spent_total)

    @admin.display(description="bảng chấm")
    def grading_link(self, obj):
        url = reverse("admin:articles_royaltyperiod_grading", args=[obj.pk])
        return format_html('<a href="{}">Mở bảng chấm</a>', url)

    # -- the period page ------------------------------------------------------------------

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<path:object_id>/cham/", wrap(self.grading_view),
                 name="articles_royaltyperiod_grading"),
            path("<path:object_id>/chuyen/", wrap(self.move_view),
                 name="articles_royaltyperiod_move"),
            path("<path:object_id>/xuat/<str:fmt>/", wrap(self.export_view),
                 name="articles_royaltyperiod_export"),
            *super().get_urls(),
        ]  # fmt: skip

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk:
            context["sheet"] = self.sheet_context(request, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def sheet_context(self, request, period) -> dict:
        user = request.user
        total = sheet.spent(period)
        people = sheet.people(period)
        return {
            "spent": dong(total),
            "budget": dong(period.budget),
            "remaining": "—" if period.budget is None else dong(period.budget - total),
            "tax": dong(sum(p.tax for p in people)),
            "people": len(people),
            "warnings": sheet.warnings(period),
            "moves": [
                {"to": to, "label": sheet.MOVE_LABELS[to]}
                for to in sheet.allowed_moves(period, user)
            ],
            "may_override": user.has_perm("articles.override_royalty_budget"),
            "move_url": reverse("admin:articles_royaltyperiod_move", args=[period.pk]),
            "grading_url": reverse("admin:articles_royaltyperiod_grading", args=[period.pk]),
            "exports": self.export_links(request, period),
            "log": period.log.select_related("user", "grade__byline", "grade__article")[:30],
        }

    def export_links(self, request, period) -> list[tuple[str, str]]:
        if not request.user.has_perm("articles.export_royalty"):
            return []

        def url(fmt, kind=""):
            base = reverse("admin:articles_royaltyperiod_export", args=[period.pk, fmt])
            return base + (f"?loai={kind}" if kind else "")

        links = [("Excel (XLSX)", url("xlsx")), ("CSV chi tiết", url("csv")),
                 ("CSV tổng hợp", url("csv", "summary"))]  # fmt: skip
        if request.user.has_perm("articles.view_contributor_private"):
            links.append(("CSV chuyển khoản", url("csv", "bank")))
        return links

    def period_or_404(self, request, object_id) -> RoyaltyPeriod:
        if not self.has_view_permission(request):
            raise PermissionDenied("Bạn không được xem bảng nhuận bút.")
        period = self.get_object(request, unquote(object_id))
        if period is None:
            raise Http404("Không có bảng nhuận bút này.")
        return period

    def move_view(self, request, object_id):
        """POST only. A move the user has no right to is a 403; a move refused by the rules
        (over the fund, rows not graded, no reason) comes back as a message."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        period = self.period_or_404(request, object_id)
        to = request.POST.get("to", "")
        if to not in sheet.allowed_moves(period, request.user):
            raise PermissionDenied("Bạn không được chuyển bảng nhuận bút sang trạng thái này.")
        try:
            sheet.move(
                period, to, request.user, request.POST.get("note", ""),
                override=bool(request.POST.get("override")),
            )  # fmt: skip
        except sheet.RoyaltyError as exc:
            self.message_user(request, str(exc), messages.ERROR)
        else:
            period.refresh_from_db()
            done = f"{period}: {period.get_status_display()}."
            self.log_change(request, period, done)
            self.message_user(request, done, messages.SUCCESS)
        return redirect("admin:articles_royaltyperiod_change", period.pk)

    def export_view(self, request, object_id, fmt):
        period = self.period_or_404(request, object_id)
        if not request.user.has_perm("articles.export_royalty"):
            raise PermissionDenied("Bạn không có quyền xuất bảng nhuận bút.")
        private = request.user.has_perm("articles.view_contributor_private")
        kind = request.GET.get("loai", "detail")
        if kind == "bank" and not private:
            raise PermissionDenied("Danh sách chuyển khoản chỉ dành cho Kế toán.")
        if fmt == "xlsx":
            body = exports.xlsx(period, private)
            content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        elif fmt == "csv":
            body = exports.csv_bytes(period, kind, private)
            content_type = "text/csv; charset=utf-8"
        else:
            raise Http404("Định dạng không hỗ trợ.")
        sheet.log(period, request.user, "export", fmt=fmt, kind=kind, private=private)
        response = HttpResponse(body, content_type=content_type)
        name = exports.filename(period, fmt, kind if fmt == "csv" else "")
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response

    # -- the grading screen ----------------------------------------------------------------

    def grading_view(self, request, object_id):
        period = self.period_or_404(request, object_id)
        may_grade = request.user.has_perm("articles.grade_royalty") and not period.is_locked
        grades = period.grades.select_related(
            "article__category", "byline", "contributor", "genre", "graded_by"
        )
        category = request.GET.get("chuyen_muc", "")
        byline = request.GET.get("but_danh", "")
        if category.isdigit():
            grades = grades.filter(
                Q(article__category_id=category) | Q(article__section_id=category)
            )
        if byline.isdigit():
            grades = grades.filter(byline_id=byline)
        posted, errors = {}, {}
        if request.method == "GET" and may_grade:
            sheet.build(period)  # bylines added to an article since the last visit
        if request.method == "POST":
            if not may_grade:
                raise PermissionDenied("Bảng đã khóa hoặc bạn không có quyền chấm.")
            ids = [int(pk) for pk in request.POST.getlist("row") if pk.isdigit()]
            posted = {
                pk: {f: request.POST.get(f"g{pk}-{f}", "") for f in sheet.EDITABLE} for pk in ids
            }
            try:
                errors = sheet.save_grades(period, request.user, posted)
            except sheet.RoyaltyError as exc:
                self.message_user(request, str(exc), messages.ERROR)
                errors = dict.fromkeys(posted, "")  # nothing saved: show what was typed
            else:
                if not errors:
                    self.message_user(request, f"Đã lưu {len(ids)} dòng.", messages.SUCCESS)
                    return redirect(request.get_full_path())
                self.message_user(
                    request,
                    f"{len(errors)} dòng chưa lưu được, xem thông báo ở từng dòng; "
                    "các dòng khác đã lưu.",
                    messages.WARNING,
                )
        rows = []
        for grade in grades.order_by("published_on", "article_id", "part", "pk"):
            values = posted.get(grade.pk) if grade.pk in errors else None
            rows.append({"grade": grade, "values": values or sheet.form_values(grade),
                         "error": errors.get(grade.pk, "")})  # fmt: skip
        total = sheet.spent(period)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Chấm nhuận bút tháng {period.label}",
            "period": period,
            "opts": self.model._meta,
            "rows": rows,
            "may_grade": may_grade,
            "genres": RoyaltyGenre.objects.filter(is_active=True),
            "bonuses": RoyaltyAllowance.objects.filter(kind=RoyaltyAllowance.Kind.BONUS),
            "rates": RoyaltyAllowance.objects.filter(kind=RoyaltyAllowance.Kind.RATE),
            "categories": Category.objects.all(),
            "bylines": Byline.objects.filter(pk__in=period.grades.values("byline")),
            "chosen_category": category,
            "chosen_byline": byline,
            "spent": total,
            "spent_shown": money.format_dong(total),
            "budget": period.budget,
            "budget_shown": money.format_dong(period.budget or 0),
            "warnings": sheet.warnings(period),
        }
        return TemplateResponse(request, "admin/royalties/grading.html", context)
