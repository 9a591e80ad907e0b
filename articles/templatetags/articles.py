"""Reader-page widgets and filters. Each widget has its own template under
templates/widgets/ and a fixed number of queries, whatever the data. Widgets that are the
same for every reader are cached as rendered HTML, keyed by cache generations
(articles/cache.py), so a warm page renders them without a query or a template."""

import functools
from datetime import timedelta

from django import template
from django.db.models import F, Q, Sum, Window
from django.db.models.functions import Coalesce, RowNumber
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils import timezone

from articles import images, moderation, vietnamese
from articles.cache import CONTENT, SITE, article_scope, fragment
from articles.forms import CommentForm
from articles.models import (
    Article,
    Category,
    Comment,
    SiteSettings,
    Topic,
    WebsiteLink,
    absolute_url,
)
from articles.sanitize import json_ld_script

register = template.Library()

# A cached comment form carries a token this old at most (the "too fast" check reads it).
COMMENT_BOX_SECONDS = 300

register.filter("date_line", vietnamese.date_line)
register.filter("day_line", vietnamese.day_line)
register.filter("short_date", vietnamese.short_date)
register.filter("short_datetime", vietnamese.short_datetime)
register.filter("iso", vietnamese.iso)


@register.filter
def list_time(moment) -> str:
    """ "08:15" for today's articles, "27/11" for older ones (Mới nhất)."""
    if not moment:
        return ""
    local = timezone.localtime(moment)
    return f"{local:%H:%M}" if local.date() == timezone.localdate() else f"{local:%d/%m}"


@register.simple_tag
@functools.cache
def asset(path: str) -> str:
    """{% static %}, remembered: the hashed names are fixed for the life of a process."""
    return static(path)


@register.filter
def shorten(text: str, length: int) -> str:
    """truncatechars for plain NFC text (titles, sapos), at a fraction of its cost."""
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


@register.simple_tag
def today_line() -> str:
    return vietnamese.day_line(timezone.now())


@register.simple_tag
def json_ld(data):
    return json_ld_script(data)


@register.inclusion_tag("widgets/picture.html")
def picture(image, lazy=True, sizes="100vw", css_class=""):
    if image is None:
        return {"image": None}
    return {
        "image": image,
        "p": images.picture_sources(image, lazy=lazy, sizes=sizes),
        "css_class": css_class,
    }


def menu_categories() -> list[Category]:
    """Top-level menu categories with their children attached, from one query."""

    def build():
        rows = list(Category.objects.filter(show_in_menu=True).select_related("parent"))
        tops = [c for c in rows if c.parent_id is None]
        for top in tops:
            top.menu_children = [c for c in rows if c.parent_id == top.pk]
        return tops

    return fragment("menu", build, scopes=(SITE,))


def cached_widget(template_name: str, *, scopes=(SITE, CONTENT), timeout=600, vary=None):
    """Register `func` as a tag whose rendered template is cached. `func` returns the
    template's context; `vary(*args)` names what besides the generations the HTML depends on.
    render_to_string() gives a SafeString, and it stays one through the cache."""

    def decorator(func):
        @functools.wraps(func)
        def tag(*args, **kwargs):
            if vary:
                extra = vary(*args, **kwargs)
            else:
                extra = ":".join([*map(str, args), *(f"{k}={v}" for k, v in kwargs.items())])
            return fragment(
                f"widget:{func.__name__}",
                lambda: render_to_string(template_name, func(*args, **kwargs)),
                scopes=scopes,
                extra=extra,
                timeout=timeout,
            )

        register.simple_tag(tag, name=func.__name__)
        return func

    return decorator


@cached_widget("widgets/category_menu.html", scopes=(SITE,))
def category_menu():
    return {"categories": menu_categories()}


@cached_widget("widgets/latest_articles.html")
def latest_articles(limit=10):
    """Mới nhất: the newest public articles site-wide."""
    articles = Article.objects.published().lean().select_related("category__parent")
    return {"articles": list(articles[:limit])}


@cached_widget(
    "widgets/other_articles.html",
    vary=lambda article, limit=10: (
        f"{article.pk}:{article.category_id}:{vietnamese.iso(article.published_at)}:{limit}"
    ),
)
def other_articles(article, limit=10):
    """Các tin khác: older public articles of the same category, newest first."""
    if article.published_at is None:  # a draft in preview has no place in the timeline yet
        return {"articles": []}
    older = (
        Article.objects.published()
        .filter(category_id=article.category_id)
        .filter(
            Q(published_at__lt=article.published_at)
            | Q(published_at=article.published_at, pk__lt=article.pk)
        )
        .exclude(pk=article.pk)
        .lean()
        .select_related("category__parent")
        .order_by("-published_at", "-pk")
    )
    return {"articles": list(older[:limit])}


# Views move without a bump: a minute of staleness is fine for a most-read list.
@cached_widget("widgets/most_read.html", timeout=60)
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


@cached_widget("widgets/website_links.html", scopes=(SITE,))
def website_links():
    return {"links": list(WebsiteLink.objects.filter(is_active=True))}


ARTICLE_PARTS = {"head": "includes/article_head.html", "main": "includes/article_main.html"}


@register.simple_tag
def article_part(part, article, preview=False):
    """The article's own HTML, ARTICLE_PARTS: its head tags (Open Graph, JSON-LD) and its
    text from title to bylines and topics. The same for every reader, so cached under the
    generations of the site, the content and the article. A preview is rendered for the
    editor alone: edits to an unpublished article bump nothing."""

    def build():
        article.load_relations()
        context = {"article": article, "canonical": absolute_url(article.get_absolute_url())}
        return render_to_string(ARTICLE_PARTS[part], context)

    if preview:
        return build()
    scopes = (SITE, CONTENT, article_scope(article.public_id))
    return fragment(f"article:{part}", build, scopes=scopes, extra=str(article.pk))


@register.simple_tag(takes_context=True)
def comment_box(context, article):
    """Phản hồi: approved comments oldest first, the newsroom's replies under them, and the
    form. With a fresh form the HTML is the same for every reader, so it is cached under
    the article's generation (an approval bumps it) until the form's token is a few minutes
    old; a reader's bound form (post_comment re-showing errors) is rendered for them alone."""
    request = context.get("request")
    sent = bool(request and request.GET.get("phan-hoi") == "da-gui")
    form = context.get("comment_form")
    if form is not None and form.article.pk == article.pk:
        return render_to_string("widgets/comment_box.html", _comment_box(article, form, sent))
    return fragment(
        "widget:comment_box",
        lambda: render_to_string(
            "widgets/comment_box.html", _comment_box(article, CommentForm(article), sent)
        ),
        scopes=(SITE, article_scope(article.public_id)),
        extra=f"{article.pk}:{int(sent)}",
        timeout=COMMENT_BOX_SECONDS,
    )


def _comment_box(article, form, sent: bool) -> dict:
    rows = list(
        Comment.objects.approved()
        .filter(article=article)
        .order_by("created_at", "pk")
        .only("pk", "parent_id", "name", "content", "created_at", "is_newsroom_reply")
    )
    replies: dict[int, list] = {}
    for row in rows:
        if row.parent_id:
            replies.setdefault(row.parent_id, []).append(row)
    threads = [(row, replies.get(row.pk, [])) for row in rows if not row.parent_id]
    return {
        "article": article,
        "threads": threads,
        "form": form,
        "kept": form.kept(),
        "token": form.token_value(),
        "open": moderation.comments_open(article),
        "sent": sent,
        "thanks_anchor": moderation.THANKS_ANCHOR,
    }


@cached_widget("widgets/category_bands.html")
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


@cached_widget("widgets/topic_boxes.html")
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


@cached_widget("widgets/site_footer.html", scopes=(SITE,), vary=lambda site, full=False: str(full))
def site_footer(site, full=False):
    return {"site": site, "full": full}
