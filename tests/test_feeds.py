"""RSS 2.0 at /rss/home.rss and /rss/<category>.rss, read back with feedparser."""

import html
from datetime import timedelta

import feedparser
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article
from reader import feeds
from tests.conftest import reset_caches
from tests.factories import make_article, make_byline, make_category, make_image

Status = Article.Status


pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("public_site")]


def read(client, url, **headers):
    response = client.get(url, **headers)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    return response, parsed


class TestHomeFeed:
    def test_items_carry_title_link_sapo_category_author_date_and_cover(self, client):
        parent = make_category(name="Kinh tế", slug="kinh-te")
        child = make_category(name="Nông nghiệp", slug="nong-nghiep", parent=parent)
        cover = make_image()
        when = timezone.make_aware(timezone.datetime(2025, 11, 27, 8, 15))
        article = make_article(
            title="Giá lúa tăng & nông dân vui",
            sapo="Vụ mùa bội thu <năm nay>.",
            category=child,
            cover=cover,
            published_at=when,
            bylines=[make_byline(name="XUÂN THÀNH"), make_byline(name="V.THÀNH")],
        )
        _, parsed = read(client, "/rss/home.rss")
        assert parsed.version == "rss20"
        assert parsed.feed.title == "Báo Mẫu"
        assert parsed.feed.link == "https://baomau.vn/"
        assert parsed.feed.language == "vi"
        [entry] = parsed.entries
        assert entry.title == "Giá lúa tăng & nông dân vui"
        assert entry.link == "https://baomau.vn" + article.get_absolute_url()
        assert entry.link.startswith("https://baomau.vn/kinh-te/nong-nghiep/202511/")
        assert html.unescape(entry.description) == "Vụ mùa bội thu <năm nay>."
        assert entry.published == "Thu, 27 Nov 2025 08:15:00 +0700"
        assert [t.term for t in entry.tags] == ["Kinh tế", "Nông nghiệp"]
        assert entry.author == "XUÂN THÀNH - V.THÀNH"
        rendition = cover.rendition_map()[(960, "jpg")]
        [enclosure] = entry.enclosures
        assert enclosure.href == "https://baomau.vn" + rendition.file.url
        assert enclosure.length == str(rendition.bytes) and rendition.bytes > 0
        assert enclosure.type == "image/jpeg"

    def test_latest_fifty_public_articles_newest_first(self, client):
        category = make_category()
        for n in range(52):
            make_article(title=f"Tin {n}", category=category, published_at=hours_ago(n + 1))
        _, parsed = read(client, "/rss/home.rss")
        titles = [e.title for e in parsed.entries]
        assert len(titles) == feeds.FEED_SIZE == 50
        assert titles[:2] == ["Tin 0", "Tin 1"] and titles[-1] == "Tin 49"

    def test_unpublished_scheduled_and_taken_down_are_absent(self, client):
        make_article(title="Công khai")
        make_article(title="Nháp", status=Status.DRAFT)
        make_article(title="Hẹn giờ", published_at=timezone.now() + timedelta(hours=1))
        make_article(title="Đã gỡ", status=Status.UNPUBLISHED, published_at=hours_ago(3))
        _, parsed = read(client, "/rss/home.rss")
        assert [e.title for e in parsed.entries] == ["Công khai"]

    def test_control_characters_are_stripped(self, client):
        make_article(title="Tin\x0b có\x1f ký tự lạ", sapo="Sapo\x08 lỗi\x0c.")
        _, parsed = read(client, "/rss/home.rss")
        assert parsed.entries[0].title == "Tin có ký tự lạ"
        assert parsed.entries[0].description == "Sapo lỗi."

    def test_urls_never_come_from_the_host_header(self, client):
        make_article(cover=make_image())
        response, parsed = read(client, "/rss/home.rss", HTTP_HOST="other.example")
        assert b"other.example" not in response.content
        assert parsed.entries[0].link.startswith("https://baomau.vn/")

    def test_query_count_does_not_grow_with_items(self, client, django_assert_max_num_queries):
        category, cover, byline = make_category(), make_image(), make_byline()
        make_article(category=category, cover=cover, bylines=[byline])
        reset_caches()  # measure cold: no page or settings cache
        with CaptureQueriesContext(connection) as one:
            read(client, "/rss/home.rss")
        for _ in range(20):
            make_article(category=category, cover=cover, bylines=[byline, make_byline()])
        reset_caches()
        with django_assert_max_num_queries(5), CaptureQueriesContext(connection) as many:
            _, parsed = read(client, "/rss/home.rss")
        assert len(parsed.entries) == 21
        assert len(many) == len(one)


class TestCategoryFeed:
    def test_category_includes_children_only_its_own(self, client):
        parent = make_category(name="Xã hội", slug="xa-hoi")
        child = make_category(name="Y tế", slug="y-te", parent=parent)
        make_article(title="Cha", category=parent, published_at=hours_ago(1))
        make_article(title="Con", category=child, published_at=hours_ago(2))
        make_article(title="Khác", category=make_category())
        _, parsed = read(client, "/rss/xa-hoi.rss")
        assert [e.title for e in parsed.entries] == ["Cha", "Con"]
        assert parsed.feed.title == "Xã hội - Báo Mẫu"
        assert parsed.feed.link == "https://baomau.vn/xa-hoi/"
        _, parsed = read(client, "/rss/y-te.rss")
        assert [e.title for e in parsed.entries] == ["Con"]

    def test_unknown_category_is_404_and_renamed_one_redirects(self, client):
        assert client.get("/rss/khong-co.rss").status_code == 404
        category = make_category(name="Du lịch")
        category.name = "Du lịch - Dịch vụ"
        category.save()
        response = client.get("/rss/du-lich.rss")
        assert response.status_code == 301
        assert response["Location"] == f"/rss/{category.slug}.rss"

    def test_taken_down_article_leaves_the_category_feed(self, client):
        category = make_category(slug="phap-luat")
        make_article(title="Gỡ", category=category, status=Status.UNPUBLISHED)
        make_article(title="Còn", category=category)
        _, parsed = read(client, "/rss/phap-luat.rss")
        assert [e.title for e in parsed.entries] == ["Còn"]


class TestAutodiscovery:
    def test_home_and_category_pages_point_at_feeds_that_exist(self, client):
        category = make_category(name="Thể thao", slug="the-thao")
        make_article(category=category)
        home = client.get("/").content.decode()
        assert 'type="application/rss+xml"' in home and 'href="/rss/home.rss"' in home
        page = client.get("/the-thao/").content.decode()
        assert 'href="/rss/the-thao.rss"' in page
        assert client.get("/rss/home.rss").status_code == 200
        assert client.get("/rss/the-thao.rss").status_code == 200


def hours_ago(hours):
    return timezone.now() - timedelta(hours=hours)


class TestKeptUntilTheContentChanges:
    def test_a_second_reader_gets_the_feed_without_a_query(self, client):
        make_article(title="Tin thứ nhất")
        client.cookies["sessionid"] = "reader"  # past the page cache
        read(client, "/rss/home.rss")
        with CaptureQueriesContext(connection) as queries:
            _, parsed = read(client, "/rss/home.rss")
        assert len(queries) == 0
        assert [entry.title for entry in parsed.entries] == ["Tin thứ nhất"]

    def test_a_publish_is_in_the_next_feed(self, client):
        section = make_category(slug="xa-hoi")
        make_article(title="Tin cũ", category=section)
        client.cookies["sessionid"] = "reader"
        read(client, "/rss/home.rss")
        read(client, "/rss/xa-hoi.rss")
        make_article(title="Tin vừa đăng", category=section)
        for url in ("/rss/home.rss", "/rss/xa-hoi.rss"):
            _, parsed = read(client, url)
            assert parsed.entries[0].title == "Tin vừa đăng"
