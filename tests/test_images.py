"""The photo library refuses anything that is not a real, decodable, reasonably sized image."""

import io

import pytest
from django.core.exceptions import ValidationError
from PIL import Image as PILImage

from articles.models import Image, Rendition
from tests.factories import jpeg_bytes, make_article, make_image, upload

pytestmark = pytest.mark.django_db


def refused(name, data, content_type="image/jpeg") -> str:
    image = Image(alt="Ảnh", file=upload(name, data, content_type))
    with pytest.raises(ValidationError) as error:
        image.full_clean()
    return " ".join(error.value.messages)


def test_svg_is_refused_with_a_message():
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    assert "Chỉ nhận ảnh JPEG, PNG, WebP hoặc GIF" in refused("logo.svg", svg, "image/svg+xml")


def test_html_renamed_to_jpg_is_refused():
    assert "không phải ảnh hợp lệ" in refused("anh.jpg", b"<html><script>x</script></html>")


def test_truncated_jpeg_is_refused():
    data = jpeg_bytes(800, 600)
    assert "hỏng hoặc không đầy đủ" in refused("cut.jpg", data[: len(data) // 2])


def test_decompression_bomb_is_refused(settings):
    settings.MAX_IMAGE_PIXELS = 1000 * 1000
    buffer = io.BytesIO()
    PILImage.new("1", (1500, 1500)).save(buffer, "PNG")  # tiny file, 2.25 Mpx decoded
    message = refused("bomb.png", buffer.getvalue(), "image/png")
    assert "quá lớn" in message


def test_real_photos_are_accepted_in_every_allowed_format():
    for fmt, ext in [("JPEG", "jpg"), ("PNG", "png"), ("WEBP", "webp"), ("GIF", "gif")]:
        image = Image(alt="Ảnh", file=upload(f"a.{ext}", jpeg_bytes(300, 200, fmt=fmt)))
        image.full_clean()


def test_stored_under_a_dated_path_with_a_random_name():
    image = make_image(file=upload("Ảnh của tôi <script>.jpg"))
    assert image.file.name.startswith("images/")
    assert "tôi" not in image.file.name and "script" not in image.file.name
    assert image.width == 1800 and image.height == 1000


def test_renditions_made_once_in_webp_and_jpeg():
    image = make_image()
    sizes = sorted(image.renditions.values_list("width", "format"))
    assert sizes == [(480, "jpg"), (480, "webp"), (960, "jpg"), (960, "webp"),
                     (1600, "jpg"), (1600, "webp")]  # fmt: skip
    assert all(r.bytes > 0 for r in image.renditions.all())
    ids = set(image.renditions.values_list("pk", flat=True))
    image.caption = "Chú thích mới"
    image.save()
    assert set(image.renditions.values_list("pk", flat=True)) == ids
    assert Rendition.objects.count() == 6


def test_small_original_is_never_upscaled():
    image = make_image(width=700, height=400)
    assert sorted(set(image.renditions.values_list("width", flat=True))) == [480, 700]


def test_body_figure_gets_renditions_dimensions_and_lazy_loading():
    image = make_image(alt="Bến cảng")
    body = (
        f'<figure><img src="{image.url_for(960)}" data-file="{image.pk}" alt="Bến cảng">'
        "<figcaption>Cảng cá (Ảnh: MINH AN)</figcaption></figure>"
    )
    article = make_article(body=body)
    html = article.body_html
    assert 'width="960"' in html and 'height="533"' in html
    assert 'loading="lazy"' in html
    assert "srcset=" in html and "1600w" in html and ".webp" in html
    assert 'alt="Bến cảng"' in html


def test_dimensions_are_never_localised(settings):
    settings.USE_THOUSAND_SEPARATOR = True
    image = make_image(width=2000, height=1200)
    article = make_article(body=f'<figure><img src="/media/x.jpg" data-file="{image.pk}"></figure>')
    assert "1600w" in article.body_html
    assert "1.600" not in article.body_html
