"""Starting values of the reference tables, loaded by a data migration (and again, harmlessly,
by seed_demo). A superuser changes them in the admin; rows marked unverified come from
secondary sources and must be checked against the official text (README, "Nhuận bút")."""

import datetime
from decimal import Decimal

from articles import royalty_money as money

D = datetime.date

# (effective from, amount, legal basis, verified)
BASE_SALARIES = [
    (D(2023, 7, 1), 1_800_000, "NĐ 24/2023/NĐ-CP, Điều 3 khoản 2", True),
    (D(2024, 7, 1), 2_340_000, "NĐ 73/2024/NĐ-CP, Điều 3 khoản 2", True),
    (D(2026, 7, 1), 2_530_000, "NĐ 161/2026/NĐ-CP (chưa đối chiếu bản gốc)", False),
]
# (effective from, threshold per payment, rate %, legal basis, verified)
TAX_RULES = [
    (D(2013, 10, 1), 2_000_000, Decimal(10), "TT 111/2013/TT-BTC, Điều 25 khoản 1 điểm i", False),
    (D(2026, 7, 1), 5_000_000, Decimal(10), "Luật 109/2025/QH15; NĐ 253/2026/NĐ-CP Điều 50 (chưa đối chiếu)", False),
]  # fmt: skip
# (code, name, decree group, house max, proposed coefficient, unit). The house caps are a
# starting suggestion well inside the decree's maximums; the paper sets its own.
GENRES = [
    ("tin", "Tin", 1, 5, 2, "item"),
    ("tin-sau", "Tin sâu, tin tổng hợp", 1, 8, 4, "item"),
    ("tra-loi-ban-doc", "Trả lời bạn đọc", 1, 5, 2, "item"),
    ("anh", "Ảnh (mỗi ảnh)", 3, 6, 2, "photo"),
    ("tranh", "Tranh, biếm họa", 2, 8, 4, "item"),
    ("binh-luan", "Bình luận, chuyên luận", 4, 25, 10, "item"),
    ("phan-anh", "Bài phản ánh", 5, 15, 8, "item"),
    ("phong-su", "Phóng sự, ký (mỗi kỳ), phỏng vấn", 5, 25, 12, "instalment"),
    ("dieu-tra", "Điều tra", 5, 30, 20, "item"),
    ("sang-tac", "Sáng tác văn học", 6, 20, 8, "item"),
    ("nghien-cuu", "Nghiên cứu", 7, 25, 10, "item"),
    ("video", "Video, podcast", 8, 30, 10, "item"),
    ("emagazine", "Longform, eMagazine, giao lưu trực tuyến", 8, 50, 25, "item"),
]
# (code, name, kind, min %, max %): NĐ 18/2014, the special cases of báo in, báo điện tử.
ALLOWANCES = [
    ("kho-khan", "Điều kiện khó khăn, nguy hiểm", "bonus", 0, 100),
    ("thieu-nhi-dan-toc", "Cho thiếu nhi, đồng bào dân tộc thiểu số", "bonus", 10, 20),
    ("viet-truc-tiep", "Viết trực tiếp bằng tiếng nước ngoài, tiếng dân tộc", "bonus", 30, 50),
    ("dich", "Dịch", "rate", 40, 65),
    ("phu-de", "Lời bài hát, lời truyện tranh, phụ đề media", "rate", 20, 50),
]


def load(base_salary, tax_rule, genre, allowance) -> None:
    """Add what is missing; never overwrite what an admin has changed. Takes the model
    classes so a data migration can pass its historical models."""
    for day, amount, basis, verified in BASE_SALARIES:
        base_salary.objects.get_or_create(
            effective_from=day,
            defaults={"amount": amount, "legal_basis": basis, "verified": verified},
        )
    for day, threshold, rate, basis, verified in TAX_RULES:
        tax_rule.objects.get_or_create(
            effective_from=day,
            defaults={"threshold": threshold, "rate_percent": rate, "legal_basis": basis,
                      "verified": verified},
        )  # fmt: skip
    for position, (code, name, group, house_max, proposed, unit) in enumerate(GENRES):
        genre.objects.get_or_create(
            code=code,
            defaults={"name": name, "decree_group": group, "legal_max": money.legal_max(group),
                      "house_max": house_max, "default_coefficient": proposed, "unit": unit,
                      "position": position},
        )  # fmt: skip
    for position, (code, name, kind, low, high) in enumerate(ALLOWANCES):
        allowance.objects.get_or_create(
            code=code,
            defaults={"name": name, "kind": kind, "min_percent": low, "max_percent": high,
                      "position": position},
        )  # fmt: skip


def load_current() -> None:
    from articles.models.royalties import BaseSalary, RoyaltyAllowance, RoyaltyGenre, TaxRule

    load(BaseSalary, TaxRule, RoyaltyGenre, RoyaltyAllowance)
