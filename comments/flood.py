"""Flood control: how many comments one sender may post in a window, counted in the shared
cache so that every web node agrees."""

import hashlib
import threading
import time
from collections import OrderedDict

from django.core.cache import cache

from comments.rules import rule

FLOOD_MESSAGE = (
    "Bạn gửi phản hồi quá nhanh. Vui lòng chờ ít phút rồi gửi lại; nội dung bạn viết vẫn còn "
    "dưới đây."
)


class Flooded(Exception):
    """Too many posts from one email, one browser or one IP: the view answers 429."""


def _bump(key: str, seconds: int) -> int:
    """Count one post in a fixed window. cache.add + cache.incr are atomic in Redis, so
    several web nodes agree on the count. With the shared cache down (pagecache/shared.py)
    the count is this process's own: posts are still accepted and still limited."""
    if not getattr(cache, "available", True):
        return local_counts.bump(key, seconds)
    cache.add(key, 0, seconds)
    try:
        return cache.incr(key)
    except ValueError:  # the window expired between add and incr, or the cache just went down
        if not getattr(cache, "available", True):
            return local_counts.bump(key, seconds)
        cache.add(key, 1, seconds)
        return 1


class LocalCounts:
    """Fixed-window counters in this process's memory, at most `size` of them (the oldest
    window is dropped first): the fallback while the shared cache is unreachable."""

    def __init__(self, size: int = 10_000):
        self.size = size
        self.counts: OrderedDict[str, tuple[float, int]] = OrderedDict()
        self.lock = threading.Lock()

    def bump(self, key: str, seconds: int) -> int:
        now = time.monotonic()
        with self.lock:
            expires, count = self.counts.pop(key, (now + seconds, 0))
            if expires <= now:
                expires, count = now + seconds, 0
            self.counts[key] = (expires, count + 1)
            while len(self.counts) > self.size:
                self.counts.popitem(last=False)
            return count + 1


local_counts = LocalCounts()


def check_flood(ip: str | None, email: str, browser: str = "") -> None:
    """Count this post against its email, its browser and its IP; raise Flooded past any
    limit. Email and browser stand for one reader and have tight limits; an IP may be a
    carrier's address shared by many readers, so its limit only stops a burst. Refused
    posts count too, so a script that keeps trying stays refused for the window."""
    over = False
    tight = rule("FLOOD_LIMITS")
    for kind, value, limits in (
        ("email", email, tight),
        ("browser", browser, tight),
        ("ip", ip, rule("IP_FLOOD_LIMITS")),
    ):
        if not value:
            continue
        digest = hashlib.sha256(value.encode()).hexdigest()[:32]
        for seconds, allowed in limits:
            if _bump(f"comments:flood:{kind}:{seconds}:{digest}", seconds) > allowed:
                over = True
    if over:
        raise Flooded
