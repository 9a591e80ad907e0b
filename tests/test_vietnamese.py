import unicodedata
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from articles.vietnamese import date_line, day_line, fold, nfc, short_datetime, sort_key, vn_slugify

VN = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Đảng bộ Khối các cơ quan tỉnh Khánh Hòa", "dang-bo-khoi-cac-co-quan-tinh-khanh-hoa"),
        ("Đà Nẵng", "da-nang"),
        ("ĐẶC KHU TRƯỜNG SA", "dac-khu-truong-sa"),
        ("Lan tỏa việc học và làm theo Bác", "lan-toa-viec-hoc-va-lam-theo-bac"),
        ("Khánh Hoà", "khanh-hoa"),
        ("Công nghiệp - Đầu tư", "cong-nghiep-dau-tu"),
        ("  Giá xăng: tăng 1.205 đồng/lít!  ", "gia-xang-tang-1205-donglit"),
    ],
)
def test_slug_is_ascii_with_d_for_dd(text, slug):
    assert vn_slugify(text) == slug


def test_slug_of_decomposed_input_equals_slug_of_composed_input():
    decomposed = unicodedata.normalize("NFD", "Đảng bộ Khánh Hòa")
    assert decomposed != "Đảng bộ Khánh Hòa"
    assert vn_slugify(decomposed) == "dang-bo-khanh-hoa"


def test_nfc_composes_pasted_text_and_drops_nul():
    assert nfc(unicodedata.normalize("NFD", "Học tập\x00")) == "Học tập"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("học tập", "hoc tap"),
        ("Khánh Hòa", "khanh hoa"),
        ("Khánh Hoà", "KHANH HOA"),
        ("Đảng", "dang"),
        ("ĐÀ NẴNG", "da nang"),
        (unicodedata.normalize("NFD", "Nguyễn"), "nguyen"),
    ],
)
def test_fold_ignores_tones_case_and_d_stroke(a, b):
    assert fold(a) == fold(b)


def test_date_line_uses_weekday_words_24_hour_and_site_time_zone():
    friday = datetime(2026, 11, 27, 1, 15, tzinfo=ZoneInfo("UTC"))  # 08:15 in Vietnam
    assert date_line(friday) == "Thứ Sáu, 27/11/2026, 08:15 (GMT+7)"


def test_date_line_on_a_sunday_at_midnight():
    sunday = datetime(2026, 11, 29, 0, 0, tzinfo=VN)
    assert date_line(sunday) == "Chủ Nhật, 29/11/2026, 00:00 (GMT+7)"
    assert day_line(sunday) == "Chủ Nhật, 29/11/2026"


def test_utc_evening_is_already_next_day_in_vietnam():
    late = datetime(2026, 11, 29, 17, 30, tzinfo=ZoneInfo("UTC"))
    assert date_line(late) == "Thứ Hai, 30/11/2026, 00:30 (GMT+7)"
    assert short_datetime(late) == "30/11/2026 00:30"


def test_python_sort_key_puts_dd_after_d_and_before_e():
    names = ["Ê-đê", "Đà Lạt", "Zalo", "Dạ Hợp", "An Giang"]
    assert sorted(names, key=sort_key) == ["An Giang", "Dạ Hợp", "Đà Lạt", "Ê-đê", "Zalo"]
