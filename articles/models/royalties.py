"""Nhuận bút: reference tables, contributors, the monthly period and its grades.

These models live in the `articles` app (imported from articles/models/__init__.py). The
arithmetic is in articles/royalty_money.py; every change of state goes through
articles/royalties/sheet.py, which checks the lock and writes the log."""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from articles import royalty_money as money
from articles.models.base import NormalizedModel

USER = settings.AUTH_USER_MODEL


# -- reference tables (dated where the law moves) ------------------------------------------


class BaseSalary(models.Model):
    amount = models.PositiveBigIntegerField("mức lương cơ sở (đồng)")
    effective_from = models.DateField("áp dụng từ ngày", unique=True)
    legal_basis = models.CharField("căn cứ", max_length=200, blank=True)
    verified = models.BooleanField("đã đối chiếu văn bản gốc", default=False)

    class Meta:
        verbose_name = "mức lương cơ sở"
        verbose_name_plural = "mức lương cơ sở"
        ordering = ["-effective_from"]

    def __str__(self):
        return f"{money.format_dong(self.amount)} đ từ {self.effective_from:%d/%m/%Y}"

    @property
    def unit_value(self) -> int:
        return money.unit_value(self.amount)

    @classmethod
    def on(cls, day: datetime.date) -> "BaseSalary | None":
        return cls.objects.filter(effective_from__lte=day).order_by("-effective_from").first()


class TaxRule(models.Model):
    effective_from = models.DateField("áp dụng từ ngày", unique=True)
    threshold = models.PositiveBigIntegerField(
        "ngưỡng khấu trừ mỗi lần chi (đồng)",
        help_text="Khấu trừ khi một lần chi từ mức này trở lên.",
    )
    rate_percent = models.DecimalField(
        "thuế suất (%)", max_digits=5, decimal_places=2, default=Decimal(10),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )  # fmt: skip
    legal_basis = models.CharField("căn cứ", max_length=200, blank=True)
    verified = models.BooleanField("đã đối chiếu văn bản gốc", default=False)

    class Meta:
        verbose_name = "mức khấu trừ thuế TNCN"
        verbose_name_plural = "mức khấu trừ thuế TNCN"
        ordering = ["-effective_from"]

    def __str__(self):
        return (
            f"{money.plain(self.rate_percent)}% từ {money.format_dong(self.threshold)} đ "
            f"(từ {self.effective_from:%d/%m/%Y})"
        )

    @classmethod
    def on(cls, day: datetime.date) -> "TaxRule | None":
        return cls.objects.filter(effective_from__lte=day).order_by("-effective_from").first()


class RoyaltyGenre(models.Model):
    """Thể loại: a house genre, mapped to one of the decree's eight groups."""

    class Unit(models.TextChoices):
        ITEM = "item", "tin/bài"
        PHOTO = "photo", "ảnh"
        INSTALMENT = "instalment", "kỳ"

    code = models.SlugField("mã", max_length=40, unique=True)
    name = models.CharField("tên thể loại", max_length=100)
    decree_group = models.PositiveSmallIntegerField(
        "nhóm theo NĐ 18/2014",
        choices=[(k, f"{k}. {v[0]}") for k, v in money.DECREE_GROUPS.items()],
    )
    legal_max = models.DecimalField(
        "hệ số tối đa theo luật", max_digits=5, decimal_places=2, editable=False
    )
    house_max = models.DecimalField("hệ số tối đa của tòa soạn", max_digits=5, decimal_places=2)
    default_coefficient = models.DecimalField(
        "hệ số đề xuất", max_digits=5, decimal_places=2, null=True, blank=True
    )
    unit = models.CharField("đơn vị tính", max_length=12, choices=Unit.choices, default=Unit.ITEM)
    position = models.PositiveSmallIntegerField("thứ tự", default=0)
    is_active = models.BooleanField("đang dùng", default=True)

    class Meta:
        verbose_name = "thể loại nhuận bút"
        verbose_name_plural = "thể loại nhuận bút"
        ordering = ["position", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(house_max__lte=models.F("legal_max")),
                name="royaltygenre_house_cap_within_law",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.decree_group is None or self.house_max is None:
            return
        cap = money.legal_max(self.decree_group)
        if self.house_max > cap:
            raise ValidationError(
                {"house_max": f"Không được vượt mức tối đa của Nghị định ({money.plain(cap)})."}
            )
        if self.default_coefficient is not None and self.default_coefficient > self.house_max:
            raise ValidationError({"default_coefficient": "Hệ số đề xuất vượt mức của tòa soạn."})

    def save(self, *args, **kwargs):
        self.legal_max = money.legal_max(self.decree_group)
        super().save(*args, **kwargs)


class RoyaltyAllowance(models.Model):
    """Phụ trội and partial rates (the decree's special cases)."""

    class Kind(models.TextChoices):
        BONUS = "bonus", "cộng thêm % (phụ trội)"
        RATE = "rate", "trả theo tỷ lệ % (dịch, phụ đề)"

    code = models.SlugField("mã", max_length=40, unique=True)
    name = models.CharField("tên", max_length=120)
    kind = models.CharField("cách tính", max_length=8, choices=Kind.choices)
    min_percent = models.DecimalField("từ (%)", max_digits=5, decimal_places=2, default=0)
    max_percent = models.DecimalField("đến (%)", max_digits=5, decimal_places=2)
    position = models.PositiveSmallIntegerField("thứ tự", default=0)

    class Meta:
        verbose_name = "phụ trội, tỷ lệ"
        verbose_name_plural = "phụ trội, tỷ lệ"
        ordering = ["kind", "position"]

    def __str__(self):
        return f"{self.name} ({money.plain(self.min_percent)}–{money.plain(self.max_percent)}%)"

    def clean(self):
        if self.min_percent is not None and self.max_percent is not None:
            if self.min_percent > self.max_percent:
                raise ValidationError("Khung % không hợp lệ.")
            if self.kind == self.Kind.BONUS and self.max_percent > 100:
                raise ValidationError({"max_percent": "Phụ trội tối đa 100%."})
            if self.kind == self.Kind.RATE and self.max_percent > 100:
                raise ValidationError({"max_percent": "Tỷ lệ tối đa 100%."})


# -- people ---------------------------------------------------------------------------------


class Contributor(NormalizedModel):
    """Tác giả: the person paid. Owns pen names; holds the data only Kế toán may see."""

    class Kind(models.TextChoices):
        STAFF = "staff", "Cán bộ, phóng viên cơ quan"
        OUTSIDE = "ctv", "Cộng tác viên"
        READER = "reader", "Bạn đọc"

    class TaxMode(models.TextChoices):
        FLAT = "flat", "Khấu trừ theo từng lần chi"
        COMMITMENT = "commitment", "Có cam kết 08/CK-TNCN (không khấu trừ)"
        PAYROLL = "payroll", "Tính thuế cùng lương (không khấu trừ ở đây)"

    user = models.OneToOneField(
        USER, verbose_name="tài khoản", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="contributor",
    )  # fmt: skip
    full_name = models.CharField("họ và tên", max_length=150)
    kind = models.CharField("loại", max_length=10, choices=Kind.choices, default=Kind.OUTSIDE)
    tax_mode = models.CharField(
        "thuế TNCN", max_length=12, choices=TaxMode.choices, default=TaxMode.FLAT
    )
    # Personal data: only users with view_contributor_private see these (admin and exports).
    national_id = models.CharField("số CCCD", max_length=20, blank=True)
    tax_code = models.CharField("mã số thuế", max_length=20, blank=True)
    bank_name = models.CharField("ngân hàng", max_length=120, blank=True)
    bank_account = models.CharField("số tài khoản", max_length=40, blank=True)
    phone = models.CharField("điện thoại", max_length=20, blank=True)
    is_active = models.BooleanField("còn cộng tác", default=True)

    PRIVATE_FIELDS = ("national_id", "tax_code", "bank_name", "bank_account", "phone")

    class Meta:
        verbose_name = "tác giả (người nhận nhuận bút)"
        verbose_name_plural = "tác giả (người nhận nhuận bút)"
        ordering = ["full_name"]
        permissions = [
            ("view_contributor_private", "Xem CCCD, mã số thuế, tài khoản của tác giả"),
        ]

    def __str__(self):
        return self.full_name


class BylineOwner(models.Model):
    """Which person a pen name belongs to. A pen name has at most one owner."""

    byline = models.OneToOneField(
        "articles.Byline", verbose_name="bút danh", on_delete=models.CASCADE, related_name="owner"
    )
    contributor = models.ForeignKey(
        Contributor, verbose_name="tác giả", on_delete=models.CASCADE, related_name="pen_names"
    )

    class Meta:
        verbose_name = "bút danh của tác giả"
        verbose_name_plural = "bút danh của tác giả"

    def __str__(self):
        return f"{self.byline} → {self.contributor}"


# -- the monthly sheet -----------------------------------------------------------------------


class RoyaltyPeriod(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Đang chấm"
        GRADED = "graded", "Đã chấm, chờ duyệt"
        APPROVED = "approved", "Đã duyệt"
        PAID = "paid", "Đã chi"

    LOCKED = frozenset({Status.APPROVED, Status.PAID})

    month = models.DateField("tháng", unique=True, help_text="Ngày đầu tháng.")
    status = models.CharField(
        "trạng thái", max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    budget = models.PositiveBigIntegerField("quỹ nhuận bút tháng (đồng)", null=True, blank=True)
    pay_date = models.DateField(
        "ngày chi", null=True, blank=True,
        help_text="Dự kiến, rồi thực tế. Quyết định mức thuế áp dụng và hạn 60 ngày.",
    )  # fmt: skip
    over_budget_reason = models.TextField("lý do duyệt vượt quỹ", blank=True)
    graded_by = models.ForeignKey(
        USER, verbose_name="người chấm xong", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    graded_at = models.DateTimeField("chấm xong lúc", null=True, blank=True)
    approved_by = models.ForeignKey(
        USER, verbose_name="người duyệt", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    approved_at = models.DateTimeField("duyệt lúc", null=True, blank=True)
    paid_at = models.DateTimeField("xác nhận chi lúc", null=True, blank=True)

    class Meta:
        verbose_name = "bảng nhuận bút tháng"
        verbose_name_plural = "bảng nhuận bút tháng"
        ordering = ["-month"]
        permissions = [
            ("grade_royalty", "Chấm nhuận bút"),
            ("approve_royalty", "Duyệt bảng nhuận bút"),
            ("override_royalty_budget", "Duyệt vượt quỹ nhuận bút"),
            ("reopen_royalty", "Mở lại bảng nhuận bút đã duyệt"),
            ("set_royalty_fund", "Nhập quỹ nhuận bút"),
            ("pay_royalty", "Xác nhận đã chi nhuận bút"),
            ("export_royalty", "Xuất bảng nhuận bút"),
        ]

    def __str__(self):
        return f"Nhuận bút tháng {self.month:%m/%Y}"

    @property
    def label(self) -> str:
        return f"{self.month:%m/%Y}"

    @property
    def is_locked(self) -> bool:
        return self.status in self.LOCKED

    @property
    def month_end(self) -> datetime.date:
        return next_month(self.month) - datetime.timedelta(days=1)

    def expected_pay_date(self) -> datetime.date:
        """The 15th of the next month unless set: inside 60 days for the whole month."""
        return self.pay_date or next_month(self.month).replace(day=15)

    def clean(self):
        if self.month:  # any day picked stands for its month (before the unique check)
            self.month = self.month.replace(day=1)

    def save(self, *args, **kwargs):
        self.month = self.month.replace(day=1)
        super().save(*args, **kwargs)


def next_month(day: datetime.date) -> datetime.date:
    return (day.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)


class RoyaltyGrade(models.Model):
    """One row of the sheet: one pen name's part of one article."""

    class Part(models.TextChoices):
        TEXT = "text", "Tin, bài"
        PHOTO = "photo", "Ảnh"

    period = models.ForeignKey(
        RoyaltyPeriod, verbose_name="kỳ", on_delete=models.PROTECT, related_name="grades"
    )
    article = models.ForeignKey(
        "articles.Article", verbose_name="bài", on_delete=models.PROTECT, related_name="+"
    )
    byline = models.ForeignKey(
        "articles.Byline", verbose_name="bút danh", on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField("vai trò ghi trên bài", max_length=20, blank=True)
    part = models.CharField("phần", max_length=8, choices=Part.choices, default=Part.TEXT)
    genre = models.ForeignKey(
        RoyaltyGenre, verbose_name="thể loại", null=True, blank=True, on_delete=models.PROTECT
    )
    coefficient = models.DecimalField(
        "hệ số", max_digits=5, decimal_places=2, null=True, blank=True
    )
    quantity = models.PositiveSmallIntegerField("số lượng", default=1)
    share_percent = models.DecimalField(
        "tỷ lệ đồng tác giả (%)", max_digits=5, decimal_places=2, default=Decimal(100)
    )
    bonus = models.ForeignKey(
        RoyaltyAllowance, verbose_name="phụ trội", null=True, blank=True,
        on_delete=models.PROTECT, related_name="+", limit_choices_to={"kind": "bonus"},
    )  # fmt: skip
    bonus_percent = models.DecimalField(
        "phụ trội (%)", max_digits=5, decimal_places=2, default=Decimal(0)
    )
    rate = models.ForeignKey(
        RoyaltyAllowance, verbose_name="trả theo tỷ lệ", null=True, blank=True,
        on_delete=models.PROTECT, related_name="+", limit_choices_to={"kind": "rate"},
    )  # fmt: skip
    rate_percent = models.DecimalField(
        "tỷ lệ (%)", max_digits=5, decimal_places=2, null=True, blank=True
    )
    excluded = models.BooleanField("không trả", default=False)
    note = models.CharField("ghi chú", max_length=200, blank=True)
    # Snapshots: the contributor and unit value when graded; amount recomputed on every save
    # while the period is open, frozen once it is approved.
    contributor = models.ForeignKey(
        Contributor, verbose_name="tác giả", null=True, blank=True, on_delete=models.PROTECT,
        related_name="grades",
    )  # fmt: skip
    published_on = models.DateField("ngày đăng")
    unit_value = models.PositiveIntegerField("giá trị 1 đơn vị hệ số", default=0)
    amount = models.PositiveBigIntegerField("thành tiền", default=0)
    graded_by = models.ForeignKey(
        USER, verbose_name="người chấm", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    graded_at = models.DateTimeField("chấm lúc", null=True, blank=True)

    class Meta:
        verbose_name = "dòng chấm nhuận bút"
        verbose_name_plural = "bảng chấm nhuận bút"
        ordering = ["published_on", "article_id", "part", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "byline", "part"], name="royaltygrade_once_per_part"
            ),
        ]
        indexes = [
            # the sheet of one month, and one person's lines in it
            models.Index(fields=["period", "contributor"], name="royaltygrade_period_idx"),
        ]

    def __str__(self):
        return f"{self.byline} – {self.article}"

    @property
    def is_graded(self) -> bool:
        return self.excluded or (self.genre_id is not None and self.coefficient is not None)

    @property
    def counted_amount(self) -> int:
        return 0 if self.excluded else self.amount

    @property
    def role_label(self) -> str:
        from articles.models.article import ArticleByline

        return dict(ArticleByline.Role.choices).get(self.role, self.role) if self.role else ""

    @property
    def amount_shown(self) -> str:
        return money.format_dong(self.amount)

    @property
    def is_taken_down(self) -> bool:
        return self.article.status == "unpublished"

    def money_grade(self) -> money.Grade | None:
        if self.coefficient is None or not self.unit_value:
            return None
        return money.Grade(
            coefficient=self.coefficient,
            unit_value=self.unit_value,
            quantity=self.quantity,
            share_percent=self.share_percent,
            rate_percent=self.rate_percent if self.rate_id else None,
            bonus_percent=self.bonus_percent if self.bonus_id else Decimal(0),
        )

    def compute(self) -> None:
        """Take the unit value for the publication date and the amount from the grade."""
        salary = BaseSalary.on(self.published_on)
        self.unit_value = salary.unit_value if salary else 0
        grade = self.money_grade()
        self.amount = money.amount(grade) if grade else 0


class MyRoyalty(RoyaltyGrade):
    """The reporter's own lines, approved months only (a read-only admin list)."""

    class Meta:
        proxy = True
        verbose_name = "nhuận bút của tôi"
        verbose_name_plural = "nhuận bút của tôi"


class RoyaltyLog(models.Model):
    """Every move of a period and every change of a grade: who, when, what."""

    period = models.ForeignKey(
        RoyaltyPeriod, verbose_name="kỳ", on_delete=models.CASCADE, related_name="log"
    )
    grade = models.ForeignKey(
        RoyaltyGrade, verbose_name="dòng", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="log",
    )  # fmt: skip
    user = models.ForeignKey(USER, verbose_name="người làm", null=True, on_delete=models.SET_NULL)
    action = models.CharField("việc", max_length=40)
    note = models.TextField("ghi chú", blank=True)
    data = models.JSONField("chi tiết", default=dict, blank=True)
    at = models.DateTimeField("lúc", auto_now_add=True)

    class Meta:
        verbose_name = "nhật ký nhuận bút"
        verbose_name_plural = "nhật ký nhuận bút"
        ordering = ["-at", "-pk"]

    ACTIONS = {
        "create": "Mở bảng",
        "grade": "Chấm",
        "fund": "Nhập quỹ, ngày chi",
        "export": "Xuất bảng",
        "exclude_unpublished": "Bỏ dòng của bài đã gỡ",
    }

    def __str__(self):
        return f"{self.at:%d/%m/%Y %H:%M} {self.action_label}"

    @property
    def action_label(self) -> str:
        if "->" in self.action:
            frm, to = self.action.split("->")
            labels = dict(RoyaltyPeriod.Status.choices)
            return f"{labels.get(frm, frm)} → {labels.get(to, to)}"
        label = self.ACTIONS.get(self.action, self.action)
        return f"{label}: {self.grade}" if self.grade_id else label
