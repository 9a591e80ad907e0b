"""The monthly sheet's side effects, in plain functions the admin and the command share:
building a month's rows from the published articles, grading, totals and tax, and the
period's moves (draft → graded → approved → paid, reopen) with their rights and the lock."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from articles import royalty_money as money
from articles.models import Article, ArticleByline
from articles.models.royalties import (
    BylineOwner,
    Contributor,
    RoyaltyAllowance,
    RoyaltyGenre,
    RoyaltyGrade,
    RoyaltyLog,
    RoyaltyPeriod,
    TaxRule,
    next_month,
)

Status = RoyaltyPeriod.Status
Part = RoyaltyGrade.Part
PAYMENT_DAYS = 60  # NĐ 18/2014: pay within 60 days of publication

# Which parts a byline role is graded for, and the genre proposed for each part.
ROLE_PARTS = {
    ArticleByline.Role.ANH: [Part.PHOTO],
    ArticleByline.Role.TIN_ANH: [Part.TEXT, Part.PHOTO],
    ArticleByline.Role.BAI_ANH: [Part.TEXT, Part.PHOTO],
}
ROLE_GENRE = {
    ArticleByline.Role.TIN: "tin",
    ArticleByline.Role.TIN_ANH: "tin",
    ArticleByline.Role.BAI_ANH: "phan-anh",
    ArticleByline.Role.THUC_HIEN: "phong-su",
    ArticleByline.Role.VIDEO: "video",
    ArticleByline.Role.DICH: "tin",
}
PHOTO_GENRE = "anh"
DEFAULT_GENRE = "tin"
TRANSLATION = "dich"  # the partial rate proposed for a translator's byline


class RoyaltyError(Exception):
    """A refused action, with the message shown to the user."""


def month_bounds(month: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(month.replace(day=1), datetime.time(), tzinfo=tz)
    end = datetime.datetime.combine(next_month(month), datetime.time(), tzinfo=tz)
    return start, end


def parse_month(text: str) -> datetime.date:
    """ "2026-11" → 1 Nov 2026, with a clear message for anything else."""
    try:
        year, month = (int(part) for part in text.strip().split("-"))
        return datetime.date(year, month, 1)
    except (ValueError, TypeError):
        raise RoyaltyError(f"Tháng không hợp lệ: {text!r} (dạng YYYY-MM, ví dụ 2026-11).") from None


def log(period, user, action, note="", grade=None, **data) -> RoyaltyLog:
    return RoyaltyLog.objects.create(
        period=period, grade=grade, user=user, action=action, note=note, data=data
    )


# -- building the sheet ----------------------------------------------------------------------


def open_period(month: datetime.date, user=None) -> RoyaltyPeriod:
    period, made = RoyaltyPeriod.objects.get_or_create(month=month.replace(day=1))
    if made:
        log(period, user, "create")
    build(period)
    return period


@transaction.atomic
def build(period: RoyaltyPeriod) -> int:
    """Add a row for every byline of every article first published in the month, flag the
    articles taken down since, and refresh pen-name owners and amounts. Nothing happens to a
    locked period. Returns the number of rows added."""
    if period.is_locked:
        return 0
    start, end = month_bounds(period.month)
    articles = Article.objects.filter(
        status__in=[Article.Status.PUBLISHED, Article.Status.UNPUBLISHED],
        published_at__gte=start,
        published_at__lt=end,
    ).only("pk", "status", "published_at")
    links = (
        ArticleByline.objects.filter(article__in=articles)
        .select_related("article")
        .order_by("article_id", "position", "pk")
    )
    existing = set(
        RoyaltyGrade.objects.filter(article__in=articles).values_list("article", "byline", "part")
    )
    genres = {g.code: g for g in RoyaltyGenre.objects.filter(is_active=True)}
    translation = RoyaltyAllowance.objects.filter(code=TRANSLATION).first()
    owners = dict(BylineOwner.objects.values_list("byline_id", "contributor_id"))
    per_part = defaultdict(list)
    for link in links:
        for part in ROLE_PARTS.get(link.role, [Part.TEXT]):
            per_part[(link.article_id, part)].append(link)
    added = []
    for (article_id, part), group in per_part.items():
        for link, share in zip(group, money.equal_shares(len(group)), strict=True):
            if (article_id, link.byline_id, part) in existing:
                continue
            code = PHOTO_GENRE if part == Part.PHOTO else ROLE_GENRE.get(link.role, DEFAULT_GENRE)
            genre = genres.get(code)
            grade = RoyaltyGrade(
                period=period, article_id=article_id, byline_id=link.byline_id,
                role=link.role, part=part, genre=genre, share_percent=share,
                coefficient=genre.default_coefficient if genre else None,
                published_on=timezone.localdate(link.article.published_at),
                contributor_id=owners.get(link.byline_id),
            )  # fmt: skip
            if link.role == ArticleByline.Role.DICH and translation:
                grade.rate, grade.rate_percent = translation, translation.max_percent
            grade.compute()
            added.append(grade)
    RoyaltyGrade.objects.bulk_create(added)
    taken_down = RoyaltyGrade.objects.filter(
        period=period, excluded=False, article__status=Article.Status.UNPUBLISHED
    )
    for grade in taken_down:
        grade.excluded, grade.note = True, "Bài đã gỡ trước khi chi"
        grade.save(update_fields=["excluded", "note"])
        log(period, None, "exclude_unpublished", grade=grade)
    for grade in period.grades.filter(contributor=None, byline_id__in=owners):
        grade.contributor_id = owners[grade.byline_id]
        grade.save(update_fields=["contributor"])
    return len(added)


# -- grading ----------------------------------------------------------------------------------

EDITABLE = ("genre", "coefficient", "quantity", "share_percent", "bonus", "bonus_percent",
            "rate", "rate_percent", "excluded", "note")  # fmt: skip


def _decimal(label, raw, *, blank=None) -> Decimal | None:
    raw = (raw or "").strip().replace(",", ".")
    if not raw:
        return blank
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise RoyaltyError(f"{label}: “{raw}” không phải là số.") from None
    if not value.is_finite() or value < 0:
        raise RoyaltyError(f"{label}: “{raw}” không hợp lệ.")
    return value.quantize(Decimal("0.01"))


def apply_values(grade: RoyaltyGrade, raw: dict, genres: dict, allowances: dict) -> None:
    """Set a grade from the grading form's strings; RoyaltyError on the first bad value."""
    genre_id = (raw.get("genre") or "").strip()
    grade.genre = genres.get(genre_id) if genre_id else None
    if genre_id and grade.genre is None:
        raise RoyaltyError("Thể loại không tồn tại.")
    grade.coefficient = _decimal("Hệ số", raw.get("coefficient"))
    quantity = _decimal("Số lượng", raw.get("quantity"), blank=Decimal(1))
    if quantity != quantity.to_integral_value() or not 1 <= quantity <= 100:
        raise RoyaltyError("Số lượng phải là số nguyên từ 1 đến 100.")
    grade.quantity = int(quantity)
    grade.share_percent = _decimal(
        "Tỷ lệ đồng tác giả", raw.get("share_percent"), blank=Decimal(100)
    )
    money.check_percent("Tỷ lệ đồng tác giả", grade.share_percent, 0, 100)
    grade.excluded = raw.get("excluded") in ("1", "on", "true", True)
    grade.note = (raw.get("note") or "").strip()[:200]
    for kind, fk, pct in (("bonus", "bonus", "bonus_percent"), ("rate", "rate", "rate_percent")):
        code = (raw.get(fk) or "").strip()
        allowance = allowances.get(code) if code else None
        if code and (allowance is None or allowance.kind != kind):
            raise RoyaltyError("Phụ trội / tỷ lệ không tồn tại.")
        setattr(grade, fk, allowance)
        value = _decimal(allowance.name if allowance else "%", raw.get(pct))
        if allowance is not None:
            if value is None:
                value = allowance.max_percent if kind == "rate" else allowance.min_percent
            money.check_percent(allowance.name, value, allowance.min_percent, allowance.max_percent)
        setattr(grade, pct, value if allowance else (None if kind == "rate" else Decimal(0)))
    if grade.excluded:
        return
    if grade.genre is None or grade.coefficient is None:
        raise RoyaltyError("Cần chọn thể loại và nhập hệ số (hoặc đánh dấu không trả).")
    money.check_coefficient(grade.coefficient, grade.genre.house_max, grade.genre.legal_max)


def form_values(grade: RoyaltyGrade) -> dict:
    """The form values of a saved grade, as strings (what the inputs show)."""

    def num(value):
        return "" if value is None else f"{value.normalize():f}"

    return {
        "genre": str(grade.genre_id or ""),
        "coefficient": num(grade.coefficient),
        "quantity": str(grade.quantity),
        "share_percent": num(grade.share_percent),
        "bonus": str(grade.bonus_id or ""),
        "bonus_percent": num(grade.bonus_percent) if grade.bonus_id else "",
        "rate": str(grade.rate_id or ""),
        "rate_percent": num(grade.rate_percent) if grade.rate_id else "",
        "excluded": "1" if grade.excluded else "",
        "note": grade.note,
    }


def snapshot(grade: RoyaltyGrade) -> dict:
    return {
        name: str(getattr(grade, f"{name}_id", None) or getattr(grade, name)) for name in EDITABLE
    }


@transaction.atomic
def save_grades(period: RoyaltyPeriod, user, rows: dict[int, dict]) -> dict[int, str]:
    """Grade many rows at once (the grading screen's Save). Returns {grade id: message} for
    the rows refused; the others are saved, with who and when, and logged when changed."""
    period = RoyaltyPeriod.objects.select_for_update().get(pk=period.pk)
    ensure_open(period)
    if not user.has_perm("articles.grade_royalty"):
        raise RoyaltyError("Bạn không có quyền chấm nhuận bút.")
    genres = {str(g.pk): g for g in RoyaltyGenre.objects.all()}
    allowances = {str(a.pk): a for a in RoyaltyAllowance.objects.all()}
    grades = period.grades.select_related("genre", "bonus", "rate").in_bulk(list(rows))
    errors = {}
    now = timezone.now()
    for pk, raw in rows.items():
        grade = grades.get(pk)
        if grade is None:
            errors[pk] = "Dòng không thuộc kỳ này."
            continue
        before = snapshot(grade)
        try:
            apply_values(grade, raw, genres, allowances)
        except (RoyaltyError, money.CapError) as exc:
            errors[pk] = str(exc)
            continue
        after = snapshot(grade)
        money_before = (grade.unit_value, grade.amount)
        grade.compute()  # also picks up a corrected base salary
        if (
            after == before
            and grade.graded_by_id
            and money_before == (grade.unit_value, grade.amount)
        ):
            continue
        grade.graded_by, grade.graded_at = user, now
        grade.save()
        log(period, user, "grade", grade=grade, before=before, after=after)
    return errors


def ensure_open(period: RoyaltyPeriod) -> None:
    if period.is_locked:
        raise RoyaltyError(
            f"Bảng nhuận bút tháng {period.label} đã duyệt và bị khóa; "
            "chỉ sửa được sau khi Tổng biên tập mở lại."
        )


# -- totals, tax, warnings ---------------------------------------------------------------------


@dataclass
class PersonTotal:
    contributor: Contributor | None
    bylines: set = field(default_factory=set)
    items: int = 0
    gross: int = 0
    tax: int = 0

    @property
    def net(self) -> int:
        return self.gross - self.tax


def counted(period: RoyaltyPeriod):
    return period.grades.filter(excluded=False)


def spent(period: RoyaltyPeriod) -> int:
    return sum(counted(period).values_list("amount", flat=True))


def people(period: RoyaltyPeriod) -> list[PersonTotal]:
    """One line per person paid (all their pen names together: tax is per payment), with
    tax withheld by the rule in force on the pay date."""
    rule = TaxRule.on(period.expected_pay_date())
    totals: dict = {}
    grades = counted(period).select_related("contributor", "byline")
    for grade in grades:
        key = grade.contributor_id or f"byline-{grade.byline_id}"
        total = totals.setdefault(key, PersonTotal(grade.contributor))
        total.bylines.add(grade.byline.name)
        total.items += 1
        total.gross += grade.amount
    for total in totals.values():
        person = total.contributor
        applies = person is None or person.tax_mode == Contributor.TaxMode.FLAT
        if rule:
            total.tax = money.withholding(total.gross, rule.threshold, rule.rate_percent, applies)
    return sorted(totals.values(), key=lambda t: t.contributor.full_name if t.contributor else "~")


def warnings(period: RoyaltyPeriod, today: datetime.date | None = None) -> list[str]:
    today = today or timezone.localdate()
    found = []
    rows = counted(period)
    if period.status != Status.PAID:
        pay = max(period.expected_pay_date(), today)
        oldest = pay - datetime.timedelta(days=PAYMENT_DAYS)
        late = rows.filter(published_on__lt=oldest).count()
        if late:
            found.append(
                f"{late} dòng đăng trước {oldest:%d/%m/%Y}: chi ngày {pay:%d/%m/%Y} là quá "
                f"{PAYMENT_DAYS} ngày kể từ ngày đăng."
            )
    unowned = rows.filter(contributor=None).count()
    if unowned:
        found.append(f"{unowned} dòng có bút danh chưa gắn với tác giả nào.")
    ungraded = rows.filter(graded_by=None).count()
    if ungraded:
        found.append(f"{ungraded} dòng chưa chấm.")
    gone = rows.exclude(
        Exists(ArticleByline.objects.filter(article=OuterRef("article"), byline=OuterRef("byline")))
    ).count()
    if gone:
        found.append(
            f"{gone} dòng có bút danh không còn trên bài: xem lại hoặc đánh dấu không trả."
        )
    taken_down = period.grades.filter(article__status=Article.Status.UNPUBLISHED).count()
    if taken_down:
        found.append(f"{taken_down} dòng thuộc bài đã gỡ.")
    total = spent(period)
    if period.budget is None:
        found.append("Kế toán chưa nhập quỹ nhuận bút tháng này.")
    elif total > period.budget:
        found.append(
            f"Vượt quỹ: đã chấm {money.format_dong(total)} đ, quỹ {money.format_dong(period.budget)} đ."
        )
    return found


# -- the period's moves ------------------------------------------------------------------------

MOVES = {
    (Status.DRAFT, Status.GRADED): ("articles.grade_royalty",),
    (Status.GRADED, Status.DRAFT): ("articles.grade_royalty", "articles.approve_royalty"),
    (Status.GRADED, Status.APPROVED): ("articles.approve_royalty",),
    (Status.APPROVED, Status.DRAFT): ("articles.reopen_royalty",),
    (Status.APPROVED, Status.PAID): ("articles.pay_royalty",),
}
MOVE_LABELS = {
    Status.GRADED: "Chấm xong, trình duyệt",
    Status.APPROVED: "Duyệt bảng nhuận bút",
    Status.PAID: "Xác nhận đã chi",
    Status.DRAFT: "Trả lại / mở lại",
}


def allowed_moves(period: RoyaltyPeriod, user) -> list[str]:
    return [
        to
        for (frm, to), perms in MOVES.items()
        if frm == period.status and any(user.has_perm(p) for p in perms)
    ]


@transaction.atomic
def move(period: RoyaltyPeriod, to: str, user, note: str = "", override: bool = False):
    period = RoyaltyPeriod.objects.select_for_update().get(pk=period.pk)
    key = (period.status, to)
    if key not in MOVES:
        raise RoyaltyError(
            f"Không thể chuyển từ “{period.get_status_display()}” sang “{Status(to).label}”."
        )
    if not any(user.has_perm(p) for p in MOVES[key]):
        raise RoyaltyError("Bạn không có quyền làm việc này.")
    note = note.strip()
    now = timezone.now()
    if to == Status.GRADED:
        build(period)
        missing = counted(period).filter(contributor=None).count()
        ungraded = counted(period).filter(graded_by=None).count()
        if missing or ungraded:
            raise RoyaltyError(
                f"Chưa thể trình duyệt: {ungraded} dòng chưa chấm, "
                f"{missing} dòng có bút danh chưa gắn tác giả."
            )
        period.graded_by, period.graded_at = user, now
    elif to == Status.APPROVED:
        total = spent(period)
        if period.budget is None or total > period.budget:
            if not override:
                raise RoyaltyError(
                    "Tổng nhuận bút vượt quỹ (hoặc chưa có quỹ): chỉ Tổng biên tập được duyệt "
                    "vượt, kèm lý do."
                )
            if not user.has_perm("articles.override_royalty_budget"):
                raise RoyaltyError("Chỉ Tổng biên tập được duyệt vượt quỹ nhuận bút.")
            if not note:
                raise RoyaltyError("Duyệt vượt quỹ cần ghi lý do.")
            period.over_budget_reason = note
        period.approved_by, period.approved_at = user, now
    elif to == Status.PAID:
        period.paid_at = now
        period.pay_date = timezone.localdate(now)
    elif period.status == Status.APPROVED:  # reopening a locked sheet
        if not note:
            raise RoyaltyError("Mở lại bảng đã duyệt cần ghi lý do.")
        period.approved_by, period.approved_at, period.over_budget_reason = None, None, ""
    log(period, user, f"{period.status}->{to}", note)
    period.status = to
    period.save()
    return period


@transaction.atomic
def set_fund(period: RoyaltyPeriod, amount: int | None, user) -> None:
    if not user.has_perm("articles.set_royalty_fund"):
        raise RoyaltyError("Chỉ Kế toán nhập quỹ nhuận bút.")
    ensure_open(period)
    log(period, user, "fund", before=period.budget, after=amount)
    period.budget = amount
    period.save(update_fields=["budget"])
