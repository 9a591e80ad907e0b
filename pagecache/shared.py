"""The shared cache (Redis), optional at run time.

Every user of `django.core.cache.cache` (whole pages, fragments, generations, view counters,
flood limits, locks) goes through `ResilientRedisCache`, the Django cache backend named in
settings. A connection error or a timeout (OPTIONS "TIMEOUT_SECONDS", 0.1 s by default) makes
the call answer as a cache that holds nothing: a read is a miss, a write is dropped, `add`
is refused and `incr` raises ValueError, as Django's backends do for a missing key. Callers
that must know the difference ask `available()`.

A per-process circuit breaker then skips Redis for "COOLDOWN_SECONDS" (5 s): a dead or
stalled Redis costs nothing per request, the outage is logged once and its end once, and
the first call after the cool-down tries again, so the site is back to normal without a
restart.
"""

import logging
import threading
import time

from django.core.cache import cache
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError
from redis.exceptions import TimeoutError as RedisTimeoutError

from pagecache.redis_cache import RedisCache

logger = logging.getLogger(__name__)

# Redis is unreachable, stalled or restarting: open the breaker.
DOWN_ERRORS = (RedisConnectionError, RedisTimeoutError, OSError)


class Breaker:
    """Closed: every call goes to Redis. Open (after a failure): calls are skipped until
    the cool-down ends; then one call goes through, and its outcome closes the breaker or
    opens it again. Shared by the threads of a process."""

    def __init__(self, name: str, cooldown: float):
        self.name = name
        self.cooldown = cooldown
        self.down = False
        self.retry_at = 0.0
        self.lock = threading.Lock()

    def allows(self) -> bool:
        if not self.down:
            return True
        with self.lock:
            now = time.monotonic()
            if now < self.retry_at:
                return False
            self.retry_at = now + self.cooldown  # one probe per cool-down, not one per thread
            return True

    def failed(self, error: Exception) -> None:
        with self.lock:
            self.retry_at = time.monotonic() + self.cooldown
            if self.down:
                return
            self.down = True
        logger.error(
            "shared cache %s unreachable (%s): serving without it, retrying every %s s",
            self.name, error, self.cooldown,
        )  # fmt: skip

    def succeeded(self) -> None:
        if not self.down:
            return
        with self.lock:
            was_down, self.down = self.down, False
        if was_down:
            logger.warning("shared cache %s is back", self.name)


_breakers: dict[str, Breaker] = {}
_breakers_lock = threading.Lock()


def breaker_for(name: str, cooldown: float) -> Breaker:
    """One breaker per cache location and process (Django makes a backend per thread)."""
    with _breakers_lock:
        return _breakers.setdefault(name, Breaker(name, cooldown))


class ResilientRedisCache(RedisCache):
    """The Redis cache (one client per pool, pagecache/redis_cache.py) with short socket
    timeouts and a circuit breaker. OPTIONS
    besides redis-py's own: TIMEOUT_SECONDS (socket connect and read timeout), COOLDOWN_SECONDS."""

    def __init__(self, server, params):
        options = dict(params.get("OPTIONS") or {})
        limit = float(options.pop("TIMEOUT_SECONDS", 0.1))
        cooldown = float(options.pop("COOLDOWN_SECONDS", 5.0))
        options.setdefault("socket_timeout", limit)
        options.setdefault("socket_connect_timeout", limit)
        # A connection left from before a Redis restart fails once: try again on a new one
        # (a refused connection costs nothing; a timeout is not retried).
        options.setdefault("retry_on_error", [RedisConnectionError])
        super().__init__(server, {**params, "OPTIONS": options})
        self.breaker = breaker_for(str(server), cooldown)

    @property
    def available(self) -> bool:
        return not self.breaker.down

    def _guarded(self, fallback, call, *args, **kwargs):
        if not self.breaker.allows():
            return fallback
        try:
            result = call(*args, **kwargs)
        except DOWN_ERRORS as error:
            self.breaker.failed(error)
            return fallback
        except RedisError as error:  # out of memory, read-only replica...: a miss, not a 500
            logger.warning("shared cache refused a command: %s", error)
            return fallback
        self.breaker.succeeded()
        return result

    def get(self, key, default=None, version=None):
        return self._guarded(default, super().get, key, default, version)

    def get_many(self, keys, version=None):
        return self._guarded({}, super().get_many, keys, version)

    def has_key(self, key, version=None):
        return self._guarded(False, super().has_key, key, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(None, super().set, key, value, timeout, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(list(data), super().set_many, data, timeout, version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(False, super().add, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(False, super().touch, key, timeout, version)

    def delete(self, key, version=None):
        return self._guarded(False, super().delete, key, version)

    def delete_many(self, keys, version=None):
        return self._guarded(None, super().delete_many, keys, version)

    def clear(self):
        return self._guarded(None, super().clear)

    def incr(self, key, delta=1, version=None):
        missing = object()
        result = self._guarded(missing, super().incr, key, delta, version)
        if result is missing:
            raise ValueError(f"Key '{key}' not found (the shared cache is unavailable).")
        return result


def available() -> bool:
    """False while the shared cache is known to be unreachable (local-memory caches, as in
    development, are always available)."""
    return getattr(cache, "available", True)
