"""The monthly sheet: rows built from the month's articles, grading (over HTTP and in
sheet.py), the period's moves with their rights over HTTP, the lock, the fund, tax by pay
date and the warnings."""

import datetime
from decimal import Decimal as D

import pytest
from django.contrib.auth.models import Permission

from articles import roles
from articles.models import Article, ArticleByline
from articles.models.royalties import Contributor, RoyaltyGrade, RoyaltyLog, RoyaltyPeriod
from articles.royalties import reference, sheet
from tests.factories import make_byline, make_user
from tests.royalty_factories import (
    at,
    grade_everything,
    make_contributor,
    make_month_article,
    make_owned_byline,
)

pytestmark = pytest.mark.django_db
Status = RoyaltyPeriod.Status
NOV = datetime.date(2026, 11, 1)
Role = ArticleByline.Role


@pytest.fixture(autouse=True)
def _reference_tables(db):
    """The starting reference tables (the data migration's): a transactional test run
    earlier in the session flushes them."""
    reference.load_current()


@pytest.fixture
def cast():
    return {
        "thuky": make_user("thuky", roles.SECRETARY),
        "tbt": make_user("tbt", roles.CHIEF),
        "ptbt": make_user("ptbt", roles.DEPUTY_CHIEF),
        "ketoan": make_user("ketoan", roles.ACCOUNTANT),
        "pv": make_user("pv", roles.REPORTER),
    }


@pytest.fixture
def november(cast):
    """Two articles in November 2026: a tin by one reporter, a tin ảnh by two."""
    a, b, c = make_owned_byline(), make_owned_byline(), make_owned_byline()
    make_month_article(at(2026, 11, 5), [(a, Role.TIN)])
    make_month_article(at(2026, 11, 20), [(b, Role.TIN_ANH), (c, Role.TIN_ANH)])
    make_month_article(at(2026, 10, 31, 23), [(a, Role.TIN)])  # October, Vietnam time
    return sheet.open_period(NOV, cast["thuky"])


def grading_url(period):
    return f"/admin/articles/royaltyperiod/{period.pk}/cham/"


def move_url(period):
    return f"/admin/articles/royaltyperiod/{period.pk}/chuyen/"


# -- building the sheet --------------------------------------------------------------------


def test_the_month_lists_every_byline_with_its_part_and_a_proposal(november):
    rows = list(november.grades.order_by("published_on", "part", "pk"))
    assert sorted((g.part, g.share_percent) for g in rows) == [
        ("photo", 50), ("photo", 50), ("text", 50), ("text", 50), ("text", 100),
    ]  # fmt: skip
    assert {g.genre.code for g in rows if g.part == "photo"} == {"anh"}
    tin = rows[0]
    assert tin.genre.code == "tin" and tin.coefficient == 2
    assert tin.unit_value == 253_000 and tin.amount == 506_000  # NĐ 161/2026 base salary
    assert all(g.graded_by_id is None for g in rows)  # a proposal until the desk grades it
    assert sheet.build(november) == 0  # building again adds nothing


def test_a_translator_is_proposed_the_translation_rate():
    translator = make_owned_byline()
    make_month_article(at(2026, 11, 3), [(translator, Role.DICH)])
    grade = sheet.open_period(NOV).grades.get()
    assert grade.rate.code == "dich" and grade.rate_percent == 65
    assert grade.amount == 2 * 253_000 * 65 // 100


def test_an_article_taken_down_before_payment_is_flagged_and_not_paid(november, cast):
    article = RoyaltyGrade.objects.filter(period=november).first().article
    Article.objects.filter(pk=article.pk).update(status=Article.Status.UNPUBLISHED)
    sheet.build(november)
    grades = november.grades.filter(article=article)
    assert all(g.excluded and "gỡ" in g.note for g in grades)
    assert any("bài đã gỡ" in w for w in sheet.warnings(november))
    assert sheet.spent(november) == sum(g.amount for g in november.grades.exclude(article=article))


def test_a_pen_name_without_a_person_blocks_submission(cast):
    make_month_article(at(2026, 11, 8), [(make_byline(name="KHÁCH"), Role.TIN)])
    period = sheet.open_period(NOV)
    grade_everything(period, cast["thuky"])
    with pytest.raises(sheet.RoyaltyError, match="chưa gắn tác giả"):
        sheet.move(period, Status.GRADED, cast["thuky"])


# -- grading -------------------------------------------------------------------------------


def grading_queries(client, period) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = client.get(grading_url(period))
    assert response.status_code == 200
    return len(queries)


def test_grading_screen_query_count_does_not_grow_with_rows(client, november, cast):
    client.force_login(cast["thuky"])
    grading_queries(client, november)  # the first visit may add rows
    five_rows = grading_queries(client, november)
    for day in (21, 22, 23, 24):
        make_month_article(at(2026, 11, day), [(make_owned_byline(), Role.TIN_ANH)])
    grading_queries(client, november)
    assert november.grades.count() == 13
    assert grading_queries(client, november) == five_rows <= 30
    body = client.get(grading_url(november)).content.decode()
    assert body.count("data-row ") == 13
    assert "grading.js" in body and "<script>" not in body  # CSP: no inline script


def test_grading_filters_by_person(client, november, cast):
    byline = november.grades.filter(part="photo").first().byline
    client.force_login(cast["thuky"])
    response = client.get(grading_url(november), {"but_danh": byline.pk})
    assert response.content.decode().count("data-row ") == 2  # text and photo of one person


def test_grading_over_http_records_who_and_when_and_refuses_a_cap(client, november, cast):
    tin, *others = november.grades.order_by("published_on", "pk")
    data = {"row": [tin.pk, others[0].pk]}
    for grade in (tin, others[0]):
        data.update({f"g{grade.pk}-{k}": v for k, v in sheet.form_values(grade).items()})
    data[f"g{tin.pk}-coefficient"] = "4,5"  # the desk types a comma
    data[f"g{others[0].pk}-coefficient"] = "7"  # ảnh: house cap 6
    client.force_login(cast["thuky"])
    response = client.post(grading_url(november), data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "vượt mức tối đa của quy chế" in body
    assert 'value="7"' in body  # what was typed is still in the box
    tin.refresh_from_db()
    assert tin.coefficient == D("4.5") and tin.amount == 1_138_500
    assert tin.graded_by == cast["thuky"] and tin.graded_at is not None
    assert RoyaltyLog.objects.filter(grade=tin, action="grade").exists()
    others[0].refresh_from_db()
    assert others[0].graded_by is None and others[0].coefficient == 2


def test_the_legal_cap_is_refused_even_for_the_chief(november, cast):
    grade = november.grades.filter(part="text").first()
    values = {**sheet.form_values(grade), "coefficient": "11"}
    errors = sheet.save_grades(november, cast["thuky"], {grade.pk: values})
    assert "Nghị định" in errors[grade.pk]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("coefficient", "abc", "không phải là số"),
        ("share_percent", "120", "nằm ngoài khung"),
        ("quantity", "0", "Số lượng"),
        ("genre", "", "thể loại"),
    ],
)
def test_bad_input_gets_a_clear_message(november, cast, field, value, message):
    grade = november.grades.filter(part="text").first()
    errors = sheet.save_grades(
        november, cast["thuky"], {grade.pk: {**sheet.form_values(grade), field: value}}
    )
    assert message in errors[grade.pk]


def test_allowance_outside_its_range_is_refused(november, cast):
    from articles.models.royalties import RoyaltyAllowance

    grade = november.grades.filter(part="text").first()
    hardship = RoyaltyAllowance.objects.get(code="thieu-nhi-dan-toc")
    values = {**sheet.form_values(grade), "bonus": str(hardship.pk), "bonus_percent": "25"}
    errors = sheet.save_grades(november, cast["thuky"], {grade.pk: values})
    assert "10–20%" in errors[grade.pk]
    values["bonus_percent"] = "20"
    assert sheet.save_grades(november, cast["thuky"], {grade.pk: values}) == {}
    grade.refresh_from_db()
    assert grade.amount == 506_000 * 120 // 100


def test_a_reporter_cannot_grade(client, november, cast):
    cast["pv"].user_permissions.add(Permission.objects.get(codename="view_royaltyperiod"))
    client.force_login(cast["pv"])
    grade = november.grades.first()
    data = {
        "row": [grade.pk],
        **{f"g{grade.pk}-{k}": v for k, v in sheet.form_values(grade).items()},
    }
    assert client.post(grading_url(november), data).status_code == 403


# -- the period's moves over HTTP ----------------------------------------------------------


def post_move(client, user, period, to, **extra):
    client.force_login(user)
    response = client.post(move_url(period), {"to": to, **extra})
    period.refresh_from_db()
    return response


def test_the_state_machine_with_its_rights(client, november, cast):
    thuky, tbt, ptbt, ketoan, pv = (cast[k] for k in ("thuky", "tbt", "ptbt", "ketoan", "pv"))
    grade_everything(november, thuky)
    assert post_move(client, pv, november, Status.GRADED).status_code == 403
    assert post_move(client, ketoan, november, Status.GRADED).status_code == 403
    assert post_move(client, thuky, november, Status.GRADED).status_code == 302
    assert november.status == Status.GRADED and november.graded_by == thuky
    # grading is not approving
    assert post_move(client, thuky, november, Status.APPROVED).status_code == 403
    # a deputy approves only with the right delegated to them
    assert post_move(client, ptbt, november, Status.APPROVED).status_code == 403
    november.budget = 100_000_000
    november.save()
    ptbt.user_permissions.add(Permission.objects.get(codename="approve_royalty"))
    ptbt = type(ptbt).objects.get(pk=ptbt.pk)
    assert post_move(client, ptbt, november, Status.APPROVED).status_code == 302
    assert november.status == Status.APPROVED and november.approved_by == ptbt
    # paying is Kế toán's
    assert post_move(client, tbt, november, Status.PAID).status_code == 403
    assert post_move(client, ketoan, november, Status.PAID).status_code == 302
    assert november.status == Status.PAID and november.pay_date is not None
    moves = list(RoyaltyLog.objects.filter(period=november).values_list("action", flat=True))
    assert {"draft->graded", "graded->approved", "approved->paid"} <= set(moves)
    # nothing leaves "paid"
    assert post_move(client, tbt, november, Status.DRAFT).status_code == 403


def test_approval_over_the_fund_needs_the_chiefs_override_and_a_reason(client, november, cast):
    grade_everything(november, cast["thuky"])
    sheet.move(november, Status.GRADED, cast["thuky"])
    sheet.set_fund(november, 1_000_000, cast["ketoan"])  # far below what was graded
    response = post_move(client, cast["tbt"], november, Status.APPROVED)
    assert november.status == Status.GRADED
    assert "vượt quỹ" in client.get(response.url).content.decode()
    post_move(client, cast["tbt"], november, Status.APPROVED, override="1")
    assert november.status == Status.GRADED  # no reason given
    ptbt = cast["ptbt"]
    ptbt.user_permissions.add(Permission.objects.get(codename="approve_royalty"))
    post_move(client, ptbt, november, Status.APPROVED, override="1", note="Số đặc biệt")
    assert november.status == Status.GRADED  # a deputy cannot go over the fund
    post_move(client, cast["tbt"], november, Status.APPROVED, override="1", note="Số Tết")
    assert november.status == Status.APPROVED and november.over_budget_reason == "Số Tết"


def test_approval_within_the_fund_needs_no_override(november, cast):
    grade_everything(november, cast["thuky"])
    sheet.move(november, Status.GRADED, cast["thuky"])
    sheet.set_fund(november, sheet.spent(november), cast["ketoan"])  # exactly the fund
    sheet.move(november, Status.APPROVED, cast["tbt"])
    assert november.__class__.objects.get(pk=november.pk).status == Status.APPROVED


def test_only_the_accountant_enters_the_fund(november, cast):
    with pytest.raises(sheet.RoyaltyError, match="Kế toán"):
        sheet.set_fund(november, 5_000_000, cast["thuky"])
    sheet.set_fund(november, 5_000_000, cast["ketoan"])
    assert RoyaltyPeriod.objects.get(pk=november.pk).budget == 5_000_000


# -- the lock ------------------------------------------------------------------------------


@pytest.fixture
def approved(november, cast):
    grade_everything(november, cast["thuky"])
    sheet.move(november, Status.GRADED, cast["thuky"])
    sheet.set_fund(november, 50_000_000, cast["ketoan"])
    return sheet.move(november, Status.APPROVED, cast["tbt"])


def test_an_approved_month_is_locked(client, approved, cast):
    grade = approved.grades.filter(part="text").first()
    before = grade.amount
    values = {**sheet.form_values(grade), "coefficient": "5"}
    with pytest.raises(sheet.RoyaltyError, match="khóa"):
        sheet.save_grades(approved, cast["thuky"], {grade.pk: values})
    client.force_login(cast["thuky"])
    data = {"row": [grade.pk], **{f"g{grade.pk}-{k}": v for k, v in values.items()}}
    assert client.post(grading_url(approved), data).status_code == 403
    page = client.get(grading_url(approved)).content.decode()
    assert "bảng đã khóa" in page and "Lưu các dòng" not in page
    with pytest.raises(sheet.RoyaltyError):
        sheet.set_fund(approved, 1, cast["ketoan"])
    make_month_article(at(2026, 11, 29), [(make_owned_byline(), Role.TIN)])
    assert sheet.build(approved) == 0  # a late article does not slip into a locked month
    grade.refresh_from_db()
    assert grade.amount == before


def test_reopening_needs_the_right_and_a_reason_and_is_recorded(client, approved, cast):
    assert post_move(client, cast["thuky"], approved, Status.DRAFT).status_code == 403
    post_move(client, cast["tbt"], approved, Status.DRAFT)
    assert approved.status == Status.APPROVED  # no reason
    post_move(client, cast["tbt"], approved, Status.DRAFT, note="Sai hệ số bài phóng sự")
    assert approved.status == Status.DRAFT and approved.approved_by is None
    entry = RoyaltyLog.objects.get(period=approved, action="approved->draft")
    assert entry.user == cast["tbt"] and entry.note == "Sai hệ số bài phóng sự"
    grade = approved.grades.filter(part="text").first()
    assert sheet.save_grades(approved, cast["thuky"], {grade.pk: sheet.form_values(grade)}) == {}


# -- tax by pay date, the 60-day warning ---------------------------------------------------


@pytest.mark.parametrize(
    ("coefficient", "pay_date", "tax"),
    [
        # 3,036,000 gross (12 × 253,000): above 2,000,000 before 1/7/2026, below 5,000,000 after
        ("12", datetime.date(2026, 6, 30), 303_600),
        ("12", datetime.date(2026, 7, 1), 0),
        # 1,771,000 gross: below both thresholds
        ("7", datetime.date(2026, 6, 30), 0),
        ("7", datetime.date(2026, 7, 1), 0),
        # 6,325,000 gross (25 × 253,000): above both
        ("25", datetime.date(2026, 6, 30), 632_500),
        ("25", datetime.date(2026, 7, 1), 632_500),
    ],
)
def test_tax_withheld_by_the_rule_on_the_pay_date(cast, coefficient, pay_date, tax):
    make_month_article(at(2026, 11, 10), [(make_owned_byline(), Role.THUC_HIEN)])
    period = sheet.open_period(NOV)
    grade_everything(period, cast["thuky"], coefficient=coefficient)
    period.pay_date = pay_date  # (an odd pay date, to put the rule's change on both sides)
    period.save()
    (person,) = sheet.people(period)
    assert person.tax == tax and person.net == person.gross - tax


def test_no_tax_withheld_for_staff_or_a_commitment(cast):
    staff = make_owned_byline(tax_mode=Contributor.TaxMode.PAYROLL)
    committed = make_owned_byline(tax_mode=Contributor.TaxMode.COMMITMENT)
    make_month_article(at(2026, 11, 10), [(staff, Role.THUC_HIEN)])
    make_month_article(at(2026, 11, 11), [(committed, Role.THUC_HIEN)])
    period = sheet.open_period(NOV)
    grade_everything(period, cast["thuky"], coefficient="25")
    assert [p.tax for p in sheet.people(period)] == [0, 0]


def test_a_person_with_two_pen_names_is_one_payment(cast):
    person = make_contributor(full_name="Lê Thị Hai Tên")
    first = person.pen_names.get().byline
    second = make_byline(name="H.T")
    person.pen_names.create(byline=second)
    make_month_article(at(2026, 11, 10), [(first, Role.TIN)])
    make_month_article(at(2026, 11, 12), [(second, Role.TIN)])
    period = sheet.open_period(NOV)
    grade_everything(period, cast["thuky"], coefficient="5")
    (line,) = sheet.people(period)
    assert line.gross == 2 * 5 * 253_000 and line.bylines == {first.name, "H.T"}
    assert line.tax == 0  # 2,530,000 < 5,000,000 on the 15 December pay date


def test_payment_older_than_60_days_is_warned():
    make_month_article(at(2026, 9, 2), [(make_owned_byline(), Role.TIN)])
    period = sheet.open_period(datetime.date(2026, 9, 1))
    assert not any("60 ngày" in w for w in sheet.warnings(period, datetime.date(2026, 10, 20)))
    late = sheet.warnings(period, datetime.date(2026, 11, 5))
    assert any("quá 60 ngày" in w for w in late)


def test_the_desk_opens_a_month_by_picking_any_day_of_it(client, cast):
    make_month_article(at(2026, 11, 5), [(make_owned_byline(), Role.TIN)])
    client.force_login(cast["thuky"])
    response = client.post("/admin/articles/royaltyperiod/add/", {"month": "15/11/2026"})
    assert response.status_code == 302
    period = RoyaltyPeriod.objects.get()
    assert period.month == NOV and period.grades.count() == 1
    again = client.post("/admin/articles/royaltyperiod/add/", {"month": "20/11/2026"})
    assert again.status_code == 200 and "đã tồn tại" in again.content.decode()
    assert RoyaltyPeriod.objects.count() == 1


def test_period_page_for_each_role(client, november, cast):
    for name in ("thuky", "tbt", "ptbt", "ketoan"):
        client.force_login(cast[name])
        response = client.get(f"/admin/articles/royaltyperiod/{november.pk}/change/")
        assert response.status_code == 200, name
        body = response.content.decode()
        assert "Mở bảng chấm nhuận bút" in body
        assert ('name="budget"' in body) == (name == "ketoan")


def test_the_list_of_months_in_few_queries(client, cast, django_assert_max_num_queries):
    for month in (9, 10, 11):
        make_month_article(at(2026, month, 3), [(make_owned_byline(), Role.TIN)])
        sheet.open_period(datetime.date(2026, month, 1))
    client.force_login(cast["tbt"])
    with django_assert_max_num_queries(12):
        response = client.get("/admin/articles/royaltyperiod/")
    assert response.status_code == 200
    assert response.content.decode().count("506.000 đ") == 3


def test_the_unit_value_follows_the_publication_date_across_1_july_2026(cast):
    writer = make_owned_byline()
    make_month_article(at(2026, 6, 30, 23), [(writer, Role.TIN)])  # 16:00 UTC, still June
    make_month_article(at(2026, 7, 1, 0), [(writer, Role.TIN)])  # 17:00 UTC on 30 June
    june = sheet.open_period(datetime.date(2026, 6, 1))
    july = sheet.open_period(datetime.date(2026, 7, 1))
    assert [(g.unit_value, g.amount) for g in june.grades.all()] == [(234_000, 468_000)]
    assert [(g.unit_value, g.amount) for g in july.grades.all()] == [(253_000, 506_000)]


def test_a_byline_added_later_appears_and_one_removed_is_warned(client, november, cast):
    article = november.grades.filter(part="text", share_percent=100).first().article
    ArticleByline.objects.filter(article=article).delete()
    ArticleByline.objects.create(article=article, byline=make_owned_byline(), role=Role.TIN)
    client.force_login(cast["thuky"])
    body = client.get(grading_url(november)).content.decode()
    assert body.count("data-row ") == 6
    assert "không còn trên bài" in body


def test_a_corrected_base_salary_reaches_an_open_month_on_save(november, cast):
    from articles.models.royalties import BaseSalary

    grade_everything(november, cast["thuky"])
    BaseSalary.objects.filter(effective_from=datetime.date(2026, 7, 1)).update(amount=2_600_000)
    grade_everything(november, cast["thuky"])
    tin = november.grades.get(share_percent=100)
    assert (tin.unit_value, tin.amount) == (260_000, 520_000)
