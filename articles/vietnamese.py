"""Vietnamese text: normalisation, folding, slugs and dates.

Everything that compares, searches or slugifies Vietnamese goes through these functions,
so "Khánh Hoà" (old tone placement), "Khánh Hòa" and an NFD paste from Word all agree.
"""

import re
import unicodedata
from datetime import datetime
from functools import lru_cache

from django.utils import timezone
from django.utils.text import slugify

# đ/Đ are letters of their own, not d plus a mark: NFD does not decompose them.
_D_MAP = str.maketrans({"đ": "d", "Đ": "D"})

# datetime.weekday() order. Django's "vi" locale says "Thứ 2"; newspapers write the words.
WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật")


def nfc(value: str) -> str:
    """Compose text to NFC and drop NUL bytes (PostgreSQL refuses them in text columns)."""
    if not value:
        return value
    return unicodedata.normalize("NFC", value.replace("\x00", ""))


# C0 and C1 control characters; for XML also lone surrogates and two non-characters.
_CONTROLS = "\x00-\x1f\x7f-\x9f"
_NOT_IN_XML = "\ud800-\udfff\ufffe\uffff"


@lru_cache(maxsize=8)
def _controls_except(keep: str, xml: bool) -> re.Pattern:
    kept = "".join(re.escape(ch) for ch in keep)
    chars = _CONTROLS + (_NOT_IN_XML if xml else "")
    return re.compile(f"(?![{kept}])[{chars}]" if keep else f"[{chars}]")


def without_controls(value: str, *, keep: str = "", replacement: str = "", xml: bool = False):
    """`value` with every control character but those in `keep` replaced by `replacement`.
    The one rule for text that comes from outside: reader comments keep "\\n", search
    queries turn controls into spaces, feeds keep what XML 1.0 allows (`xml=True` also drops
    what XML cannot carry at all)."""
    if not value:
        return value or ""
    return _controls_except(keep, xml).sub(replacement, value)


def strip_marks(value: str) -> str:
    """Drop tones and vowel marks, map đ to d, keep case: "Đà Nẵng" -> "Da Nang"."""
    decomposed = unicodedata.normalize("NFD", value.translate(_D_MAP))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", stripped)


def fold(value: str) -> str:
    """The comparison form used by search and comment rules: no marks, đ=d, casefolded."""
    if not value:
        return ""
    return strip_marks(value).casefold()


class _FoldTable(dict):
    """Code point -> fold(that character), filled on first sight of each character: a
    str.translate() table, so folding runs at C speed. Per-character folding equals fold()
    for NFC text (and a lone combining mark folds to nothing, as in NFD text)."""

    def __missing__(self, code: int) -> str:
        self[code] = folded = fold(chr(code))
        return folded


_FOLD_TABLE = _FoldTable()


def fold_chars(value: str) -> str:
    """fold() for text that is NFC already (titles, sapos): the fast way."""
    return value.translate(_FOLD_TABLE)


def fold_char_map(value: str) -> tuple[str, list[int]]:
    """Fold `value` character by character, returning the folded text and, for each folded
    character, the index of the original character it came from. Highlighting uses it to
    put marks on the original (accented) text after matching on the folded one."""
    pieces = [_FOLD_TABLE[ord(ch)] for ch in value]
    folded = "".join(pieces)
    if len(folded) == len(value):  # one for one: the usual case
        return folded, list(range(len(value)))
    origin: list[int] = []
    for index, piece in enumerate(pieces):
        origin.extend([index] * len(piece))
    return folded, origin


def has_diacritics(value: str) -> bool:
    return fold(value) != value.casefold()


def vn_slugify(value: str, max_length: int = 200) -> str:
    """ASCII slug: "Đảng bộ Khối các cơ quan tỉnh Khánh Hòa" ->
    "dang-bo-khoi-cac-co-quan-tinh-khanh-hoa". slugify() alone drops đ entirely."""
    slug = slugify(strip_marks(nfc(value or "")))
    return slug[:max_length].strip("-")


def date_line(moment: datetime) -> str:
    """ "Thứ Sáu, 27/11/2026, 08:15 (GMT+7)" in the site's time zone."""
    local = timezone.localtime(moment)
    return f"{WEEKDAYS[local.weekday()]}, {local:%d/%m/%Y}, {local:%H:%M} (GMT+7)"


def day_line(moment: datetime) -> str:
    """ "Thứ Sáu, 27/11/2026" for the masthead."""
    local = timezone.localtime(moment)
    return f"{WEEKDAYS[local.weekday()]}, {local:%d/%m/%Y}"


def short_datetime(moment: datetime) -> str:
    """ "27/11/2026 08:15" for comments and lists."""
    return f"{timezone.localtime(moment):%d/%m/%Y %H:%M}"


def short_date(moment: datetime) -> str:
    return f"{timezone.localtime(moment):%d/%m/%Y}"


def sort_key(value: str) -> tuple:
    """Python-side collation for SQLite: base letters first (with đ after d), then marks.
    PostgreSQL sorts with the ICU collation vi-x-icu instead."""
    folded = fold(value)
    # Put đ after every d-word of the same base so "Đà" comes after "Dạ" but before "E".
    dd_weight = tuple(1 if ch in "đĐ" else 0 for ch in value)
    return (folded, dd_weight, nfc(value).casefold())


def iso(moment: datetime | None) -> str:
    """ "2026-11-27T08:15:00+07:00": machine timestamps (HTML datetime, JSON-LD, Open Graph)
    in the site's zone, whole seconds, never localised."""
    return timezone.localtime(moment).isoformat(timespec="seconds") if moment else ""
