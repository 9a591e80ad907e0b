"""The reader replica's routing table (newsroom/db_router.py): anonymous reader pages read
from the replica; staff, the admin, posts, anything after a write, and the moments right
after a change read from the primary; an unreachable replica falls back to the primary."""

import pytest
from django.db import connections, router, transaction
from django.test import RequestFactory

from articles.models import Article
from newsroom import db_router
from newsroom.db_router import PRIMARY, REPLICA, ReplicaMiddleware, ReplicaRouter
from pagecache import generations
from tests import s3

factory = RequestFactory()


@pytest.fixture
def settled(monkeypatch):
    """No change in the last REPLICA_GRACE_SECONDS."""
    monkeypatch.setattr(generations, "seconds_since_change", lambda: 60.0)


@pytest.fixture
def routed(monkeypatch):
    monkeypatch.setattr(router, "routers", [ReplicaRouter()])
    db_router.mark_replica_up()
    yield
    db_router.mark_replica_up()


def add_replica(monkeypatch, **overrides):
    """A `replica` alias as settings.py would make it from DATABASE_REPLICA_URL."""
    primary = dict(connections.settings[PRIMARY])
    config = db_router.replica_database({**primary, **overrides}, primary)
    config.pop("TEST")
    monkeypatch.setitem(connections.settings, REPLICA, connections.configure_settings(
        {PRIMARY: primary, REPLICA: config})[REPLICA])  # fmt: skip


@pytest.fixture
def closed_replica(monkeypatch, routed):
    add_replica(
        monkeypatch, ENGINE="django.db.backends.postgresql", HOST="127.0.0.1",
        PORT=s3.free_port(), NAME="gone", OPTIONS={},
    )  # fmt: skip
    yield
    replica = connections[REPLICA]
    replica.close()
    if getattr(replica, "pool", None) is not None:
        replica.close_pool()  # or it keeps trying to connect for the rest of the session
    del connections[REPLICA]


def reads_while_serving(request) -> str:
    seen = []
    middleware = ReplicaMiddleware(lambda req: seen.append(router.db_for_read(Article)))
    middleware.enabled = True
    middleware(request)
    return seen[0]


@pytest.mark.parametrize(
    "request_, expected",
    [
        (factory.get("/xa-hoi/"), REPLICA),
        (factory.head("/"), REPLICA),
        (factory.get("/xa-hoi/", HTTP_COOKIE="sessionid=abc"), PRIMARY),  # staff, own change
        (factory.get("/xa-hoi/", HTTP_AUTHORIZATION="Basic eDp5"), PRIMARY),
        (factory.get("/admin/articles/article/"), PRIMARY),
        (factory.post("/binh-luan/1/", {"body": "x"}), PRIMARY),  # comment posts
        (factory.post("/api/views/", {"id": "1"}), PRIMARY),  # the view beacon
    ],
    ids=["anonymous GET", "anonymous HEAD", "session", "credentials", "admin", "post", "beacon"],
)
def test_who_reads_where(request_, expected, routed, settled, monkeypatch):
    monkeypatch.setattr(db_router, "replica_available", lambda: True)
    assert reads_while_serving(request_) == expected


def test_readers_read_the_primary_right_after_a_change(routed, monkeypatch):
    monkeypatch.setattr(db_router, "replica_available", lambda: True)
    monkeypatch.setattr(generations, "seconds_since_change", lambda: 0.3)
    assert reads_while_serving(factory.get("/")) == PRIMARY


@pytest.mark.django_db
def test_a_bump_is_remembered_as_the_latest_change():
    generations.bump(generations.CONTENT)
    assert generations.seconds_since_change() < 1


def test_after_a_write_the_rest_of_the_request_reads_the_primary(routed, settled, monkeypatch):
    monkeypatch.setattr(db_router, "replica_available", lambda: True)
    seen = []

    def view(request):
        seen.append(router.db_for_read(Article))
        seen.append(router.db_for_write(Article))
        seen.append(router.db_for_read(Article))

    middleware = ReplicaMiddleware(view)
    middleware.enabled = True
    middleware(factory.get("/"))
    assert seen == [REPLICA, PRIMARY, PRIMARY]
    assert router.db_for_read(Article) == PRIMARY  # outside a request: the primary


@pytest.mark.django_db(transaction=True)
def test_inside_a_transaction_reads_use_the_primary(routed, settled, monkeypatch):
    monkeypatch.setattr(db_router, "replica_available", lambda: True)
    seen = []

    def view(request):
        with transaction.atomic():
            seen.append(router.db_for_read(Article))

    middleware = ReplicaMiddleware(view)
    middleware.enabled = True
    middleware(factory.get("/"))
    assert seen == [PRIMARY]


def test_writes_and_migrations_go_to_the_primary_only():
    assert ReplicaRouter().db_for_write(Article) == PRIMARY
    assert ReplicaRouter().allow_migrate(PRIMARY, "articles") is True
    assert ReplicaRouter().allow_migrate(REPLICA, "articles") is False


def test_an_unreachable_replica_sends_readers_to_the_primary(
    closed_replica, settled, caplog, django_db_blocker
):
    with django_db_blocker.unblock():  # no test transaction: a reader's plain request
        assert reads_while_serving(factory.get("/")) == PRIMARY
    assert "Replica unreachable" in caplog.text
    # Left alone for RETRY_SECONDS: the next reader does not wait for a connect again.
    assert db_router.replica_available() is False


def test_the_replica_gets_a_short_connect_timeout_and_mirrors_the_primary_in_tests():
    primary = {"ENGINE": "django.db.backends.postgresql", "OPTIONS": {"pool": {"timeout": 10}}}
    config = db_router.replica_database({"NAME": "r", "OPTIONS": {}}, primary)
    assert config["OPTIONS"]["connect_timeout"] == 2
    assert config["OPTIONS"]["pool"]["timeout"] == 2
    assert config["TEST"] == {"MIRROR": PRIMARY}
