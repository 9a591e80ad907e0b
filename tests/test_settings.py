"""Configuration comes from the environment; production refuses to start half-configured."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def load_settings(**env) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "SECRET_KEY", "REDIS_URL", "DATABASE_URL"}
    }
    clean.update(env)
    code = "import newsroom.settings as s; print(s.DATABASES['default']['ENGINE'], s.CACHES['default']['BACKEND'])"
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=clean, capture_output=True, text=True
    )


def test_production_without_secret_key_fails_loudly():
    result = load_settings(REDIS_URL="redis://127.0.0.1:6379/0")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_without_redis_fails_loudly():
    result = load_settings(SECRET_KEY="x" * 50)
    assert result.returncode != 0
    assert "REDIS_URL must be set" in result.stderr


def test_development_defaults_to_sqlite_and_local_memory():
    result = load_settings(DEBUG="1")
    assert result.returncode == 0, result.stderr
    assert "sqlite3" in result.stdout and "LocMemCache" in result.stdout


def test_production_uses_postgres_pool_and_redis_from_urls():
    result = load_settings(
        SECRET_KEY="x" * 50,
        REDIS_URL="redis://127.0.0.1:6379/1",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/newsroom",
    )
    assert result.returncode == 0, result.stderr
    assert "postgresql" in result.stdout and "RedisCache" in result.stdout


def test_settings_are_vietnamese_and_time_zone_aware(settings):
    assert settings.LANGUAGE_CODE == "vi"
    assert settings.TIME_ZONE == "Asia/Ho_Chi_Minh"
    assert settings.USE_TZ is True
