"""Reader-page tags and filters, kept thin: each widget's data comes from reader/widgets.py
and its own template under templates/widgets/. Widgets that are the same for every reader
are cached as rendered HTML, keyed by cache generations (pagecache/generations.py), so a
warm page renders them without a query or a template."""

import functools
import logging

from django import template
from django.db import DatabaseError
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils import timezone
from django.utils.html import format_html

from articles import images, parts, vietnamese
from articles.sanitize import json_ld_script, stored_render
from comments.forms import CommentForm
from pagecache.fragments import fragment, local_fragment
from pagecache.generations import CONTENT, SITE, article_scope
from reader import view_tokens, widgets

register = template.Library()
logger = logging.getLogger(__name__)

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


@register.simple_tag
def view_token(article) -> str:
    """The signed token the page's view beacon carries (reader/view_tokens.py)."""
    return view_tokens.issue(article.pk)


@register.filter
def shorten(text: str, length: int) -> str:
    """truncatechars for plain NFC text (titles, sapos), at a fraction of its cost."""
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


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


_cached_tags = {}


def cached_widget(
    template_name: str, *, scopes=(SITE, CONTENT), timeout=600, vary=None, registered=True
):
    """Register `func` as a tag whose rendered template is cached. `func` returns the
    template's context; `vary(*args)` names what besides the generations the HTML depends on.
    render_to_string() gives a SafeString, and it stays one through the cache. The tag is
    named after `func`; with `registered` off it is returned instead, for a tag of its own
    to call."""

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

        if not registered:
            return tag
        register.simple_tag(tag, name=func.__name__)
        _cached_tags[func.__name__] = tag
        return func

    return decorator


@register.simple_tag
def article_part(part, article, preview=False):
    """The article's own HTML (articles/parts.py): its head tags (Open Graph, JSON-LD) and
    its text from title to bylines and topics. Normally the copy stored with the article
    and read with its row. A copy that is missing or stale is rendered, kept in the cache
    under the generations of the site, the content and the article (both parts under one
    key), and stored back with the article. A preview is rendered for the editor alone."""
    if preview:
        return parts.render(article)[part]
    if (kept := parts.stored(article)) is not None:
        return kept[part]

    def build():
        started_from, stamp = getattr(article, "parts_stamp", None), parts.current_stamp()
        rendered = parts.render(article)
        parts.store(article.pk, rendered, started_from, stamp)
        return rendered

    scopes = (SITE, CONTENT, article_scope(article.public_id))
    return fragment("article:parts", build, scopes=scopes, extra=str(article.pk))[part]


@register.simple_tag(takes_context=True)
def comment_box(context, article):
    """Phản hồi: approved comments oldest first, the newsroom's replies under them, and the
    form. A reader's refused form (post_comment showing its errors) is rendered for them; a
    fresh form is the same HTML for every article but for its address and token, so it is
    drawn once per process and those two are filled in."""
    request = context.get("request")
    sent = bool(request and request.GET.get("phan-hoi") == "da-gui")
    box = widgets.comment_box(article, sent)
    if box["open"]:
        form = context.get("comment_form")
        refused = form if form is not None and form.article.pk == article.pk else None
        fields = widgets.comment_form(article, refused)
        if refused:
            box["form_html"] = render_to_string("widgets/comment_form.html", fields)
        else:
            box["form_html"] = _fresh_form(fields["action"], fields["token"])
    return render_to_string("widgets/comment_box.html", box)


_ACTION, _TOKEN = "\x00action\x00", "\x00token\x00"


def _fresh_form(action: str, token: str) -> str:
    """The fresh form with `action` and `token` (escaped) put where the template prints them."""

    def draw():
        fields = {"action": _ACTION, "form": None, "kept": CommentForm.EMPTY, "token": _TOKEN}
        html = render_to_string("widgets/comment_form.html", fields)
        before, rest = html.split(_ACTION)
        between, after = rest.split(_TOKEN)
        return tuple(map(stored_render, (before, between, after)))

    before, between, after = local_fragment("comment_form", draw, extra="", seconds=3600)
    return format_html("{}{}{}{}{}", before, action, between, token, after)


cached_widget("widgets/site_header.html", scopes=(SITE,))(widgets.site_header)

cached_widget("widgets/head_links.html", scopes=(SITE,))(widgets.head_links)

cached_widget("widgets/latest_articles.html")(widgets.latest_articles)

_other_articles = cached_widget(
    "widgets/other_articles.html",
    vary=lambda article, limit=10: (
        f"{article.pk}:{article.category_id}:{vietnamese.iso(article.published_at)}:{limit}"
    ),
    registered=False,
)(widgets.other_articles)


@register.simple_tag
def other_articles(article, limit=widgets.OTHER_ARTICLES_MAX):
    """Các tin khác: stored with the article (reader/neighbours.py) when its copy is
    current, else from the cache."""
    if limit == widgets.OTHER_ARTICLES_MAX and (kept := parts.stored(article)) is not None:
        return kept["others"]
    return _other_articles(article, limit)


# Views move without a bump: a minute of staleness is fine for a most-read list.
cached_widget("widgets/most_read.html", timeout=60)(widgets.most_read)

cached_widget("widgets/website_links.html", scopes=(SITE,))(widgets.website_links)

cached_widget("widgets/category_bands.html")(widgets.category_bands)

cached_widget("widgets/topic_boxes.html")(widgets.topic_boxes)

cached_widget("widgets/site_footer.html", scopes=(SITE,), vary=lambda site, full=False: str(full))(
    widgets.site_footer
)


# The widgets of every reader page whose lists move with the content (as the templates ask
# for them): built again as soon as the content changes, by the editor's request.
EVERY_PAGE = (("latest_articles", 10), ("most_read", 10))


def rebuild_every_page_widgets(**kwargs) -> None:
    """After a change readers see (pagecache.invalidation.content_moved). A failure leaves
    them to their first reader; the change has committed and must not look failed."""
    try:
        for name, limit in EVERY_PAGE:
            _cached_tags[name](limit)
    except DatabaseError:
        logger.warning("Could not rebuild the widgets after a change", exc_info=True)
