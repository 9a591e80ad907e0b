"""The royalty arithmetic, pure: integers in whole đồng in, integers out, no Django.

Nghị định 18/2014/NĐ-CP, Điều 7: nhuận bút = hệ số × giá trị một đơn vị hệ số, and one unit
is 10% of the base salary (mức lương cơ sở). On top of that a grade may carry a co-author
share, a partial rate (translation 40–65%, subtitles 20–50%) and an allowance (+ up to 100%).

Rounding rule: every amount is computed exactly (Decimal), then rounded once, half up, to the
whole đồng, per grade. Sheet totals are sums of rounded grades, so the rows always add up to
the total printed under them."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

UNIT_PERCENT = 10  # one coefficient unit = 10% of the base salary (NĐ 18/2014, Điều 7)
HUNDRED = Decimal(100)

# The decree's genre groups for báo in and báo điện tử, with their maximum coefficient.
DECREE_GROUPS = {
    1: ("Tin; trả lời bạn đọc", 10),
    2: ("Tranh", 10),
    3: ("Ảnh", 10),
    4: ("Chính luận", 30),
    5: ("Phóng sự; ký; phỏng vấn", 30),
    6: ("Sáng tác văn học", 30),
    7: ("Nghiên cứu", 30),
    8: ("Trực tuyến; media", 50),
}


class CapError(ValueError):
    """A coefficient above a cap, or an input outside its legal range."""


def whole_dong(value) -> int:
    """Round half up to the whole đồng (VND has no minor unit)."""
    return int(Decimal(value).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def unit_value(base_salary: int, percent: int = UNIT_PERCENT) -> int:
    """Giá trị một đơn vị hệ số: 2,340,000 → 234,000."""
    return whole_dong(Decimal(base_salary) * percent / HUNDRED)


def legal_max(decree_group: int) -> Decimal:
    return Decimal(DECREE_GROUPS[decree_group][1])


def plain(value) -> str:
    """Decimal("25.00") → "25", Decimal("4.50") → "4.5" for messages."""
    return f"{Decimal(value).normalize():f}"


def check_coefficient(coefficient, house_max, legal_maximum) -> None:
    """The house cap is the paper's rule; the legal cap is the decree's and never moves."""
    coefficient = Decimal(coefficient)
    if coefficient <= 0:
        raise CapError("Hệ số phải lớn hơn 0.")
    if coefficient > Decimal(legal_maximum):
        raise CapError(
            f"Hệ số {plain(coefficient)} vượt mức tối đa của Nghị định ({plain(legal_maximum)})."
        )
    if coefficient > Decimal(house_max):
        raise CapError(
            f"Hệ số {plain(coefficient)} vượt mức tối đa của quy chế ({plain(house_max)})."
        )


def check_percent(label: str, value, low, high) -> None:
    value = Decimal(value)
    if not Decimal(low) <= value <= Decimal(high):
        raise CapError(f"{label}: {plain(value)}% nằm ngoài khung {plain(low)}–{plain(high)}%.")


@dataclass(frozen=True)
class Grade:
    """What one row of the sheet says; the amount follows from it alone."""

    coefficient: Decimal
    unit_value: int
    quantity: int = 1  # photos graded one by one, instalments of a ký
    share_percent: Decimal = HUNDRED  # this co-author's share
    rate_percent: Decimal | None = None  # translation / subtitles: a part of the full rate
    bonus_percent: Decimal = Decimal(0)  # allowance added on top (hardship, minority, ...)


def amount(grade: Grade) -> int:
    exact = Decimal(grade.coefficient) * grade.unit_value * grade.quantity
    exact = exact * Decimal(grade.share_percent) / HUNDRED
    if grade.rate_percent is not None:
        exact = exact * Decimal(grade.rate_percent) / HUNDRED
    exact = exact * (HUNDRED + Decimal(grade.bonus_percent)) / HUNDRED
    return whole_dong(exact)


def equal_shares(count: int) -> list[Decimal]:
    """Co-authors share equally unless the desk says otherwise: percentages with two
    decimals that add up to exactly 100, the odd hundredths going to the first names."""
    if count <= 0:
        return []
    cents = 10000
    base, extra = divmod(cents, count)
    return [Decimal(base + (1 if i < extra else 0)) / HUNDRED for i in range(count)]


def withholding(gross: int, threshold: int, rate_percent, applies: bool = True) -> int:
    """Thuế TNCN withheld from one payment: `rate` of the whole payment when it reaches the
    threshold (≥), nothing below it, nothing when the person is not subject to it (staff
    taxed through payroll, or a filed 08/CK-TNCN commitment)."""
    if not applies or gross < threshold:
        return 0
    return whole_dong(Decimal(gross) * Decimal(rate_percent) / HUNDRED)


def format_dong(value: int) -> str:
    """1234000 → "1.234.000" (Vietnamese thousands separator)."""
    return f"{int(value):,}".replace(",", ".")
