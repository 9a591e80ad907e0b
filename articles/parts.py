"""An article's own HTML (its head tags, and its text from the title to the topics) is
rendered when the article is saved and stored beside it (ArticleParts), so the first reader
of an archive article gets it with the row, for no more than the query that reads the row.

A stored copy is shown only while its stamp is the current one. The stamp names what the
copy took from outside the article: the code that rendered it (the templates and the
modules they call) and the site facts printed in it (the masthead and publisher, the
site's and the media's addresses). Everything else it shows is the article's or its
relations': a change to the article, its bylines, topics, category or images marks the
copies of the articles showing it stale (a fresh random stamp, in the change's own
transaction), and after the commit the few articles concerned are rendered again. Copies
left stale (a deploy that changed a template, a pen name on thousands of articles) are
rendered by their first reader, or ahead of readers by `manage.py render_parts`.

Writing a copy back is conditional on the stamp it started from, so a render that raced
with a change can never store what it read before the change.
"""

import functools
import hashlib
import logging
import operator
import secrets
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from articles import signals
from articles.models import Article, ArticleParts, SiteSettings, absolute_url
from articles.sanitize import stored_render

logger = logging.getLogger(__name__)

TEMPLATES = {"head": "includes/article_head.html", "main": "includes/article_main.html"}
# Parts drawn by other rooms (the comment room's list of comments, the reader room's
# Các tin khác), by register().
_drawn_elsewhere: dict[str, object] = {}
NAMES = ("head", "main", "comments", "others")
# Rendered at once after a commit; a change reaching more articles leaves them stale.
RENDER_NOW_LIMIT = 50

# What the stored HTML is made by: the templates, and the modules whose code they run (a
# template that starts calling another module adds it here). A deploy that changes any of
# these makes every copy stale.
_CODE = (
    "templates/includes/*.html",
    "templates/widgets/picture.html",
    "articles/models/article.py",
    "articles/models/base.py",
    "articles/models/media.py",
    "articles/models/site.py",
    "articles/models/taxonomy.py",
    "articles/images.py",
    "articles/parts.py",
    "articles/reading.py",
    "articles/sanitize.py",
    "articles/vietnamese.py",
    "reader/templatetags/reader.py",
)


def register(name: str, draw, code: tuple[str, ...]) -> None:
    """A part another room draws: `draw(articles)` returns {article id: HTML} for a list of
    articles (one query for all of them); `code` names its files, as _CODE does."""
    if name not in NAMES:
        raise ValueError(f"ArticleParts has no column for {name!r}")
    _drawn_elsewhere[name] = (draw, code)
    _code_digest.cache_clear()
    _stamp_for.cache_clear()


@functools.cache
def _code_digest() -> str:
    digest = hashlib.blake2b(digest_size=20)
    patterns = [*_CODE, *(path for _draw, code in _drawn_elsewhere.values() for path in code)]
    for pattern in patterns:
        for path in sorted(Path(settings.BASE_DIR).glob(pattern)):
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


@functools.cache
def _stamp_for(site_facts: tuple) -> str:
    digest = hashlib.blake2b(_code_digest().encode(), digest_size=20)
    for fact in site_facts:
        digest.update(str(fact).encode() + b"\0")
    return digest.hexdigest()[:32]


_last_stamp: tuple = (None, "")  # (what it was worked out from, the stamp)


def current_stamp() -> str:
    """The stamp a copy rendered now would carry. A page asks several times; the settings
    row is the same object until it changes (or leaves the memory tier), so the last answer
    is kept with what it was worked out from."""
    global _last_stamp
    site = SiteSettings.load()
    origin = (site, settings.SITE_SCHEME, settings.MEDIA_URL)
    kept_origin, stamp = _last_stamp
    if kept_origin is None or not all(map(operator.is_, origin, kept_origin)):
        facts = (site.masthead_name, site.governing_body, site.email, site.phone,
                 site.addresses, absolute_url("/"), settings.MEDIA_URL)  # fmt: skip
        stamp = _stamp_for(facts)
        _last_stamp = (origin, stamp)
    return stamp


def is_current(stamp: str) -> bool:
    return stamp.partition(".")[0] == current_stamp()


def _copy_stamp(stamp: str) -> str:
    """A stored copy's stamp: the current stamp, and a token of its own, so that a write-back
    conditional on it cannot mistake a later copy for the one it started from."""
    return f"{stamp}.{secrets.token_hex(3)}"


def _stale_stamp() -> str:
    return "stale-" + secrets.token_hex(8)


def render(article) -> dict[str, str]:
    """The parts of `article`, rendered from its row and relations (loaded here)."""
    return render_many([article])[article.pk]


def render_many(articles) -> dict[int, dict[str, str]]:
    """The parts of each of `articles` (relations loaded here, a few queries for all)."""
    for article in articles:
        article.load_relations(prefetch=False)
    Article.prefetch_relations(articles)
    drawn = {name: draw(articles) for name, (draw, _code) in _drawn_elsewhere.items()}
    rendered = {}
    for article in articles:
        context = {"article": article, "canonical": absolute_url(article.get_absolute_url())}
        own = {name: render_to_string(path, context) for name, path in TEMPLATES.items()}
        rendered[article.pk] = {
            name: own.get(name) or drawn.get(name, {}).get(article.pk, "") for name in NAMES
        }
    return rendered


def stored(article) -> dict[str, str] | None:
    """The stored parts of an article read by articles.public.load_article(), when current
    (worked out once per loaded article: its page asks for each part)."""
    stamp = getattr(article, "parts_stamp", None)
    if not stamp or not is_current(stamp):
        return None
    kept = article.__dict__.get("_stored_parts")
    if kept is None:
        kept = {name: stored_render(getattr(article, f"parts_{name}")) for name in NAMES}
        article._stored_parts = kept
    return kept


def store(article_id: int, parts: dict[str, str], started_from: str | None, stamp: str) -> bool:
    """Keep `parts` (rendered under `stamp`) if the copy's stamp is still the one the render
    started from. Never fails a page: a read-only or unreachable database keeps nothing."""
    if started_from is None:  # no row: the article has never been rendered or marked
        return False
    try:
        return _write(article_id, parts, started_from, stamp)
    except DatabaseError:
        return False


def _write(article_id: int, parts: dict[str, str], started_from: str, stamp: str) -> bool:
    written = ArticleParts.objects.filter(article_id=article_id, stamp=started_from).update(
        stamp=_copy_stamp(stamp), rendered_at=timezone.now(), **parts
    )
    return bool(written)


def mark_stale(article_ids) -> None:
    """The copies of these articles may show something that changed: never show them again,
    and render the articles anew once the change has committed (when they are few)."""
    ids = sorted(set(article_ids))
    if not ids:
        return
    ArticleParts.objects.filter(article_id__in=ids).update(stamp=_stale_stamp())
    if len(ids) <= RENDER_NOW_LIMIT:
        transaction.on_commit(lambda: _refresh_after_commit(ids))


def mark_all_stale() -> None:
    ArticleParts.objects.update(stamp=_stale_stamp())


def refresh(article_ids, *, batch: int = 200) -> int:
    """Render and store the public articles among `article_ids` whose copy is not current
    (creating a row for those without one). Returns how many were stored."""
    stamp = current_stamp()
    done = 0
    ids = list(article_ids)
    for start in range(0, len(ids), batch):
        # Scheduled ones too: ready for their first reader.
        published = Article.objects.filter(status=Article.Status.PUBLISHED)
        chunk = list(
            published.filter(pk__in=ids[start : start + batch]).values_list("pk", flat=True)
        )
        _make_rows(chunk)
        started = dict(
            ArticleParts.objects.filter(article_id__in=chunk)
            .exclude(stamp__startswith=f"{stamp}.")
            .values_list("article_id", "stamp")
        )
        articles = list(
            Article.objects.filter(pk__in=started)
            .defer(*Article.UNSHOWN_FIELDS)
            .select_related("category__parent")
        )
        rendered = render_many(articles)
        with transaction.atomic():  # one commit for the batch
            for article in articles:
                done += _write(article.pk, rendered[article.pk], started[article.pk], stamp)
    return done


def _make_rows(article_ids) -> None:
    """Rows (stale) for articles that have none: a reader stores only into an existing row,
    so a row is made before anything is rendered for it."""
    ArticleParts.objects.bulk_create(
        [ArticleParts(article_id=pk, stamp=_stale_stamp()) for pk in article_ids],
        ignore_conflicts=True,
    )


def _refresh_after_commit(ids) -> None:
    """After a change: its articles rendered again. A failure only leaves them stale (their
    first reader renders them); the change itself has committed and must not look failed."""
    try:
        refresh(ids)
    except DatabaseError:
        logger.warning("Could not render the stored HTML of articles %s", ids, exc_info=True)


def stale_ids():
    """Public articles whose copy is missing or not current, newest first."""
    current = ArticleParts.objects.filter(stamp__startswith=f"{current_stamp()}.")
    current = current.values("article_id")
    return Article.objects.published().filter(~Q(pk__in=current)).values_list("pk", flat=True)


# -- what makes copies stale ----------------------------------------------------------------


def _article_saved(sender, instance, created=False, **kwargs):
    if created:
        _make_rows([instance.pk])
    mark_stale([instance.pk])


def _articles_changed(sender, article_ids, **kwargs):
    mark_stale(article_ids)


def _byline_link_changed(sender, instance, **kwargs):
    mark_stale([instance.article_id])


def _relation_changed(sender, instance, action, reverse, pk_set, **kwargs):
    mark_stale(signals.m2m_article_ids(instance, action, reverse, pk_set))


def _byline_saved(sender, instance, created=False, **kwargs):
    if not created:
        mark_stale(instance.article_links.values_list("article_id", flat=True))


def _topic_changed(sender, instance, created=False, **kwargs):
    if not created:  # saved, or about to be deleted (its links go without a signal)
        mark_stale(instance.articles.values_list("pk", flat=True))


def _category_saved(sender, instance, created=False, **kwargs):
    if not created:  # its name and address, and a child's breadcrumb
        under = Q(category=instance) | Q(category__parent=instance)
        mark_stale(Article.objects.filter(under).values_list("pk", flat=True))


def _image_changed(sender, image=None, instance=None, **kwargs):
    """An image's text or file changed, or it is about to be deleted (a cover is cleared
    without a signal, so its articles are found before that)."""
    image = image or instance
    showing = Q(cover_id=image.pk) | Q(body__contains=f'data-file="{image.pk}"')
    mark_stale(Article.objects.filter(showing).values_list("pk", flat=True))


def _media_moved(sender, **kwargs):
    mark_all_stale()


def connect() -> None:
    from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete

    from articles.models import ArticleByline, Byline, Category, Image, Topic

    post_save.connect(_article_saved, sender=Article, dispatch_uid="parts.article")
    signals.articles_changed.connect(_articles_changed, dispatch_uid="parts.articles")
    for signal in (post_save, post_delete):
        signal.connect(_byline_link_changed, sender=ArticleByline,
                       dispatch_uid=f"parts.byline-link-{signal}")  # fmt: skip
    for through in (Article.topics.through, Article.bylines.through):
        m2m_changed.connect(_relation_changed, sender=through, dispatch_uid=f"parts.{through}")
    post_save.connect(_byline_saved, sender=Byline, dispatch_uid="parts.byline")
    post_save.connect(_topic_changed, sender=Topic, dispatch_uid="parts.topic")
    pre_delete.connect(_topic_changed, sender=Topic, dispatch_uid="parts.topic-del")
    post_save.connect(_category_saved, sender=Category, dispatch_uid="parts.category")
    signals.image_changed.connect(_image_changed, dispatch_uid="parts.image")
    pre_delete.connect(_image_changed, sender=Image, dispatch_uid="parts.image-del")
    signals.media_moved.connect(_media_moved, dispatch_uid="parts.media")
