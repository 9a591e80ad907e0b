"""The reader's comment form. Validation and cleaning only; what happens to a valid comment
is decided in comments/rules.py and comments/actions.py."""

from collections.abc import Mapping
from types import MappingProxyType

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from comments.actions import comments_open
from comments.rules import Submission
from comments.text import clean_text, is_blank
from comments.tokens import browser_id, form_token, token_time

NAME_MAX = 100
EMAIL_MAX = 254
CONTENT_MAX = 2000


def _messages(what: str, limit: int) -> dict[str, str]:
    return {
        "required": f"Vui lòng nhập {what}.",
        "max_length": f"{what[0].upper()}{what[1:]} dài tối đa {limit:,} ký tự.".replace(",", "."),
    }


class CleanTextField(forms.CharField):
    """A CharField that accepts any unicode: control characters and NUL dropped, NFC, and
    text made only of invisible characters counts as empty. Cleaning runs before the length
    check, so the limit is on what would be stored."""

    def __init__(self, *, multiline: bool = False, **kwargs):
        self.multiline = multiline
        super().__init__(strip=False, **kwargs)

    def to_python(self, value):
        value = clean_text(super().to_python(value), multiline=self.multiline)
        return "" if is_blank(value) else value


class CleanEmailField(forms.EmailField):
    def to_python(self, value):
        return clean_text(super().to_python(value)).lower()


def _int_or_none(value) -> int | None:
    """A millisecond stamp from site.js; anything else is ignored, never an error."""
    if not isinstance(value, str) or not value.isdigit() or len(value) > 16:
        return None
    return int(value)


class CommentForm(forms.Form):
    """Họ và tên, Email, Nội dung, plus a honeypot (`website`), the signed token of the
    page (see form_token) and the two stamps site.js fills in."""

    # What a fresh form's fields hold (kept()).
    EMPTY = MappingProxyType(
        {"name": "", "email": "", "content": "", "shown_at": "", "notify": False}
    )

    name = CleanTextField(label="Họ và tên", max_length=NAME_MAX, error_messages=_messages("họ và tên", NAME_MAX))  # fmt: skip
    email = CleanEmailField(
        label="Email", max_length=EMAIL_MAX,
        error_messages={**_messages("email", EMAIL_MAX), "invalid": "Email không hợp lệ."},
    )  # fmt: skip
    content = CleanTextField(
        label="Nội dung", max_length=CONTENT_MAX, multiline=True, widget=forms.Textarea,
        error_messages=_messages("nội dung", CONTENT_MAX),
    )  # fmt: skip
    notify = forms.BooleanField(label="Báo cho tôi khi Tòa soạn trả lời", required=False)
    # Plain Fields: hidden values are read leniently and never produce a field error.
    website = forms.Field(required=False)
    browser = forms.Field(required=False)  # site.js: this browser's signed id (tokens.py)
    token = forms.Field(required=False)
    shown_at = forms.Field(required=False)
    sent_at = forms.Field(required=False)

    ORIGIN_ERROR = "Phản hồi phải được gửi từ trang của báo. Vui lòng tải lại trang rồi gửi."
    CLOSED_ERROR = "Bài viết này đã đóng phản hồi."
    EXPIRED_ERROR = "Biểu mẫu đã cũ hoặc không hợp lệ. Vui lòng bấm Gửi lần nữa."

    def __init__(self, article, *args, same_origin: bool = True, **kwargs):
        self.article = article
        self.same_origin = same_origin
        self.rendered_at = None
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        if not self.same_origin:
            raise ValidationError(self.ORIGIN_ERROR, code="origin")
        if not comments_open(self.article):
            raise ValidationError(self.CLOSED_ERROR, code="closed")
        self.rendered_at = token_time(cleaned.get("token"), self.article)
        if self.rendered_at is None:
            raise ValidationError(self.EXPIRED_ERROR, code="token")
        return cleaned

    @property
    def refusal_status(self) -> int:
        """400 for a form to correct; 403 for a post we refuse whatever it says."""
        refused = any(self.has_error(NON_FIELD_ERRORS, code) for code in ("origin", "closed"))
        return 403 if refused else 400

    def submission(self, ip: str | None, user_agent: str) -> Submission:
        data = self.cleaned_data
        honeypot = data.get("website")
        return Submission(
            name=data["name"],
            email=data["email"],
            content=data["content"],
            honeypot=honeypot if isinstance(honeypot, str) else "",
            rendered_at=self.rendered_at,
            shown_at_ms=_int_or_none(data.get("shown_at")),
            sent_at_ms=_int_or_none(data.get("sent_at")),
            ip=ip,
            user_agent=user_agent or "",
            browser=browser_id(data.get("browser")),
            notify=bool(data.get("notify")),
        )

    # -- rendering ---------------------------------------------------------------------

    def kept(self) -> Mapping[str, object]:
        """What to put back in the fields: the reader's text, cleaned of control characters
        but otherwise as typed, whether it validated or not."""
        if not self.is_bound:
            return self.EMPTY
        raw = {key: self.data.get(key, "") for key in ("name", "email", "content", "shown_at")}
        return {
            "name": clean_text(raw["name"]),
            "email": clean_text(raw["email"]),
            "content": clean_text(raw["content"], multiline=True),
            "shown_at": str(_int_or_none(raw["shown_at"]) or ""),
            "notify": bool(self.data.get("notify")),
        }

    def token_value(self) -> str:
        """The posted token while it is valid (a re-shown form keeps its original time, so
        fixing a typo quickly is not "too fast"); a fresh one otherwise."""
        if self.is_bound and self.rendered_at is not None:
            return self.data.get("token", "")
        if self.is_bound and token_time(self.data.get("token"), self.article):
            return self.data.get("token", "")
        return form_token(self.article)
