"""Admin screens for nhuận bút: the reference tables, contributors and their pen names, and
the reporter's own lines. The monthly sheet and its grading screen are in period_admin.py."""

from django.contrib import admin
from django.db.models import Q

from articles import royalty_money as money
from articles.models.royalties import (
    BaseSalary,
    BylineOwner,
    Contributor,
    MyRoyalty,
    RoyaltyAllowance,
    RoyaltyGenre,
    RoyaltyPeriod,
    TaxRule,
)


def dong(value) -> str:
    return "—" if value is None else f"{money.format_dong(value)} đ"


@admin.register(BaseSalary)
class BaseSalaryAdmin(admin.ModelAdmin):
    list_display = ["effective_from", "amount_shown", "unit_shown", "legal_basis", "verified"]

    @admin.display(description="mức lương cơ sở", ordering="amount")
    def amount_shown(self, obj):
        return dong(obj.amount)

    @admin.display(description="1 đơn vị hệ số (10%)")
    def unit_shown(self, obj):
        return dong(obj.unit_value)


@admin.register(TaxRule)
class TaxRuleAdmin(admin.ModelAdmin):
    list_display = ["effective_from", "threshold_shown", "rate_percent", "legal_basis", "verified"]

    @admin.display(description="ngưỡng mỗi lần chi", ordering="threshold")
    def threshold_shown(self, obj):
        return dong(obj.threshold)


@admin.register(RoyaltyGenre)
class RoyaltyGenreAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "decree_group", "legal_max", "house_max",
                    "default_coefficient", "unit", "is_active"]  # fmt: skip
    list_editable = ["house_max", "default_coefficient", "is_active"]
    list_filter = ["decree_group", "is_active"]
    readonly_fields = ["legal_max"]
    search_fields = ["name", "code"]


@admin.register(RoyaltyAllowance)
class RoyaltyAllowanceAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind", "min_percent", "max_percent"]


class BylineOwnerInline(admin.TabularInline):
    model = BylineOwner
    extra = 1
    autocomplete_fields = ["byline"]
    verbose_name = "bút danh"
    verbose_name_plural = "các bút danh của tác giả"


@admin.register(Contributor)
class ContributorAdmin(admin.ModelAdmin):
    """Everyone on the royalty desk may look a person up; CCCD, tax code and bank account
    are shown (and editable) only with view_contributor_private (Kế toán)."""

    list_display = ["full_name", "kind", "tax_mode", "pen_names_shown", "is_active"]
    list_filter = ["kind", "tax_mode", "is_active"]
    search_fields = ["full_name", "pen_names__byline__name"]
    inlines = [BylineOwnerInline]

    def private(self, request) -> bool:
        return request.user.has_perm("articles.view_contributor_private")

    def get_fields(self, request, obj=None):
        fields = ["full_name", "kind", "tax_mode", "user", "is_active"]
        return [*fields, *Contributor.PRIVATE_FIELDS] if self.private(request) else fields

    def get_search_fields(self, request):
        if self.private(request):
            return [*self.search_fields, "tax_code", "national_id"]
        return self.search_fields

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("pen_names__byline")

    @admin.display(description="bút danh")
    def pen_names_shown(self, obj):
        return ", ".join(link.byline.name for link in obj.pen_names.all()) or "—"


@admin.register(MyRoyalty)
class MyRoyaltyAdmin(admin.ModelAdmin):
    """A reporter's own lines (by pen name or by the person record tied to the account),
    for approved and paid months only. Read-only."""

    list_display = ["month", "published_on", "article", "byline", "part", "genre",
                    "coefficient", "amount_shown"]  # fmt: skip
    list_filter = ["period"]
    list_select_related = ["period", "article", "byline", "genre"]

    def get_queryset(self, request):
        user = request.user
        return (
            super()
            .get_queryset(request)
            .filter(period__status__in=RoyaltyPeriod.LOCKED, excluded=False)
            .filter(Q(byline__user=user) | Q(contributor__user=user))
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="tháng", ordering="period__month")
    def month(self, obj):
        return obj.period.label

    @admin.display(description="thành tiền", ordering="amount")
    def amount_shown(self, obj):
        return dong(obj.amount)
