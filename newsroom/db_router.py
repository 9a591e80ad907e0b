"""A PostgreSQL streaming replica for readers (optional: `DATABASE_REPLICA_URL`).

Who reads where:

- an anonymous reader's GET or HEAD (no session, messages or credentials: the page cache's
  own `bypasses` rule) reads from the replica;
- everything else reads from the primary: the admin and every staff member (they hold a
  session cookie, so their own change is never read back stale), comment posts, the view
  beacon, any POST;
- within a reader's request, the first write (or an open transaction) moves the rest of the
  request to the primary;
- for REPLICA_GRACE_SECONDS after any change the page cache heard of, readers read the
  primary too, so a page rendered just after a publish is never rendered from a replica
  that has not replayed it yet and then cached under the new generation;
- a replica that cannot be reached is left alone for RETRY_SECONDS; readers use the primary.

Writes always go to the primary; migrations run only there (the replica copies them).
"""

import contextvars
import logging
import threading
import time

from django.db import DatabaseError, connections, transaction

REPLICA = "replica"
PRIMARY = "default"
RETRY_SECONDS = 5.0
REPLICA_GRACE_SECONDS = 2.0

log = logging.getLogger(__name__)
_reader = contextvars.ContextVar("newsroom_replica_reader", default=False)
_down_until = 0.0
_down_lock = threading.Lock()


def replica_database(config: dict, primary: dict) -> dict:
    """DATABASES["replica"] from a parsed DATABASE_REPLICA_URL: the primary's options, a
    short connect timeout (a dead replica must not hold readers up), and in tests a mirror
    of the primary, as pytest-django makes no second test database."""
    options = {**primary.get("OPTIONS", {}), **config.get("OPTIONS", {})}
    options["connect_timeout"] = 2
    if "pool" in options:
        options["pool"] = {**options["pool"], "timeout": 2}
    return {
        **config,
        "OPTIONS": options,
        "CONN_MAX_AGE": primary.get("CONN_MAX_AGE", 0),
        # A kept (or pooled) connection to a replica that has since stopped must not be
        # used: check it before a request uses it (one empty round trip).
        "CONN_HEALTH_CHECKS": True,
        "TEST": {"MIRROR": PRIMARY},
    }


def replica_available() -> bool:
    global _down_until
    if time.monotonic() < _down_until:
        return False
    connection = connections[REPLICA]
    if connection.connection is not None:
        return True
    try:
        connection.ensure_connection()
    except DatabaseError as error:
        with _down_lock:
            _down_until = time.monotonic() + RETRY_SECONDS
        log.warning(
            "Replica unreachable, readers use the primary for %ss: %s", RETRY_SECONDS, error
        )
        return False
    return True


def mark_replica_up() -> None:
    """Forget a failure (tests)."""
    global _down_until
    _down_until = 0.0


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if not _reader.get() or transaction.get_connection(PRIMARY).in_atomic_block:
            return PRIMARY
        return REPLICA if replica_available() else PRIMARY

    def db_for_write(self, model, **hints):
        _reader.set(False)  # the rest of this request reads what it wrote
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        return True  # one database, two copies

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == PRIMARY


def reads_from_replica(request) -> bool:
    # Imported here: settings.py imports this module before the apps are loaded.
    from pagecache import generations
    from pagecache.middleware import bypasses

    if bypasses(request.method, request.COOKIES, request.META):
        return False
    if request.path_info.startswith("/admin/"):
        return False
    return generations.seconds_since_change() >= REPLICA_GRACE_SECONDS


class ReplicaMiddleware:
    """Marks an anonymous reader's request for the replica (see the module docstring). Sits
    after the page cache: a page served from the cache reads no database at all."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.enabled = REPLICA in connections.settings

    def __call__(self, request):
        if not self.enabled or not reads_from_replica(request):
            return self.get_response(request)
        token = _reader.set(True)
        try:
            return self.get_response(request)
        finally:
            _reader.reset(token)
