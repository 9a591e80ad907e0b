"""Pages from the cache that are never stale."""

import threading
import time
from datetime import timedelta
from unittest import mock

import pytest
from django.core.cache import cache
from django.utils import timezone

from articles.models import Article, SiteSettings, WebsiteLink
from comments.models import Comment
from pagecache import front, generations, middleware
from tests.factories import make_article, make_category, make_comment, make_link

pytestmark = pytest.mark.django_db
Status = Article.Status


@pytest.fixture
def site():
    category = make_category(name="Kinh tế")
    first = make_article(category=category, title="Bài thứ nhất",
                         published_at=timezone.now() - timedelta(hours=3))  # fmt: skip
    second = make_article(category=category, title="Bài thứ hai",
                          published_at=timezone.now() - timedelta(hours=2))  # fmt: skip
    return category, first, second


def get(client, url, **headers):
    response = client.get(url, **headers)
    return response, response.content.decode()


class TestServedFromCache:
    def test_second_anonymous_request_is_a_hit(self, client, site):
        _, first, _ = site
        assert client.get("/")["X-Cache"] == "MISS"
        assert client.get("/")["X-Cache"] == "HIT"
        assert client.get(first.get_absolute_url())["X-Cache"] == "MISS"
        assert client.get(first.get_absolute_url())["X-Cache"] == "HIT"

    def test_hit_makes_no_database_query(self, client, site, django_assert_num_queries):
        client.get("/")
        with django_assert_num_queries(0):
            assert client.get("/")["X-Cache"] == "HIT"

    def test_cached_response_carries_no_cookie_token_or_message(self, client, site):
        client.get("/")
        response = client.get("/")
        assert response["X-Cache"] == "HIT"
        assert not response.cookies and "Set-Cookie" not in response
        assert b"csrfmiddlewaretoken" not in response.content
        assert "s-maxage" in response["Cache-Control"] and "public" in response["Cache-Control"]

    def test_session_cookie_bypasses(self, client, site):
        client.get("/")
        client.cookies["sessionid"] = "anything"
        assert client.get("/")["X-Cache"] == "BYPASS"

    def test_messages_cookie_bypasses(self, client, site):
        client.get("/")
        client.cookies["messages"] = "x"
        assert client.get("/")["X-Cache"] == "BYPASS"

    def test_staff_always_get_a_fresh_page(self, client, site, admin_user):
        _, first, _ = site
        client.get(first.get_absolute_url())
        client.force_login(admin_user)
        assert client.get(first.get_absolute_url())["X-Cache"] == "BYPASS"

    def test_staff_preview_is_never_stored(self, client, admin_user):
        draft = make_article(status=Status.DRAFT)
        client.force_login(admin_user)
        client.get(draft.get_absolute_url())
        client.logout()
        client.cookies.clear()
        assert client.get(draft.get_absolute_url()).status_code == 404

    def test_304_on_matching_etag(self, client, site):
        first = client.get("/")
        again = client.get("/", HTTP_IF_NONE_MATCH=first["ETag"])
        assert again.status_code == 304
        assert again["ETag"] == first["ETag"] and "Last-Modified" in again

    def test_admin_and_beacon_are_never_cached(self, client):
        assert client.get("/admin/login/")["X-Cache"] == "BYPASS"
        assert client.post("/api/views/", {"id": "1"})["X-Cache"] == "BYPASS"


class TestNeverStale:
    def test_publishing_shows_on_home_category_and_other_articles(self, client, site):
        category, first, _ = site
        pages = ["/", category.get_absolute_url(), first.get_absolute_url()]
        for url in pages:
            client.get(url)
        make_article(category=category, title="Tin nóng vừa đăng")
        for url in pages:
            response, html = get(client, url)
            assert "Tin nóng vừa đăng" in html, url
            assert response["X-Cache"] == "MISS"

    def test_editing_a_title_shows_everywhere(self, client, site):
        category, first, second = site
        client.get("/")
        client.get(second.get_absolute_url())
        first.title = "Tiêu đề đã sửa"
        first.save()
        assert "Tiêu đề đã sửa" in get(client, "/")[1]
        assert "Tiêu đề đã sửa" in get(client, second.get_absolute_url())[1]

    def test_unpublishing_removes_it_from_every_cached_page(self, client, site):
        category, first, second = site
        url = first.get_absolute_url()
        for page in ("/", category.get_absolute_url(), second.get_absolute_url(), url):
            client.get(page)
        first.status = Status.UNPUBLISHED
        first.save()
        assert client.get(url).status_code == 410
        for page in ("/", category.get_absolute_url(), second.get_absolute_url()):
            assert "Bài thứ nhất" not in get(client, page)[1], page

    def test_approving_a_comment_bumps_only_that_article(self, client, site):
        _, first, second = site
        comment = make_comment(first, content="Ý kiến chờ duyệt", status=Comment.Status.PENDING)
        client.get(first.get_absolute_url())
        client.get(second.get_absolute_url())
        client.get("/")
        comment.status = Comment.Status.APPROVED
        comment.save()
        response, html = get(client, first.get_absolute_url())
        assert "Ý kiến chờ duyệt" in html and response["X-Cache"] == "MISS"
        assert client.get(second.get_absolute_url())["X-Cache"] == "HIT"
        assert client.get("/")["X-Cache"] == "HIT"

    def test_site_settings_and_links_bump_everything(self, client, site):
        _, first, _ = site
        client.get("/")
        client.get(first.get_absolute_url())
        settings_row = SiteSettings.load()
        settings_row.masthead_name = "Báo Đổi Tên"
        settings_row.save()
        assert "Báo Đổi Tên" in get(client, "/")[1]
        make_link(title="Cổng mới")
        assert "Cổng mới" in get(client, first.get_absolute_url())[1]
        WebsiteLink.objects.all().delete()
        assert "Cổng mới" not in get(client, "/")[1]

    def test_draft_edits_bump_nothing(self, client, site):
        category, _, _ = site
        client.get("/")
        draft = make_article(status=Status.DRAFT, category=category)
        draft.title = "Nháp sửa"
        draft.save()
        assert client.get("/")["X-Cache"] == "HIT"

    def test_scheduled_article_appears_on_cached_pages_with_no_job(self, client, site):
        category, first, _ = site
        start = timezone.now()
        make_article(
            category=category, title="Bài hẹn giờ", published_at=start + timedelta(minutes=5)
        )
        pages = ["/", category.get_absolute_url(), first.get_absolute_url()]
        for url in pages:
            assert "Bài hẹn giờ" not in get(client, url)[1]
            assert client.get(url)["X-Cache"] == "HIT"
        later = start + timedelta(minutes=6)
        with mock.patch("django.utils.timezone.now", return_value=later):
            generations.forget_local()
            for url in pages:
                assert "Bài hẹn giờ" in get(client, url)[1], url

    def test_a_bump_on_another_node_shows_within_seconds(self, client, site):
        category, first, _ = site
        client.get("/")
        # Another web node publishes: the shared generation changes, this process's memory
        # tier still holds the old one for at most LOCAL_SECONDS.
        Article.objects.filter(pk=first.pk).update(title="Sửa từ máy khác")
        cache.set("gen:content", "from-another-node", None)
        real = time.monotonic
        with mock.patch("pagecache.generations.time.monotonic", lambda: real() + 5):
            assert "Sửa từ máy khác" in get(client, "/")[1]

    def test_masthead_date_turns_at_midnight(self, client, site):
        before = timezone.now().replace(hour=16, minute=59)  # 23:59 in Vietnam
        with mock.patch("django.utils.timezone.now", return_value=before):
            today = get(client, "/")[1]
        with mock.patch("django.utils.timezone.now", return_value=before + timedelta(minutes=2)):
            tomorrow = get(client, "/")[1]
        assert today != tomorrow


class TestStampede:
    def test_stale_page_is_served_while_one_process_rebuilds(self, client, site, monkeypatch):
        client.get("/")
        later = time.time() + middleware.FRESH_SECONDS + 1  # the stored copy is stale now
        monkeypatch.setattr(middleware.time, "time", lambda: later)
        locks = []

        class SomeoneElseIsBuilding:
            def __getattr__(self, name):
                return getattr(cache, name)

            def add(self, key, *args, **kwargs):
                if key.endswith(":building"):
                    locks.append(key)
                    return False
                return cache.add(key, *args, **kwargs)

        monkeypatch.setattr(middleware, "cache", SomeoneElseIsBuilding())
        response = client.get("/")
        assert response["X-Cache"] == "STALE" and response.status_code == 200
        assert locks

    def test_only_one_rebuild_when_many_arrive_at_once(self, site, monkeypatch):
        builds = []

        def slow_view(request):
            builds.append(1)
            time.sleep(0.3)
            from django.http import HttpResponse

            return HttpResponse("trang")

        layer = middleware.PageCacheMiddleware(slow_view)
        from django.test import RequestFactory

        results = []

        def hit():
            results.append(layer(RequestFactory().get("/"))["X-Cache"])

        threads = [threading.Thread(target=hit) for _ in range(5)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len(builds) == 1
        assert sorted(results) == ["HIT"] * 4 + ["MISS"]


class TestCommentFormOnCachedPages:
    def fill(self, html: str, **fields) -> dict:
        import html as html_module

        token = html_module.unescape(html.split('name="token" value="')[1].split('"')[0])
        now_ms = int(time.time() * 1000)
        data = {"name": "Nguyễn Thị Lan", "email": "lan@example.vn",
                "content": "Bài viết rất hữu ích, cảm ơn tòa soạn.", "website": "",
                "token": token, "shown_at": str(now_ms - 30_000), "sent_at": str(now_ms)}  # fmt: skip
        return {**data, **fields}

    def test_form_from_a_cached_page_is_accepted(self, client, site):
        _, first, _ = site
        client.get(first.get_absolute_url())
        cached = client.get(first.get_absolute_url())
        assert cached["X-Cache"] == "HIT"
        data = self.fill(cached.content.decode())
        response = client.post(
            f"/binh-luan/{first.public_id}/", data, HTTP_ORIGIN="http://testserver"
        )
        assert response.status_code == 302
        assert Comment.objects.filter(article=first, email="lan@example.vn").exists()

    def test_form_from_another_origin_is_refused(self, client, site):
        _, first, _ = site
        client.get(first.get_absolute_url())
        data = self.fill(client.get(first.get_absolute_url()).content.decode())
        response = client.post(
            f"/binh-luan/{first.public_id}/", data, HTTP_ORIGIN="https://evil.example"
        )
        assert response.status_code == 403
        assert not Comment.objects.filter(email="lan@example.vn").exists()


class TestFront:
    """PageCacheFront: a fresh copy held in this process is sent before Django is entered."""

    @pytest.fixture
    def front(self):
        from django.core.handlers.wsgi import WSGIHandler
        from django.core.signals import request_finished, request_started
        from django.db import close_old_connections

        django_app = WSGIHandler()
        calls = []

        def counted(environ, start_response):
            calls.append(environ["PATH_INFO"])
            return django_app(environ, start_response)

        # As Django's test client does: the test's transaction must outlive each request.
        for signal in (request_started, request_finished):
            signal.disconnect(close_old_connections)
        yield front.PageCacheFront(counted), calls
        for signal in (request_started, request_finished):
            signal.connect(close_old_connections)

    @staticmethod
    def call(app, path, **extra):
        import io

        environ = {
            "REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": "",
            "SERVER_NAME": "testserver", "SERVER_PORT": "80", "HTTP_HOST": "testserver",
            "SERVER_PROTOCOL": "HTTP/1.1", "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(), "wsgi.errors": io.StringIO(), **extra,
        }  # fmt: skip
        seen = {}

        def start_response(status, headers, exc_info=None):
            seen["status"], seen["headers"] = status, dict(headers)

        body = b"".join(app(environ, start_response))
        return seen["status"], seen["headers"], body

    def test_second_read_skips_django_with_the_same_bytes_and_headers(self, front, site):
        app, calls = front
        url = site[1].get_absolute_url()
        status, headers, body = self.call(app, url)
        assert status == "200 OK" and headers["X-Cache"] == "MISS"
        again = self.call(app, url)
        assert calls == [url]  # Django saw only the first request
        assert again[0] == "200 OK" and again[2] == body
        assert again[1]["X-Cache"] == "HIT"
        assert again[1]["Content-Length"] == str(len(body))
        for header in ("Content-Type", "ETag", "Cache-Control", "Vary", "X-Content-Type-Options"):
            assert again[1][header] == headers[header]

    def test_etag_answers_304_without_django(self, front, site):
        app, calls = front
        _, headers, _ = self.call(app, "/")
        status, _, body = self.call(app, "/", HTTP_IF_NONE_MATCH=headers["ETag"])
        assert status == "304 Not Modified" and body == b"" and calls == ["/"]

    @pytest.mark.parametrize(
        "extra",
        [
            {"HTTP_COOKIE": "sessionid=abc"},
            {"HTTP_COOKIE": "messages=abc"},
            {"HTTP_AUTHORIZATION": "Basic eDp5"},
            {"REQUEST_METHOD": "HEAD"},
        ],
    )
    def test_sessions_messages_credentials_and_head_go_to_django(self, front, site, extra):
        app, calls = front
        self.call(app, "/")
        self.call(app, "/", **extra)
        assert calls == ["/", "/"]

    def test_an_edit_is_seen_at_once(self, front, site):
        app, calls = front
        _, first, _ = site
        url = first.get_absolute_url()
        self.call(app, url)
        first.title = "Tiêu đề đã sửa"
        first.save()
        _, headers, body = self.call(app, url)
        assert "Tiêu đề đã sửa" in body.decode() and headers["X-Cache"] == "MISS"

    def test_a_copy_past_its_freshness_goes_back_to_django(self, front, site):
        app, calls = front
        self.call(app, "/")
        later = time.time() + middleware.FRESH_SECONDS + 1
        with mock.patch("pagecache.middleware.time.time", return_value=later):
            self.call(app, "/")
        assert calls == ["/", "/"]

    def test_admin_and_unknown_paths_go_to_django(self, front, site):
        app, calls = front
        for path in ("/admin/login/", "/khong-co-trang-nay/", "/admin/login/"):
            self.call(app, path)
        assert len(calls) == 3
