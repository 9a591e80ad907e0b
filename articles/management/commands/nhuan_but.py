"""The monthly royalty sheet for the accountant's scripts:

    manage.py nhuan_but --month 2026-11 --xlsx out.xlsx [--csv out.csv] [--csv-kind summary]

Writes the same files as the admin's export buttons, with personal data (the command line is
for Kế toán and the server's operators). A month with no sheet is an error, not an empty file."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from articles.models.royalties import RoyaltyPeriod
from articles.royalties import exports, sheet


class Command(BaseCommand):
    help = "Xuất bảng nhuận bút một tháng ra XLSX và/hoặc CSV (UTF-8 có BOM)."

    def add_arguments(self, parser):
        parser.add_argument("--month", required=True, help="Tháng, dạng YYYY-MM (ví dụ 2026-11).")
        parser.add_argument("--xlsx", type=Path, help="Tệp XLSX cần ghi.")
        parser.add_argument("--csv", type=Path, help="Tệp CSV cần ghi.")
        parser.add_argument(
            "--csv-kind", choices=["detail", "summary", "bank"], default="detail",
            help="Bảng ghi ra CSV: chi tiết (mặc định), tổng hợp theo tác giả, chuyển khoản.",
        )  # fmt: skip

    def handle(self, *args, month, xlsx, csv, csv_kind, **options):
        if not xlsx and not csv:
            raise CommandError("Cần ít nhất một trong --xlsx hoặc --csv.")
        try:
            first_day = sheet.parse_month(month)
        except sheet.RoyaltyError as exc:
            raise CommandError(str(exc)) from None
        period = RoyaltyPeriod.objects.filter(month=first_day).first()
        if period is None:
            raise CommandError(f"Chưa có bảng nhuận bút tháng {first_day:%m/%Y}.")
        try:
            if xlsx:
                xlsx.write_bytes(exports.xlsx(period, private=True))
                self.stdout.write(f"Đã ghi {xlsx}")
            if csv:
                csv.write_bytes(exports.csv_bytes(period, csv_kind, private=True))
                self.stdout.write(f"Đã ghi {csv}")
        except OSError as exc:
            raise CommandError(f"Không ghi được tệp: {exc}") from None
        sheet.log(period, None, "export", fmt="command", kind=csv_kind)
        if not period.is_locked:
            self.stderr.write(
                f"Lưu ý: bảng tháng {period.label} chưa được duyệt ({period.get_status_display()})."
            )
