"""Editing published copy is a recorded act: a reason, a revision, and for a correction a
note readers see, with the update time on the page and in the JSON-LD dateModified."""

import json
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from articles import revisions, roles
from articles.models import Article
from articles.vietnamese import iso
from tests.factories import make_desk_article, make_user
from tests.test_admin import article_form, change_url

pytestmark = pytest.mark.django_db
S = Article.Status


@pytest.fixture
def chief(client):
    user = make_user("tongbientap", group=roles.CHIEF)
    client.force_login(user)
    return user


def json_ld(html: str) -> dict:
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return json.loads(block.group(1))[0]


def edit_live(client, article, **changes):
    fresh = Article.objects.get(pk=article.pk)
    return client.post(
        change_url(article), article_form(fresh, opened_version=fresh.version, **changes)
    )


class TestCorrection:
    def test_a_correction_is_shown_to_readers_and_in_json_ld(self, client, chief):
        article = make_desk_article(S.PUBLISHED, body="<p>Công trình dài 12 km.</p>")
        response = edit_live(
            client, article, body="<p>Công trình dài 21 km.</p>",
            edit_reason="Chiều dài công trình là 21 km, không phải 12 km.", is_correction="on",
        )  # fmt: skip
        assert response.status_code == 302
        article.refresh_from_db()
        assert article.edited_at is not None
        client.logout()
        page = client.get(article.get_absolute_url()).content.decode()
        local = timezone.localtime(article.edited_at)
        assert (
            f'Cập nhật lúc <time datetime="{iso(article.edited_at)}">{local:%H:%M %d/%m/%Y}' in page
        )
        assert (
            "<strong>Đính chính:</strong> Chiều dài công trình là 21 km, không phải 12 km." in page
        )
        assert json_ld(page)["dateModified"] == iso(article.edited_at)
        latest = revisions.versions_of(article).first()
        assert latest.revision.comment.startswith("Đính chính:")

    def test_a_plain_edit_shows_the_update_time_but_no_correction(self, client, chief):
        article = make_desk_article(S.PUBLISHED)
        edit_live(client, article, title="Tít rõ hơn", edit_reason="Sửa tít cho rõ")
        article.refresh_from_db()
        client.logout()
        page = client.get(article.get_absolute_url()).content.decode()
        assert "Cập nhật lúc" in page and "Đính chính:" not in page
        comment = revisions.versions_of(article).first().revision.comment
        assert comment == "Sửa bài đang đăng: Sửa tít cho rõ"

    def test_an_edit_without_a_reason_is_refused_and_keeps_the_text(self, client, chief):
        article = make_desk_article(S.PUBLISHED, title="Tít đang đăng")
        response = edit_live(client, article, title="Tít sửa vội")
        assert response.status_code == 200
        assert 'value="Tít sửa vội"' in response.content.decode()
        article.refresh_from_db()
        assert article.title == "Tít đang đăng" and article.edited_at is None

    def test_an_unedited_article_reports_its_publication_as_modified(self, client):
        article = make_desk_article(S.PUBLISHED)
        page = client.get(article.get_absolute_url()).content.decode()
        assert json_ld(page)["dateModified"] == iso(article.published_at)
        assert "Cập nhật lúc" not in page

    def test_an_editor_may_not_change_live_copy_directly(self, client):
        category = make_desk_article(S.PUBLISHED).category
        editor = make_user(group=roles.EDITOR)
        category.editors.add(editor)
        article = make_desk_article(S.PUBLISHED, category=category)
        client.force_login(editor)
        response = edit_live(client, article, title="Tít của biên tập viên", edit_reason="x")
        assert response.status_code == 403
        article.refresh_from_db()
        assert article.title != "Tít của biên tập viên"


class TestReadingTime:
    def test_the_reader_page_shows_the_reading_time(self, client):
        words = " ".join(["chữ"] * 500)
        article = make_desk_article(
            S.PUBLISHED, body=f"<p>{words}</p>", published_at=timezone.now() - timedelta(hours=1)
        )
        page = client.get(article.get_absolute_url()).content.decode()
        assert "Đọc khoảng 3 phút" in page

    def test_vietnamese_words_are_syllables(self):
        from articles.reading import html_word_count, word_count

        assert word_count("Hà Nội, ngày 3/12: mưa to.") == 6
        assert html_word_count("<p>Một</p><p>hai ba</p>") == 3
