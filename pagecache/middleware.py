"""Whole-page cache for anonymous readers, in the shared cache behind a per-process tier.

A request is served from the cache only when it is a GET/HEAD of a reader page and carries
no session or messages cookie (staff and anyone mid-conversation always get a fresh page).
A response is stored only when it sets no cookie, is not marked private or no-cache, and
holds no CSRF token, so nothing of one reader reaches another.

Keys carry the cache generations of pagecache/generations.py, so a change shows on the next
request. Entries are fresh for FRESH_SECONDS (Đọc nhiều moves without a bump); after that
one process rebuilds behind a short lock while the others keep serving the stale copy.
"""

import functools
import hashlib
import time

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.http import HttpResponse, HttpResponseNotModified
from django.urls import Resolver404, resolve
from django.utils.http import http_date, quote_etag

from pagecache import generations
from pagecache.generations import CONTENT, SITE, article_scope

FRESH_SECONDS = 60
KEEP_SECONDS = 3600
LOCK_SECONDS = 10
WAIT_FOR_BUILDER = 2.0
CDN_CACHE_CONTROL = "public, max-age=0, s-maxage=10, stale-while-revalidate=30"
STORED_HEADERS = ("Content-Type", "Location", "X-Robots-Tag", "Content-Language")
CACHEABLE_STATUS = {200, 301, 404, 410}
NOT_CACHED_VIEWS = {"count_view"}
READER_NAMESPACE = "reader"  # the URL namespace of reader/urls.py: only its pages are cached
LOCAL_ENTRIES = 512


# Keys carry generations, so an entry here is never served after a bump (beyond the
# generations' own one-second memory tier); each lives until its copy stops being fresh.
local_tier = generations.MemoryTier(LOCAL_ENTRIES)


def _remember(key: str, entry: dict) -> None:
    fresh_for = entry["fresh_until"] - time.time()
    if fresh_for > 0:
        local_tier.put(key, entry, fresh_for)


def bypass_cookies() -> tuple[str, ...]:
    """Cookies that mean "this visitor is mid-conversation": staff sessions, a message
    waiting to be shown. deploy/nginx.conf's micro-cache bypass names the same cookies
    (tests/test_page_cache.py checks it)."""
    return (settings.SESSION_COOKIE_NAME, CookieStorage.cookie_name)


def bypasses(method: str, cookies, meta) -> bool:
    """The one rule of who gets a fresh page instead of a cached one: anything but GET and
    HEAD, any visitor with a bypass cookie, any request with credentials."""
    if method not in ("GET", "HEAD"):
        return True
    if any(name in cookies for name in bypass_cookies()):
        return True
    return "HTTP_AUTHORIZATION" in meta


def bypasses_cache(request) -> bool:
    return bypasses(request.method, request.COOKIES, request.META)


def page_key(path: str, query: str, scopes) -> str:
    """The one function that names a page's cache entry (the middleware and the WSGI front
    both call it)."""
    digest = hashlib.md5(f"{path}?{query}".encode(), usedforsecurity=False)
    return generations.key_for("page", *scopes, extra=digest.hexdigest())


@functools.lru_cache(maxsize=4096)
def scopes_of_path(path: str):
    """The generations a reader page depends on, or None when it is not a cached page.
    Remembered per path: resolving the URL costs as much as the rest of a cache hit."""
    try:
        match = resolve(path)
    except Resolver404:
        return None
    if match.namespace != READER_NAMESPACE or match.url_name in NOT_CACHED_VIEWS:
        return None
    public_id = match.kwargs.get("public_id") or match.kwargs.get("slug_id", "")[-7:]
    return (SITE, CONTENT, article_scope(public_id)) if public_id else (SITE, CONTENT)


def _storable(response) -> bool:
    if response.status_code not in CACHEABLE_STATUS or response.streaming:
        return False
    if response.cookies or response.has_header("Set-Cookie"):
        return False
    control = response.get("Cache-Control", "").lower()
    if any(word in control for word in ("private", "no-cache", "no-store")):
        return False
    return b"csrfmiddlewaretoken" not in response.content


def _entry(response) -> dict:
    content = response.content
    return {
        "status": response.status_code,
        "headers": {h: response[h] for h in STORED_HEADERS if response.has_header(h)},
        "content": content,
        "etag": quote_etag(hashlib.md5(content, usedforsecurity=False).hexdigest()),
        "modified": time.time(),
        "fresh_until": time.time() + FRESH_SECONDS,
    }


def _respond(request, entry, state: str):
    if request.META.get("HTTP_IF_NONE_MATCH", "") == entry["etag"] and entry["status"] == 200:
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(entry["content"], status=entry["status"])
        for header, value in entry["headers"].items():
            response[header] = value
    response["ETag"] = entry["etag"]
    response["Last-Modified"] = http_date(entry["modified"])
    response["Cache-Control"] = CDN_CACHE_CONTROL
    response["Vary"] = "Cookie"
    response["X-Cache"] = state
    return response


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        scopes = None if bypasses_cache(request) else scopes_of_path(request.path_info)
        if scopes is None:
            response = self.get_response(request)
            if "X-Cache" not in response:
                response["X-Cache"] = "BYPASS"
            return response
        key = page_key(request.path, request.META.get("QUERY_STRING", ""), scopes)
        now = time.time()
        entry = local_tier.get(key)
        if entry is None:
            entry = cache.get(key)
            if entry is not None:
                _remember(key, entry)
        if entry is not None and entry["fresh_until"] > now:
            return _respond(request, entry, "HIT")
        lock = f"{key}:building"
        if cache.add(lock, 1, LOCK_SECONDS):
            try:
                return self._build(request, key)
            finally:
                cache.delete(lock)
        if entry is not None:
            return _respond(request, entry, "STALE")  # someone else is rebuilding
        waited = self._wait_for(key)
        if waited is not None:
            return _respond(request, waited, "HIT")
        return self._build(request, key)

    def _build(self, request, key):
        response = self.get_response(request)
        if not _storable(response):
            response["X-Cache"] = "PASS"
            return response
        entry = _entry(response)
        cache.set(key, entry, KEEP_SECONDS)
        _remember(key, entry)
        return _respond(request, entry, "MISS")

    @staticmethod
    def _wait_for(key):
        deadline = time.monotonic() + WAIT_FOR_BUILDER
        while time.monotonic() < deadline:
            time.sleep(0.05)
            entry = cache.get(key)
            if entry is not None:
                _remember(key, entry)
                return entry
        return None


def forget_process_memory() -> None:
    """Empty every per-process tier in front of the shared cache: remembered generations and
    fragments, pages, and the paths resolved to their scopes. Content never needs this (keys
    carry generations); tests and a flushed shared cache do."""
    generations.forget_local()
    local_tier.clear()
    scopes_of_path.cache_clear()
