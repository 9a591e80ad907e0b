"""Text detectors for the comment rules: word lists matched diacritic-, case- and
spacing-insensitively, links, and personal data (phone, ID numbers, emails). Pure functions
over strings; the decisions are in comments/rules.py. Also the cleaning every piece of
reader input goes through before it is stored."""

import hashlib
import re
import unicodedata
from functools import lru_cache

from articles.vietnamese import fold, nfc, without_controls

_ALNUM = r"[^\W_]"
# Runs of single letters split by spaces or punctuation: "c a s i n o", "c.a.s.i.n.o".
_SPACED = re.compile(rf"(?<!{_ALNUM})(?:{_ALNUM}[\W_]{{1,3}}){{2,}}{_ALNUM}(?!{_ALNUM})")
# Punctuation inside a word: "ca.si.no", "ca-si-no", "ca*si*no".
_INNER = re.compile(rf"(?<={_ALNUM})[.\-_*·'`~]+(?={_ALNUM})")


def match_forms(value: str) -> list[str]:
    """The folded text and its spaced-out and dotted variants, for word-list matching."""
    base = fold("".join(ch for ch in value if unicodedata.category(ch) != "Cf"))
    spaced = _SPACED.sub(lambda m: re.sub(r"[\W_]", "", m.group()), base)
    joined = _INNER.sub("", spaced)
    return list(dict.fromkeys([base, spaced, joined]))


@lru_cache(maxsize=2048)
def word_pattern(word: str) -> re.Pattern | None:
    """A moderation word as a regex over folded text: whole words only, any punctuation or
    none between the words of a phrase ("co bac" matches "cờ bạc", "co-bac", "cobac")."""
    folded = " ".join(fold(nfc(word)).split())
    if not folded:
        return None
    parts = re.findall(r"[^\W_]+|[\W_]+", folded)
    pattern = ""
    for index, part in enumerate(parts):
        if re.match(_ALNUM, part):
            pattern += re.escape(part)
        elif index in (0, len(parts) - 1):
            pattern += re.escape(part)  # "18+", ".xyz": the symbol is part of the word
        else:
            pattern += r"[\W_]*"
    if re.match(_ALNUM, folded[0]):
        pattern = rf"(?<!{_ALNUM})" + pattern
    if re.match(_ALNUM, folded[-1]):
        pattern += rf"(?!{_ALNUM})"
    return re.compile(pattern)


FIELD_LABELS = {"name": "họ tên", "email": "email", "content": "nội dung"}


def find_words(words, fields: dict[str, str]) -> list[tuple[str, str]]:
    """(word, field label) for each moderation word found in any field."""
    forms = {label: match_forms(text) for label, text in fields.items()}
    found = []
    for word in words:
        pattern = word_pattern(word)
        if pattern is None:
            continue
        for label, variants in forms.items():
            if any(pattern.search(text) for text in variants):
                found.append((word, FIELD_LABELS.get(label, label)))
                break
    return found


_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[^\W\d_]{2,}")
# 0905 123 456, 0905.123.456, 090-512-3456, +84 905 123 456, 84905123456, (0258) 3822 123.
_PHONE = re.compile(
    r"(?<![\w+])(?<!\d[.,])(?:\+?84[ .\-]?|\(?0)[235789](?:\)?[ .\-]?\d){8,9}(?!\d)"
)
# CCCD: 12 digits; CMND: 9 digits; written without separators.
_ID_NUMBER = re.compile(r"(?<![\w+])(?<!\d[.,])(?:\d{12}|\d{9})(?!\w)(?![.,]\d)")
_TLDS = "com|net|org|info|biz|vn|xyz|top|io|ru|cn|site|online|club|shop|store|link|click|live|app"
_LINK = re.compile(
    r"(?:https?://|www\.)[^\s<>\"']+"
    rf"|(?<![\w@.\-])(?:[a-z0-9](?:[a-z0-9\-]*[a-z0-9])?\.)+(?:{_TLDS})(?:\.[a-z]{{2}})?"
    r"(?![\w\-])(?:/[^\s<>\"']*)?",
    re.IGNORECASE,
)
# A reader signing as the newsroom would look like its replies.
NEWSROOM_NAMES = re.compile(r"\b(?:toa\s*soan|ban\s*bien\s*tap|bbt)\b")


def personal_data(text: str) -> list[str]:
    found = [f"số điện thoại “{m.group().strip()}”" for m in _PHONE.finditer(text)]
    without_phones = _PHONE.sub(" ", text)
    found += [f"số CCCD/CMND “{m.group()}”" for m in _ID_NUMBER.finditer(without_phones)]
    found += [f"email “{m.group()}”" for m in _EMAIL.finditer(text)]
    return found


def count_links(text: str) -> int:
    return len(_LINK.findall(_EMAIL.sub(" ", text)))


# -- cleaning reader input ---------------------------------------------------------------

_NEWLINES = str.maketrans({"\r": "\n", "\u2028": "\n", "\u2029": "\n", "\t": " "})


def clean_text(value: str | None, *, multiline: bool = False) -> str:
    """Any unicode in, something safe to store out: NUL and control characters dropped
    (PostgreSQL refuses NUL; the others break feeds and e-mail), CRLF as LF, NFC, trimmed.
    Emoji, right-to-left marks and zero-width joiners are the reader's text and stay."""
    value = (value or "").replace("\r\n", "\n").translate(_NEWLINES)
    value = without_controls(value, keep="\n")
    if multiline:
        value = re.sub(r"\n{3,}", "\n\n", "\n".join(line.rstrip() for line in value.split("\n")))
    else:
        value = " ".join(value.split())
    return nfc(value).strip()


def is_blank(value: str) -> bool:
    """True for text made only of spaces and invisible format characters (zero-width...)."""
    return not any(not ch.isspace() and unicodedata.category(ch) != "Cf" for ch in value)


def content_hash(content: str) -> str:
    """The duplicate check's key: the folded text, whitespace collapsed."""
    return hashlib.sha256(" ".join(fold(content).split()).encode()).hexdigest()
