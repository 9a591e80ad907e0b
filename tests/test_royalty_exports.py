"""Exports (XLSX opened with openpyxl, CSV with BOM, the command line) and who sees the
personal data: never reader pages, exports only with the right; reporters see their own
approved lines only."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from articles import roles
from articles.models import ArticleByline
from articles.models.royalties import RoyaltyPeriod
from articles.royalties import exports, reference, sheet
from tests.factories import make_user
from tests.royalty_factories import at, grade_everything, make_contributor, make_month_article

pytestmark = pytest.mark.django_db
Status = RoyaltyPeriod.Status
Role = ArticleByline.Role
NOV = datetime.date(2026, 11, 1)
SECRET_ID = "079199001234"
SECRET_ACCOUNT = "556600009999"


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
        "ketoan": make_user("ketoan", roles.ACCOUNTANT),
        "pv": make_user("pv", roles.REPORTER),
    }


@pytest.fixture
def approved(cast):
    """November 2026, approved: a well-paid outside contributor (taxed), the reporter `pv`
    (staff), and a tin ảnh shared by both."""
    outsider = make_contributor(full_name="Phạm Cộng Tác", national_id=SECRET_ID,
                                bank_account=SECRET_ACCOUNT)  # fmt: skip
    reporter = make_contributor(full_name="Đỗ Phóng Viên", user=cast["pv"], tax_mode="payroll")
    a = outsider.pen_names.get().byline
    b = reporter.pen_names.get().byline
    make_month_article(at(2026, 11, 3), [(a, Role.THUC_HIEN)])
    make_month_article(at(2026, 11, 9), [(b, Role.TIN)])
    make_month_article(at(2026, 11, 16), [(a, Role.TIN_ANH), (b, Role.TIN_ANH)])
    period = sheet.open_period(NOV, cast["thuky"])
    grade_everything(period, cast["thuky"], coefficient="5")
    sheet.move(period, Status.GRADED, cast["thuky"])
    sheet.set_fund(period, 40_000_000, cast["ketoan"])
    return sheet.move(period, Status.APPROVED, cast["tbt"])


def export_url(period, fmt, kind=""):
    return f"/admin/articles/royaltyperiod/{period.pk}/xuat/{fmt}/" + (
        f"?loai={kind}" if kind else ""
    )


def table(ws) -> list[dict]:
    rows = list(ws.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=False)) for row in rows[1:]]


def all_text(book) -> str:
    return " ".join(
        str(value) for ws in book.worksheets for row in ws.iter_rows(values_only=True)
        for value in row if value is not None
    )  # fmt: skip


def test_xlsx_for_the_accountant_totals_match_the_detail_rows(client, approved, cast):
    client.force_login(cast["ketoan"])
    response = client.get(export_url(approved, "xlsx"))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="NhuanBut_2026-11.xlsx"'
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Chấm nhuận bút 11-2026", "Tổng hợp theo tác giả",
                               "Danh sách chuyển khoản"]  # fmt: skip
    detail = table(book.worksheets[0])
    total_row = detail.pop()
    assert total_row["STT"] == "Cộng"
    amounts = [row["Thành tiền"] for row in detail]
    assert all(isinstance(a, int) for a in amounts) and len(amounts) == 6
    assert total_row["Thành tiền"] == sum(amounts) == sheet.spent(approved)
    assert book.worksheets[0]["P2"].number_format == exports.DONG_FORMAT
    summary = table(book.worksheets[1])
    assert sum(row["Tổng cộng"] for row in summary) == sum(amounts)
    for row in summary:
        assert row["Thực lĩnh"] == row["Tổng cộng"] - row["Thuế TNCN"]
    taxed = next(r for r in summary if r["Tác giả"] == "Phạm Cộng Tác")
    assert taxed["Tổng cộng"] == 5 * 253_000 * 2 and taxed["Thuế TNCN"] == 0  # < 5,000,000
    assert taxed["CCCD"] == SECRET_ID
    bank = table(book.worksheets[2])
    assert {row["Số tài khoản"] for row in bank} >= {SECRET_ACCOUNT}
    assert sum(row["Số tiền"] for row in bank) == sum(row["Thực lĩnh"] for row in summary)


def test_export_for_the_desk_has_no_personal_data(client, approved, cast):
    client.force_login(cast["thuky"])
    book = openpyxl.load_workbook(io.BytesIO(client.get(export_url(approved, "xlsx")).content))
    assert len(book.sheetnames) == 2  # no bank list
    text = all_text(book)
    assert SECRET_ID not in text and SECRET_ACCOUNT not in text
    assert "CCCD" not in text and "Số tài khoản" not in text
    for kind in ("", "summary"):
        body = client.get(export_url(approved, "csv", kind)).content.decode("utf-8-sig")
        assert SECRET_ID not in body and SECRET_ACCOUNT not in body
    assert client.get(export_url(approved, "csv", "bank")).status_code == 403


def test_export_refused_without_the_right(client, approved, cast):
    client.force_login(cast["pv"])
    assert client.get(export_url(approved, "xlsx")).status_code == 403
    assert client.get(export_url(approved, "csv")).status_code == 403


def test_csv_is_utf8_with_bom_and_plain_integers(client, approved, cast):
    client.force_login(cast["ketoan"])
    response = client.get(export_url(approved, "csv"))
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 6
    assert sum(int(row["Thành tiền"]) for row in rows) == sheet.spent(approved)
    assert rows[0]["Ngày đăng"] == "2026-11-03"
    bank = client.get(export_url(approved, "csv", "bank")).content.decode("utf-8-sig")
    assert SECRET_ACCOUNT in bank


def test_the_command_writes_the_same_xlsx(tmp_path, approved):
    out = tmp_path / "out.xlsx"
    call_command(
        "nhuan_but", "--month", "2026-11", "--xlsx", str(out), "--csv", str(tmp_path / "o.csv")
    )
    book = openpyxl.load_workbook(out)
    detail = table(book.worksheets[0])[:-1]
    assert sum(row["Thành tiền"] for row in detail) == sheet.spent(approved)
    assert (tmp_path / "o.csv").read_bytes().startswith(b"\xef\xbb\xbf")


@pytest.mark.parametrize(
    ("month", "message"),
    [("2026-01", "Chưa có bảng nhuận bút tháng 01/2026"), ("11/2026", "không hợp lệ"),
     ("2026-13", "không hợp lệ")],
)  # fmt: skip
def test_the_command_fails_clearly(tmp_path, month, message):
    with pytest.raises(CommandError, match=message):
        call_command("nhuan_but", "--month", month, "--xlsx", str(tmp_path / "x.xlsx"))
    assert not (tmp_path / "x.xlsx").exists()


# -- personal data --------------------------------------------------------------------------


def test_personal_data_never_on_reader_pages(client, approved):
    grade = (
        approved.grades.select_related("article", "byline")
        .filter(contributor__national_id=SECRET_ID)
        .first()
    )
    for url in (grade.article.get_absolute_url(), grade.byline.get_absolute_url(), "/"):
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert SECRET_ID not in body and SECRET_ACCOUNT not in body
        assert "Phạm Cộng Tác" not in body  # the real name behind the pen name, too


def test_contributor_admin_hides_personal_data_without_the_right(client, approved, cast):
    person = approved.grades.filter(contributor__national_id=SECRET_ID).first().contributor
    url = f"/admin/articles/contributor/{person.pk}/change/"
    client.force_login(cast["thuky"])
    body = client.get(url).content.decode()
    assert "Phạm Cộng Tác" in body and SECRET_ID not in body and SECRET_ACCOUNT not in body
    client.force_login(cast["ketoan"])
    body = client.get(url).content.decode()
    assert SECRET_ID in body and SECRET_ACCOUNT in body


def test_reporters_see_their_own_lines_of_approved_months_only(
    client, approved, cast, django_assert_max_num_queries
):
    draft_month = datetime.date(2026, 12, 1)
    own = approved.grades.filter(contributor__user=cast["pv"]).first().byline
    make_month_article(at(2026, 12, 1), [(own, Role.TIN)], title="Bài tháng mười hai")
    sheet.open_period(draft_month)
    client.force_login(cast["pv"])
    with django_assert_max_num_queries(12):
        response = client.get("/admin/articles/myroyalty/")
    assert response.status_code == 200
    body = response.content.decode()
    mine = approved.grades.filter(contributor__user=cast["pv"], excluded=False)
    assert body.count('class="field-amount_shown"') == mine.count() == 3
    assert "Bài tháng mười hai" not in body  # December is not approved
    assert "Phạm Cộng Tác" not in body
    assert client.get("/admin/articles/royaltyperiod/").status_code == 403
    assert client.get(f"/admin/articles/royaltyperiod/{approved.pk}/cham/").status_code == 403
