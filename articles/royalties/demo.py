"""Demo nhuận bút for seed_demo: a person behind every pen name, last month graded and
approved, this month being graded. Idempotent: a month that already has a sheet is left
alone. The personal data is visibly fake."""

import datetime
import math

from django.utils import timezone

from articles.models import Byline
from articles.models.royalties import BylineOwner, Contributor, RoyaltyPeriod
from articles.royalties import reference, sheet

GROUP_BYLINE = "Nhóm phóng viên"


def seed(users: dict) -> None:
    reference.load_current()
    contributors()
    today = timezone.localdate()
    this_month = today.replace(day=1)
    last_month = (this_month - datetime.timedelta(days=1)).replace(day=1)
    if not RoyaltyPeriod.objects.filter(month=last_month).exists():
        approved_month(last_month, users)
    if not RoyaltyPeriod.objects.filter(month=this_month).exists():
        grading_month(this_month, users)


def contributors() -> None:
    for number, byline in enumerate(Byline.objects.order_by("pk"), 1):
        if byline.name == GROUP_BYLINE or BylineOwner.objects.filter(byline=byline).exists():
            continue
        staff = byline.user_id is not None
        person, _ = Contributor.objects.get_or_create(
            full_name=f"Nguyễn {byline.name.title()}",
            defaults={
                "kind": Contributor.Kind.STAFF if staff else Contributor.Kind.OUTSIDE,
                "tax_mode": Contributor.TaxMode.PAYROLL if staff else Contributor.TaxMode.FLAT,
                "user": byline.user if staff and not hasattr(byline.user, "contributor") else None,
                "national_id": f"0790000{number:05d}",
                "tax_code": f"80000{number:05d}",
                "bank_name": "Ngân hàng Mẫu (DEMO)",
                "bank_account": f"9999{number:08d}",
            },
        )
        BylineOwner.objects.create(byline=byline, contributor=person)


def grade_all(period, user, limit=None) -> None:
    grades = list(period.grades.select_related("byline", "genre", "rate", "bonus"))
    rows = {}
    for grade in grades[:limit]:
        values = sheet.form_values(grade)
        if grade.contributor_id is None:  # a group byline: the desk must name the people
            values.update(excluded="1", note="Bút danh nhóm: ghi tên từng người")
        rows[grade.pk] = values
    sheet.save_grades(period, user, rows)


def approved_month(month, users) -> None:
    period = sheet.open_period(month, users["thuky"])
    grade_all(period, users["thuky"])
    fund = math.ceil(sheet.spent(period) * 1.1 / 1_000_000) * 1_000_000
    sheet.set_fund(period, fund, users["ketoan"])
    sheet.move(period, RoyaltyPeriod.Status.GRADED, users["thuky"])
    sheet.move(period, RoyaltyPeriod.Status.APPROVED, users["tongbientap"])


def grading_month(month, users) -> None:
    period = sheet.open_period(month, users["thuky"])
    grade_all(period, users["thuky"], limit=period.grades.count() // 2)
    sheet.set_fund(period, 30_000_000, users["ketoan"])
