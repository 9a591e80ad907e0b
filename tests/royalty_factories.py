"""Factories for the nhuận bút tests: people, pen names and a month's sheet."""

import datetime
import itertools

from articles.models import Byline
from articles.models.royalties import BylineOwner, Contributor
from articles.royalties import sheet
from tests.factories import make_article, make_byline

_seq = itertools.count(1)
TZ = datetime.timezone(datetime.timedelta(hours=7))


def at(year, month, day, hour=9) -> datetime.datetime:
    """A publication time in Vietnam (UTC+7)."""
    return datetime.datetime(year, month, day, hour, tzinfo=TZ)


def make_contributor(byline: Byline | None = None, **kw) -> Contributor:
    n = next(_seq)
    kw.setdefault("full_name", f"Trần Văn Tác Giả {n}")
    kw.setdefault("national_id", f"07919900{n:04d}")
    kw.setdefault("tax_code", f"83112{n:05d}")
    kw.setdefault("bank_name", "Ngân hàng Thử")
    kw.setdefault("bank_account", f"5566{n:08d}")
    person = Contributor.objects.create(**kw)
    BylineOwner.objects.create(byline=byline or make_byline(), contributor=person)
    return person


def make_owned_byline(**kw) -> Byline:
    byline = make_byline()
    make_contributor(byline, **kw)
    return byline


def make_month_article(when: datetime.datetime, bylines, **kw):
    """A published article at `when` with (byline, role) pairs."""
    return make_article(published_at=when, bylines=bylines, **kw)


def grade_everything(period, user, **overrides) -> None:
    """Accept every proposed row as it is (plus overrides by field)."""
    rows = {}
    for grade in period.grades.all():
        values = sheet.form_values(grade)
        values.update(overrides)
        rows[grade.pk] = values
    errors = sheet.save_grades(period, user, rows)
    assert not errors, errors
