"""/sitemap.xml (index), its sections, and the Google News sitemap."""

import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article
from tests.conftest import reset_caches
from tests.factories import make_article, make_byline, make_category, make_topic

Status = Article.Status
NS = {
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "news": "http://www.google.com/schemas/sitemap-news/0.9",
}


pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("public_site")]


def local(*args):
    return timezone.make_aware(timezone.datetime(*args))


def fetch(client, url, **headers):
    response = client.get(url, **headers)
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("application/xml")
    return ET.fromstring(response.content)  # noqa: S314 -- our own response, not untrusted


def locations(root) -> list[str]:
    return [el.text for el in root.iterfind(".//sm:loc", NS)]


class TestIndex:
    def test_lists_months_with_lastmod_then_categories_topics_bylines(self, client):
        a = make_article(published_at=local(2025, 10, 5, 9, 0))
        make_article(published_at=local(2025, 11, 1, 0, 30))  # 31/10 17:30 UTC: November here
        make_article(published_at=local(2025, 11, 20, 9, 0))
        make_article(status=Status.DRAFT)
        root = fetch(client, "/sitemap.xml")
        assert root.tag == f"{{{NS['sm']}}}sitemapindex"
        assert locations(root) == [
            "https://baomau.vn/sitemap-articles-2025-11.xml",
            "https://baomau.vn/sitemap-articles-2025-10.xml",
            "https://baomau.vn/sitemap-categories.xml",
            "https://baomau.vn/sitemap-topics.xml",
            "https://baomau.vn/sitemap-bylines.xml",
        ]
        october = root.findall("sm:sitemap", NS)[1]
        lastmod = october.find("sm:lastmod", NS).text
        assert lastmod == timezone.localtime(a.updated_at).isoformat()
        assert lastmod.endswith("+07:00")

    def test_index_and_sections_ignore_the_host_header(self, client):
        make_article()
        for url in ("/sitemap.xml", "/sitemap-categories.xml", "/sitemap-news.xml"):
            response = client.get(url, HTTP_HOST="other.example")
            assert b"other.example" not in response.content
            assert b"https://baomau.vn/" in response.content

    def test_robots_txt_points_at_both(self, client):
        robots = client.get("/robots.txt").content.decode()
        assert "Sitemap: https://baomau.vn/sitemap.xml" in robots
        assert "Sitemap: https://baomau.vn/sitemap-news.xml" in robots

    def test_query_count_is_fixed(self, client, django_assert_max_num_queries):
        for month in range(1, 13):
            make_article(published_at=local(2024, month, 3, 8, 0))
        reset_caches()
        with django_assert_max_num_queries(3):
            fetch(client, "/sitemap.xml")


class TestSections:
    def test_month_holds_only_its_public_articles_with_lastmod(self, client):
        category = make_category(name="Chính trị", slug="chinh-tri")
        inside = make_article(category=category, published_at=local(2025, 11, 1, 0, 30))
        make_article(category=category, published_at=local(2025, 10, 31, 23, 30))
        make_article(category=category, status=Status.UNPUBLISHED, published_at=local(2025, 11, 2))
        make_article(category=category, status=Status.DRAFT)
        root = fetch(client, "/sitemap-articles-2025-11.xml")
        assert locations(root) == ["https://baomau.vn" + inside.get_absolute_url()]
        lastmod = root.find(".//sm:lastmod", NS).text
        assert lastmod == f"{timezone.localtime(inside.updated_at):%Y-%m-%d}"

    def test_categories_topics_and_bylines(self, client):
        parent = make_category(name="Kinh tế", slug="kinh-te")
        child = make_category(name="Thị trường", slug="thi-truong", parent=parent)
        used_topic, used_byline = make_topic(name="Chuyển đổi số"), make_byline(name="HOÀNG VIỆT")
        make_topic(name="Chủ đề trống")
        draft_topic, draft_byline = make_topic(name="Chỉ có nháp"), make_byline(name="NHÁP")
        make_article(category=child, topics=[used_topic], bylines=[used_byline])
        make_article(
            category=child, status=Status.DRAFT, topics=[draft_topic], bylines=[draft_byline]
        )
        cats = locations(fetch(client, "/sitemap-categories.xml"))
        assert cats == ["https://baomau.vn/kinh-te/", "https://baomau.vn/kinh-te/thi-truong/"]
        topics = locations(fetch(client, "/sitemap-topics.xml"))
        assert topics == [f"https://baomau.vn/chu-de/{used_topic.slug}/"]
        bylines = locations(fetch(client, "/sitemap-bylines.xml"))
        assert bylines == [f"https://baomau.vn/tac-gia/{used_byline.slug}/"]

    @pytest.mark.parametrize(
        "section", ["articles-2025-13", "articles-25-1", "khac", "articles-2025-1"]
    )
    def test_unknown_section_is_404(self, client, section):
        assert client.get(f"/sitemap-{section}.xml").status_code == 404

    def test_query_count_does_not_grow_with_articles(self, client, django_assert_max_num_queries):
        parent = make_category()
        child = make_category(parent=parent)
        make_article(category=child, published_at=local(2025, 5, 2, 8, 0))
        reset_caches()  # measure cold: no page or settings cache
        with CaptureQueriesContext(connection) as one:
            fetch(client, "/sitemap-articles-2025-05.xml")
        for day in range(3, 25):
            make_article(category=child, published_at=local(2025, 5, day, 8, 0))
        reset_caches()
        with django_assert_max_num_queries(4), CaptureQueriesContext(connection) as many:
            assert len(locations(fetch(client, "/sitemap-articles-2025-05.xml"))) == 23
        assert len(many) == len(one)


class TestNewsSitemap:
    def test_last_48_hours_of_public_articles(self, client):
        now = timezone.now()
        fresh = make_article(title="Tin mới & nóng", published_at=now - timedelta(hours=47))
        make_article(title="Tin cũ", published_at=now - timedelta(hours=49))
        make_article(title="Hẹn giờ", published_at=now + timedelta(hours=1))
        make_article(title="Gỡ", status=Status.UNPUBLISHED, published_at=now - timedelta(hours=2))
        make_article(title="Nháp", status=Status.DRAFT)
        root = fetch(client, "/sitemap-news.xml")
        [url] = root.findall("sm:url", NS)
        assert url.find("sm:loc", NS).text == "https://baomau.vn" + fresh.get_absolute_url()
        news = url.find("news:news", NS)
        assert news.find("news:publication/news:name", NS).text == "Báo Mẫu"
        assert news.find("news:publication/news:language", NS).text == "vi"
        assert news.find("news:title", NS).text == "Tin mới & nóng"
        published = news.find("news:publication_date", NS).text
        assert published == timezone.localtime(fresh.published_at).isoformat(timespec="seconds")
        assert published.endswith("+07:00")

    def test_control_characters_do_not_break_the_xml(self, client):
        make_article(title="Tin\x0b lạ\x1f")
        root = fetch(client, "/sitemap-news.xml")
        assert root.find(".//news:title", NS).text == "Tin lạ"

    def test_query_count_is_fixed(self, client, django_assert_max_num_queries):
        for hours in range(1, 20):
            make_article(published_at=timezone.now() - timedelta(hours=hours))
        reset_caches()
        with django_assert_max_num_queries(3):
            assert len(fetch(client, "/sitemap-news.xml")) == 19
