"""Đọc nhiều counting: a same-origin beacon, cache counters, batched F() updates."""

import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import ArticleView
from reader import popularity, view_tokens
from tests.factories import make_article

pytestmark = pytest.mark.django_db
READER = {"HTTP_ORIGIN": "http://testserver", "HTTP_USER_AGENT": "Mozilla/5.0 (Android) Chrome"}


def beacon(client, article, **headers):
    form = {"id": str(article.pk), "token": view_tokens.issue(article.pk)}
    return client.post("/api/views/", form, **{**READER, **headers})


def test_beacon_counts_in_the_cache_then_flushes_in_one_batch(client):
    article = make_article()
    for n in range(5):  # five readers
        response = beacon(client, article, REMOTE_ADDR=f"198.51.100.{n + 1}")
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
    assert f'data-article-id="{article.pk}"' in html and 'data-count-view="' in html
    assert "/static/js/site.js" in html


# -- the view token and the reader window (reader/view_tokens.py) --------------------------


def views_of(article) -> int:
    popularity.flush(now=time.time() + 2 * popularity.WINDOW_SECONDS)
    row = ArticleView.objects.filter(article=article).first()
    return row.views if row else 0


def test_the_page_token_counts_once(client):
    article = make_article()
    html = client.get(article.get_absolute_url()).content.decode()
    token = html.split('data-count-view="', 1)[1].split('"', 1)[0]
    response = client.post("/api/views/", {"id": str(article.pk), "token": token}, **READER)
    assert response.status_code == 204
    assert views_of(article) == 1


@pytest.mark.parametrize("token", ["", "forged", "1:abc:def"])
def test_forged_or_missing_tokens_are_not_counted(client, token):
    article = make_article()
    client.post("/api/views/", {"id": str(article.pk), "token": token}, **READER)
    assert views_of(article) == 0


def test_a_token_of_another_article_is_not_counted(client):
    article, other = make_article(), make_article()
    form = {"id": str(article.pk), "token": view_tokens.issue(other.pk)}
    client.post("/api/views/", form, **READER)
    assert views_of(article) == 0


def test_an_expired_token_is_not_counted(client):
    article = make_article()
    issued = time.time() - view_tokens.TOKEN_MAX_AGE - view_tokens.TOKEN_STEP
    token = view_tokens.issue(article.pk, now=issued)
    client.post("/api/views/", {"id": str(article.pk), "token": token}, **READER)
    assert views_of(article) == 0


def test_three_hundred_beacons_from_one_reader_count_once(client):
    article = make_article()
    for _ in range(300):
        beacon(client, article)
    assert views_of(article) == 1


def test_one_address_faking_browsers_is_capped(client):
    article = make_article()
    for n in range(300):
        beacon(client, article, HTTP_USER_AGENT=f"Mozilla/5.0 (Android {n}) Chrome")
    assert views_of(article) == view_tokens.PER_ADDRESS_PER_ARTICLE


def test_one_address_is_rate_limited_across_articles(client):
    articles = [make_article() for _ in range(view_tokens.PER_ADDRESS_PER_MINUTE + 10)]
    now = 1_800_000_000.0  # one minute for all of them
    counted = 0
    for article in articles:
        request = type("R", (), {"META": {"REMOTE_ADDR": "203.0.113.5", "HTTP_USER_AGENT": "x"}})
        counted += view_tokens.admit(request, article.pk, now=now)
    assert counted == view_tokens.PER_ADDRESS_PER_MINUTE


def test_a_token_from_a_page_drawn_minutes_ago_still_counts():
    issued = time.time() - 20 * 60
    assert view_tokens.is_valid(view_tokens.issue(5, now=issued), 5)
    assert not view_tokens.is_valid(view_tokens.issue(5, now=time.time() + 3600), 5)


def test_the_same_reader_counts_again_in_a_later_window(client):
    request = type("R", (), {"META": {"REMOTE_ADDR": "203.0.113.5", "HTTP_USER_AGENT": "x"}})
    now = 1_800_000_000.0
    assert view_tokens.admit(request, 7, now=now)
    assert not view_tokens.admit(request, 7, now=now + 60)
    assert view_tokens.admit(request, 7, now=now + view_tokens.READER_WINDOW)
