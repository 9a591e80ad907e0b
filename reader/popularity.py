"""Đọc nhiều: view counting that survives page caching and never locks a row per view.

A view adds one to a counter in the shared cache, keyed by a 30-second window and the
article. The first view of an article in a window also claims a numbered slot that records
the article id, so the flusher knows which counters exist without scanning keys. At most
every 30 seconds one process (holding a short cache lock) adds the closed windows' counts
to ArticleView rows with F() expressions: one UPDATE per article and day, per window.
"""

import time
from collections import Counter
from datetime import UTC, datetime

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

WINDOW_SECONDS = 30
KEEP_SECONDS = 24 * 3600
LOCK_KEY = "views:flush-lock"
FLUSHED_KEY = "views:flushed-upto"
MAX_WINDOWS_PER_FLUSH = 2 * KEEP_SECONDS // WINDOW_SECONDS


def _window(now: float | None = None) -> int:
    return int((now if now is not None else time.time()) // WINDOW_SECONDS)


def record_view(article_id: int, now: float | None = None) -> None:
    """Count one view. While the shared cache is down (pagecache/shared.py) add() is refused
    and incr() raises ValueError, so views are dropped: Đọc nhiều is a ranking, and losing a
    few minutes of counts is better than making every reader wait for a counter."""
    window = _window(now)
    counter = f"views:{window}:n:{article_id}"
    if cache.add(counter, 1, KEEP_SECONDS):
        # First view of this article in the window: register it in a numbered slot.
        cache.add(f"views:{window}:slots", 0, KEEP_SECONDS)
        slot = cache.incr(f"views:{window}:slots")
        cache.set(f"views:{window}:slot:{slot}", article_id, KEEP_SECONDS)
    else:
        try:
            cache.incr(counter)
        except ValueError:  # expired between add() and incr(): start again
            cache.add(counter, 1, KEEP_SECONDS)
    maybe_flush(now)


def maybe_flush(now: float | None = None) -> bool:
    """Flush closed windows if no other process did in the last WINDOW_SECONDS."""
    if not cache.add(LOCK_KEY, 1, WINDOW_SECONDS):
        return False
    flush(now)
    return True


def _window_counts(window: int) -> Counter:
    slots = cache.get(f"views:{window}:slots") or 0
    if not slots:
        return Counter()
    ids = cache.get_many([f"views:{window}:slot:{n}" for n in range(1, slots + 1)]).values()
    counts = cache.get_many([f"views:{window}:n:{article_id}" for article_id in ids])
    return Counter({int(key.rsplit(":", 1)[1]): int(value) for key, value in counts.items()})


def flush(now: float | None = None) -> int:
    """Move the counts of every closed window into ArticleView. Returns views written."""
    current = _window(now)
    done = cache.get(FLUSHED_KEY)
    start = current - MAX_WINDOWS_PER_FLUSH if done is None else done + 1
    start = max(start, current - MAX_WINDOWS_PER_FLUSH)
    per_day: dict = {}
    for window in range(start, current):
        counts = _window_counts(window)
        if not counts:
            continue
        day = timezone.localtime(datetime.fromtimestamp(window * WINDOW_SECONDS, tz=UTC)).date()
        per_day.setdefault(day, Counter()).update(counts)
    cache.set(FLUSHED_KEY, current - 1, KEEP_SECONDS * 2)
    written = 0
    for day, counts in per_day.items():
        for article_id, views in counts.items():
            _add_views(article_id, day, views)
            written += views
    return written


def _add_views(article_id: int, day, views: int) -> None:
    from articles.models import Article, ArticleView

    updated = ArticleView.objects.filter(article_id=article_id, day=day).update(
        views=F("views") + views
    )
    if updated:
        return
    if not Article.objects.filter(pk=article_id).exists():
        return  # deleted since it was read
    try:
        with transaction.atomic():
            ArticleView.objects.create(article_id=article_id, day=day, views=views)
    except IntegrityError:  # another node created the row meanwhile
        ArticleView.objects.filter(article_id=article_id, day=day).update(views=F("views") + views)
