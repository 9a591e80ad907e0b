"""body_html and search_text are derived from the body on every way into the table, and a
raw value that got past them all is still never served: checked over HTTP on the article
and print pages with a list of hostile bodies."""

import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from articles.models import Article
from tests.factories import make_article, make_category

pytestmark = pytest.mark.django_db

PAYLOADS = [
    "<script>alert('xss')</script>",
    "<img src=x onerror=alert('xss')>",
    '<img src="/media/a.jpg" onerror="alert(1)">',
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<a href="javascript:alert(1)">bấm</a>',
    '<a href="JaVaScRiPt:alert(1)">bấm</a>',
    '<a href="&#106;avascript:alert(1)">bấm</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<iframe src="https://evil.example"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<object data="https://evil.example/x.swf"></object>',
    '<embed src="https://evil.example/x.swf">',
    "<style>body{background:url(https://evil.example)}</style>",
    '<p style="background:url(javascript:alert(1))">đỏ</p>',
    '<p onclick="alert(1)">bấm</p>',
    '<p onmouseover="alert(1)">rê</p>',
    '<input autofocus onfocus="alert(1)">',
    '<form action="https://evil.example"><button>gửi</button></form>',
    '<button formaction="javascript:alert(1)">x</button>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<details open ontoggle="alert(1)">',
    '<body onload="alert(1)">',
    '<meta http-equiv="refresh" content="0;url=https://evil.example">',
    '<base href="https://evil.example/">',
    '<link rel="stylesheet" href="https://evil.example/x.css">',
    '<img src="https://evil.example/track.gif">',
    '<img src="/media//evil.example/x.gif">',
    '<img srcset="https://evil.example/x.gif 1x">',
    '<video><source onerror="alert(1)"></video>',
    '<audio src=x onerror="alert(1)">',
    "<!--<script>alert(1)</script>-->",
    '<a href="vbscript:msgbox(1)">x</a>',
    '<table background="javascript:alert(1)"><tr><td>x</td></tr></table>',
    '<div><noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript></div>',
    '"><script>alert(1)</script>',
]
BODY = "<p>Đoạn mở đầu.</p>" + "".join(PAYLOADS) + "<p>Đoạn kết thúc.</p>"
FORBIDDEN = [
    "alert(", "onerror", "onload", "onclick", "onmouseover", "onfocus", "ontoggle",
    "javascript:", "vbscript:", "evil.example", "<iframe", "<svg", "<object", "<embed",
    "<style", "srcdoc", "formaction", "<math", "<base", "<video", "<audio", "autofocus",
    'http-equiv="refresh"', "msgbox",
]  # fmt: skip


def assert_served_clean(client, article):
    article.refresh_from_db()
    for url in (article.get_absolute_url(), f"/print/{article.public_id}/"):
        response = client.get(url)
        assert response.status_code == 200, url
        page = response.content.decode().lower()
        for needle in FORBIDDEN:
            assert needle not in page, (url, needle)
        assert "đoạn mở đầu." in page  # the harmless words are kept
    stored = Article.objects.get(pk=article.pk)
    for column in (stored.body, stored.body_html):
        for needle in FORBIDDEN:
            assert needle not in column.lower(), needle


@pytest.fixture
def category():
    return make_category(name="Thời sự")


def test_save(client, category):
    assert_served_clean(client, make_article(category=category, body=BODY))


def test_create(client, category):
    article = Article.objects.create(
        title="Tạo thẳng", category=category, body=BODY, status="published"
    )
    assert_served_clean(client, article)


def test_bulk_create_derives_html_and_search_text(client, category):
    (article,) = Article.objects.bulk_create(
        [
            Article(
                title="Nhập hàng loạt", slug="nhap-hang-loat", category=category, body=BODY,
                status="published", published_at=timezone.now() - timedelta(hours=1),
            )
        ]
    )  # fmt: skip
    stored = Article.objects.get(pk=article.pk)
    assert "đoạn mở đầu" in stored.body_html.lower()  # not an empty page
    assert "doan mo dau" in stored.search_text
    assert (stored.search_vector is not None) == (connection.vendor == "postgresql")
    assert_served_clean(client, stored)


def test_bulk_create_ignores_a_body_html_it_was_given(client, category):
    given = Article(title="Giả", category=category, body="<p>Thật.</p>", status="published")
    given.body_html = "<script>alert('xss')</script>"
    given.search_text = given.search_vector = "giả"
    (article,) = Article.objects.bulk_create([given], defer_vectors=True)
    stored = Article.objects.get(pk=article.pk)
    assert (stored.body_html, stored.search_text) == ("<p>Thật.</p>", "gia  that.")
    assert stored.search_vector is None  # until the caller's update_search_vectors()


def test_update_of_the_body_shows_the_new_body_at_once(client, category):
    article = make_article(category=category, body="<p>Bản cũ.</p>")
    url = article.get_absolute_url()
    assert "Bản cũ." in client.get(url).content.decode()  # now cached
    Article.objects.filter(pk=article.pk).update(body=BODY)
    page = client.get(url).content.decode()
    assert "Bản cũ." not in page and "Đoạn mở đầu." in page
    assert_served_clean(client, article)
    assert "doan mo dau" in Article.objects.get(pk=article.pk).search_text


@pytest.mark.parametrize("column", ["body_html", "search_text", "search_vector", "search_exact"])
def test_update_of_a_derived_column_is_refused(category, column):
    article = make_article(category=category)
    with pytest.raises(ValueError, match="không ghi trực tiếp"):
        Article.objects.filter(pk=article.pk).update(**{column: "<script>alert(1)</script>"})


def test_loaddata_derives_from_the_body_and_ignores_a_given_body_html(client, category, tmp_path):
    fixture = tmp_path / "articles.json"
    fields = {
        "title": "Từ tệp dữ liệu", "slug": "tu-tep-du-lieu", "public_id": "f00d001",
        "category": category.pk, "section": category.pk, "status": "published",
        "published_at": "2026-01-01T00:00:00Z", "body": BODY,
        "body_html": "<script>alert('xss')</script><p>giả</p>", "search_text": "gia",
        "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z",
    }  # fmt: skip
    fixture.write_text(json.dumps([{"model": "articles.article", "pk": 9001, "fields": fields}]))
    call_command("loaddata", str(fixture), verbosity=0)
    article = Article.objects.get(pk=9001)
    assert "giả" not in article.body_html and "Đoạn mở đầu." in article.body_html
    assert "doan mo dau" in article.search_text
    assert_served_clean(client, article)


def test_a_raw_sql_write_is_cleaned_on_the_way_out(client, category):
    article = make_article(category=category, body="<p>Đoạn kết thúc.</p>")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE articles_article SET body_html = %s WHERE id = %s", [BODY, article.pk]
        )
    page = client.get(article.get_absolute_url()).content.decode().lower()
    for needle in FORBIDDEN:
        assert needle not in page, needle
