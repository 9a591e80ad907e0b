"""Where uploaded photos live: the local MEDIA_ROOT, or an S3-compatible bucket.

`MEDIA_STORAGE` names it in one URL, parsed here so settings.py stays a list of knobs:

    (empty) or file://                   MEDIA_ROOT on this machine (the default)
    s3://bucket                          Amazon S3; credentials from boto3's usual chain
    s3://bucket/prefix?endpoint=http://minio:9000&region=us-east-1
    s3://KEY:SECRET@bucket?endpoint=...  credentials in the URL (percent-encode them)

Files are named at random and never rewritten, so the bucket (or the CDN in front of it,
`MEDIA_CDN_URL`) may let browsers keep them for a year. Public URLs are built by string
concatenation from one base, which is also MEDIA_URL: the HTML cleaner accepts body images
from that base only, and no URL costs a call into boto3.
"""

from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

FILESYSTEM = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
S3_BACKEND = "storages.backends.s3.S3Storage"
# Random names, never overwritten: a year in every cache, and nothing to revalidate.
CACHE_CONTROL = "public, max-age=31536000, immutable"


@dataclass(frozen=True)
class MediaStorage:
    storage: dict  # STORAGES["default"]
    media_url: str  # public base of every media URL, ends with "/"

    @property
    def is_s3(self) -> bool:
        return self.storage["BACKEND"] == S3_BACKEND


def media_storage(url: str, *, cdn_url: str = "", media_url: str = "/media/") -> MediaStorage:
    """STORAGES["default"] and MEDIA_URL for a MEDIA_STORAGE value (see the module docstring)."""
    url = (url or "").strip()
    if url in ("", "file://", "file:"):
        return MediaStorage(FILESYSTEM, media_url)
    parts = urlsplit(url)
    if parts.scheme != "s3" or not parts.hostname:
        raise ImproperlyConfigured(
            f"MEDIA_STORAGE must be empty, file:// or s3://bucket[/prefix][?endpoint=...], not {url!r}."
        )
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    unknown = set(query) - {"endpoint", "region", "addressing"}
    if unknown:
        raise ImproperlyConfigured(
            f"MEDIA_STORAGE: unknown option(s) {', '.join(sorted(unknown))}."
        )
    bucket = unquote(parts.hostname)
    prefix = parts.path.strip("/")
    endpoint = query.get("endpoint", "").rstrip("/")
    region = query.get("region", "us-east-1")
    if endpoint and urlsplit(endpoint).scheme not in ("http", "https"):
        raise ImproperlyConfigured("MEDIA_STORAGE: endpoint must be an http(s) URL.")
    # MinIO, Ceph and moto answer at one host; Amazon serves a bucket under its own name.
    addressing = query.get("addressing", "path" if endpoint else "virtual")
    if endpoint and addressing == "path":
        base = f"{endpoint}/{bucket}"
    elif endpoint:
        scheme, host = endpoint.split("://", 1)
        base = f"{scheme}://{bucket}.{host}"
    else:
        base = f"https://{bucket}.s3.{region}.amazonaws.com"
    # The CDN (or the bucket) serves the bucket's root; django-storages adds the prefix.
    root = (cdn_url or base).rstrip("/")
    public = urlsplit(root)
    if public.scheme not in ("http", "https") or not public.netloc:
        raise ImproperlyConfigured(f"MEDIA_CDN_URL must be an http(s) URL, not {cdn_url!r}.")
    options = {
        "bucket_name": bucket,
        "location": prefix,
        "region_name": region,
        "addressing_style": addressing,
        "signature_version": "s3v4",
        # Public files at plain URLs: no signed query strings, no per-object ACL (the bucket
        # policy, or the CDN's access to a private bucket, decides who reads).
        "querystring_auth": False,
        "default_acl": None,
        "object_parameters": {"CacheControl": CACHE_CONTROL},
        # Names are random (articles/images.py): no HEAD request to look for a clash.
        "file_overwrite": True,
        "custom_domain": public.netloc + public.path,
        "url_protocol": f"{public.scheme}:",
    }
    if endpoint:
        options["endpoint_url"] = endpoint
    if parts.username:
        options["access_key"] = unquote(parts.username)
        options["secret_key"] = unquote(parts.password or "")
    media = f"{root}/{prefix}/" if prefix else f"{root}/"
    return MediaStorage({"BACKEND": S3_BACKEND, "OPTIONS": options}, media)
