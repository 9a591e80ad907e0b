"""Phản hồi: what happens to a reader's comment, from the form to the moderator's decision.

Readers' pages come from a cache, so everything here is keyed on data a cached page can
carry (a signed form token, the article) and on shared-cache counters, never on a session.
The admin queue and the reader view both call these functions; neither writes
Comment.status itself.

Rules run in a fixed order. Spam reasons (the comment is kept, marked spam, and the reader
gets the same thank-you as anyone) win over hold reasons (pending, with a reason the queue
shows); every rule that fired is listed in hold_detail, the first one is hold_reason.
"""

import hashlib
import ipaddress
import logging
import re
import time
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core import signing
from django.core.cache import cache
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.dispatch import Signal
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from articles import cache as article_cache
from articles.comment_text import (
    NEWSROOM_NAMES,
    count_links,
    find_words,
    personal_data,
)
from articles.models import Article, Comment, ModerationWord, SiteSettings, absolute_url
from articles.vietnamese import fold, has_diacritics, nfc

logger = logging.getLogger(__name__)

Status = Comment.Status
Reason = Comment.HoldReason

# Product defaults (§9). A deployment may override any of them with
# settings.COMMENT_RULES = {"MAX_LINKS": 3, ...}; the word lists and the three switches in
# SiteSettings are edited in the admin.
DEFAULTS = {
    "MIN_SECONDS": 3,  # sent sooner than this after the form was shown: spam
    "MAX_FORM_AGE": 24 * 3600,  # a form token older than this: spam
    "MAX_LINKS": 2,  # this many links or more: hold
    "FLOOD_LIMITS": ((15, 1), (600, 5)),  # (seconds, posts allowed) per IP and per email
    "NOTIFY_EVERY": 300,  # at most one "new comments" email to moderators per 5 minutes
}

NEWSROOM_NAME = "Tòa soạn"
THANKS_ANCHOR = "phan-hoi-da-gui"
FLOOD_MESSAGE = (
    "Bạn gửi phản hồi quá nhanh. Vui lòng chờ ít phút rồi gửi lại; nội dung bạn viết vẫn còn "
    "dưới đây."
)

# Sent after every change readers can see (approval, take-down, newsroom reply), with the
# articles' ids, after their cache generations were bumped; for anything else that cares.
comments_changed = Signal()


def rule(name: str):
    return getattr(settings, "COMMENT_RULES", {}).get(name, DEFAULTS[name])


class Flooded(Exception):
    """Too many posts from one IP or one email: the view answers 429."""


# -- cleaning reader input ---------------------------------------------------------------

# C0 and C1 controls except \n (\t and \r are turned into a space and \n first).
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")
_NEWLINES = str.maketrans({"\r": "\n", "\u2028": "\n", "\u2029": "\n", "\t": " "})


def clean_text(value: str | None, *, multiline: bool = False) -> str:
    """Any unicode in, something safe to store out: NUL and control characters dropped
    (PostgreSQL refuses NUL; the others break feeds and e-mail), CRLF as LF, NFC, trimmed.
    Emoji, right-to-left marks and zero-width joiners are the reader's text and stay."""
    value = (value or "").replace("\r\n", "\n").translate(_NEWLINES)
    value = _CONTROL.sub("", value)
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


# -- the signed form token ---------------------------------------------------------------
#
# Article pages are served from a shared cache, so the comment form cannot carry Django's
# per-visitor CSRF token (every reader would get the first visitor's token, or the page
# could not be cached at all). post_comment is therefore csrf_exempt and relies on:
#   1. Origin (or Referer) naming our own site: browsers set it and a cross-site form
#      cannot forge it, which is what CSRF protection needs;
#   2. this token: the article's id and the time the page was rendered, signed with
#      SECRET_KEY. It is the same for every reader of a cached page, so it is not a secret
#      and proves nothing about the visitor; it proves the post came from a form we rendered
#      for this article, and when. That feeds the "too fast" and "older than a day" rules.
# A comment carries no authority (it only ever lands in the moderation queue), so a forged
# cross-site post would achieve nothing a reader could not do by hand anyway.
# Page caches must live well under MAX_FORM_AGE, or every reader's post would look stale.

_FORM_SALT = "articles.comment-form"


def form_token(article) -> str:
    return signing.TimestampSigner(salt=_FORM_SALT).sign(str(article.pk))


def token_time(token, article) -> float | None:
    """When the form for `article` was rendered (epoch seconds), or None for a token that
    is missing, forged, or made for another article."""
    if not isinstance(token, str) or not token or len(token) > 200:
        return None
    signer = signing.TimestampSigner(salt=_FORM_SALT)
    try:
        value = signer.unsign(token)
    except signing.BadSignature:
        return None
    if value != str(article.pk):
        return None
    return float(signing.b62_decode(token.rsplit(signer.sep, 2)[-2]))


# -- the rules ---------------------------------------------------------------------------


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


# -- flood control -----------------------------------------------------------------------


def _bump(key: str, seconds: int) -> int:
    """Count one post in a fixed window. cache.add + cache.incr are atomic in Redis, so
    several web nodes agree on the count."""
    cache.add(key, 0, seconds)
    try:
        return cache.incr(key)
    except ValueError:  # the window expired between add and incr
        cache.add(key, 1, seconds)
        return 1


def check_flood(ip: str | None, email: str) -> None:
    """Count this post against its IP and its email; raise Flooded past any limit. Refused
    posts count too, so a script that keeps trying stays refused for the window."""
    over = False
    for kind, value in (("ip", ip), ("email", email)):
        if not value:
            continue
        digest = hashlib.sha256(value.encode()).hexdigest()[:32]
        for seconds, allowed in rule("FLOOD_LIMITS"):
            if _bump(f"comments:flood:{kind}:{seconds}:{digest}", seconds) > allowed:
                over = True
    if over:
        raise Flooded


# -- the reader's side ---------------------------------------------------------------------


def comments_open(article, now: datetime | None = None) -> bool:
    """Per-article switch, then auto-close N days after first publication (0 = never)."""
    if not article.comments_enabled:
        return False
    days = SiteSettings.load().comments_close_after_days
    since = article.first_published_at or article.published_at
    if not days or since is None:
        return True
    return (now or timezone.now()) - since <= timedelta(days=days)


def thanks_url(article) -> str:
    """Post/redirect/get target. The thank-you note is in every copy of the page (cached or
    not) and shows when its anchor is the :target; the query parameter also shows it
    server-side (a page cache that keys on the full URL serves it correctly; one that
    ignores query strings still shows it through the anchor)."""
    return f"{article.get_absolute_url()}?phan-hoi=da-gui#{THANKS_ANCHOR}"


def _valid_ip(value: str | None) -> str | None:
    try:
        return str(ipaddress.ip_address(value)) if value else None
    except ValueError:
        return None


def submit_comment(article, sub: Submission, *, now: datetime | None = None) -> Comment:
    """Store a reader's comment with the rules' verdict. Raises Flooded (nothing stored).
    Spam is stored too: nothing a reader sends is silently lost."""
    now = now or timezone.now()
    sub.ip = _valid_ip(sub.ip)
    check_flood(sub.ip, sub.email)
    verdict = evaluate(article, sub, now=now)
    comment = Comment(
        article=article,
        name=sub.name,
        email=sub.email,
        content=sub.content,
        status=verdict.status,
        hold_reason=verdict.reason,
        hold_detail=verdict.detail,
        content_hash=content_hash(sub.content),
        ip_address=sub.ip,
        user_agent=clean_text(sub.user_agent)[:300],
        moderated_at=now if verdict.status == Status.APPROVED else None,
    )
    comment.save()
    if verdict.status == Status.PENDING:
        transaction.on_commit(notify_moderators)
    elif verdict.status == Status.APPROVED:
        _changed({comment.article_id})
    return comment


# -- the moderator's side ------------------------------------------------------------------


def can_moderate(user) -> bool:
    return bool(user and user.is_active and user.has_perm("articles.moderate_comment"))


def pending_count() -> int:
    """Comments waiting for a moderator, for the admin navigation and the desk."""
    return Comment.objects.pending().count()


def _changed(article_ids) -> None:
    """Readers' copies of these articles are out of date: bump their cache generations."""
    ids = set(article_ids)
    if not ids:
        return
    public_ids = Article.objects.filter(pk__in=ids).values_list("public_id", flat=True)
    article_cache.bump(*[article_cache.article_scope(p) for p in public_ids])
    comments_changed.send(sender=Comment, article_ids=ids)


def _decide(comment: Comment, status: str, user) -> Comment:
    comment.status = status
    comment.moderated_by = user if getattr(user, "pk", None) else None
    comment.moderated_at = timezone.now()
    comment.save(update_fields=["status", "moderated_by", "moderated_at"])
    _changed({comment.article_id})
    return comment


def keep_original(comment: Comment, previous: str) -> None:
    """Before a moderator's edit is saved: keep the reader's own words, once."""
    if previous != comment.content and not comment.original_content:
        comment.original_content = previous


def edit(comment: Comment, content: str) -> None:
    """Light edit by a moderator (not saved here)."""
    content = nfc(content)
    previous = comment.content
    comment.content = content
    keep_original(comment, previous)


def approve(comment: Comment, user, *, content: str | None = None) -> Comment:
    if content is not None and content != comment.content:
        edit(comment, content)
        comment.save(update_fields=["content", "original_content"])
    return _decide(comment, Status.APPROVED, user)


def reject(comment: Comment, user) -> Comment:
    """Also takes an approved comment down."""
    return _decide(comment, Status.REJECTED, user)


def mark_spam(comment: Comment, user) -> Comment:
    return _decide(comment, Status.SPAM, user)


def _decide_many(queryset, status: str, user) -> int:
    rows = list(queryset.order_by().values_list("pk", "article_id"))
    count = Comment.objects.filter(pk__in=[pk for pk, _ in rows]).update(
        status=status, moderated_by=user if getattr(user, "pk", None) else None,
        moderated_at=timezone.now(),
    )  # fmt: skip
    _changed({article_id for _, article_id in rows})
    return count


def approve_many(queryset, user) -> int:
    return _decide_many(queryset, Status.APPROVED, user)


def reject_many(queryset, user) -> int:
    return _decide_many(queryset, Status.REJECTED, user)


def mark_spam_many(queryset, user) -> int:
    return _decide_many(queryset, Status.SPAM, user)


DECISIONS = {"approve": approve, "reject": reject, "spam": mark_spam}
BULK_DECISIONS = {"approve": approve_many, "reject": reject_many, "spam": mark_spam_many}


def reply(comment: Comment, user, content: str) -> Comment:
    """The newsroom answers under a reader's comment ("Tòa soạn trả lời"), published at
    once. Replying to a pending comment approves it, or the answer would hang in the air;
    replying to a reply answers the reader's comment it hangs under."""
    parent = comment.parent if comment.parent_id else comment
    content = clean_text(content, multiline=True)
    if is_blank(content):
        raise ValueError("empty reply")
    with transaction.atomic():
        if parent.status != Status.APPROVED:
            approve(parent, user)
        now = timezone.now()
        answer = Comment.objects.create(
            article_id=parent.article_id,
            parent=parent,
            is_newsroom_reply=True,
            author=user,
            name=NEWSROOM_NAME,
            email=getattr(user, "email", "") or settings.DEFAULT_FROM_EMAIL,
            content=content,
            content_hash=content_hash(content),
            status=Status.APPROVED,
            moderated_by=user,
            moderated_at=now,
        )
    _changed({parent.article_id})
    return answer


# -- telling the moderators ----------------------------------------------------------------

NOTIFY_LOCK_KEY = "comments:notify-lock"


def moderator_emails() -> list[str]:
    """Active users holding articles.moderate_comment through a group or directly."""
    perm = Permission.objects.filter(
        codename="moderate_comment", content_type__app_label="articles"
    ).first()
    if perm is None:
        return []
    users = (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(groups__permissions=perm) | Q(user_permissions=perm))
        .exclude(email="")
    )
    return sorted(set(users.values_list("email", flat=True)))


def notify_moderators() -> bool:
    """One e-mail to the moderators, at most every NOTIFY_EVERY seconds however many
    comments arrive (cache.add is the lock, shared by every web node)."""
    if not cache.add(NOTIFY_LOCK_KEY, int(time.time()), rule("NOTIFY_EVERY")):
        return False
    recipients = moderator_emails()
    if not recipients:
        return False
    count = pending_count()
    try:
        queue = absolute_url(reverse("admin:articles_comment_changelist"))
    except NoReverseMatch:
        queue = absolute_url("/admin/")
    site = SiteSettings.load()
    subject = f"[{site.masthead_name}] {count} phản hồi chờ duyệt"
    body = (
        f"Có {count} phản hồi của bạn đọc đang chờ duyệt.\n\n"
        f"Mở hàng chờ: {queue}\n\n"
        "Thư này được gửi tối đa một lần mỗi vài phút."
    )
    try:
        send_mail(subject, body, None, recipients)
    except Exception:  # a mail outage must never lose a reader's comment
        logger.exception("could not e-mail moderators about pending comments")
        return False
    return True
