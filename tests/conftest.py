"""Test-only settings and the shared cast of objects. No second settings module: the tweaks
that make tests fast and hermetic live here."""

import os

import pytest
from django.core.cache import cache
from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper

# With REDIS_URL set (the PostgreSQL pass of CI) tests share Redis like web nodes do.
REDIS_URL = os.environ.get("REDIS_URL")
TEST_CACHE = (
    {"BACKEND": "pagecache.shared.ResilientRedisCache", "LOCATION": REDIS_URL,
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
    from pagecache.middleware import forget_process_memory

    cache.clear()
    forget_process_memory()


@pytest.fixture(autouse=True)
def _commit_hooks_as_in_production(monkeypatch):
    """pytest-django runs each `db` test inside a transaction that is rolled back, so
    transaction.on_commit() callbacks would never run. Treat that wrapper as autocommit, as
    production is: a callback registered outside the code's own atomic blocks runs at once,
    and one registered inside them runs when the outermost of them exits without error."""

    def only_test_blocks(connection) -> bool:
        return all(getattr(block, "_from_testcase", False) for block in connection.atomic_blocks)

    original_on_commit = BaseDatabaseWrapper.on_commit
    original_exit = transaction.Atomic.__exit__

    def on_commit(self, func, robust=False):
        if self.in_atomic_block and self.atomic_blocks and only_test_blocks(self):
            func()
        else:
            original_on_commit(self, func, robust)

    def exit(self, exc_type, exc_value, traceback):
        result = original_exit(self, exc_type, exc_value, traceback)
        connection = transaction.get_connection(self.using)
        if connection.in_atomic_block and only_test_blocks(connection):
            waiting = [entry for entry in connection.run_on_commit if entry[1] is not None]
            connection.run_on_commit = []
            if exc_type is None:
                for _savepoints, func, _robust in waiting:
                    func()
        return result

    monkeypatch.setattr(BaseDatabaseWrapper, "on_commit", on_commit)
    monkeypatch.setattr(transaction.Atomic, "__exit__", exit)


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


@pytest.fixture(scope="session")
def s3_server():
    """moto's S3 server on a free loopback port, for the whole session (tests/s3.py)."""
    from tests import s3

    server = s3.start_server()
    yield server
    server.stop()
