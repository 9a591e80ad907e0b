"""Reader URLs. Fixed prefixes come first; category paths take whatever is left."""

from django.urls import path, register_converter

from reader import feeds, sitemaps, views


class MonthConverter:
    regex = r"[0-9]{6}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


class SlugIdConverter:
    """ "lan-toa-viec-hoc-3fa9c1e": a slug (possibly empty) and the 7-hex public id."""

    regex = r"(?:[a-z0-9-]*-)?[0-9a-f]{7}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(MonthConverter, "yyyymm")
register_converter(SlugIdConverter, "slugid")

app_name = "reader"

urlpatterns = [
    path("", views.home, name="home"),
    path("tac-gia/<slug:slug>/", views.byline_detail, name="byline"),
    path("chu-de/<slug:slug>/", views.topic_detail, name="topic"),
    path("print/<str:public_id>/", views.print_article, name="print"),
    path("robots.txt", views.robots_txt, name="robots"),
    path("api/views/", views.count_view, name="count_view"),
    path("tim-kiem/", views.search, name="search"),
    path("rss/home.rss", feeds.latest_articles_feed, name="rss_home"),
    path("rss/<slug:category>.rss", feeds.category_feed, name="rss_category"),
    path("sitemap.xml", sitemaps.index, name="sitemap_index"),
    path("sitemap-news.xml", sitemaps.news, name="sitemap_news"),
    path("sitemap-<str:section>.xml", sitemaps.section, name="sitemap_section"),
    path("<slug:category>/", views.category_detail, name="category"),
    path("<slug:category>/<slug:child>/", views.category_detail, name="child_category"),
    path("<slug:category>/<yyyymm:month>/<slugid:slug_id>/", views.article_detail, name="article"),
    path(
        "<slug:category>/<slug:child>/<yyyymm:month>/<slugid:slug_id>/",
        views.article_detail,
        name="child_article",
    ),
]
