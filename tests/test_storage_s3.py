"""Photos in an S3-compatible bucket: the same upload checks and renditions as on disk,
against a real S3 API on loopback (moto's server), plus what only a bucket has."""

import io

import pytest
import requests
from django.core.management import call_command

from articles import roles
from articles.models import Article, Image
from newsroom.storage import CACHE_CONTROL
from tests import s3, test_images, test_picker
from tests.factories import jpeg_bytes, make_article, make_image, make_user, upload

pytestmark = pytest.mark.django_db

# Every test of the filesystem's photo library and picker, run again with the bucket.
globals().update({k: v for k, v in vars(test_images).items() if k.startswith("test_")})
TestPicker = test_picker.TestPicker
TestBodyFigures = test_picker.TestBodyFigures
reporter = test_picker.reporter


@pytest.fixture
def bucket(_test_settings, settings, s3_server):
    name = s3.new_bucket(s3_server)
    s3.use_bucket(settings, s3_server, name)
    return name


@pytest.fixture(autouse=True)
def _media_in_a_bucket(bucket):
    """Autouse: the tests imported above run with the bucket too."""


def test_original_and_renditions_are_in_the_bucket_with_long_cache_lifetimes(s3_server, bucket):
    image = make_image()
    stored = s3.keys(s3_server, bucket)
    names = [image.file.name, *image.renditions.values_list("file", flat=True)]
    assert sorted(stored) == sorted(names) and len(names) == 7
    head = s3.client(s3_server).head_object(Bucket=bucket, Key=image.file.name)
    assert head["CacheControl"] == CACHE_CONTROL


def test_urls_are_the_buckets_and_serve_the_bytes(settings, s3_server, bucket):
    image = make_image()
    url = image.url_for(960)
    assert url.startswith(f"{s3.endpoint(s3_server)}/{bucket}/renditions/")
    assert url.startswith(settings.MEDIA_URL) and "?" not in url  # plain, unsigned
    response = requests.get(url, timeout=5)
    assert response.status_code == 200 and response.content[:3] == b"\xff\xd8\xff"


def test_a_cdn_base_url_is_used_for_every_url(settings, s3_server, bucket):
    from newsroom.storage import media_storage

    media = media_storage(s3.media_url(s3_server, bucket), cdn_url="https://cdn.baomau.vn/anh")
    settings.STORAGES = {**settings.STORAGES, "default": media.storage}
    settings.MEDIA_URL = media.media_url
    image = make_image(alt="Bến cảng")
    assert image.url_for(480).startswith("https://cdn.baomau.vn/anh/renditions/")
    article = make_article(body=f'<figure><img src="x" data-file="{image.pk}"></figure>')
    assert 'src="https://cdn.baomau.vn/anh/renditions/' in article.body_html
    assert "srcset=" in article.body_html


def test_a_refused_upload_writes_nothing_to_the_bucket(client, s3_server, bucket):
    client.force_login(make_user(group=roles.REPORTER))
    for name, data in [
        ("x.jpg", b"<html><script>1</script></html>"),
        ("cut.jpg", jpeg_bytes()[:900]),
    ]:
        response = client.post(
            "/admin/articles/image/add/", {"file": upload(name, data), "alt": "Ảnh"}
        )
        assert response.status_code == 200 and 'id="id_file_error"' in response.content.decode()
    assert Image.objects.count() == 0
    assert s3.keys(s3_server, bucket) == {}


def test_a_replaced_file_leaves_no_old_rendition_behind(s3_server, bucket):
    image = make_image()
    old = set(image.renditions.values_list("file", flat=True))
    image.file = upload(data=jpeg_bytes(900, 600))
    image.save()
    now = set(s3.keys(s3_server, bucket))
    assert image.file.name in now and not old & now
    assert set(image.renditions.values_list("file", flat=True)) <= now
    assert image.renditions.count() == 4  # 480 and 900 in two formats


def copy(**options) -> str:
    out = io.StringIO()
    call_command("copy_media", stdout=out, verbosity=0, **options)
    return out.getvalue()


def test_copy_media_copies_a_media_root_once_and_resumes(settings, s3_server, bucket, tmp_path):
    root = tmp_path / "media"
    for name, size in [("images/2024/01/a.jpg", 10), ("renditions/2024/01/a-480.webp", 20),
                       ("images/2025/06/b.png", 30)]:  # fmt: skip
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(b"x" * size)
    s3.client(s3_server).put_object(Bucket=bucket, Key="images/2024/01/a.jpg", Body=b"x" * 10)
    assert "Copied 2 files; 1 were there." in copy(source=str(root))  # resumed after a stop
    assert s3.keys(s3_server, bucket) == {
        "images/2024/01/a.jpg": 10, "renditions/2024/01/a-480.webp": 20, "images/2025/06/b.png": 30
    }  # fmt: skip
    assert "Copied 0 files; 3 were there." in copy(source=str(root))
    (root / "images/2025/06/b.png").write_bytes(b"y" * 31)  # a half-copied or changed file
    assert "Copied 1 files; 2 were there." in copy(source=str(root))


def test_copy_media_redraws_bodies_with_bucket_urls(settings, s3_server, bucket, tmp_path):
    disk = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    bucket_storage, bucket_url = settings.STORAGES["default"], settings.MEDIA_URL
    settings.STORAGES = {**settings.STORAGES, "default": disk}
    settings.MEDIA_URL = "/media/"
    settings.MEDIA_ROOT = str(tmp_path / "media")
    image = make_image()
    article = make_article(body=f'<figure><img src="x" data-file="{image.pk}"></figure>')
    assert 'src="/media/renditions/' in article.body_html
    settings.STORAGES = {**settings.STORAGES, "default": bucket_storage}
    settings.MEDIA_URL = bucket_url
    assert "Redrew 1 article bodies." in copy(redraw=True)
    html = Article.objects.get(pk=article.pk).body_html
    assert f'src="{bucket_url}renditions/' in html and "/media/" not in html
    assert len(s3.keys(s3_server, bucket)) == 7
    assert requests.get(image.url_for(960), timeout=5).status_code == 200


def test_copy_media_refuses_to_copy_a_folder_onto_itself(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    settings.MEDIA_ROOT = str(tmp_path)
    with pytest.raises(Exception, match="MEDIA_STORAGE"):
        copy()
