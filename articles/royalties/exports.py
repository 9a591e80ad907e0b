"""The monthly sheet as files: XLSX (detail, per-person summary, bank list) and CSV.

Amounts are whole đồng written as numbers, displayed "1.234.000" by a number format with
literal dots (so Excel shows Vietnamese grouping whatever the computer's locale). Personal
data (CCCD, tax code, bank account) is written only when `private` is true: the caller
decides from the user's right (view_contributor_private)."""

import csv
import io

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from articles.models.royalties import RoyaltyPeriod
from articles.royalties import sheet

# Up to 999.999.999 with dots; beyond that the leading group shows without its dot.
DONG_FORMAT = "[>=1000000]#\\.###\\.##0;[>=1000]#\\.##0;0"
DATE_FORMAT = "dd/mm/yyyy"

DETAIL_HEADERS = [
    "STT", "Ngày đăng", "Tiêu đề", "Chuyên mục", "Bút danh", "Tác giả", "Vai trò", "Phần",
    "Thể loại", "Hệ số", "Số lượng", "Tỷ lệ (%)", "Phụ trội (%)", "Tỷ lệ dịch/phụ đề (%)",
    "Giá trị 1 đơn vị", "Thành tiền", "Người chấm", "Ghi chú",
]  # fmt: skip
SUMMARY_HEADERS = ["STT", "Tác giả", "Bút danh", "Số dòng", "Tổng cộng", "Thuế TNCN", "Thực lĩnh"]
PRIVATE_SUMMARY_HEADERS = ["CCCD", "Mã số thuế"]
BANK_HEADERS = ["STT", "Họ và tên", "Ngân hàng", "Số tài khoản", "Số tiền", "Nội dung"]


def detail_rows(period: RoyaltyPeriod) -> list[list]:
    grades = (
        sheet.counted(period)
        .select_related("article__category", "byline", "contributor", "genre", "graded_by")
        .order_by("published_on", "article_id", "part", "pk")
    )
    rows = []
    for number, grade in enumerate(grades, 1):
        rows.append(
            [
                number,
                grade.published_on,
                grade.article.title,
                grade.article.category.name,
                grade.byline.name,
                grade.contributor.full_name if grade.contributor else "",
                grade.role_label,
                grade.get_part_display(),
                grade.genre.name if grade.genre else "",
                float(grade.coefficient or 0),
                grade.quantity,
                float(grade.share_percent),
                float(grade.bonus_percent) if grade.bonus_id else 0,
                float(grade.rate_percent) if grade.rate_id else 100,
                grade.unit_value,
                grade.amount,
                grade.graded_by.get_username() if grade.graded_by else "",
                grade.note,
            ]
        )
    return rows


def summary_rows(period: RoyaltyPeriod, private: bool) -> list[list]:
    rows = []
    for number, person in enumerate(sheet.people(period), 1):
        contributor = person.contributor
        row = [
            number,
            contributor.full_name if contributor else "(chưa gắn tác giả)",
            ", ".join(sorted(person.bylines)),
            person.items,
            person.gross,
            person.tax,
            person.net,
        ]
        if private:
            row += [contributor.national_id, contributor.tax_code] if contributor else ["", ""]
        rows.append(row)
    return rows


def bank_rows(period: RoyaltyPeriod) -> list[list]:
    rows = []
    people = [p for p in sheet.people(period) if p.contributor and p.net]
    for number, person in enumerate(people, 1):
        c = person.contributor
        rows.append(
            [number, c.full_name, c.bank_name, c.bank_account, person.net,
             f"Nhuận bút tháng {period.label}"]
        )  # fmt: skip
    return rows


def _sheet(ws, title: str, headers: list[str], rows: list[list], money_columns: set[str]):
    ws.title = title[:31]
    ws.append(headers)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append(row)
    for index, header in enumerate(headers, 1):
        letter = get_column_letter(index)
        ws.column_dimensions[letter].width = max(10, min(40, len(header) + 4))
        if header in money_columns:
            for cell in ws[letter][1:]:
                cell.number_format = DONG_FORMAT
        if header == "Ngày đăng":
            for cell in ws[letter][1:]:
                cell.number_format = DATE_FORMAT
    ws.freeze_panes = "A2"


def xlsx(period: RoyaltyPeriod, private: bool) -> bytes:
    book = Workbook()
    detail = detail_rows(period)
    _sheet(
        book.active, f"Chấm nhuận bút {period.month:%m-%Y}", DETAIL_HEADERS, detail,
        {"Giá trị 1 đơn vị", "Thành tiền"},
    )  # fmt: skip
    total_column = DETAIL_HEADERS.index("Thành tiền")
    book.active.append(["Cộng", *[""] * (total_column - 1), sum(r[total_column] for r in detail)])
    book.active.cell(book.active.max_row, total_column + 1).number_format = DONG_FORMAT
    headers = SUMMARY_HEADERS + (PRIVATE_SUMMARY_HEADERS if private else [])
    _sheet(
        book.create_sheet(), "Tổng hợp theo tác giả", headers, summary_rows(period, private),
        {"Tổng cộng", "Thuế TNCN", "Thực lĩnh"},
    )  # fmt: skip
    if private:
        _sheet(book.create_sheet(), "Danh sách chuyển khoản", BANK_HEADERS, bank_rows(period),
               {"Số tiền"})  # fmt: skip
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_text(period: RoyaltyPeriod, kind: str = "detail", private: bool = False) -> str:
    """One table as CSV: plain integers, ISO dates. Encode with utf-8-sig (BOM) for Excel."""
    out = io.StringIO()
    writer = csv.writer(out)
    if kind == "summary":
        writer.writerow(SUMMARY_HEADERS + (PRIVATE_SUMMARY_HEADERS if private else []))
        writer.writerows(summary_rows(period, private))
    elif kind == "bank" and private:
        writer.writerow(BANK_HEADERS)
        writer.writerows(bank_rows(period))
    else:
        writer.writerow(DETAIL_HEADERS)
        for row in detail_rows(period):
            row[1] = row[1].isoformat()
            writer.writerow(row)
    return out.getvalue()


def csv_bytes(period: RoyaltyPeriod, kind: str = "detail", private: bool = False) -> bytes:
    return csv_text(period, kind, private).encode("utf-8-sig")


def filename(period: RoyaltyPeriod, ext: str, kind: str = "") -> str:
    suffix = f"_{kind}" if kind and kind != "detail" else ""
    return f"NhuanBut_{period.month:%Y-%m}{suffix}.{ext}"
