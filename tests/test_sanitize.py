"""Stored body HTML can never carry a script, whatever path it took into the database."""

import json
import re

import pytest
from django.core.management import call_command

from articles.models import Article
from articles.sanitize import clean_html
from tests.factories import make_article, make_category

pytestmark = pytest.mark.django_db

HOSTILE = (
    '<p onclick="steal()">Xin chào<script>alert(1)</script></p>'
    '<img src="/media/x.jpg" onerror="alert(2)">'
    '<img src="https://evil.example/track.gif" alt="t">'
    '<a href="javascript:alert(3)">bấm</a>'
    '<a href="data:text/html;base64,PHNjcmlwdD4=">dữ liệu</a>'
    '<p style="color:red">đỏ</p><iframe src="https://evil.example"></iframe>'
    "<svg><script>alert(4)</script></svg><style>body{}</style>"
)
FORBIDDEN = ["<script", "onclick", "onerror", "javascript:", "data:", "style=", "<iframe",
             "evil.example", "<svg", "<style"]  # fmt: skip


def assert_clean(html: str):
    lowered = html.lower()
    for needle in FORBIDDEN:
        assert needle not in lowered, needle


def test_cleaner_keeps_structure_and_our_own_figures():
    html = (
        "<h2>Tiêu đề</h2><p><strong>đậm</strong> <em>nghiêng</em> "
        '<a href="https://baochinhphu.vn">liên kết</a></p><ul><li>một</li></ul>'
        '<figure><img src="/media/images/a.jpg" data-file="12" alt="Ảnh"><figcaption>Chú thích'
        "</figcaption></figure><table><tbody><tr><td>1</td></tr></tbody></table><blockquote>"
        "<p>trích</p></blockquote>"
    )
    cleaned = clean_html(html)
    for piece in ["<h2>", "<strong>", "<em>", 'href="https://baochinhphu.vn"', "<ul>",
                  'data-file="12"', "<figcaption>", "<table>", "<blockquote>"]:  # fmt: skip
        assert piece in cleaned
    assert 'rel="noopener noreferrer"' in cleaned


def test_data_file_must_be_digits():
    assert "data-file" not in clean_html('<img src="/media/a.jpg" data-file="1 or 1=1">')


def test_cleaning_is_idempotent():
    once = clean_html(HOSTILE)
    assert clean_html(once) == once


def test_create_stores_clean_html():
    article = make_article(body=HOSTILE)
    stored = Article.objects.values_list("body", "body_html").get(pk=article.pk)
    for html in stored:
        assert_clean(html)
    assert "Xin chào" in stored[0]


def test_bulk_create_stores_clean_html():
    category = make_category()
    Article.objects.bulk_create(
        [Article(title="Một", public_id="aaaaaa1", category=category, body=HOSTILE)]
    )
    assert_clean(Article.objects.get(public_id="aaaaaa1").body)


def test_queryset_update_stores_clean_html():
    article = make_article()
    Article.objects.filter(pk=article.pk).update(body=HOSTILE)
    assert_clean(Article.objects.get(pk=article.pk).body)


def test_loaddata_fixture_stores_clean_html(tmp_path):
    category = make_category()
    fixture = tmp_path / "hostile.json"
    fixture.write_text(
        json.dumps(
            [
                {
                    "model": "articles.article",
                    "pk": 9001,
                    "fields": {
                        "title": "Từ fixture",
                        "slug": "tu-fixture",
                        "public_id": "abcdef1",
                        "category": category.pk,
                        "body": HOSTILE,
                        "status": "draft",
                        "created_at": "2026-11-27T08:00:00+07:00",
                        "updated_at": "2026-11-27T08:00:00+07:00",
                    },
                }
            ]  # fmt: skip
        ),
        encoding="utf-8",
    )
    call_command("loaddata", str(fixture), verbosity=0)
    assert_clean(Article.objects.get(pk=9001).body)


class TestForeignPictures:
    def test_foreign_image_in_a_figure_takes_the_figure_with_it(self):
        html = (
            '<p>a</p><figure><img src="https://evil.example/x.jpg" alt="x">'
            "<figcaption>Chú thích</figcaption></figure><p>b</p>"
        )
        assert clean_html(html) == "<p>a</p><p>b</p>"

    def test_foreign_image_alone_in_a_paragraph_leaves_no_empty_paragraph(self):
        assert clean_html('<p><img src="http://x.example/y.png"></p><p>c</p>') == "<p>c</p>"

    def test_foreign_image_inside_text_leaves_the_text(self):
        assert clean_html('<p>c<img src="http://x.example/y.png"> d</p>') == "<p>c d</p>"

    def test_figure_keeps_its_own_image_when_a_foreign_one_goes(self):
        html = (
            '<figure><img src="/media/a.jpg" alt="a"><img src="https://evil.example/b.jpg">'
            "<figcaption>c</figcaption></figure>"
        )
        assert (
            clean_html(html)
            == '<figure><img src="/media/a.jpg" alt="a"><figcaption>c</figcaption></figure>'
        )

    def test_library_image_without_src_waits_for_its_renditions(self):
        html = '<figure><img data-file="3" alt="x"><figcaption>c</figcaption></figure>'
        assert clean_html(html) == html

    def test_no_bare_img_survives_the_hostile_sample(self):
        for tag in re.findall(r"<img[^>]*>", clean_html(HOSTILE)):
            assert "src=" in tag

    def test_caption_with_a_doubled_credit_word_is_mended(self):
        html = "<figure><figcaption>Lễ khai mạc (Ảnh: Ảnh: X.T)</figcaption></figure>"
        assert "(Ảnh: X.T)" in clean_html(html) and "Ảnh: Ảnh" not in clean_html(html)
