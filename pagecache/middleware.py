"""Whole-page cache for anonymous readers, in the shared cache behind a per-process tier.

A request is served from the cache only when it is a GET/HEAD of a reader page and carries
no session or messages cookie (staff and anyone mid-conversation always get a fresh page).
A response is stored only when it sets no cookie, is not marked private or no-cache, and
holds no CSRF token, so nothing of one reader reaches another.

Keys carry the cache generations of pagecache/generations.py, so a change shows on the next
request. Entries are fresh for FRESH_SECONDS (Đọc nhiều moves without a bump); after that
one process rebuilds behind a short lock while the others keep serving the stale copy.

Bounded: a key holds only the query parameters its page reads (`page`, search's own);
others (utm_*, fbclid, random ones) are dropped, and the page is built for the clean URL.
404s are not stored, ids that are not 7 hex digits are not cached pages, and paths longer
than any real URL are refused (414). With the shared cache down, pages are built for each
request (pagecache/shared.py) without waiting for a lock nobody can take.

Stale-if-error: when a page cannot be built (5xx: the database is down, say), its copy
under the current key or its last good copy (kept per URL for PAGE_STALE_IF_ERROR) is
served, marked `X-Cache: STALE` with a `Warning`. HEAD is answered as GET without a body.
"""

import functools
import hashlib
import re
import time
from typing import NamedTuple
from urllib.parse import parse_qsl, urlencode

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.http import HttpResponse, HttpResponseNotModified, QueryDict
from django.urls import Resolver404, resolve
from django.utils.http import http_date, quote_etag

from pagecache import generations, shared
from pagecache.generations import CONTENT, SITE, article_scope

FRESH_SECONDS = 60
KEEP_SECONDS = 3600
LOCK_SECONDS = 10
WAIT_FOR_BUILDER = 2.0
CDN_CACHE_CONTROL = "public, max-age=0, s-maxage=10, stale-while-revalidate=30"
STORED_HEADERS = ("Content-Type", "Location", "X-Robots-Tag", "Content-Language")
CACHEABLE_STATUS = {200, 301, 410}  # not 404: any made-up URL would leave a key
NOT_CACHED_VIEWS = {"count_view"}
READER_NAMESPACE = "reader"  # the URL namespace of reader/urls.py: only its pages are cached
LOCAL_ENTRIES = 512
MAX_PATH_LENGTH = 512  # a real article URL is under 350 characters
PUBLIC_ID = re.compile(r"[0-9a-f]{7}")
# The query parameters each reader page reads; every other one is left out of its key.
PAGE_PARAMS = {
    "category": ("page",), "child_category": ("page",), "byline": ("page",), "topic": ("page",),
    "search": ("q", "chuyen-muc", "tu-ngay", "den-ngay", "page"),
    "sitemap_section": ("p",),
    "article": ("phan-hoi",), "child_article": ("phan-hoi",),  # the thank-you note
}  # fmt: skip
ONLY_VALUES = {"phan-hoi": "da-gui"}
NO_LAST_COPY = {"search"}  # readers' own words: not kept for a day per query
STALE_WARNING = '111 - "Revalidation Failed"'


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
    both call it). Only the parameters the page reads are part of it."""
    digest = hashlib.md5(f"{path}?{clean_query(path, query)}".encode(), usedforsecurity=False)
    return generations.key_for("page", *scopes, extra=digest.hexdigest())


def _last_key(path: str, query: str) -> str:
    """The last good copy of a URL, whatever the generations: served only when the page
    cannot be built."""
    digest = hashlib.md5(f"{path}?{clean_query(path, query)}".encode(), usedforsecurity=False)
    return f"page-last:{digest.hexdigest()}"


def clean_query(path: str, query: str) -> str:
    """The query string with only the parameters the page reads, in a stable order; "page=1"
    is the page itself."""
    if not query:
        return ""
    page = reader_page(path)
    wanted = page.params if page else ()
    kept = sorted(
        (name, value)
        for name, value in parse_qsl(query, keep_blank_values=True)
        if name in wanted
        and not (name == "page" and value == "1")
        and ONLY_VALUES.get(name, value) == value
    )
    return urlencode(kept)


class ReaderPage(NamedTuple):
    scopes: tuple
    params: tuple
    keeps_last_copy: bool


@functools.lru_cache(maxsize=4096)
def reader_page(path: str) -> ReaderPage | None:
    """What the page cache needs to know of a path, or None when it is not a cached page.
    Remembered per path: resolving the URL costs as much as the rest of a cache hit."""
    if len(path) > MAX_PATH_LENGTH:
        return None
    try:
        match = resolve(path)
    except Resolver404:
        return None
    if match.namespace != READER_NAMESPACE or match.url_name in NOT_CACHED_VIEWS:
        return None
    public_id = match.kwargs.get("public_id") or match.kwargs.get("slug_id", "")[-7:]
    if public_id and not PUBLIC_ID.fullmatch(public_id):
        return None  # no such article: a 404, and no key for it
    scopes = (SITE, CONTENT, article_scope(public_id)) if public_id else (SITE, CONTENT)
    name = match.url_name
    return ReaderPage(scopes, PAGE_PARAMS.get(name, ()), name not in NO_LAST_COPY)


def scopes_of_path(path: str):
    """The generations a reader page depends on, or None when it is not a cached page."""
    page = reader_page(path)
    return page.scopes if page else None


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


def _too_long():
    response = HttpResponse(
        "Đường dẫn quá dài.", status=414, content_type="text/plain; charset=utf-8"
    )
    response["X-Cache"] = "BYPASS"
    return response


def _stale(request, entry):
    """A copy served because the page could not be built (stale-if-error)."""
    response = _respond(request, entry, "STALE")
    response["Warning"] = STALE_WARNING
    response["Cache-Control"] = "public, max-age=0, must-revalidate"
    return response


def _without_body(response):
    """HEAD: the GET answer's status and headers, no body."""
    if not response.streaming:
        if not response.has_header("Content-Length"):
            response["Content-Length"] = str(len(response.content))
        response.content = b""
    return response


def _use_query(request, query: str) -> None:
    """Let the view see only the parameters the page's key has."""
    request.META["QUERY_STRING"] = query
    request.GET = QueryDict(query)


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if len(request.path_info) > MAX_PATH_LENGTH:
            return _too_long()
        response = self._handle(request)
        return _without_body(response) if request.method == "HEAD" else response

    def _handle(self, request):
        page = None if bypasses_cache(request) else reader_page(request.path_info)
        if page is None:
            response = self.get_response(request)
            if "X-Cache" not in response:
                response["X-Cache"] = "BYPASS"
            return response
        query = request.META.get("QUERY_STRING", "")
        clean = clean_query(request.path_info, query)
        if clean != query:
            _use_query(request, clean)
        key = page_key(request.path, clean, page.scopes)
        now = time.time()
        entry = local_tier.get(key)
        if entry is None:
            entry = cache.get(key)
            if entry is not None:
                _remember(key, entry)
        if entry is not None and entry["fresh_until"] > now:
            return _respond(request, entry, "HIT")
        lock = f"{key}:building"
        locked = cache.add(lock, 1, LOCK_SECONDS)
        if locked or not shared.available():  # nobody can hold a lock in a cache that is down
            try:
                return self._build(request, key, entry, page)
            finally:
                if locked:
                    cache.delete(lock)
        if entry is not None:
            return _respond(request, entry, "STALE")  # someone else is rebuilding
        waited = self._wait_for(key)
        if waited is not None:
            return _respond(request, waited, "HIT")
        return self._build(request, key, None, page)

    def _build(self, request, key, stale, page):
        response = self.get_response(request)
        if response.status_code >= 500:
            copy = stale if stale is not None else self._last_copy(request, page)
            keep = getattr(settings, "PAGE_STALE_IF_ERROR", 24 * 3600)
            if copy is not None and copy["modified"] + keep > time.time():
                return _stale(request, copy)
        if not _storable(response):
            response["X-Cache"] = "PASS"
            return response
        entry = _entry(response)
        cache.set(key, entry, KEEP_SECONDS)
        if page.keeps_last_copy:
            keep = getattr(settings, "PAGE_STALE_IF_ERROR", 24 * 3600)
            cache.set(_last_key(request.path, request.META.get("QUERY_STRING", "")), entry, keep)
        _remember(key, entry)
        return _respond(request, entry, "MISS")

    @staticmethod
    def _last_copy(request, page):
        if not page.keeps_last_copy:
            return None
        return cache.get(_last_key(request.path, request.META.get("QUERY_STRING", "")))

    @staticmethod
    def _wait_for(key):
        deadline = time.monotonic() + WAIT_FOR_BUILDER
        while time.monotonic() < deadline and shared.available():
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
    reader_page.cache_clear()
