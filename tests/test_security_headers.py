"""Security headers on every response: fresh pages, cache hits, the in-process front and the
admin; HSTS and the HTTPS redirect behind a TLS proxy; `check --deploy` clean."""

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections

from newsroom.headers import PERMISSIONS_POLICY
from pagecache.front import PageCacheFront
from tests.factories import make_article, make_user

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def article():
    return make_article(title="Bài có khung bình luận")


def assert_locked(headers):
    assert headers["X-Frame-Options"] == "DENY"
    csp = headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in csp.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["form-action"] == "'self'"
    assert "unsafe-inline" not in csp and "data:" not in csp
    assert headers["Permissions-Policy"] == PERMISSIONS_POLICY
    assert headers["X-Content-Type-Options"] == "nosniff"


class TestEveryResponse:
    def test_a_miss_and_a_hit_carry_the_headers(self, client, article):
        url = article.get_absolute_url()
        miss = client.get(url)
        hit = client.get(url)
        assert (miss["X-Cache"], hit["X-Cache"]) == ("MISS", "HIT")
        assert_locked(miss)
        assert_locked(hit)

    def test_a_miss_and_a_hit_say_the_page_is_in_vietnamese(self, client, article):
        url = article.get_absolute_url()
        assert [client.get(url)["Content-Language"] for _ in range(2)] == ["vi", "vi"]

    def test_a_304_and_a_stale_copy_carry_them_too(self, client, article):
        url = article.get_absolute_url()
        etag = client.get(url)["ETag"]
        not_modified = client.get(url, HTTP_IF_NONE_MATCH=etag)
        assert not_modified.status_code == 304
        assert not_modified["X-Frame-Options"] == "DENY"

    def test_the_home_search_and_404_pages(self, client, article):
        for url in ("/", "/tim-kiem/?q=khung", "/khong-co-trang-nay/"):
            assert_locked(client.get(url))

    def test_reader_pages_have_no_inline_script_or_style(self, client, article):
        body = client.get(article.get_absolute_url()).content.decode()
        for tag in body.split("<script")[1:]:
            opening = tag.split(">", 1)[0]
            assert "src=" in opening or 'type="application/ld+json"' in opening
        assert "<style" not in body and " style=" not in body
        assert "data:image" not in body

    def test_the_admin_is_framed_by_nobody_and_runs_no_inline_script(self, client):
        client.force_login(make_user(is_superuser=True, is_staff=True))
        response = client.get("/admin/articles/article/add/")
        assert response.status_code == 200
        assert response["X-Frame-Options"] == "DENY"
        csp = response["Content-Security-Policy"]
        script_src = next(p for p in csp.split(";") if p.strip().startswith("script-src"))
        assert "unsafe-inline" not in script_src
        # The editor's import map is allowed by its hash, nothing else inline.
        assert "'sha256-" in script_src
        assert "Permissions-Policy" in response

    def test_login_page_has_them(self, client):
        response = client.get("/admin/login/")
        assert response["X-Frame-Options"] == "DENY"
        assert "Content-Security-Policy" in response


class TestPolicyBuiltOnce:
    """Reader pages take the site's policy built once per process; anything that changes a
    page's policy still goes through django-csp."""

    @staticmethod
    def through_middleware(response, path="/"):
        from django.test import RequestFactory

        from newsroom.headers import HeaderPolicyMiddleware

        request = RequestFactory().get(path)
        middleware = HeaderPolicyMiddleware(lambda request: response)
        middleware.process_request(request)
        return middleware.process_response(request, response)

    def test_a_reader_page_gets_the_policy_django_csp_builds_from_the_settings(self, client):
        from csp.utils import build_policy

        assert client.get("/")["Content-Security-Policy"] == build_policy()

    def test_a_view_that_widens_its_policy_still_gets_it(self):
        from django.http import HttpResponse

        response = HttpResponse("<p>x</p>")
        response._csp_update = {"img-src": ["https://anh.example"]}
        img_src = next(
            part
            for part in self.through_middleware(response)["Content-Security-Policy"].split(";")
            if part.strip().startswith("img-src")
        )
        assert "https://anh.example" in img_src

    def test_an_exempt_view_gets_no_policy(self):
        from django.http import HttpResponse

        response = HttpResponse("<p>x</p>")
        response._csp_exempt = True
        assert "Content-Security-Policy" not in self.through_middleware(response)

    def test_a_page_that_used_a_nonce_gets_it_in_its_policy(self, settings):
        from csp.constants import NONCE, SELF
        from django.http import HttpResponse
        from django.test import RequestFactory

        from newsroom.headers import HeaderPolicyMiddleware

        settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"script-src": [SELF, NONCE]}}
        request = RequestFactory().get("/")
        middleware = HeaderPolicyMiddleware(lambda request: HttpResponse("x"))
        middleware.process_request(request)
        nonce = str(request.csp_nonce)
        response = middleware.process_response(request, HttpResponse("x"))
        assert f"'nonce-{nonce}'" in response["Content-Security-Policy"]

    def test_a_changed_setting_changes_the_header(self, client, settings):
        settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": ["'self'"]}}
        assert client.get("/robots.txt")["Content-Security-Policy"] == "default-src 'self'"


class TestFront:
    @pytest.fixture
    def app(self):
        for signal in (request_started, request_finished):
            signal.disconnect(close_old_connections)
        yield PageCacheFront(WSGIHandler())
        for signal in (request_started, request_finished):
            signal.connect(close_old_connections)

    @staticmethod
    def call(app, path, **extra):
        environ = {
            "REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": "",
            "SERVER_NAME": "testserver", "SERVER_PORT": "80", "HTTP_HOST": "testserver",
            "SERVER_PROTOCOL": "HTTP/1.1", "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(), "wsgi.errors": io.StringIO(), **extra,
        }  # fmt: skip
        seen = {}

        def start_response(status, headers, exc_info=None):
            seen["status"], seen["headers"] = status, dict(headers)

        b"".join(app(environ, start_response))
        return seen["status"], seen["headers"]

    def test_a_hit_from_the_front_carries_the_headers(self, app, article):
        url = article.get_absolute_url()
        self.call(app, url)
        status, headers = self.call(app, url)
        assert status == "200 OK" and headers["X-Cache"] == "HIT"
        assert_locked(headers)

    def test_behind_tls_plain_http_is_redirected_even_when_held(self, app, article, settings):
        settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
        settings.SECURE_SSL_REDIRECT = True
        settings.SECURE_HSTS_SECONDS = 31_536_000
        app = PageCacheFront(WSGIHandler())  # SecurityMiddleware reads settings when built
        url = article.get_absolute_url()
        self.call(app, url, HTTP_X_FORWARDED_PROTO="https")
        status, headers = self.call(app, url, HTTP_X_FORWARDED_PROTO="https")
        assert headers["X-Cache"] == "HIT"
        assert headers["Strict-Transport-Security"].startswith("max-age=31536000")
        status, headers = self.call(app, url, HTTP_X_FORWARDED_PROTO="http")
        assert status.startswith("301") and headers["Location"].startswith("https://")


def test_hsts_and_redirect_through_django(client, article, settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31_536_000
    url = article.get_absolute_url()
    assert client.get(url).status_code == 301
    for _ in range(2):  # a miss, then a hit
        response = client.get(url, HTTP_X_FORWARDED_PROTO="https")
        assert response.status_code == 200
        assert "max-age=31536000" in response["Strict-Transport-Security"]


def test_check_deploy_is_clean_with_the_documented_production_settings():
    env = {
        "PATH": os.environ.get("PATH", ""),
        "SECRET_KEY": "a-production-like-secret-" + "x7Kq2P9mZ4vR8sT1wY6nB3cF5hJ0dL" * 2,
        "REDIS_URL": "redis://127.0.0.1:6379/9",
        "ALLOWED_HOSTS": "baomau.vn",
        "BEHIND_TLS_PROXY": "1",
        "DATABASE_URL": "sqlite:///:memory:",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_500_page_keeps_its_own_style_by_hash_only(rf):
    import base64
    import hashlib
    import re

    from newsroom.headers import HeaderPolicyMiddleware
    from reader.views import server_error

    response = HeaderPolicyMiddleware(server_error)(rf.get("/"))
    assert response.status_code == 500
    style = re.search(rb"<style>(.*?)</style>", response.content, re.DOTALL).group(1)
    digest = base64.b64encode(hashlib.sha256(style).digest()).decode()
    csp = response["Content-Security-Policy"]
    style_src = next(p for p in csp.split(";") if p.strip().startswith("style-src"))
    assert style_src.split() == ["style-src", "'self'", f"'sha256-{digest}'"]
    assert "unsafe-inline" not in csp
