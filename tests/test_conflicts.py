"""No silent overwrite, over HTTP: two people with the same article open, the lock and its
takeover, and workflow moves decided on a stale page."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from articles import locking
from articles.models import Article, ArticleLock
from tests.factories import make_byline, make_category, make_desk_article, make_user
from tests.test_admin import article_form, change_url, move_url

pytestmark = pytest.mark.django_db
S = Article.Status


@pytest.fixture
def newsroom():
    from articles import roles

    category = make_category(name="Xã hội")
    return {
        "category": category,
        "reporter": make_user("phongvien", group=roles.REPORTER, first_name="Phóng viên An"),
        "secretary": make_user("thuky", group=roles.SECRETARY, first_name="Thư", last_name="Ký"),
        "chief": make_user("tongbientap", group=roles.CHIEF, first_name="Tổng", last_name="Biên"),
    }


def session(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def opened_form(client, article, **changes) -> dict:
    """The form as the user's browser holds it after opening the page: the version the
    page was opened at included."""
    page = client.get(change_url(article))
    assert page.status_code == 200
    form = page.context["adminform"].form
    fresh = Article.objects.get(pk=article.pk)
    return article_form(fresh, opened_version=form["opened_version"].value(), **changes)


class TestTwoPeopleSavingTheSameArticle:
    def test_the_later_save_from_an_older_form_is_refused_and_nothing_is_lost(self, newsroom):
        article = make_desk_article(
            S.PENDING_APPROVAL, created_by=newsroom["reporter"], category=newsroom["category"],
            title="Tít cũ", sapo="Sapo cũ.",
        )  # fmt: skip
        chief, secretary = session(newsroom["chief"]), session(newsroom["secretary"])
        secretary_form = opened_form(secretary, article, sapo="Sapo mới của thư ký.")
        chief_form = opened_form(chief, article, title="Tít mới của tổng biên tập")

        assert chief.post(change_url(article), chief_form).status_code == 302
        refused = secretary.post(change_url(article), secretary_form)

        assert refused.status_code == 200
        page = refused.content.decode()
        assert "Tổng Biên đã lưu bài này lúc" in page
        assert "Tít mới của tổng biên tập" in page  # theirs, side by side
        assert 'value="Sapo mới của thư ký."' not in page  # the sapo is a textarea
        assert "Sapo mới của thư ký." in page  # yours, still in the form
        article.refresh_from_db()
        assert article.title == "Tít mới của tổng biên tập"  # the first person's title kept
        assert article.sapo == "Sapo cũ."

    def test_after_seeing_both_the_later_person_may_save_theirs(self, newsroom):
        article = make_desk_article(
            S.PENDING_APPROVAL, created_by=newsroom["reporter"], category=newsroom["category"]
        )
        chief, secretary = session(newsroom["chief"]), session(newsroom["secretary"])
        secretary_form = opened_form(secretary, article, sapo="Sapo của thư ký.")
        chief.post(change_url(article), opened_form(chief, article, title="Tít của lãnh đạo"))
        refused = secretary.post(change_url(article), secretary_form)
        current = refused.context["adminform"].form.conflict.current_version
        # The secretary keeps the chief's title and adds their sapo, having seen both.
        retry = secretary_form | {
            "title": "Tít của lãnh đạo",
            "overwrite_version": current,
        }
        assert secretary.post(change_url(article), retry).status_code == 302
        article.refresh_from_db()
        assert (article.title, article.sapo) == ("Tít của lãnh đạo", "Sapo của thư ký.")

    def test_a_save_from_the_current_version_goes_through(self, newsroom):
        article = make_desk_article(
            S.PENDING_APPROVAL, created_by=newsroom["reporter"], category=newsroom["category"]
        )
        chief = session(newsroom["chief"])
        first = opened_form(chief, article, title="Lần một")
        assert chief.post(change_url(article), first).status_code == 302
        second = opened_form(chief, article, title="Lần hai")
        assert chief.post(change_url(article), second).status_code == 302
        article.refresh_from_db()
        assert article.title == "Lần hai"


class TestLock:
    def test_opening_an_article_someone_is_editing_says_who_and_since_when(self, newsroom):
        article = make_desk_article(
            S.PENDING_APPROVAL, created_by=newsroom["reporter"], category=newsroom["category"]
        )
        session(newsroom["secretary"]).get(change_url(article))
        page = session(newsroom["chief"]).get(change_url(article)).content.decode()
        since = timezone.localtime(ArticleLock.objects.get(article=article).since)
        assert f"Bài đang được <strong>Thư Ký</strong> sửa từ {since:%H:%M}" in page
        assert "Tiếp quản bài" in page

    def test_only_a_chief_is_offered_the_takeover(self, newsroom):
        article = make_desk_article(
            S.PENDING_APPROVAL, created_by=newsroom["reporter"], category=newsroom["category"]
        )
        session(newsroom["chief"]).get(change_url(article))
        page = session(newsroom["secretary"]).get(change_url(article)).content.decode()
        assert "đang được <strong>Tổng Biên</strong> sửa" in page
        assert "Tiếp quản bài" not in page
        takeover = f"/admin/articles/article/{article.pk}/takeover/"
        assert session(newsroom["secretary"]).post(takeover).status_code == 403

    def test_a_lock_not_renewed_is_free(self, newsroom):
        article = make_desk_article(
            S.PENDING_APPROVAL, created_by=newsroom["reporter"], category=newsroom["category"]
        )
        session(newsroom["secretary"]).get(change_url(article))
        ArticleLock.objects.update(seen_at=timezone.now() - locking.LOCK_TTL - timedelta(1))
        page = session(newsroom["chief"]).get(change_url(article)).content.decode()
        assert "Bài đang được" not in page
        assert ArticleLock.objects.get(article=article).user == newsroom["chief"]

    def test_a_chief_takes_over_and_the_other_person_is_told_on_their_next_save(self, newsroom):
        article = make_desk_article(
            S.PENDING_APPROVAL, created_by=newsroom["reporter"], category=newsroom["category"]
        )
        secretary, chief = session(newsroom["secretary"]), session(newsroom["chief"])
        typed = opened_form(secretary, article, sapo="Đoạn thư ký đang gõ.")
        response = chief.post(f"/admin/articles/article/{article.pk}/takeover/")
        assert response.status_code == 302
        lock = ArticleLock.objects.get(article=article)
        assert (lock.user, lock.taken_from) == (newsroom["chief"], newsroom["secretary"])

        refused = secretary.post(change_url(article), typed)
        assert refused.status_code == 200
        page = refused.content.decode()
        assert "Tổng Biên đã tiếp quản bài này lúc" in page
        assert "Đoạn thư ký đang gõ." in page  # what they typed is still there
        article.refresh_from_db()
        assert article.sapo != "Đoạn thư ký đang gõ."


class TestStaleWorkflowMoves:
    def test_a_move_decided_on_a_page_older_than_a_save_is_refused(self, newsroom):
        article = make_desk_article(
            S.PENDING_APPROVAL, created_by=newsroom["reporter"], category=newsroom["category"]
        )
        chief, secretary = session(newsroom["chief"]), session(newsroom["secretary"])
        seen = Article.objects.get(pk=article.pk).version
        secretary.post(change_url(article), opened_form(secretary, article, title="Tít đổi"))
        response = chief.post(
            move_url(article), {"to_status": S.PUBLISHED, "version": seen}, follow=True
        )
        assert "sau khi bạn mở trang" in response.content.decode()
        article.refresh_from_db()
        assert article.status == S.PENDING_APPROVAL

    def test_the_panel_carries_the_version_and_a_current_move_goes_through(self, newsroom):
        article = make_desk_article(
            S.PENDING_APPROVAL, created_by=newsroom["reporter"], category=newsroom["category"]
        )
        chief = session(newsroom["chief"])
        page = chief.get(change_url(article)).content.decode()
        assert f'name="version" value="{article.version}"' in page
        chief.post(move_url(article), {"to_status": S.PUBLISHED, "version": article.version})
        article.refresh_from_db()
        assert article.status == S.PUBLISHED


class TestRecall:
    def test_the_author_recalls_a_submitted_article_until_it_is_claimed(self, newsroom):
        from articles import roles

        editor = make_user("bientapvien", group=roles.EDITOR)
        newsroom["category"].editors.add(editor)
        reporter = session(newsroom["reporter"])
        article = make_desk_article(
            S.SUBMITTED, created_by=newsroom["reporter"], category=newsroom["category"]
        )
        assert "Rút lại" in reporter.get(change_url(article)).content.decode()
        reporter.post(move_url(article), {"to_status": S.DRAFT, "version": article.version})
        article.refresh_from_db()
        assert article.status == S.DRAFT

        reporter.post(move_url(article), {"to_status": S.SUBMITTED})
        session(editor).post(move_url(article), {"to_status": S.EDITING})
        article.refresh_from_db()
        assert article.status == S.EDITING
        assert reporter.post(move_url(article), {"to_status": S.DRAFT}).status_code in (403, 404)
        article.refresh_from_db()
        assert article.status == S.EDITING


def test_bylines_survive_a_refused_save(newsroom):
    """The refused form is re-rendered with its inline rows as typed."""
    article = make_desk_article(
        S.PENDING_APPROVAL, created_by=newsroom["reporter"], category=newsroom["category"]
    )
    byline = make_byline(name="HẢI LĂNG")
    chief, secretary = session(newsroom["chief"]), session(newsroom["secretary"])
    typed = opened_form(secretary, article)
    typed |= {
        "byline_links-TOTAL_FORMS": "1",
        "byline_links-0-byline": byline.pk,
        "byline_links-0-role": "anh",
        "byline_links-0-position": "0",
    }
    chief.post(change_url(article), opened_form(chief, article, title="Tít khác"))
    refused = secretary.post(change_url(article), typed)
    assert refused.status_code == 200
    formset = refused.context["inline_admin_formsets"][0].formset
    assert formset.forms[0]["byline"].value() == str(byline.pk)
    assert not article.byline_links.exists()
