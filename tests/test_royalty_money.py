"""The royalty arithmetic as a table: coefficient × unit value (by publication date),
co-author shares, allowances, partial rates, the caps, and tax withheld by date."""

import datetime
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from articles import royalty_money as money
from articles.models.royalties import BaseSalary, RoyaltyGenre, TaxRule
from articles.royalties import reference


@pytest.mark.parametrize(
    ("coefficient", "unit", "quantity", "share", "rate", "bonus", "expected"),
    [
        # the decree's maximum for a tin at LCS 2,340,000
        ("10", 234_000, 1, "100", None, "0", 2_340_000),
        # phóng sự 15, two reporters 60/40, hardship +50% (the brief's worked example)
        ("15", 234_000, 1, "60", None, "50", 3_159_000),
        ("15", 234_000, 1, "40", None, "50", 2_106_000),
        # translated tin at 50% of the Vietnamese rate
        ("4", 234_000, 1, "100", "50", "0", 468_000),
        # translation at the top of its range, with the full hardship allowance
        ("10", 234_000, 1, "100", "65", "100", 3_042_000),
        # translation at the bottom, written directly in a minority language (+30%)
        ("10", 234_000, 1, "100", "40", "30", 1_216_800),
        # subtitles at 20%
        ("5", 253_000, 1, "100", "20", "0", 253_000),
        # three photos graded one by one at 2.5, after the 2026 base salary
        ("2.5", 253_000, 3, "100", None, "0", 1_897_500),
        # a third of a three-way split: 702,000 × 33.33% = 233,976.6 → half up
        ("3", 234_000, 1, "33.33", None, "0", 233_977),
        # children / ethnic minorities +15%
        ("2", 180_000, 1, "100", None, "15", 414_000),
        # exactly half a đồng rounds up, not to even
        ("0.5", 1, 1, "100", None, "0", 1),
        ("1.5", 1, 1, "100", None, "0", 2),
    ],
)
def test_amount_table(coefficient, unit, quantity, share, rate, bonus, expected):
    grade = money.Grade(
        coefficient=D(coefficient), unit_value=unit, quantity=quantity, share_percent=D(share),
        rate_percent=D(rate) if rate else None, bonus_percent=D(bonus),
    )  # fmt: skip
    assert money.amount(grade) == expected
    assert isinstance(money.amount(grade), int)


@pytest.mark.parametrize(
    ("base", "unit"), [(1_800_000, 180_000), (2_340_000, 234_000), (2_530_000, 253_000)]
)
def test_unit_value_is_ten_percent_of_the_base_salary(base, unit):
    assert money.unit_value(base) == unit


@pytest.mark.parametrize(
    ("count", "shares"),
    [
        (1, ["100"]),
        (2, ["50", "50"]),
        (3, ["33.34", "33.33", "33.33"]),
        (6, ["16.67", "16.67", "16.67", "16.67", "16.66", "16.66"]),
    ],
)
def test_co_authors_share_equally_and_shares_add_up_to_100(count, shares):
    assert money.equal_shares(count) == [D(s) for s in shares]
    assert sum(money.equal_shares(count)) == 100


@pytest.mark.parametrize(
    ("coefficient", "house_max", "legal_max", "refused"),
    [
        ("5", "5", "10", None),
        ("0.5", "5", "10", None),
        ("5.5", "5", "10", "quy chế"),  # the house cap
        ("11", "12", "10", "Nghị định"),  # the legal cap, whatever the house says
        ("51", "50", "50", "Nghị định"),
        ("0", "5", "10", "lớn hơn 0"),
    ],
)
def test_caps(coefficient, house_max, legal_max, refused):
    if refused is None:
        money.check_coefficient(D(coefficient), D(house_max), D(legal_max))
    else:
        with pytest.raises(money.CapError, match=refused):
            money.check_coefficient(D(coefficient), D(house_max), D(legal_max))


@pytest.mark.parametrize(
    ("gross", "threshold", "applies", "tax"),
    [
        (1_999_999, 2_000_000, True, 0),
        (2_000_000, 2_000_000, True, 200_000),  # "from 2,000,000": the threshold itself is taxed
        (2_574_000, 2_000_000, True, 257_400),
        (2_574_000, 5_000_000, True, 0),
        (5_000_000, 5_000_000, True, 500_000),
        (9_108_000, 5_000_000, False, 0),  # staff (payroll) or an 08/CK-TNCN commitment
        (1_234_567, 1_000_000, True, 123_457),  # rounded half up to the đồng
    ],
)
def test_withholding_table(gross, threshold, applies, tax):
    assert money.withholding(gross, threshold, D(10), applies) == tax


def test_format_dong_uses_dots():
    assert money.format_dong(1_234_000) == "1.234.000"
    assert money.format_dong(0) == "0"
    assert money.format_dong(999) == "999"


# -- the dated tables (loaded by the data migration) ------------------------------------------


@pytest.fixture(autouse=True)
def _reference_tables(request):
    """The starting reference tables, for the tests that use the database (a transactional
    test run earlier in the session flushes the data migration's rows)."""
    if "django_db" in request.keywords:
        request.getfixturevalue("db")
        reference.load_current()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("day", "unit"),
    [
        (datetime.date(2024, 6, 30), 180_000),
        (datetime.date(2024, 7, 1), 234_000),
        (datetime.date(2026, 6, 30), 234_000),
        (datetime.date(2026, 7, 1), 253_000),
    ],
)
def test_unit_value_by_publication_date(day, unit):
    assert BaseSalary.on(day).unit_value == unit


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("day", "threshold"),
    [(datetime.date(2026, 6, 30), 2_000_000), (datetime.date(2026, 7, 1), 5_000_000)],
)
def test_tax_rule_by_date(day, threshold):
    rule = TaxRule.on(day)
    assert rule.threshold == threshold and rule.rate_percent == 10


@pytest.mark.django_db
def test_house_cap_above_the_legal_one_is_refused():
    genre = RoyaltyGenre(code="tin-x", name="Tin X", decree_group=1, house_max=D(12))
    with pytest.raises(ValidationError, match="Nghị định"):
        genre.full_clean()
    genre.house_max = D(10)
    genre.full_clean()
    genre.save()
    assert genre.legal_max == 10
    with pytest.raises(IntegrityError), transaction.atomic():
        RoyaltyGenre.objects.filter(pk=genre.pk).update(house_max=D(11))


@pytest.mark.django_db
def test_seeded_house_caps_stay_within_the_decree():
    genres = list(RoyaltyGenre.objects.all())
    assert len(genres) >= 10
    for genre in genres:
        assert genre.house_max <= genre.legal_max == money.legal_max(genre.decree_group)
