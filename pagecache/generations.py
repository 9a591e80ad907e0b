"""Cache generations: what makes cached pages and widgets change the moment content does.

Nothing is ever deleted from the cache. Every cached page and widget has the generations it
depends on in its key; a change bumps a generation, and the next request looks under a new
key. Scopes:

- "site": settings, menu categories, topics, bylines, website links. Every page shows them.
- "content": which articles are public and what lists show (titles, sapo, covers, order).
  Every reader page carries Mới nhất, so every page depends on it.
- "article:<public_id>": one article's own page (body edits, approved comments).

The content generation also remembers the earliest future published_at. The first request
after that moment bumps it, so a scheduled article appears everywhere with no job running.

Generations are read through a per-process memory tier that holds them for at most
LOCAL_SECONDS, so a change shows on every node within that time.

With the shared cache down (pagecache/shared.py) each process makes up its own generations,
renewed every OUTAGE_SECONDS and at each of its own bumps, so its memory tiers never show a
page older than that; a bump that could not be stored is stored when the cache is back.
An article's generation is only stored by a bump, and expires: reading the page of an id
that does not exist leaves no key behind.
"""

import secrets
import threading
import time
from collections import OrderedDict
from datetime import UTC, datetime, timedelta
from datetime import time as dt_time

from django.core.cache import cache
from django.utils import timezone

from articles.models import Article
from pagecache import shared

LOCAL_SECONDS = 1.0
OUTAGE_SECONDS = 10
ARTICLE_GEN_SECONDS = 30 * 24 * 3600  # an unchanged article's pages just rebuild after that
SITE = "site"
CONTENT = "content"
SCHEDULE_KEY = "gen:next-scheduled"
CHANGED_KEY = "gen:changed-at"  # wall time of the latest bump (the replica router reads it)

_local: dict[str, tuple[float, object]] = {}
_stamps: dict[tuple, tuple[float, str]] = {}  # key_for(): scopes -> (expiry, stamp)
_day = (datetime.min.replace(tzinfo=UTC), "")  # _today(): (next midnight, date)
_lock = threading.Lock()
_outage = {"salt": "", "pending": set()}  # own generations and unsaved bumps while down


class MemoryTier:
    """A small per-process LRU in front of the shared cache. Safe for values whose keys
    carry generations: after a bump nobody asks for the old key again. Each entry keeps its
    own expiry, so a value never outlives the timeout it has in the shared cache."""

    def __init__(self, size: int):
        self.size = size
        self.entries: OrderedDict[str, tuple[float, object]] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key, default=None):
        with self.lock:
            item = self.entries.get(key)
            if item is None or item[0] <= time.monotonic():
                return default
            self.entries.move_to_end(key)
            return item[1]

    def put(self, key, value, seconds: float) -> None:
        with self.lock:
            self.entries[key] = (time.monotonic() + seconds, value)
            self.entries.move_to_end(key)
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()


# Widget data and site settings, per process (pages have their own tier in middleware.py).
memory = MemoryTier(4096)


def _gen_key(scope: str) -> str:
    return f"gen:{scope}"


def article_scope(public_id: str) -> str:
    return f"article:{public_id}"


_ARTICLE_GEN = _gen_key(article_scope(""))


def _new_token() -> str:
    # Random, not a counter: after a cache flush a counter would restart and old keys
    # (still held in some process's memory tier) would match again.
    return secrets.token_hex(6)


def bump(*scopes: str) -> None:
    tokens = {_gen_key(scope): _new_token() for scope in scopes}
    lasting = {k: v for k, v in tokens.items() if not k.startswith(_ARTICLE_GEN)}
    if len(tokens) > len(lasting):
        failed = cache.set_many({k: v for k, v in tokens.items() if k not in lasting},
                                ARTICLE_GEN_SECONDS)  # fmt: skip
    else:
        failed = []
    # With it, when content last changed (the replica router reads it).
    failed += cache.set_many({**lasting, CHANGED_KEY: time.time()}, None)
    if failed:  # the shared cache is down: new local generations now, the bump later
        with _lock:
            _outage["salt"] = _new_token()
            _outage["pending"].update(scopes)
    if CONTENT in scopes:
        remember_next_scheduled()
    forget_local()


def seconds_since_change() -> float:
    """How long ago anything was bumped, from the shared cache (infinity when unknown)."""
    changed = cache.get(CHANGED_KEY)
    return time.time() - changed if changed else float("inf")


def _outage_generation() -> str:
    return f"x{_outage['salt']}{int(time.time() // OUTAGE_SECONDS)}"


def _store_pending_bumps() -> None:
    with _lock:
        pending, _outage["pending"] = _outage["pending"], set()
    if pending:
        bump(*pending)


def forget_local() -> None:
    with _lock:
        _local.clear()
        _stamps.clear()
    memory.clear()


def remember_next_scheduled() -> None:
    upcoming = (
        Article.objects.filter(status=Article.Status.PUBLISHED, published_at__gt=timezone.now())
        .order_by("published_at")
        .values_list("published_at", flat=True)
        .first()
    )
    cache.set(SCHEDULE_KEY, upcoming.timestamp() if upcoming else 0, None)


def _is_due(scheduled) -> bool:
    return bool(scheduled) and scheduled <= timezone.now().timestamp()


def generations(*scopes: str) -> dict[str, str]:
    """Current generation of each scope, plus the release of any scheduled article whose
    time has come. One cache round trip at most per LOCAL_SECONDS per process."""
    now = time.monotonic()
    wanted = [_gen_key(s) for s in scopes] + [SCHEDULE_KEY]
    with _lock:
        fresh = {k: v for k, (expires, v) in ((k, _local.get(k, (0, None))) for k in wanted)
                 if expires > now}  # fmt: skip
    missing = [k for k in wanted if k not in fresh]
    if missing:
        found = cache.get_many(missing)
        if _outage["pending"] and shared.available():  # back: store what changed meanwhile
            _store_pending_bumps()
            return generations(*scopes)
        for key in missing:
            if key in found or key == SCHEDULE_KEY:
                continue
            if key.startswith(_ARTICLE_GEN):
                # An article never changed since the cache began: "0", with no write. Its
                # keys always carry the site's generation too, which a flushed cache draws
                # afresh below, so "0" after a flush never meets a key from before it.
                found[key] = "0"
                continue
            cache.add(key, _new_token(), None)  # first use, or the cache was flushed
            found[key] = cache.get(key)
        if not shared.available():
            found = {k: _outage_generation() for k in missing if k != SCHEDULE_KEY}
        with _lock:
            for key in missing:
                value = found.get(key) or 0
                fresh[key] = value
                _local[key] = (now + LOCAL_SECONDS, value)
    due = fresh.get(SCHEDULE_KEY)
    if _is_due(due):
        # A scheduled article's time has come: only one process releases it.
        if cache.add(f"{SCHEDULE_KEY}:lock:{due}", 1, 30):
            bump(CONTENT)
        forget_local()
        return generations(*scopes)
    return {scope: fresh[_gen_key(scope)] for scope in scopes}


def key_for(name: str, *scopes: str, extra: str = "") -> str:
    """A cache key that changes whenever any of `scopes` is bumped, and at midnight. The
    generations of each set of scopes are kept too (a page asks a dozen times), but no
    longer than the generations they were made from: a change shows on every node within
    LOCAL_SECONDS, not twice that."""
    now = time.monotonic()
    kept = _stamps.get(scopes)
    if kept is None or kept[0] <= now or _is_due(_local.get(SCHEDULE_KEY, (0, 0))[1]):
        gens = generations(*scopes)
        with _lock:
            until = min(_local.get(_gen_key(s), (now, 0))[0] for s in scopes)
        kept = _stamps[scopes] = (until, ".".join(str(gens[s]) for s in scopes))
    return f"{name}:{kept[1]}:{_today()}:{extra}"


def _today() -> str:
    """The local date, "20261128", worked out again only when midnight has passed."""
    global _day
    now = timezone.now()
    if now >= _day[0] or now < _day[0] - timedelta(days=1):  # also when a test sets the clock back
        today = timezone.localdate(now)
        midnight = datetime.combine(today + timedelta(days=1), dt_time.min)
        _day = (timezone.make_aware(midnight), f"{today:%Y%m%d}")
    return _day[1]
