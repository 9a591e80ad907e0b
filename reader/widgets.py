"""What the reader pages' widgets show, as plain functions: each returns the context of its
template under templates/widgets/ with a fixed number of queries, whatever the data. The
template tags (reader/templatetags/reader.py) render and cache them."""

from datetime import UTC, datetime, timedelta

from django.db.models import F, Q, Sum, Window
from django.db.models.functions import Coalesce, RowNumber
from django.urls import reverse
from django.utils import timezone

from articles import parts, vietnamese
from articles.models import Article, Category, SiteSettings, Topic, WebsiteLink
from articles.public import Compiled
from comments.actions import THANKS_ANCHOR, comments_open
from comments.forms import CommentForm
from comments.rendering import comment_lists
from comments.tokens import form_token
from pagecache.fragments import fragment
from pagecache.generations import SITE, article_scope


def menu_categories() -> list[Category]:
    """Top-level menu categories with their children attached, from one query."""

    def build():
        rows = list(Category.objects.filter(show_in_menu=True).select_related("parent"))
        tops = [c for c in rows if c.parent_id is None]
        for top in tops:
            top.menu_children = [c for c in rows if c.parent_id == top.pk]
        return tops

    return fragment("menu", build, scopes=(SITE,))


def site_header():
    """The top of every reader page: today's date, the masthead, the menu."""
    return {
        "site": SiteSettings.load(),
        "today": vietnamese.day_line(timezone.now()),
        "categories": menu_categories(),
    }


def head_links():
    return {"site": SiteSettings.load()}


def latest_articles(limit=10):
    """Mới nhất: the newest public articles site-wide."""
    articles = Article.objects.published().lean().select_related("category__parent")
    return {"articles": list(articles[:limit])}


_older = Compiled(
    # Published at `before` or earlier: that bound is the index range (the OR below alone is
    # a filter, and the scan would walk every newer article of the category first), and it
    # is also the reader's "now" for them, since a public article's time has come.
    lambda category_id, before, pk: Article.objects.published(at=before)
    .filter(category_id=category_id)
    .filter(Q(published_at__lt=before) | Q(published_at=before, pk__lt=pk))
    .order_by("-published_at", "-pk")
    .only(*Article.LINK_FIELDS)[:OTHER_ARTICLES_MAX],
    category_id=-19001, pk=-19002, before=datetime(1901, 1, 1, tzinfo=UTC),
)  # fmt: skip
OTHER_ARTICLES_MAX = 10


def other_articles(article, limit=10):
    """Các tin khác: older public articles of the same category, newest first. The same
    for every reader once the article is public (reader/neighbours.py stores it with it)."""
    if article.published_at is None:  # a draft in preview has no place in the timeline yet
        return {"articles": []}
    older = _older.run(category_id=article.category_id, before=article.published_at,
                       pk=article.pk)  # fmt: skip
    return {"articles": Article.with_categories(older[:limit])}


def most_read(limit=10):
    """Đọc nhiều: public articles with the most views over the last N days (a setting)."""
    days = SiteSettings.load().most_read_days or 7
    since = timezone.localdate() - timedelta(days=days - 1)
    articles = (
        Article.objects.published()
        .filter(view_days__day__gte=since)
        .annotate(total_views=Sum("view_days__views"))
        .lean()
        .select_related("category__parent")
        .order_by("-total_views", "-published_at")
    )
    return {"articles": list(articles[:limit])}


def website_links():
    return {"links": list(WebsiteLink.objects.filter(is_active=True))}


def category_bands(per_band=5, days=30):
    """One band per top-level category with its latest articles, from one windowed query."""
    tops = menu_categories()
    since = timezone.now() - timedelta(days=days)
    top_id = Coalesce(F("category__parent_id"), F("category_id"))
    ranked = (
        Article.objects.published()
        .filter(published_at__gte=since)
        .annotate(
            top_id=top_id,
            rank=Window(
                RowNumber(),
                partition_by=[top_id],
                order_by=[F("published_at").desc(), F("pk").desc()],
            ),
        )
        .filter(rank__lte=per_band)
        .lean()
        .select_related("category__parent", "cover")
        .prefetch_related("cover__renditions")
        .order_by("top_id", "rank")
    )
    by_top: dict[int, list] = {}
    for article in ranked:
        by_top.setdefault(article.top_id, []).append(article)
    return {"bands": [(top, by_top[top.pk]) for top in tops if by_top.get(top.pk)]}


def topic_boxes(per_topic=4):
    """Topic boxes of the home page: each home topic with its newest public articles."""
    topics = list(Topic.objects.filter(show_on_home=True))
    if not topics:
        return {"boxes": []}
    ranked = (
        Article.objects.published()
        .filter(topics__in=topics)
        .annotate(
            topic_id=F("topics__id"),
            rank=Window(
                RowNumber(),
                partition_by=[F("topics__id")],
                order_by=[F("published_at").desc(), F("pk").desc()],
            ),
        )
        .filter(rank__lte=per_topic)
        .lean()
        .select_related("category__parent")
        .order_by("topic_id", "rank")
    )
    by_topic: dict[int, list] = {}
    for article in ranked:
        by_topic.setdefault(article.topic_id, []).append(article)
    return {"boxes": [(t, by_topic[t.pk]) for t in topics if by_topic.get(t.pk)]}


def site_footer(site, full=False):
    return {"site": site, "full": full}


def comment_box(article, sent: bool) -> dict:
    """Phản hồi around its form: the approved comments (from the article's stored copy, else
    drawn and kept until the article's next change) and whether the form is open."""
    kept = parts.stored(article)
    if kept:
        comments_html = kept["comments"]
    else:
        comments_html = fragment(
            "comments",
            lambda: comment_lists([article])[article.pk],
            scopes=(SITE, article_scope(article.public_id)),
            extra=str(article.pk),
        )
    return {
        "comments_html": comments_html,
        "open": comments_open(article),
        "sent": sent,
        "thanks_anchor": THANKS_ANCHOR,
    }


def comment_form(article, form) -> dict:
    """The form of Phản hồi: `form` is a refused one coming back (with the reader's text and
    its errors), or None for a fresh one."""
    return {
        "action": reverse("comments:post", args=[article.public_id]),
        "form": form,
        "kept": form.kept() if form else CommentForm.EMPTY,
        "token": form.token_value() if form else form_token(article),
    }
