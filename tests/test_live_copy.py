"""Editing published copy is a recorded act: a reason, a revision, and for a correction a
note readers see, with the update time on the page and in the JSON-LD dateModified."""

import json
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from articles import revisions, roles
from articles.models import Article, LiveEditProposal
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


class TestDeskEditorProposal:
    @pytest.fixture
    def desk_editor(self):
        article = make_desk_article(S.PUBLISHED, title="Tít đang đăng")
        editor = make_user("bientapvien", group=roles.EDITOR, first_name="Bình")
        article.category.editors.add(editor)
        return article, editor

    def test_an_editors_change_to_live_copy_waits_for_approval(self, client, desk_editor):
        article, editor = desk_editor
        client.force_login(editor)
        response = edit_live(
            client, article, title="Tít biên tập viên đề xuất", edit_reason="Tít chính xác hơn"
        )
        assert response.status_code == 302
        article.refresh_from_db()
        assert article.title == "Tít đang đăng" and article.edited_at is None  # not live yet
        proposal = LiveEditProposal.objects.get()
        assert proposal.state == "pending" and proposal.user == editor

        chief = make_user("tongbientap", group=roles.CHIEF)
        client.force_login(chief)
        page = client.get(change_url(article)).content.decode()
        assert "Đề xuất sửa bài đang đăng" in page and "Duyệt và áp dụng" in page
        assert "<ins>biên tập viên đề xuất</ins>" in page
        assert "Đề xuất sửa bài đang đăng" in client.get("/admin/").content.decode()
        url = f"/admin/articles/article/{article.pk}/de-xuat/{proposal.pk}/"
        assert client.post(url, {"action": "approve"}).status_code == 302
        article.refresh_from_db()
        assert article.title == "Tít biên tập viên đề xuất" and article.edited_at is not None
        proposal.refresh_from_db()
        assert proposal.state == "approved" and proposal.decided_by == chief
        assert "đề xuất của bientapvien" in revisions.versions_of(article).first().revision.comment

    def test_a_rejected_proposal_changes_nothing_and_an_editor_cannot_decide(
        self, client, desk_editor
    ):
        article, editor = desk_editor
        client.force_login(editor)
        edit_live(client, article, title="Tít khác", edit_reason="Thử", is_correction="on")
        proposal = LiveEditProposal.objects.get()
        url = f"/admin/articles/article/{article.pk}/de-xuat/{proposal.pk}/"
        assert client.post(url, {"action": "approve"}).status_code == 403
        client.force_login(make_user(group=roles.CHIEF))
        client.post(url, {"action": "reject"})
        proposal.refresh_from_db()
        article.refresh_from_db()
        assert proposal.state == "rejected" and article.title == "Tít đang đăng"
        assert article.correction_note == ""
