"""The replica router against a real PostgreSQL streaming replica: a primary cluster of our
own on a free port, a replica made from it with pg_basebackup, both stopped at the end. The
shared PostgreSQL server is only read from (pg_dump of the test database's tables).

Runs on CI's PostgreSQL pass; skipped without PostgreSQL's server programs."""

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from django.db import connection

from tests import s3

BIN = Path("/usr/lib/postgresql")
ROOT = Path(__file__).resolve().parent.parent


def server_bin() -> Path | None:
    found = sorted(BIN.glob("*/bin/pg_basebackup"))
    return found[-1].parent if found else None


pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the replica is made on the PostgreSQL pass"
    ),
    pytest.mark.skipif(server_bin() is None, reason="PostgreSQL's server programs are missing"),
    pytest.mark.django_db(transaction=True),
]


def as_postgres(*command) -> list[str]:
    """PostgreSQL refuses to run as root: CI (root) runs it as the postgres user."""
    command = [str(part) for part in command]
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def run(*command, **kw):
    return subprocess.run(as_postgres(*command), check=True, capture_output=True, timeout=120, **kw)


@pytest.fixture(scope="module")
def clusters(django_db_setup):
    bin_ = server_bin()
    folder = Path(tempfile.mkdtemp(prefix="newsroom-replica-"))
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    primary, replica = folder / "primary", folder / "replica"
    ports = {"primary": s3.free_port(), "replica": s3.free_port()}
    options = f"-c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=30 -k {folder}"
    started = []
    try:
        run(bin_ / "initdb", "-D", primary, "-A", "trust", "-U", "postgres", "--no-sync")
        run(bin_ / "pg_ctl", "-D", primary, "-w", "-l", folder / "primary.log", "-o",
            f"-p {ports['primary']} {options}", "start")  # fmt: skip
        started.append(primary)
        # The test database's tables and rows (contenttypes, groups), into our primary.
        db = connection.settings_dict
        run(bin_ / "createdb", "-h", "127.0.0.1", "-p", ports["primary"], "-U", "postgres",
            "newsroom")  # fmt: skip
        dump = subprocess.run(
            [bin_ / "pg_dump", "-h", db["HOST"], "-p", str(db["PORT"]), "-U", db["USER"],
             "--no-owner", db["NAME"]],
            check=True, capture_output=True, timeout=120,
        ).stdout  # fmt: skip
        run(bin_ / "psql", "-q", "-h", "127.0.0.1", "-p", ports["primary"], "-U", "postgres",
            "-d", "newsroom", "-v", "ON_ERROR_STOP=1", input=dump)  # fmt: skip
        run(bin_ / "pg_basebackup", "-h", "127.0.0.1", "-p", ports["primary"], "-U", "postgres",
            "-D", replica, "-R", "-X", "stream", "-c", "fast")  # fmt: skip
        run(bin_ / "pg_ctl", "-D", replica, "-w", "-l", folder / "replica.log", "-o",
            f"-p {ports['replica']} {options}", "start")  # fmt: skip
        started.append(replica)
        yield {
            "primary": f"postgres://postgres@127.0.0.1:{ports['primary']}/newsroom",
            "replica": f"postgres://postgres@127.0.0.1:{ports['replica']}/newsroom",
            "stop_replica": as_postgres(bin_ / "pg_ctl", "-D", replica, "-m", "immediate", "stop"),
        }
    finally:
        for data in reversed(started):
            subprocess.run(as_postgres(bin_ / "pg_ctl", "-D", data, "-m", "immediate", "stop"),
                           capture_output=True, timeout=60)  # fmt: skip
        shutil.rmtree(folder, ignore_errors=True)


def test_the_routing_table_on_a_real_streaming_replica(clusters):
    env = {
        **os.environ,
        "DEBUG": "1",
        "DATABASE_URL": clusters["primary"],
        "DATABASE_REPLICA_URL": clusters["replica"],
        "DB_POOL_MIN": "1",
        "DB_POOL_MAX": "2",
    }
    env.pop("REDIS_URL", None)  # this process's own memory cache: nothing shared to clean
    env.pop("MEDIA_STORAGE", None)
    done = subprocess.run(
        [sys.executable, "-m", "tests.replica_probe", *clusters["stop_replica"]],
        cwd=ROOT, env=env, capture_output=True, timeout=180,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr.decode()[-3000:]
    seen = json.loads(done.stdout.decode().strip().splitlines()[-1])
    print(json.dumps(seen, indent=1))

    def on_primary_only(name):
        return seen[name]["replica"] == 0 and seen[name]["primary"] > 0

    assert seen["anonymous"]["status"] == 200 and seen["anonymous"]["replica"] > 0
    assert seen["anonymous"]["primary"] == 0
    assert seen["anonymous_home"]["status"] == 200 and seen["anonymous_home"]["primary"] == 0
    assert on_primary_only("just_after_the_change")  # the replica may not have replayed it
    assert on_primary_only("staff") and seen["staff"]["status"] == 200
    assert on_primary_only("admin") and seen["admin"]["status"] == 200
    assert on_primary_only("comment_post")
    assert seen["beacon"]["replica"] == 0
    # The replica stopped: readers are answered from the primary, without waiting long.
    assert on_primary_only("replica_down") and seen["replica_down"]["status"] == 200
    assert seen["replica_down"]["seconds"] < 5
    assert on_primary_only("replica_down_again")
