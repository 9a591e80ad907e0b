"""Revisions of articles, kept by django-reversion: every save of the article form records
every editable field (title, sapo, body, bylines with their roles and order, category,
topics, cover, source, publish time); any two compare side by side; one can be restored
as a new revision.

Autosaves are not revisions (articles/autosave.py keeps one row per user and article), so
the revision tables grow with deliberate saves only, and a save that changes nothing adds
nothing."""

import difflib
import html
import re
from dataclasses import dataclass, field

import reversion
from django.db import transaction
from django.utils.html import strip_tags
from reversion.models import Version

from articles import workflow
from articles.models import Article, ArticleByline, Byline, Category, Image, Topic
from articles.vietnamese import short_datetime

# What a revision keeps of the article. `version` finds the snapshot a stale form was
# opened at (articles/locking.py); `status` is shown, never restored.
ARTICLE_FIELDS = (
    "title", "sapo", "body", "category", "topics", "cover", "source", "published_at",
    "slug", "status", "version",
)  # fmt: skip
BYLINE_FIELDS = ("article", "byline", "role", "position")

# What a comparison shows and a restore brings back, in form order.
LABELS = {
    "title": "Tiêu đề",
    "sapo": "Sapo",
    "body": "Nội dung",
    "bylines": "Bút danh",
    "category": "Chuyên mục",
    "topics": "Chủ đề",
    "cover": "Ảnh đại diện",
    "source": "Nguồn",
    "published_at": "Thời gian xuất bản",
}


def register() -> None:
    """Called once from ArticlesConfig.ready()."""
    if not reversion.is_registered(Article):
        reversion.register(ArticleByline, fields=BYLINE_FIELDS)
        reversion.register(Article, fields=ARTICLE_FIELDS, follow=["byline_links"])


# -- snapshots ----------------------------------------------------------------------------


def minute(moment):
    # The form shows minutes; seconds never count as a change (nor microseconds).
    return moment.replace(second=0, microsecond=0) if moment else None


def current_snapshot(article) -> dict:
    """The article as stored now, in the shape of version_snapshot()."""
    fresh = Article.objects.get(pk=article.pk)
    links = ArticleByline.objects.filter(article_id=article.pk).order_by("position", "pk")
    return {
        "title": fresh.title,
        "sapo": fresh.sapo,
        "body": fresh.body,
        "category": fresh.category_id,
        "topics": sorted(fresh.topics.values_list("pk", flat=True)),
        "cover": fresh.cover_id,
        "source": fresh.source,
        "published_at": minute(fresh.published_at),
        "bylines": [(link.byline_id, link.role) for link in links],
    }


def version_snapshot(version: Version) -> dict:
    data = version.field_dict
    links = [
        {**v.field_dict, "pk": int(v.object_id)}
        for v in version.revision.version_set.all()
        if v.content_type.model_class() is ArticleByline
    ]
    links.sort(key=lambda d: (d["position"], d["pk"]))
    return {
        "title": data.get("title", ""),
        "sapo": data.get("sapo", ""),
        "body": data.get("body", ""),
        "category": data.get("category_id"),
        "topics": sorted(data.get("topics", [])),
        "cover": data.get("cover_id"),
        "source": data.get("source", ""),
        "published_at": minute(data.get("published_at")),
        "bylines": [(d["byline_id"], d["role"]) for d in links],
    }


def versions_of(article):
    """The article's versions, newest first, with their revision and its user."""
    return (
        Version.objects.get_for_object(article)
        .select_related("revision__user")
        .prefetch_related("revision__version_set__content_type")
    )


def record(article, user, comment: str = "") -> Version | None:
    """After a save (fields and inlines): keep a revision unless nothing editable changed."""
    latest = versions_of(article).first()
    if latest is not None and version_snapshot(latest) == current_snapshot(article):
        return None
    with reversion.create_revision(manage_manually=True):
        reversion.set_user(user)
        reversion.set_comment(comment)
        reversion.add_to_revision(Article.objects.get(pk=article.pk))
    return versions_of(article).first()


def ensure_baseline(article) -> None:
    """Before the first save through the form of an article that has no revision (made by
    a script, an import or before revisions existed): keep it as it stands, so the words
    written before are never lost."""
    if article.pk is None or versions_of(article).exists():
        return
    with reversion.create_revision(manage_manually=True):
        reversion.set_user(article.created_by)
        reversion.set_comment("Bản trước lần sửa đầu tiên")
        reversion.add_to_revision(Article.objects.get(pk=article.pk))


def snapshot_at(article, version_number: int) -> dict | None:
    """The article as it was when its `version` counter read `version_number` (the latest
    revision at or before it), or None when no revision is that old."""
    for version in versions_of(article):
        if (version.field_dict.get("version") or 0) <= version_number:
            return version_snapshot(version)
    return None


# -- comparing ----------------------------------------------------------------------------

_BLOCK_END = re.compile(r"</(p|h[1-6]|li|blockquote|figcaption|tr)>|<br\s*/?>", re.IGNORECASE)
# A word with the spaces after it: "khởi công" → "hoàn thành" is one change, not two.
_TOKEN = re.compile(r"\w+\s*|[^\w\s]\s*|\s+", re.UNICODE)


def body_text(body: str) -> str:
    """The words of a body, one line per paragraph, for comparing."""
    text = html.unescape(strip_tags(_BLOCK_END.sub("\n", body or "")))
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


@dataclass
class Piece:
    op: str  # "same" | "ins" | "del"
    text: str


def word_diff(old: str, new: str) -> list[Piece]:
    """Word-level differences from `old` to `new` (Vietnamese syllables are words here)."""
    a, b = _TOKEN.findall(old or ""), _TOKEN.findall(new or "")
    pieces: list[Piece] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            pieces.append(Piece("same", "".join(a[i1:i2])))
            continue
        if i2 > i1:
            pieces.append(Piece("del", "".join(a[i1:i2])))
        if j2 > j1:
            pieces.append(Piece("ins", "".join(b[j1:j2])))
    return pieces


@dataclass
class Row:
    key: str
    label: str
    old: str
    new: str
    changed: bool
    pieces: list[Piece] = field(default_factory=list)


def _names(snapshots: list[dict]) -> dict:
    """Display names for the ids the snapshots mention, a few queries in all."""
    ids = {"category": set(), "topics": set(), "cover": set(), "bylines": set()}
    for snap in snapshots:
        ids["category"].add(snap["category"])
        ids["topics"].update(snap["topics"])
        ids["cover"].add(snap["cover"])
        ids["bylines"].update(b for b, _ in snap["bylines"])
    categories = {c.pk: str(c) for c in Category.objects.filter(pk__in=ids["category"] - {None})}
    topics = dict(Topic.objects.filter(pk__in=ids["topics"]).values_list("pk", "name"))
    covers = {
        i.pk: i.caption or i.alt or f"Ảnh #{i.pk}"
        for i in Image.objects.filter(pk__in=ids["cover"] - {None})
    }
    bylines = dict(Byline.objects.filter(pk__in=ids["bylines"]).values_list("pk", "name"))
    return {"category": categories, "topics": topics, "cover": covers, "bylines": bylines}


def _display(key: str, snap: dict, names: dict) -> str:
    value = snap[key]
    if key == "body":
        return body_text(value)
    if key in ("category", "cover"):
        return names[key].get(value, "—") if value else "—"
    if key == "topics":
        return ", ".join(names["topics"].get(pk, f"#{pk}") for pk in value) or "—"
    if key == "bylines":
        roles_ = dict(ArticleByline.Role.choices)
        parts = [
            (f"{roles_.get(role, role)}: " if role else "") + names["bylines"].get(pk, f"#{pk}")
            for pk, role in value
        ]
        return " - ".join(parts) or "—"
    if key == "published_at":
        return f"{short_datetime(value)} (GMT+7)" if value else "—"
    return value or ""


def compare(old: dict, new: dict) -> list[Row]:
    """Side by side, field by field; text fields with their changed words marked."""
    names = _names([old, new])
    rows = []
    for key, label in LABELS.items():
        before, after = _display(key, old, names), _display(key, new, names)
        changed = old[key] != new[key]
        pieces = word_diff(before, after) if changed and key in ("title", "sapo", "body") else []
        rows.append(Row(key, label, before, after, changed, pieces))
    return rows


# -- restoring ----------------------------------------------------------------------------


def may_restore(user, article) -> bool:
    """A chief, or the editor answering for the article, while they may edit it."""
    if not workflow.can_edit(user, article):
        return False
    return (
        user.is_superuser
        or workflow.is_chief(user)
        or workflow.is_secretary(user)
        or workflow.edits_category(user, article)
    )


def restore(article, version: Version, user) -> Version | None:
    """Bring back the words, bylines, category, topics, cover and source of `version` as a
    new revision; the current state stays in the history. The status never moves, and the
    publish time of a live article stays (a restore must not publish or unpublish)."""
    snap = version_snapshot(version)
    number = revision_number(article, version)
    with transaction.atomic():
        locked = Article.objects.select_for_update().get(pk=article.pk)
        locked.title, locked.sapo, locked.body = snap["title"], snap["sapo"], snap["body"]
        locked.source = snap["source"]
        if snap["category"] and Category.objects.filter(pk=snap["category"]).exists():
            locked.category_id = snap["category"]
        locked.cover_id = (
            snap["cover"] if Image.objects.filter(pk=snap["cover"] or 0).exists() else None
        )
        if locked.status != Article.Status.PUBLISHED:
            locked.published_at = snap["published_at"]
        locked.save()
        locked.topics.set(Topic.objects.filter(pk__in=snap["topics"]))
        ArticleByline.objects.filter(article=locked).delete()
        existing = set(
            Byline.objects.filter(pk__in=[b for b, _ in snap["bylines"]]).values_list(
                "pk", flat=True
            )
        )
        ArticleByline.objects.bulk_create(
            ArticleByline(article=locked, byline_id=pk, role=role, position=n)
            for n, (pk, role) in enumerate(b for b in snap["bylines"] if b[0] in existing)
        )
        return record(locked, user, f"Khôi phục phiên bản #{number}")


def revision_number(article, version: Version) -> int:
    """1 for the oldest revision of the article, counting up."""
    return Version.objects.get_for_object(article).filter(pk__lte=version.pk).count()
