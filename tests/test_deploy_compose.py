"""docker-compose.yml holds together: Compose itself validates it (`docker-compose config`,
which needs no Docker daemon; .ci/run installs Debian's docker-compose), and its structure
says what the README promises: web nodes sharing PostgreSQL, Redis and the MinIO bucket, and
the bucket made before any node starts."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from newsroom.storage import media_storage

COMPOSE = Path(__file__).resolve().parent.parent / "docker-compose.yml"


def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text())


def test_the_services_are_all_there_and_each_has_an_image():
    services = compose()["services"]
    assert {"db", "redis", "minio", "minio-bucket", "migrate", "web", "static", "nginx"} <= set(
        services
    )
    for name, service in services.items():
        assert "image" in service or "build" in service, name
        assert "command" in service or name in {"db", "redis", "nginx"}, name


def test_dependencies_and_volumes_name_what_exists():
    data = compose()
    services, volumes = data["services"], set(data["volumes"])
    conditions = {"service_started", "service_healthy", "service_completed_successfully"}
    for name, service in services.items():
        for needed, how in service.get("depends_on", {}).items():
            assert needed in services, (name, needed)
            assert how["condition"] in conditions, (name, needed)
            if how["condition"] == "service_healthy":
                assert "healthcheck" in services[needed], needed
        for mount in service.get("volumes", []):
            source = mount.split(":", 1)[0]
            assert source.startswith(".") or source in volumes, (name, source)


def test_web_nodes_share_the_database_the_cache_and_the_bucket():
    services = compose()["services"]
    web = services["web"]
    assert web["depends_on"]["minio-bucket"]["condition"] == "service_completed_successfully"
    assert web["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    env = web["environment"]
    assert env["DATABASE_URL"].startswith("postgres://") and "@db:5432/" in env["DATABASE_URL"]
    assert env["REDIS_URL"] == "redis://redis:6379/0"
    media = media_storage(env["MEDIA_STORAGE"], cdn_url="https://cdn.example.vn")
    assert media.is_s3
    assert media.storage["OPTIONS"]["endpoint_url"] == "http://minio:9000"
    assert media.storage["OPTIONS"]["bucket_name"] == "newsroom-media"
    assert {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "MEDIA_CDN_URL"} <= set(env)


def test_the_bucket_is_created_on_start_and_readable_by_browsers():
    setup = compose()["services"]["minio-bucket"]
    script = " ".join(setup["command"])
    assert "mc mb --ignore-existing local/newsroom-media" in script
    assert "mc anonymous set download local/newsroom-media" in script
    assert setup["depends_on"]["minio"]["condition"] == "service_healthy"


def compose_command() -> list[str] | None:
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    if shutil.which("docker"):
        return ["docker", "compose"]
    return None


def test_compose_validates_the_file():
    command = compose_command()
    if command is None:
        if os.environ.get("CI"):
            pytest.fail("docker-compose is missing (.ci/run installs it)")
        pytest.skip(
            "neither docker-compose nor docker is installed (apt-get install docker-compose)"
        )
    required = {"POSTGRES_PASSWORD": "x", "SECRET_KEY": "x", "MINIO_ROOT_PASSWORD": "x"}
    env = {**os.environ, **required}
    done = subprocess.run(
        [*command, "-f", str(COMPOSE), "config", "-q"], env=env, capture_output=True, timeout=60
    )
    assert done.returncode == 0, done.stderr.decode()
    # Without the passwords Compose refuses to start anything, with the reason.
    env.pop("MINIO_ROOT_PASSWORD")
    done = subprocess.run(
        [*command, "-f", str(COMPOSE), "config", "-q"], env=env, capture_output=True, timeout=60
    )
    assert done.returncode != 0 and b"set MINIO_ROOT_PASSWORD" in done.stderr
