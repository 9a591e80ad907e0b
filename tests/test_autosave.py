"""Autosave over HTTP: saved privately for the user, offered on reopening, restored into
the form, discarded, cleared by a real save, and one row per user and article."""

import json

import pytest

from articles import roles
from articles.models import Article, ArticleAutosave, ArticleLock
from tests.factories import make_desk_article, make_user
from tests.test_admin import article_form, change_url

pytestmark = pytest.mark.django_db
S = Article.Status


@pytest.fixture
def reporter(client):
    user = make_user("phongvien", group=roles.REPORTER)
    client.force_login(user)
    return user


def autosave_url(article) -> str:
    return f"/admin/articles/article/{article.pk}/autosave/"


def typed(article, **changes) -> str:
    """The form's fields as the page's script sends them: name -> list of values."""
    data = article_form(article, **changes)
    return json.dumps({key: [str(value)] for key, value in data.items()})


def test_an_autosave_is_saved_offered_and_restored(client, reporter):
    article = make_desk_article(S.DRAFT, created_by=reporter, title="Tít đã lưu")
    client.get(change_url(article))
    response = client.post(
        autosave_url(article),
        {
            "data": typed(article, title="Tít đang gõ", sapo="Sapo đang gõ."),
            "version": article.version,
        },
    )
    assert response.status_code == 200 and "saved_at" in response.json()
    saved = ArticleAutosave.objects.get(article=article, user=reporter)
    assert saved.data["title"] == ["Tít đang gõ"]
    article.refresh_from_db()
    assert article.title == "Tít đã lưu"  # an autosave is not a save

    page = client.get(change_url(article)).content.decode()
    assert "Khôi phục bản lưu tự động lúc" in page

    restored = client.get(change_url(article), {"autosave": "restore"})
    form = restored.context["adminform"].form
    assert form["title"].value() == "Tít đang gõ"
    assert form["sapo"].value() == "Sapo đang gõ."
    assert form["opened_version"].value() == article.version


def test_each_autosave_overwrites_the_last(client, reporter):
    article = make_desk_article(S.DRAFT, created_by=reporter)
    for n in range(5):
        client.post(autosave_url(article), {"data": typed(article, title=f"Lần {n}")})
    assert ArticleAutosave.objects.filter(article=article).count() == 1
    assert ArticleAutosave.objects.get().data["title"] == ["Lần 4"]


def test_an_autosave_is_private_to_its_user(client, reporter):
    article = make_desk_article(S.EDITING, created_by=reporter)
    client.post(autosave_url(article), {"data": typed(article, title="Riêng tôi")})
    secretary = make_user(group=roles.SECRETARY)
    client.force_login(secretary)
    page = client.get(change_url(article)).content.decode()
    assert "Khôi phục bản lưu tự động" not in page
    restored = client.get(change_url(article), {"autosave": "restore"})
    assert restored.context["adminform"].form["title"].value() != "Riêng tôi"


def test_saving_clears_the_autosave_and_discard_drops_it(client, reporter):
    article = make_desk_article(S.DRAFT, created_by=reporter)
    client.post(autosave_url(article), {"data": typed(article, title="Nháp tạm")})
    data = article_form(article, title="Đã lưu thật", opened_version=article.version)
    assert client.post(change_url(article), data).status_code == 302
    assert not ArticleAutosave.objects.exists()

    client.post(autosave_url(article), {"data": typed(article, title="Nháp tạm 2")})
    client.post(autosave_url(article), {"action": "discard"})
    assert not ArticleAutosave.objects.exists()


def test_an_autosave_renews_the_lock_and_refuses_bad_data(client, reporter):
    article = make_desk_article(S.DRAFT, created_by=reporter)
    client.get(change_url(article))
    seen = ArticleLock.objects.get().seen_at
    client.post(autosave_url(article), {"data": typed(article)})
    assert ArticleLock.objects.get().seen_at > seen
    assert client.post(autosave_url(article), {"data": "[1, 2"}).status_code == 400
    assert client.get(autosave_url(article)).status_code == 405


def test_someone_who_may_not_edit_cannot_autosave(client, reporter):
    article = make_desk_article(S.SUBMITTED, created_by=reporter)  # left the reporter's hands
    response = client.post(autosave_url(article), {"data": typed(article)})
    assert response.status_code == 403
    assert not ArticleAutosave.objects.exists()


def test_a_new_articles_form_is_autosaved_and_offered_on_the_next_add_form(client, reporter):
    from tests.factories import make_category

    category = make_category()
    url = "/admin/articles/article/autosave-new/"
    data = json.dumps({"title": ["Bài mới chưa lưu"], "category": [str(category.pk)]})
    assert client.post(url, {"data": data}).status_code == 200
    client.post(url, {"data": data})
    assert ArticleAutosave.objects.filter(article=None, user=reporter).count() == 1

    page = client.get("/admin/articles/article/add/").content.decode()
    assert "Khôi phục bản lưu tự động lúc" in page
    assert 'name="title"' in page  # the form itself renders below the offer
    assert 'data-url="/admin/articles/article/autosave-new/" data-version="0"' in page
    restored = client.get("/admin/articles/article/add/", {"autosave": "restore"})
    form = restored.context["adminform"].form
    assert form["title"].value() == "Bài mới chưa lưu"
    assert str(form["category"].value()) == str(category.pk)

    saved = article_form(None, title="Bài mới chưa lưu", category=category.pk)
    assert client.post("/admin/articles/article/add/", saved).status_code == 302
    assert not ArticleAutosave.objects.exists()
