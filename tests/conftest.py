"""Test-only settings and the shared cast of objects. No second settings module: the tweaks
that make tests fast and hermetic live here."""

import os

import pytest
from django.core.cache import cache

# With REDIS_URL set (the PostgreSQL pass of CI) tests share Redis like web nodes do.
REDIS_URL = os.environ.get("REDIS_URL")
TEST_CACHE = (
    {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL,
     "KEY_PREFIX": "newsroom-test"}
    if REDIS_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "t"}
)  # fmt: skip


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path_factory):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.MEDIA_ROOT = str(tmp_path_factory.getbasetemp() / "media")
    settings.CACHES = {"default": TEST_CACHE}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.DEBUG = False
    reset_caches()
    yield
    reset_caches()


def reset_caches():
    """The shared cache and every per-process tier in front of it."""
    from articles import cache as generations
    from articles.middleware import local_tier

    cache.clear()
    generations.forget_local()
    local_tier.clear()


@pytest.fixture
def public_site(settings):
    """Public URLs as production builds them: https and the paper's own domain."""
    settings.SITE_SCHEME = "https"
    settings.ALLOWED_HOSTS = ["testserver", "other.example"]
    from articles.models import SiteSettings

    SiteSettings.objects.update_or_create(
        pk=1,
        defaults={"masthead_name": "Báo Mẫu", "domain": "baomau.vn", "tagline": "Tin tức tỉnh nhà"},
    )
