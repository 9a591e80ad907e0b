"""The photo library's rights, over HTTP with the newsroom's roles, and who may read
embargoed (scheduled) copy."""

from datetime import timedelta

import pytest
from django.contrib.admin.models import LogEntry
from django.utils import timezone

from articles import roles
from articles.models import Article, Image
from tests.factories import jpeg_bytes, make_article, make_category, make_image, make_user, upload

pytestmark = pytest.mark.django_db


def change_url(image) -> str:
    return f"/admin/articles/image/{image.pk}/change/"


def post_change(client, image, *, alt="Mô tả đã sửa", new_file=False):
    data = {"alt": alt, "caption": "Chú thích mới", "credit": "MINH AN"}
    if new_file:
        data["file"] = upload("thay.jpg", jpeg_bytes(900, 600, color=(200, 30, 30)))
    return client.post(change_url(image), data)


@pytest.fixture
def reporter():
    return make_user("pv_anh", roles.REPORTER)


@pytest.fixture
def other_reporter():
    return make_user("pv_khac", roles.REPORTER)


@pytest.fixture
def secretary():
    return make_user("tk_anh", roles.SECRETARY)


class TestReporter:
    def test_refused_on_another_users_image_on_a_live_cover(self, client, reporter, other_reporter):
        image = make_image(uploaded_by=other_reporter, alt="Ảnh bìa gốc")
        article = make_article(cover=image, title="Bài đang đăng")
        page = client.get(article.get_absolute_url()).content.decode()
        assert "Ảnh bìa gốc" in page
        old_file = image.file.name
        client.force_login(reporter)
        response = post_change(client, image, alt="Ảnh đã bị tráo", new_file=True)
        assert response.status_code == 403
        image.refresh_from_db()
        assert (image.alt, image.file.name) == ("Ảnh bìa gốc", old_file)
        assert "Ảnh đã bị tráo" not in client.get(article.get_absolute_url()).content.decode()

    def test_refused_on_their_own_image_once_live_copy_uses_it(self, client, reporter):
        image = make_image(uploaded_by=reporter)
        make_article(body=f'<figure><img data-file="{image.pk}" alt="x"></figure>')
        client.force_login(reporter)
        assert post_change(client, image).status_code == 403

    def test_refused_on_their_own_image_in_a_scheduled_article(self, client, reporter):
        image = make_image(uploaded_by=reporter)
        make_article(cover=image, published_at=timezone.now() + timedelta(days=1))
        client.force_login(reporter)
        assert post_change(client, image).status_code == 403

    def test_refused_on_another_users_unused_image(self, client, reporter, other_reporter):
        image = make_image(uploaded_by=other_reporter)
        client.force_login(reporter)
        assert post_change(client, image).status_code == 403

    def test_allowed_on_their_own_unused_image_words_and_file(self, client, reporter):
        image = make_image(uploaded_by=reporter)
        make_article(cover=image, status=Article.Status.DRAFT, created_by=reporter)
        client.force_login(reporter)
        response = post_change(client, image, alt="Mô tả mới của tôi")
        assert response.status_code == 302
        image.refresh_from_db()
        assert image.alt == "Mô tả mới của tôi"
        old_renditions = set(image.renditions.values_list("file", flat=True))
        assert post_change(client, image, new_file=True).status_code == 302
        image.refresh_from_db()
        assert (image.width, image.height) == (900, 600)
        assert not set(image.renditions.values_list("file", flat=True)) & old_renditions


class TestDesk:
    def test_secretary_replaces_a_live_image_and_every_page_shows_it_recorded(
        self, client, secretary, other_reporter
    ):
        image = make_image(uploaded_by=other_reporter, alt="Ảnh cũ")
        article = make_article(body=f'<figure><img data-file="{image.pk}" alt="Ảnh"></figure>')
        old = set(image.renditions.values_list("file", flat=True))
        assert any(n.rsplit("/", 1)[-1] in client.get(article.get_absolute_url()).content.decode()
                   for n in old)  # fmt: skip
        client.force_login(secretary)
        assert post_change(client, image, new_file=True).status_code == 302
        client.logout()
        page = client.get(article.get_absolute_url()).content.decode()
        new = set(Image.objects.get(pk=image.pk).renditions.values_list("file", flat=True))
        assert any(n.rsplit("/", 1)[-1] in page for n in new)
        assert not any(n.rsplit("/", 1)[-1] in page for n in old)
        notes = LogEntry.objects.filter(object_id=str(image.pk), user=secretary)
        assert any(article.public_id in entry.change_message for entry in notes)

    def test_editor_of_another_category_is_refused_on_live_copy(self, client, other_reporter):
        editor = make_user("btv_khac", roles.EDITOR)
        make_category(name="Văn hóa").editors.add(editor)
        image = make_image(uploaded_by=other_reporter)
        make_article(cover=image, category=make_category(name="Kinh tế"))
        client.force_login(editor)
        assert post_change(client, image).status_code == 403

    def test_editor_of_the_category_may_change_it(self, client, other_reporter):
        editor = make_user("btv_kt", roles.EDITOR)
        category = make_category(name="Kinh tế")
        category.editors.add(editor)
        image = make_image(uploaded_by=other_reporter)
        make_article(cover=image, category=category)
        client.force_login(editor)
        assert post_change(client, image).status_code == 302


class TestEmbargo:
    @pytest.fixture
    def scheduled(self):
        return make_article(
            title="Bài hẹn giờ", body="<p>Tin độc quyền chưa công bố.</p>",
            published_at=timezone.now() + timedelta(hours=3),
        )  # fmt: skip

    @pytest.fixture
    def moderator(self):
        return make_user("kd_bai", roles.MODERATOR)

    def test_moderator_sees_no_scheduled_article_anywhere(self, client, scheduled, moderator):
        client.force_login(moderator)
        urls = [
            f"/admin/articles/article/{scheduled.pk}/change/",
            scheduled.get_absolute_url(),
            f"/print/{scheduled.public_id}/",
        ]
        for url in urls:
            response = client.get(url)
            assert response.status_code in (302, 403, 404), url
            assert "Tin độc quyền" not in response.content.decode(), url
        listing = client.get("/admin/articles/article/").content.decode()
        assert "Bài hẹn giờ" not in listing

    def test_moderator_still_opens_live_articles(self, client, moderator):
        live = make_article(title="Bài đang đăng")
        client.force_login(moderator)
        assert client.get(f"/admin/articles/article/{live.pk}/change/").status_code == 200
        assert client.get(live.get_absolute_url()).status_code == 200

    def test_secretary_previews_scheduled_copy(self, client, scheduled, secretary):
        client.force_login(secretary)
        for url in (scheduled.get_absolute_url(), f"/print/{scheduled.public_id}/"):
            response = client.get(url)
            assert response.status_code == 200 and "Tin độc quyền" in response.content.decode()
