"""Who may move Đọc nhiều: a view counts only when the beacon carries a token signed by the
article page it came from, once per reader and article in a window, and within a rate per
address.

The token names the article and the ten minutes its page was drawn in (django.core.signing,
salted): pages drawn in the same ten minutes stay byte-identical, so their ETag holds. It
lives longer than any copy of the page can (the page cache keeps a page fresh for a minute,
a CDN for under one more), so a cached page's token still counts. A reader is an
address plus a browser (several readers share one address behind a carrier's NAT), and one
address counts at most PER_ADDRESS_PER_ARTICLE views of an article per window whatever the
browser it claims. All of it lives in the shared cache, so every web node sees it.
"""

import hashlib
import time

from django.core import signing
from django.core.cache import cache

from articles.http import client_ip

SALT = "reader.view-token"
TOKEN_MAX_AGE = 3600
TOKEN_STEP = 600
READER_WINDOW = 30 * 60
PER_ADDRESS_PER_ARTICLE = 10
PER_ADDRESS_PER_MINUTE = 60


def _step(now: float | None) -> int:
    return int((time.time() if now is None else now) // TOKEN_STEP)


def issue(article_id: int, now: float | None = None) -> str:
    return signing.Signer(salt=SALT).sign(f"{article_id}.{_step(now)}")


def is_valid(token: str, article_id: int, now: float | None = None) -> bool:
    try:
        value = signing.Signer(salt=SALT).unsign(token)
    except signing.BadSignature:  # forged or damaged
        return False
    named, _, step = value.partition(".")
    if named != str(article_id) or not step.isdigit():
        return False
    age = _step(now) - int(step)
    return 0 <= age <= TOKEN_MAX_AGE // TOKEN_STEP


def _digest(*parts: str) -> str:
    joined = "\x1f".join(parts).encode()
    return hashlib.blake2b(joined, digest_size=12).hexdigest()


def _count(key: str, timeout: int) -> int:
    cache.add(key, 0, timeout)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.add(key, 1, timeout)
        return 1


def admit(request, article_id: int, now: float | None = None) -> bool:
    """True when this view may count: the address is within its rate, this reader has not
    been counted for this article in the window, nor this address too often."""
    now = time.time() if now is None else now
    address = _digest(client_ip(request) or "unknown")
    minute = int(now // 60)
    if _count(f"views:rate:{address}:{minute}", 120) > PER_ADDRESS_PER_MINUTE:
        return False
    window = int(now // READER_WINDOW)
    reader = _digest(address, request.META.get("HTTP_USER_AGENT", ""))
    if not cache.add(f"views:seen:{window}:{article_id}:{reader}", 1, READER_WINDOW):
        return False
    per_article = _count(f"views:addr:{window}:{article_id}:{address}", READER_WINDOW)
    return per_article <= PER_ADDRESS_PER_ARTICLE
