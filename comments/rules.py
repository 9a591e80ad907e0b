"""What happens to a new comment: the rules and their verdict.

Rules run in a fixed order. Spam reasons (the comment is kept, marked spam, and the reader
gets the same thank-you as anyone) win over hold reasons (pending, with a reason the queue
shows); every rule that fired is listed in hold_detail, the first one is hold_reason.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.utils import timezone

from articles.models import SiteSettings
from articles.vietnamese import fold, has_diacritics
from comments.models import Comment, ModerationWord
from comments.text import NEWSROOM_NAMES, content_hash, count_links, find_words, personal_data

Status = Comment.Status
Reason = Comment.HoldReason

# Product defaults (§9). A deployment may override any of them with
# settings.COMMENT_RULES = {"MAX_LINKS": 3, ...}; the word lists and the three switches in
# SiteSettings are edited in the admin.
DEFAULTS = {
    "MIN_SECONDS": 3,  # sent sooner than this after the form was shown: spam
    "MAX_FORM_AGE": 24 * 3600,  # a form token older than this: spam
    "MAX_LINKS": 2,  # this many links or more: hold
    "FLOOD_LIMITS": ((15, 1), (600, 5)),  # (seconds, posts allowed) per email and per browser
    # Per IP only a burst guard: mobile carriers put many readers behind one address (CGNAT).
    "IP_FLOOD_LIMITS": ((600, 30),),
    "NOTIFY_EVERY": 300,  # at most one "new comments" email to moderators per 5 minutes
}


def rule(name: str):
    return getattr(settings, "COMMENT_RULES", {}).get(name, DEFAULTS[name])


@dataclass
class Submission:
    """What a reader sent, cleaned, plus what we know about how it was sent."""

    name: str
    email: str
    content: str
    honeypot: str = ""
    rendered_at: float | None = None  # server time in the signed token (epoch seconds)
    shown_at_ms: int | None = None  # reader's clock when the form appeared (site.js)
    sent_at_ms: int | None = None  # reader's clock when Gửi was pressed (site.js)
    ip: str | None = None
    user_agent: str = ""
    browser: str = ""  # the browser's own id from its signed token (comments.tokens)
    notify: bool = False  # "Báo cho tôi khi Tòa soạn trả lời"


@dataclass
class Verdict:
    status: str
    reason: str = ""
    details: list[str] = field(default_factory=list)

    @property
    def detail(self) -> str:
        text = "; ".join(self.details)
        return text if len(text) <= 300 else text[:299] + "…"


def _elapsed_seconds(sub: Submission, now: datetime) -> float | None:
    """How long the form was open, by the reader's own clock when site.js stamped both
    ends (clock skew cancels out); else by server time against the shown stamp, ignored
    when the reader's clock runs ahead of ours. None without JavaScript."""
    if sub.shown_at_ms is not None and sub.sent_at_ms is not None:
        if sub.sent_at_ms >= sub.shown_at_ms:
            return (sub.sent_at_ms - sub.shown_at_ms) / 1000
    if sub.shown_at_ms is not None:
        elapsed = now.timestamp() - sub.shown_at_ms / 1000
        return elapsed if elapsed >= 0 else None
    return None


def evaluate(article, sub: Submission, *, now: datetime | None = None) -> Verdict:
    """Decide what happens to a new comment. Pure apart from three small queries (the
    duplicate check, the word lists, the sender's history in post-moderation mode)."""
    now = now or timezone.now()
    site = SiteSettings.load()
    spam: list[tuple[str, str]] = []
    hold: list[tuple[str, str]] = []

    if sub.honeypot.strip():
        spam.append((Reason.HONEYPOT, "trường bẫy có nội dung"))
    form_age = now.timestamp() - sub.rendered_at if sub.rendered_at is not None else None
    elapsed = _elapsed_seconds(sub, now)
    too_fast = [s for s in (form_age, elapsed) if s is not None and s < rule("MIN_SECONDS")]
    if too_fast:
        spam.append((Reason.TOO_FAST, f"gửi sau {min(too_fast):.1f} giây"))
    if form_age is not None and form_age > rule("MAX_FORM_AGE"):
        spam.append((Reason.STALE_FORM, f"biểu mẫu mở từ {form_age / 3600:.0f} giờ trước"))
    digest = content_hash(sub.content)
    duplicate = Comment.objects.filter(article=article, email=sub.email, content_hash=digest)
    if duplicate.exists():
        spam.append((Reason.DUPLICATE, "cùng nội dung, cùng email, cùng bài"))

    words = {ModerationWord.Action.HOLD: [], ModerationWord.Action.BLOCK: []}
    for word, action in ModerationWord.objects.values_list("word", "action"):
        words.setdefault(action, []).append(word)
    fields = {"name": sub.name, "email": sub.email, "content": sub.content}
    for word, where in find_words(words[ModerationWord.Action.BLOCK], fields):
        spam.append((Reason.BLOCK_WORD, f"từ chặn “{word}” trong {where}"))

    links = count_links(f"{sub.name}\n{sub.content}")
    if links >= rule("MAX_LINKS"):
        hold.append((Reason.LINKS, f"{links} liên kết"))
    for word, where in find_words(words[ModerationWord.Action.HOLD], fields):
        hold.append((Reason.HOLD_WORD, f"từ “{word}” trong {where}"))
    if NEWSROOM_NAMES.search(fold(sub.name)):
        hold.append((Reason.HOLD_WORD, "tên giống tên tòa soạn"))
    for item in personal_data(f"{sub.name}\n{sub.content}"):
        hold.append((Reason.PERSONAL_DATA, item))
    if site.comments_hold_without_diacritics and not has_diacritics(sub.content):
        hold.append((Reason.NO_DIACRITICS, "nội dung không có dấu tiếng Việt"))

    details = [detail for _reason, detail in spam + hold]
    if spam:
        return Verdict(Status.SPAM, spam[0][0], details)
    if hold:
        return Verdict(Status.PENDING, hold[0][0], details)
    if site.comments_post_moderation:
        history = Comment.objects.approved().filter(email=sub.email, is_newsroom_reply=False)
        if history.exists():
            return Verdict(
                Status.APPROVED, "", ["tự động duyệt: người gửi đã có phản hồi được duyệt"]
            )
        return Verdict(Status.PENDING, Reason.FIRST_TIME, ["người gửi lần đầu"])
    return Verdict(Status.PENDING, Reason.MODERATION, [])
