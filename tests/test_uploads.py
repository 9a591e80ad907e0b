"""Uploads through the admin's photo library, over HTTP: no 500, no orphan row, no GPS in
the public original, a clear Vietnamese message for every refusal."""

import io

import pytest
from PIL import Image as PILImage

from articles import roles
from articles.models import Image
from tests.factories import jpeg_bytes, make_image, make_user, upload

pytestmark = pytest.mark.django_db
ADD = "/admin/articles/image/add/"
GPS_IFD = 0x8825
ORIENTATION = 0x0112


@pytest.fixture
def reporter(client):
    user = make_user("pv_tai", roles.REPORTER)
    client.force_login(user)
    return user


def add(client, name, data, content_type="image/jpeg"):
    form = {"alt": "Ảnh thử", "caption": "", "credit": "", "file": upload(name, data, content_type)}
    return client.post(ADD, form)


def errors(response) -> str:
    assert response.status_code == 200, response.status_code  # the form again, not a 500
    return " ".join(str(e) for e in response.context["adminform"].form.errors.get("file", []))


def jpeg_with_gps_rotated(width=300, height=200) -> bytes:
    image = PILImage.new("RGB", (width, height), (10, 200, 10))
    image.paste((200, 10, 10), (0, 0, width // 3, height))  # a red band on the left
    exif = PILImage.Exif()
    exif[ORIENTATION] = 6  # stored sideways: the camera says turn it 90° clockwise
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (21.0, 1.0, 30.0), 3: "E", 4: (105.0, 51.0, 0.0)})
    exif[0x010F] = "Máy ảnh phóng viên"
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif.tobytes())
    return buffer.getvalue()


def test_the_public_original_keeps_no_exif_and_stands_upright(client, reporter):
    assert add(client, "gps.jpg", jpeg_with_gps_rotated()).status_code == 302
    image = Image.objects.get()
    with image.file.open("rb") as stored:
        original = PILImage.open(io.BytesIO(stored.read()))
        assert not original.getexif()
        assert GPS_IFD not in original.getexif()
        assert original.size == (200, 300)  # the orientation applied, then dropped
        assert (image.width, image.height) == (200, 300)
        top_left = original.convert("RGB").getpixel((100, 10))
        assert top_left[0] > 150  # the red band is now on top


def test_a_png_and_a_webp_with_exif_are_stripped_too(client, reporter):
    for fmt, ext in (("PNG", "png"), ("WEBP", "webp")):
        exif = PILImage.Exif()
        exif.get_ifd(GPS_IFD).update({1: "N", 2: (21.0, 1.0, 30.0)})
        buffer = io.BytesIO()
        PILImage.new("RGB", (120, 80), (1, 2, 3)).save(buffer, fmt, exif=exif.tobytes())
        assert add(client, f"a.{ext}", buffer.getvalue(), f"image/{ext}").status_code == 302
    for image in Image.objects.all():
        with image.file.open("rb") as stored:
            assert not PILImage.open(io.BytesIO(stored.read())).getexif()


@pytest.mark.parametrize("size", [(480, 20_000), (20_000, 480)])
def test_tall_and_wide_images_within_the_limit_get_renditions(client, reporter, size):
    assert add(client, "dai.png", jpeg_bytes(*size, fmt="PNG"), "image/png").status_code == 302
    image = Image.objects.get()
    renditions = list(image.renditions.all())
    assert {r.format for r in renditions} == {"jpg", "webp"}
    assert all(max(r.width, r.height) <= 16383 for r in renditions)


def test_a_needle_of_an_image_is_refused_with_a_message_and_no_row(client, reporter):
    message = errors(add(client, "kim.png", jpeg_bytes(20, 20_000, fmt="PNG"), "image/png"))
    assert "quá dài hoặc quá hẹp" in message
    assert not Image.objects.exists()


def test_a_truncated_jpeg_gets_a_clear_message(client, reporter):
    data = jpeg_bytes(800, 600)
    message = errors(add(client, "cut.jpg", data[: len(data) // 2]))
    assert "hỏng hoặc không đầy đủ" in message
    assert "Không có tập tin" not in message
    assert not Image.objects.exists()


def test_a_file_that_is_no_image_is_refused(client, reporter):
    message = errors(add(client, "anh.jpg", b"<html><script>x</script></html>"))
    assert "không phải ảnh hợp lệ" in message


def test_a_long_original_name_is_accepted_and_stored_under_a_random_one(client, reporter):
    name = "ảnh-" + "rất-dài-" * 30 + ".jpg"
    assert len(name) > 200
    assert add(client, name, jpeg_bytes(300, 200)).status_code == 302
    stored = Image.objects.get().file.name
    assert stored.startswith("images/") and len(stored) < 60


def test_alt_and_caption_edits_without_a_new_file_save(client, reporter):
    image = make_image(uploaded_by=reporter)
    url = f"/admin/articles/image/{image.pk}/change/"
    form = {"alt": "Mô tả mới", "caption": "Chú thích mới", "credit": "MINH AN"}
    assert client.post(url, form).status_code == 302
    image.refresh_from_db()
    assert (image.alt, image.caption) == ("Mô tả mới", "Chú thích mới")
    assert image.renditions.count() == 6
