"""The site stays up when Redis or PostgreSQL does not. Faults are caused here: a private
redis-server that the tests stop or freeze, and a TCP proxy between the application and
PostgreSQL that they cut (bench/faults.py). The shared services are never touched.

The Redis tests run in both passes of CI. The PostgreSQL tests need PostgreSQL, so they run
in the PostgreSQL pass (DATABASE_URL set) and are skipped on SQLite.
"""

import logging
import os
import shutil
import time
from unittest import mock

import pytest
from django.core import signing
from django.core.cache import caches
from django.db import close_old_connections, connection

from bench.faults import RedisServer, TcpProxy
from comments import flood, tokens
from comments.models import Comment
from pagecache import generations, middleware, shared
from tests.conftest import reset_caches
from tests.factories import make_article, make_category, make_user

ORIGIN = "http://testserver"
TEXT = "Bài viết rất hay, cảm ơn tòa soạn đã phản ánh kịp thời về chuyện đường làng."


def comment_form(article, **kw):
    with mock.patch.object(signing.time, "time", return_value=time.time() - 120):
        token = tokens.form_token(article)
    now_ms = int(time.time() * 1000)
    data = {"name": "Nguyễn Văn Bình", "email": "binh@example.vn", "content": TEXT,
            "website": "", "token": token, "shown_at": str(now_ms - 60_000),
            "sent_at": str(now_ms)}  # fmt: skip
    data.update(kw)
    return data


def timed(call, *args, **kwargs):
    started = time.perf_counter()
    response = call(*args, **kwargs)
    return response, time.perf_counter() - started


def eventually(check, seconds: float = 10):
    deadline = time.monotonic() + seconds
    while True:
        result = check()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(0.2)


# -- Redis ---------------------------------------------------------------------------------

# In CI (CI set) a missing redis-server fails the tests instead of skipping them.
needs_redis_server = pytest.mark.skipif(
    not shutil.which("redis-server") and not os.environ.get("CI"),
    reason="redis-server is not installed (.ci/run installs it)",
)


@pytest.fixture(scope="module")
def redis_server():
    server = RedisServer().start()
    yield server
    server.close()


def use_redis(settings, url):
    settings.CACHES = {
        "default": {
            "BACKEND": "pagecache.shared.ResilientRedisCache",
            "LOCATION": url,
            "KEY_PREFIX": "fault-test",
            "OPTIONS": {"COOLDOWN_SECONDS": 0.5},
        }
    }
    shared._breakers.clear()
    flood.local_counts.counts.clear()
    reset_caches()


@pytest.fixture
def redis_proxy(settings, redis_server):
    """Our redis-server behind a proxy: cut, it is unreachable; restored, it has its keys."""
    if redis_server.process is None:
        redis_server.start()
    proxy = TcpProxy(("127.0.0.1", redis_server.port)).start()
    use_redis(settings, f"redis://127.0.0.1:{proxy.port}/0")
    yield proxy
    proxy.stop()
    shared._breakers.clear()


@pytest.fixture
def private_redis(settings, redis_server):
    """The application's cache is our redis-server, behind the resilient backend with a
    short cool-down so the tests see it come back quickly."""
    if redis_server.process is None:
        redis_server.start()
    use_redis(settings, redis_server.url)
    yield redis_server
    if redis_server.process is None:
        redis_server.start()
    redis_server.resume()
    shared._breakers.clear()


def back_to_normal(redis_server):
    """Redis is back: after the breaker's cool-down, pages are cached in it again."""
    redis_server.start()
    time.sleep(0.6)
    middleware.local_tier.clear()
    return redis_server


@needs_redis_server
@pytest.mark.django_db
class TestRedisDown:
    def test_reader_pages_answer_while_redis_is_stopped_and_are_cached_again_after(
        self, client, private_redis
    ):
        article = make_article(category=make_category(name="Xã hội"))
        pages = ["/", article.category.get_absolute_url(), article.get_absolute_url(),
                 "/tim-kiem/?q=bai", "/rss/home.rss", f"/print/{article.public_id}/"]  # fmt: skip
        for url in pages:
            assert client.get(url).status_code == 200
        private_redis.stop()
        for url in pages:
            response, seconds = timed(client.get, url)
            assert response.status_code == 200, url
            assert seconds < 2, url
        assert client.get(article.get_absolute_url()).content.count(article.title.encode())
        back_to_normal(private_redis)
        url = article.get_absolute_url()
        states = [client.get(url)["X-Cache"] for _ in range(3)]
        assert states[-1] == "HIT" and "MISS" in states
        assert shared.available()

    def test_admin_login_works_while_redis_is_stopped(self, client, private_redis):
        make_user("bientap", is_staff=True, is_superuser=True)
        private_redis.stop()
        assert client.get("/admin/login/").status_code == 200
        response = client.post(
            "/admin/login/?next=/admin/", {"username": "bientap", "password": "pw"}
        )
        assert response.status_code == 302
        assert client.get("/admin/").status_code == 200

    def test_comment_is_stored_while_redis_is_stopped(self, client, private_redis):
        article = make_article()
        private_redis.stop()
        response = client.post(f"/binh-luan/{article.public_id}/", comment_form(article),
                               HTTP_ORIGIN=ORIGIN)  # fmt: skip
        assert response.status_code == 302
        assert Comment.objects.filter(article=article, content=TEXT).count() == 1

    def test_flood_limits_still_hold_while_redis_is_stopped(self, client, private_redis):
        article = make_article()
        private_redis.stop()
        codes = []
        for n in range(3):
            data = comment_form(article, content=f"{TEXT} Lần {n}.")
            codes.append(client.post(f"/binh-luan/{article.public_id}/", data,
                                     HTTP_ORIGIN=ORIGIN).status_code)  # fmt: skip
        assert codes[0] == 302 and 429 in codes[1:]
        assert Comment.objects.filter(article=article).count() == 1

    def test_a_stalled_redis_costs_a_fraction_of_a_second_not_five(self, client, private_redis):
        article = make_article()
        client.get(article.get_absolute_url())
        middleware.local_tier.clear()
        generations.forget_local()
        private_redis.pause()  # accepts connections, answers nothing
        try:
            for _ in range(3):
                response, seconds = timed(client.get, article.get_absolute_url())
                assert response.status_code == 200
                assert seconds < 1.5
        finally:
            private_redis.resume()

    def test_the_outage_is_logged_once_not_per_request(self, client, private_redis, caplog):
        make_article()
        private_redis.stop()
        with caplog.at_level(logging.WARNING, logger="pagecache.shared"):
            for _ in range(5):
                assert client.get("/").status_code == 200
        assert len([r for r in caplog.records if "unreachable" in r.getMessage()]) == 1

    def test_a_change_made_while_redis_is_down_shows_after_it_returns(self, client, redis_proxy):
        article = make_article(title="Tiêu đề cũ")
        url = article.get_absolute_url()
        client.get(url)
        assert client.get(url)["X-Cache"] == "HIT"
        redis_proxy.cut()  # unreachable, and back later with its old keys
        article.title = "Tiêu đề mới"
        article.save()  # its bump cannot be stored now
        assert "Tiêu đề mới" in client.get(url).content.decode()
        redis_proxy.restore()
        time.sleep(0.6)
        generations.forget_local()
        middleware.local_tier.clear()
        assert "Tiêu đề mới" in client.get(url).content.decode()
        middleware.local_tier.clear()  # another process: only Redis
        assert "Tiêu đề mới" in client.get(url).content.decode()


# -- the key count ---------------------------------------------------------------------------


def cache_keys() -> int:
    """Keys in the shared cache: Redis keys under the test prefix, or local-memory entries."""
    backend = caches["default"]
    store = getattr(backend, "_cache", None)
    if isinstance(store, dict):
        return len(store)
    client = backend._cache.get_client()
    return sum(1 for _ in client.scan_iter(match=f"{backend.key_prefix}:*", count=1000))


@pytest.mark.django_db
def test_random_query_strings_and_ids_add_a_handful_of_keys(client):
    import secrets

    category = make_category(name="Xã hội", slug="xa-hoi")
    article = make_article(category=category)
    month = article.get_absolute_url().split("/")[2]
    for url in ("/", "/xa-hoi/", article.get_absolute_url()):
        client.get(url)
    before = cache_keys()
    for _ in range(2000):
        response = client.get(f"/xa-hoi/?utm_source={secrets.token_hex(8)}")
        assert response.status_code == 200
    for n in range(2000):
        fake = f"/xa-hoi/{month}/bai-gia-{secrets.token_hex(4)[:7]}/"
        if n % 4 == 0:
            fake = f"/print/{secrets.token_hex(4)[:7]}/"
        assert client.get(fake).status_code == 404
    added = cache_keys() - before
    assert added <= 10, added


# -- PostgreSQL ------------------------------------------------------------------------------

needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL pass only (a proxy to PostgreSQL)"
)


@pytest.fixture
def database_proxy(transactional_db):
    """The application's database connections go through a proxy the test can cut."""
    params = connection.settings_dict
    host, port = params["HOST"] or "127.0.0.1", int(params["PORT"] or 5432)
    proxy = TcpProxy((host, port)).start()
    connection.close()
    connection.close_pool()
    old = params["HOST"], params["PORT"]
    params["HOST"], params["PORT"] = "127.0.0.1", str(proxy.port)
    yield proxy
    connection.close()
    connection.close_pool()
    params["HOST"], params["PORT"] = old
    proxy.stop()


class Reader:
    """The test client, closing database connections at the end of each request as a
    server does (Django's test client keeps them open between requests)."""

    def __init__(self, client):
        self.client = client

    def get(self, url, **extra):
        try:
            return self.client.get(url, **extra)
        finally:
            close_old_connections()

    def post(self, url, data, **extra):
        try:
            return self.client.post(url, data, **extra)
        finally:
            close_old_connections()


@pytest.fixture
def reader(client):
    return Reader(client)


def until_back(reader, url, seconds=10):
    return eventually(lambda: reader.get(url).status_code == 200, seconds)


@needs_postgresql
class TestPostgreSQLDown:
    def test_cached_page_is_served_stale_while_the_database_is_down(
        self, reader, database_proxy, monkeypatch
    ):
        article = make_article()
        url = article.get_absolute_url()
        monkeypatch.setattr(middleware, "FRESH_SECONDS", 0)  # every copy is stale at once
        assert reader.get(url).status_code == 200
        database_proxy.cut()
        response, seconds = timed(reader.get, url)
        assert response.status_code == 200 and response["X-Cache"] == "STALE"
        assert "Revalidation Failed" in response["Warning"]
        assert article.title in response.content.decode()
        assert seconds < 1.5
        database_proxy.restore()
        assert until_back(reader, url)
        assert reader.get(url)["X-Cache"] in ("MISS", "HIT")

    def test_last_good_copy_is_served_after_a_change_of_generation(self, reader, database_proxy):
        article = make_article()
        url = article.get_absolute_url()
        assert reader.get(url).status_code == 200
        generations.bump(generations.SITE)  # the page's key moves on; its last copy stays
        middleware.local_tier.clear()
        database_proxy.cut()
        response = reader.get(url)
        assert response.status_code == 200 and response["X-Cache"] == "STALE"
        database_proxy.restore()

    def test_uncached_page_is_a_short_503_with_retry_after(self, reader, database_proxy):
        article = make_article()
        database_proxy.cut()
        for url in (article.category.get_absolute_url(), "/tim-kiem/?q=xa"):
            response, seconds = timed(reader.get, url)
            assert response.status_code == 503
            assert response["Retry-After"].isdigit()
            assert "tạm thời" in response.content.decode()
            assert seconds < 1.0, seconds
        database_proxy.restore()
        assert until_back(reader, article.category.get_absolute_url())

    def test_admin_says_the_database_is_unreachable(self, reader, database_proxy):
        database_proxy.cut()
        response = reader.get("/admin/login/")
        assert response.status_code == 503
        assert "cơ sở dữ liệu tạm thời không truy cập được" in response.content.decode().lower()
        database_proxy.restore()
        assert until_back(reader, "/admin/login/")

    def test_comment_keeps_the_readers_text_and_is_stored_once_back(self, reader, database_proxy):
        article = make_article()
        data = comment_form(article)
        url = f"/binh-luan/{article.public_id}/"
        database_proxy.cut()
        response = reader.post(url, data, HTTP_ORIGIN=ORIGIN)
        body = response.content.decode()
        assert response.status_code == 503 and response["Retry-After"]
        assert TEXT in body and "Nguyễn Văn Bình" in body and "chưa được lưu" in body
        assert f'value="{data["token"]}"' in body  # sent again, it is the same form
        database_proxy.restore()
        assert until_back(reader, "/")
        assert reader.post(url, data, HTTP_ORIGIN=ORIGIN).status_code == 302
        assert Comment.objects.filter(article=article, content=TEXT).count() == 1
