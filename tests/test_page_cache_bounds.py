"""The page cache stays bounded, answers HEAD like GET, and refuses absurd paths."""

import pytest

from pagecache import middleware
from tests.factories import make_article, make_category

pytestmark = pytest.mark.django_db


@pytest.fixture
def category():
    category = make_category(name="Xã hội", slug="xa-hoi")
    make_article(category=category)
    return category


class TestQueryParameters:
    def test_unknown_parameters_are_served_from_the_clean_urls_copy(self, client, category):
        assert client.get("/xa-hoi/")["X-Cache"] == "MISS"
        response = client.get("/xa-hoi/?utm_source=zalo&fbclid=abc&x=1")
        assert response["X-Cache"] == "HIT"
        assert client.get("/xa-hoi/?utm_medium=social")["X-Cache"] == "HIT"

    def test_a_page_built_for_a_url_with_tracking_parameters_does_not_show_them(
        self, client, category
    ):
        response = client.get("/xa-hoi/?utm_source=secret-campaign")
        assert response["X-Cache"] == "MISS"
        assert "secret-campaign" not in response.content.decode()

    def test_the_parameters_a_page_reads_are_kept(self, client, category):
        assert middleware.clean_query("/xa-hoi/", "utm_source=a&page=2") == "page=2"
        assert middleware.clean_query("/xa-hoi/", "page=1&gclid=z") == ""
        assert middleware.clean_query("/tim-kiem/", "q=lũ&utm_source=a&chuyen-muc=xa-hoi") == (
            "chuyen-muc=xa-hoi&q=l%C5%A9"
        )
        assert middleware.clean_query("/", "page=3") == ""

    def test_page_one_and_the_bare_url_share_a_copy(self, client, category):
        client.get("/xa-hoi/")
        assert client.get("/xa-hoi/?page=1")["X-Cache"] == "HIT"

    def test_thank_you_parameter_is_kept_only_with_its_value(self, client, category):
        article = make_article(category=category)
        url = article.get_absolute_url()
        assert middleware.clean_query(url, "phan-hoi=da-gui") == "phan-hoi=da-gui"
        assert middleware.clean_query(url, "phan-hoi=xyz") == ""


class TestBounds:
    def test_not_found_pages_are_not_stored(self, client, category):
        assert client.get("/xa-hoi/202601/khong-co-abcdef1/").status_code == 404
        assert client.get("/xa-hoi/202601/khong-co-abcdef1/")["X-Cache"] == "PASS"

    def test_print_of_something_that_is_no_id_is_not_a_cached_page(self, client):
        assert middleware.reader_page("/print/" + "x" * 300 + "/") is None
        assert client.get("/print/" + "x" * 300 + "/").status_code == 404

    def test_paths_longer_than_any_real_url_are_refused(self, client):
        response = client.get("/" + "a" * 600 + "/")
        assert response.status_code == 414


class TestHead:
    def test_head_on_an_uncached_page_answers_like_get(self, client, category):
        get = client.get("/xa-hoi/?page=1&x=1")
        client.cookies["sessionid"] = "staff-or-reader-with-a-session"
        head = client.head("/xa-hoi/")
        assert head.status_code == 200 and head["X-Cache"] == "BYPASS"
        assert head.content == b""
        assert int(head["Content-Length"]) > 1000
        assert get.status_code == 200

    def test_head_before_and_after_the_page_is_cached(self, client, category):
        first = client.head("/xa-hoi/")
        assert first.status_code == 200 and first["X-Cache"] == "MISS" and first.content == b""
        second = client.head("/xa-hoi/")
        assert second.status_code == 200 and second["X-Cache"] == "HIT"
        assert second.content == b""
        assert second["Content-Length"] == str(len(client.get("/xa-hoi/").content))

    def test_head_on_the_home_page_and_an_article(self, client, category):
        article = make_article(category=category)
        for url in ("/", article.get_absolute_url(), "/tim-kiem/?q=bai", "/rss/home.rss"):
            response = client.head(url)
            assert response.status_code == 200, url
            assert response.content == b""
