"""MEDIA_STORAGE and MEDIA_CDN_URL, read by newsroom/storage.py: the filesystem by default,
an S3-compatible bucket by URL, loud on a value it does not understand."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from newsroom.storage import CACHE_CONTROL, FILESYSTEM, media_storage


def test_empty_means_the_local_media_root():
    for value in ("", "file://"):
        media = media_storage(value)
        assert media.storage == FILESYSTEM and media.media_url == "/media/" and not media.is_s3


def test_a_minio_bucket_with_a_prefix():
    media = media_storage("s3://anh/baomau?endpoint=http://minio:9000/")
    options = media.storage["OPTIONS"]
    assert media.is_s3 and media.media_url == "http://minio:9000/anh/baomau/"
    assert options["bucket_name"] == "anh" and options["location"] == "baomau"
    assert options["endpoint_url"] == "http://minio:9000"
    assert options["addressing_style"] == "path"
    assert options["querystring_auth"] is False and options["default_acl"] is None
    assert options["object_parameters"] == {"CacheControl": CACHE_CONTROL}
    assert "access_key" not in options  # boto3's own chain: AWS_* variables, instance roles


def test_amazon_s3_and_credentials_in_the_url():
    media = media_storage("s3://AKIA:se%2Fcret@anh-baomau?region=ap-southeast-1")
    options = media.storage["OPTIONS"]
    assert media.media_url == "https://anh-baomau.s3.ap-southeast-1.amazonaws.com/"
    assert options["access_key"] == "AKIA" and options["secret_key"] == "se/cret"
    assert "endpoint_url" not in options


def test_a_cdn_base_url_replaces_the_buckets():
    media = media_storage("s3://anh/baomau?endpoint=http://minio:9000", cdn_url="https://cdn.vn/")
    assert media.media_url == "https://cdn.vn/baomau/"
    assert media.storage["OPTIONS"]["custom_domain"] == "cdn.vn"
    assert media.storage["OPTIONS"]["url_protocol"] == "https:"


@pytest.mark.parametrize(
    "value, cdn",
    [("ftp://anh", ""), ("s3://", ""), ("s3://anh?endpont=http://x", ""),
     ("s3://anh?endpoint=minio:9000", ""), ("s3://anh", "cdn.vn")],
)  # fmt: skip
def test_a_value_it_does_not_understand_stops_start_up(value, cdn):
    with pytest.raises(ImproperlyConfigured):
        media_storage(value, cdn_url=cdn)
