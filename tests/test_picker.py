"""The photo library picker that django-prose-editor's Figure dialog opens, the body's
figures after saving, and the editor's Vietnamese labels."""

import json
import re

import pytest

from articles import roles
from articles.models import Article, Image
from tests.factories import jpeg_bytes, make_category, make_image, make_user, upload

pytestmark = pytest.mark.django_db
PICKER = "/admin/articles/image/picker/"


@pytest.fixture
def reporter(client):
    user = make_user(group=roles.REPORTER)
    client.force_login(user)
    return user


def payload_of(response) -> dict:
    """The JSON the picker page hands to window.opener (json_script, read by picker.js)."""
    found = re.search(
        r'<script id="picker-payload" type="application/json">(.*?)</script>',
        response.content.decode(),
        re.S,
    )
    return json.loads(found.group(1))


class TestPicker:
    def test_returns_what_the_editor_expects(self, client, reporter):
        image = make_image(alt="Lễ khai mạc", caption="Quang cảnh lễ khai mạc", credit="MINH AN")
        response = client.get(PICKER, {"CKEditorFuncNum": "-1", "choose": image.pk})
        assert response.status_code == 200
        payload = payload_of(response)
        rendition_960 = image.renditions.get(width=960, format="jpg").file.url
        # editor.js: callFunction(funcNum, url, data) keeps String(data.id) as data-file and
        # pre-fills alt from data.alternative_text and the caption from data.caption.
        assert payload == {
            "funcNum": "-1",
            "id": image.pk,
            "url": rendition_960,
            "alternative_text": "Lễ khai mạc",
            "caption": "Quang cảnh lễ khai mạc (Ảnh: MINH AN)",
            "credit": "MINH AN",
            "thumbnail": image.renditions.get(width=480, format="jpg").file.url,
        }
        assert "admin-newsroom/picker.js" in response.content.decode()

    def test_search_ignores_accents(self, client, reporter):
        wanted = make_image(caption="Sinh hoạt chi bộ khu phố")
        make_image(caption="Bãi biển Nha Trang")
        response = client.get(PICKER, {"CKEditorFuncNum": "-2", "q": "chi bo"})
        assert list(response.context["page"].object_list) == [wanted]
        links = re.findall(r"choose=(\d+)", response.content.decode())
        assert links == [str(wanted.pk)]

    def test_uploads_a_photo_with_caption_credit_and_alt_then_hands_it_back(self, client, reporter):
        response = client.post(
            f"{PICKER}?CKEditorFuncNum=-3",
            {
                "file": upload(data=jpeg_bytes(1200, 800)),
                "alt": "Tàu cá vào bờ",
                "caption": "Ngư dân Cam Ranh",
                "credit": "HOÀNG VIỆT",
            },
        )
        image = Image.objects.get()
        assert image.uploaded_by == reporter and image.credit == "HOÀNG VIỆT"
        payload = payload_of(response)
        assert (
            payload["id"] == image.pk and payload["caption"] == "Ngư dân Cam Ranh (Ảnh: HOÀNG VIỆT)"
        )
        assert payload["url"].endswith("-960.jpg")

    def test_an_upload_without_alt_or_with_a_fake_image_is_refused(self, client, reporter):
        response = client.post(
            f"{PICKER}?CKEditorFuncNum=-3",
            {"file": upload(data=b"<svg onload=alert(1)>", name="x.jpg"), "alt": ""},
        )
        assert response.status_code == 200
        assert set(response.context["form"].errors) == {"file", "alt"}
        assert not Image.objects.exists()

    def test_refuses_anonymous_and_non_staff_users(self, client):
        image = make_image()
        query = {"CKEditorFuncNum": "-1", "choose": image.pk}
        response = client.get(PICKER, query)
        assert response.status_code == 302 and response.url.startswith("/admin/login/")
        client.force_login(make_user())  # a reader account, not staff
        response = client.get(PICKER, query)
        assert response.status_code == 302 and response.url.startswith("/admin/login/")
        assert b"picker-payload" not in response.content

    def test_refuses_staff_without_access_to_the_library(self, client):
        client.force_login(make_user(group=roles.MODERATOR))
        assert client.get(PICKER, {"CKEditorFuncNum": "-1"}).status_code == 403

    @pytest.mark.parametrize("func_num", ["", "abc", "-1</script>", "1;alert(1)"])
    def test_refuses_a_malformed_callback_number(self, client, reporter, func_num):
        assert client.get(PICKER, {"CKEditorFuncNum": func_num}).status_code == 400


class TestEditorSetup:
    def test_the_body_editor_opens_the_picker(self, client, reporter):
        page = client.get("/admin/articles/article/add/").content.decode()
        config = re.search(r'data-django-prose-editor-configurable="([^"]+)"', page).group(1)
        config = json.loads(config.replace("&quot;", '"').replace("&amp;", "&"))
        assert config["extensions"]["Figure"] == {"pickerUrl": PICKER}
        for name in (
            "Heading",
            "Bold",
            "Italic",
            "Underline",
            "Link",
            "BulletList",
            "OrderedList",
            "Blockquote",
            "Table",
            "HorizontalRule",
            "Caption",
            "Image",
        ):
            assert name in config["extensions"], name  # fmt: skip

    def test_editor_labels_are_in_the_vietnamese_catalog(self, client, reporter):
        catalog = client.get("/admin/jsi18n/").content.decode()
        for vietnamese in ("Chèn ảnh", "Chọn ảnh…", "Mô tả ảnh (alt)", "In đậm", "Chèn bảng"):
            assert json.dumps(vietnamese)[1:-1] in catalog or vietnamese in catalog, vietnamese

    def test_cover_chooser_shows_the_chosen_photo(self, client, reporter):
        image = make_image(caption="Ảnh bìa")
        article = Article.objects.create(
            title="Bài có ảnh bìa", category=make_category(), cover=image, created_by=reporter,
            status=Article.Status.DRAFT,
        )  # fmt: skip
        page = client.get(f"/admin/articles/article/{article.pk}/change/").content.decode()
        assert 'data-func-num="chooser-id_cover"' in page
        assert image.url_for(480) in page


class TestBodyFigures:
    def body_with(self, image, src=None) -> str:
        src = src or image.url_for(960)
        return (
            f'<p>Mở đầu.</p><figure class="figure"><img src="{src}" alt="Quang cảnh" '
            f'data-file="{image.pk}"><figcaption class="figure-caption">Quang cảnh '
            f"(Ảnh: MINH AN)</figcaption></figure>"
        )

    def post_article(self, client, body):
        data = {
            "title": "Bài có ảnh trong nội dung",
            "sapo": "",
            "body": body,
            "category": make_category().pk,
            "cover": "",
            "source": "",
            "comments_enabled": "on",
        }
        for prefix in ("byline_links", "transitions", "revisions"):
            data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
        return client.post("/admin/articles/article/add/", data)

    def test_a_saved_figure_renders_with_srcset_width_and_height(self, client, reporter):
        image = make_image(width=1800, height=1000)
        assert self.post_article(client, self.body_with(image)).status_code == 302
        article = Article.objects.get()
        assert f'data-file="{image.pk}"' in article.body
        img = re.search(r"<img [^>]*>", article.body_html).group(0)
        assert 'srcset="' in img and "960w" in img and "1600w" in img
        assert 'width="960"' in img and 'height="533"' in img
        assert 'alt="Quang cảnh"' in img and 'loading="lazy"' in img
        assert "<figcaption>Quang cảnh (Ảnh: MINH AN)</figcaption>" in article.body_html

    def test_an_image_typed_as_a_url_is_refused(self, client, reporter, settings):
        image = make_image()
        typed = f"{settings.MEDIA_URL}images/x.jpg"  # our own media's URL: disk or bucket
        body = f'<figure><img src="{typed}" alt="x"><figcaption>x</figcaption></figure>'
        response = self.post_article(client, body)
        assert response.status_code == 200
        assert "Thư viện ảnh" in str(response.context["adminform"].form.errors["body"])
        assert not Article.objects.exists()
        foreign = self.body_with(image, src="https://example.com/hotlink.jpg")
        assert self.post_article(client, foreign).status_code == 302  # the id wins
        assert "example.com" not in Article.objects.get().body
