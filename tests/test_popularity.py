"""Đọc nhiều counting: a same-origin beacon, cache counters, batched F() updates."""

import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import ArticleView
from reader import popularity
from tests.factories import make_article

pytestmark = pytest.mark.django_db
READER = {"HTTP_ORIGIN": "http://testserver", "HTTP_USER_AGENT": "Mozilla/5.0 (Android) Chrome"}


def beacon(client, article, **headers):
    return client.post("/api/views/", {"id": str(article.pk)}, **{**READER, **headers})


def test_beacon_counts_in_the_cache_then_flushes_in_one_batch(client):
    article = make_article()
    for _ in range(5):
        response = beacon(client, article)
        assert response.status_code == 204
        assert "Set-Cookie" not in response
    assert not ArticleView.objects.exists()  # nothing written per view
    later = time.time() + 2 * popularity.WINDOW_SECONDS
    popularity.flush(now=later)
    assert ArticleView.objects.get(article=article).views == 5


def test_flush_adds_with_f_expressions_and_takes_no_row_lock():
    article = make_article()
    start = time.time()
    for _ in range(3):
        popularity.record_view(article.pk, now=start)
    popularity.flush(now=start + 2 * popularity.WINDOW_SECONDS)
    for _ in range(4):
        popularity.record_view(article.pk, now=start + 3 * popularity.WINDOW_SECONDS)
    with CaptureQueriesContext(connection) as queries:
        popularity.flush(now=start + 5 * popularity.WINDOW_SECONDS)
    sql = " ".join(q["sql"].upper() for q in queries)
    assert "FOR UPDATE" not in sql
    assert '"VIEWS" + ' in sql.replace("'", '"')  # UPDATE ... SET views = views + n
    assert ArticleView.objects.get(article=article).views == 7


def test_only_one_process_flushes_per_window(monkeypatch):
    calls = []
    monkeypatch.setattr(popularity, "flush", lambda now=None: calls.append(now))
    assert popularity.maybe_flush() is True
    assert popularity.maybe_flush() is False
    assert len(calls) == 1


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_ORIGIN": "https://evil.example"},
        {"HTTP_ORIGIN": ""},
        {"HTTP_USER_AGENT": "Googlebot/2.1 (+http://www.google.com/bot.html)"},
        {"HTTP_USER_AGENT": ""},
    ],
)
def test_other_origins_and_bots_are_not_counted(client, headers):
    article = make_article()
    assert beacon(client, article, **headers).status_code == 204
    popularity.flush(now=time.time() + 2 * popularity.WINDOW_SECONDS)
    assert not ArticleView.objects.filter(article=article).exists()


def test_staff_views_are_not_counted(client, admin_user):
    article = make_article()
    client.force_login(admin_user)
    beacon(client, article)
    popularity.flush(now=time.time() + 2 * popularity.WINDOW_SECONDS)
    assert not ArticleView.objects.filter(article=article).exists()


@pytest.mark.parametrize("value", ["", "abc", "-5", "99999999"])
def test_bad_ids_never_fail(client, value):
    response = client.post("/api/views/", {"id": value}, **READER)
    assert response.status_code == 204
    popularity.flush(now=time.time() + 2 * popularity.WINDOW_SECONDS)
    assert not ArticleView.objects.exists()


def test_beacon_refuses_get(client):
    assert client.get("/api/views/").status_code == 405


def test_article_page_carries_the_beacon_hook(client):
    article = make_article()
    html = client.get(article.get_absolute_url()).content.decode()
    assert f'data-article-id="{article.pk}"' in html and "data-count-view" in html
    assert "/static/js/site.js" in html
