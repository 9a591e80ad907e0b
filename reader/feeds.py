"""RSS 2.0: the latest public articles, site-wide and per category (children included).

Short classes over Article.objects.published(). Every URL is absolute from absolute_url(),
never from the Host header; dates are in Asia/Ho_Chi_Minh (+0700); text goes through
xml_text() because one pasted control character would otherwise make the feed a 500.
"""

from django.contrib.syndication.views import Feed
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Enclosure, Rss201rev2Feed
from django.utils.html import escape

from articles.models import Article, Category, SiteSettings, absolute_url
from articles.vietnamese import without_controls
from pagecache.fragments import fragment

FEED_SIZE = 50
ENCLOSURE_WIDTH = 960


def xml_text(value) -> str:
    """Text an XML 1.0 document can carry: every control character but tab, LF and CR goes."""
    return without_controls(str(value or ""), keep="\t\n\r", xml=True)


def cover_rendition(image):
    """The 960px JPEG of a cover (or the JPEG nearest that width for a smaller original),
    from the prefetched renditions."""
    jpegs = [r for (_width, fmt), r in image.rendition_map().items() if fmt == "jpg"]
    if not jpegs:
        return None
    return min(jpegs, key=lambda r: (abs(r.width - ENCLOSURE_WIDTH), -r.width))


class LatestArticlesFeed(Feed):
    feed_type = Rss201rev2Feed
    language = "vi"

    def get_object(self, request, *args, **kwargs):
        return None

    def articles(self, obj):
        return Article.objects.published()

    def items(self, obj):
        articles = self.articles(obj).for_listing().prefetch_related("byline_links__byline")
        return list(articles.order_by("-published_at", "-pk")[:FEED_SIZE])

    def title(self, obj):
        return xml_text(SiteSettings.load().masthead_name)

    def description(self, obj):
        site = SiteSettings.load()
        return xml_text(site.tagline or f"Tin mới nhất của {site.masthead_name}")

    def link(self, obj):
        return absolute_url("/")

    def feed_url(self, obj):
        return absolute_url(reverse("reader:rss_home"))

    def feed_copyright(self, obj):
        return xml_text(SiteSettings.load().copyright_line) or None

    def item_title(self, item):
        return xml_text(item.title)

    def item_description(self, item):
        # RSS readers take <description> as HTML; the sapo is plain text, so escape it once
        # (the XML writer escapes again). The title is read as plain text and is not.
        return escape(xml_text(item.sapo))

    def item_link(self, item):
        return absolute_url(item.get_absolute_url())

    def item_pubdate(self, item):
        return timezone.localtime(item.published_at)

    def item_categories(self, item):
        category = item.category
        names = [category.parent.name, category.name] if category.parent_id else [category.name]
        return [xml_text(name) for name in names]

    def item_author_name(self, item):
        names = " - ".join(link.byline.name for link in item.ordered_bylines())
        return xml_text(names) or None

    def item_enclosures(self, item):
        rendition = cover_rendition(item.cover) if item.cover_id else None
        if rendition is None:
            return []
        url = absolute_url(rendition.file.url)
        return [Enclosure(url, str(rendition.bytes), "image/jpeg")]


class CategoryFeed(LatestArticlesFeed):
    def get_object(self, request, category):
        return category

    def articles(self, obj):
        return Article.objects.published().in_category(obj)

    def title(self, obj):
        return xml_text(f"{obj.name} - {SiteSettings.load().masthead_name}")

    def description(self, obj):
        return xml_text(obj.description or f"Tin mới nhất chuyên mục {obj.name}")

    def link(self, obj):
        return absolute_url(obj.get_absolute_url())

    def feed_url(self, obj):
        return absolute_url(reverse("reader:rss_category", args=[obj.slug]))


_latest_articles_feed = LatestArticlesFeed()
_category_feed = CategoryFeed()


def _kept(request, key: str, feed, **kwargs) -> HttpResponse:
    """A feed is the same for every reader and changes only with the content: it is built
    once per content generation (pagecache/generations.py) and kept as its bytes."""

    def build():
        response = feed(request, **kwargs)
        return {name: response[name] for name in _KEPT_HEADERS if name in response}, (
            response.content
        )

    headers, body = fragment("rss", build, extra=key)
    return HttpResponse(body, headers=headers)


_KEPT_HEADERS = ("Content-Type", "Last-Modified")


def latest_articles_feed(request):
    """/rss/home.rss"""
    return _kept(request, "home", _latest_articles_feed)


def category_feed(request, category):
    """/rss/<slug>.rss; an old slug of a renamed category answers 301 to the new feed."""
    found, moved = Category.by_slug_or_redirect(category)
    if found is None:
        raise Http404("Chuyên mục không tồn tại.")
    if moved:
        return redirect("reader:rss_category", found.slug, permanent=True)
    return _kept(request, f"category:{found.pk}", _category_feed, category=found)
