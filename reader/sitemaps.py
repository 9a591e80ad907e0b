"""Sitemaps: an index of monthly article sitemaps plus categories, topics and bylines, and a
Google News sitemap of the last 48 hours.

Django's Sitemap classes render the sections; their domain and scheme come from
absolute_url() instead of the request. Django's index view builds section URLs from the
request's host, so the index is our own short view.
"""

import re
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import SitemapIndexItem, x_robots_tag
from django.contrib.sitemaps.views import sitemap as sitemap_view
from django.db.models import Count, Exists, Max, OuterRef, Q, Subquery
from django.db.models.functions import TruncMonth
from django.http import Http404
from django.shortcuts import render
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Byline, Category, SiteSettings, Topic, absolute_url
from articles.vietnamese import iso
from reader.feeds import xml_text

NEWS_HOURS = 48
NEWS_LIMIT = 1000  # Google News reads at most 1,000 URLs per news sitemap
SECTIONS = ("categories", "topics", "bylines")
_MONTH_SECTION = re.compile(r"articles-(\d{4})-(\d{2})")


class SiteSitemap(Sitemap):
    """Locations on the public domain from SiteSettings, whatever host was asked."""

    def get_protocol(self, protocol=None):
        return urlsplit(absolute_url("/")).scheme

    def get_domain(self, site=None):
        return urlsplit(absolute_url("/")).netloc


def _latest_update(articles) -> Subquery:
    """updated_at of the most recently edited public article among `articles`."""
    return Subquery(articles.order_by("-updated_at").values("updated_at")[:1])


class ArticleMonthSitemap(SiteSitemap):
    """Public articles whose published_at falls in one month of Asia/Ho_Chi_Minh time."""

    def __init__(self, year: int, month: int):
        self.start = timezone.make_aware(datetime(year, month, 1))
        self.end = timezone.make_aware(datetime(year + month // 12, month % 12 + 1, 1))

    def items(self):
        return (
            Article.objects.published()
            .filter(published_at__gte=self.start, published_at__lt=self.end)
            .select_related("category__parent")
            .lean()
            .order_by("published_at", "pk")
        )

    def lastmod(self, article):
        return article.updated_at


class CategorySitemap(SiteSitemap):
    def items(self):
        public = Article.objects.published()
        in_family = public.filter(Q(category=OuterRef("pk")) | Q(category__parent=OuterRef("pk")))
        return (
            Category.objects.select_related("parent")
            .annotate(lastmod=_latest_update(in_family))
            .order_by("pk")
        )

    def lastmod(self, category):
        return category.lastmod


class TopicSitemap(SiteSitemap):
    """Topics with at least one public article (an empty topic page has nothing to index)."""

    def items(self):
        mine = Article.objects.published().filter(topics=OuterRef("pk"))
        return (
            Topic.objects.filter(Exists(mine)).annotate(lastmod=_latest_update(mine)).order_by("pk")
        )

    def lastmod(self, topic):
        return topic.lastmod


class BylineSitemap(SiteSitemap):
    def items(self):
        mine = Article.objects.published().filter(bylines=OuterRef("pk"))
        return (
            Byline.objects.filter(Exists(mine))
            .annotate(lastmod=_latest_update(mine))
            .order_by("pk")
        )

    def lastmod(self, byline):
        return byline.lastmod


def section_sitemap(section: str) -> Sitemap | None:
    if section == "categories":
        return CategorySitemap()
    if section == "topics":
        return TopicSitemap()
    if section == "bylines":
        return BylineSitemap()
    match = _MONTH_SECTION.fullmatch(section)
    if match and 1 <= int(match.group(2)) <= 12 and int(match.group(1)) >= 1970:
        return ArticleMonthSitemap(int(match.group(1)), int(match.group(2)))
    return None


def _section_url(section: str) -> str:
    return absolute_url(reverse("reader:sitemap_section", args=[section]))


@x_robots_tag
def index(request):
    """/sitemap.xml: one entry per month with public articles (lastmod = the month's latest
    updated_at, extra ?p= pages past 50,000), then categories, topics and bylines. One query."""
    months = (
        Article.objects.published()
        .annotate(month=TruncMonth("published_at"))
        .values("month")
        .annotate(lastmod=Max("updated_at"), count=Count("pk"))
        .order_by("-month")
    )
    entries = []
    for row in months:
        url = _section_url(f"articles-{timezone.localtime(row['month']):%Y-%m}")
        entries.append(SitemapIndexItem(url, row["lastmod"]))
        pages = (row["count"] - 1) // Sitemap.limit + 1
        entries += [SitemapIndexItem(f"{url}?p={n}", row["lastmod"]) for n in range(2, pages + 1)]
    entries += [SitemapIndexItem(_section_url(section)) for section in SECTIONS]
    return TemplateResponse(
        request, "sitemap_index.xml", {"sitemaps": entries}, content_type="application/xml"
    )


def section(request, section):
    """/sitemap-<section>.xml, rendered by Django's sitemap view."""
    sitemap = section_sitemap(section)
    if sitemap is None:
        raise Http404("Không có sitemap này.")
    return sitemap_view(request, {section: sitemap}, section=section)


@x_robots_tag
def news(request):
    """/sitemap-news.xml: public articles of the last 48 hours, newest first."""
    since = timezone.now() - timedelta(hours=NEWS_HOURS)
    articles = (
        Article.objects.published()
        .filter(published_at__gte=since)
        .lean()
        .select_related("category__parent")
        .order_by("-published_at", "-pk")[:NEWS_LIMIT]
    )
    site = SiteSettings.load()
    entries = [
        {
            "location": absolute_url(article.get_absolute_url()),
            "published": iso(article.published_at),
            "title": xml_text(article.title),
        }
        for article in articles
    ]
    context = {"publication": xml_text(site.masthead_name), "entries": entries}
    return render(request, "sitemaps/news.xml", context, content_type="application/xml")
