"""Whole-page cache for anonymous readers, in the shared cache behind a per-process tier.

A request is served from the cache only when it is a GET/HEAD of a reader page and carries
no session or messages cookie (staff and anyone mid-conversation always get a fresh page).
A response is stored only when it sets no cookie, is not marked private or no-cache, and
holds no CSRF token, so nothing of one reader reaches another.

Keys carry the cache generations of articles/cache.py, so a change shows on the next
request. Entries are fresh for FRESH_SECONDS (Đọc nhiều moves without a bump); after that
one process rebuilds behind a short lock while the others keep serving the stale copy.
"""

import functools
import hashlib
import time
from http import HTTPStatus

from django.conf import settings
from django.core.cache import cache
from django.core.handlers.wsgi import get_path_info, get_script_name
from django.http import HttpResponse, HttpResponseNotModified, parse_cookie
from django.urls import Resolver404, resolve
from django.utils.http import http_date, quote_etag

from articles import cache as generations
from articles.cache import CONTENT, SITE, article_scope

FRESH_SECONDS = 60
KEEP_SECONDS = 3600
LOCK_SECONDS = 10
WAIT_FOR_BUILDER = 2.0
CDN_CACHE_CONTROL = "public, max-age=0, s-maxage=10, stale-while-revalidate=30"
STORED_HEADERS = ("Content-Type", "Location", "X-Robots-Tag", "Content-Language")
CACHEABLE_STATUS = {200, 301, 404, 410}
NOT_CACHED_VIEWS = {"count_view"}
LOCAL_ENTRIES = 512


# Keys carry generations, so an entry here is never served after a bump (beyond the
# generations' own one-second memory tier); each lives until its copy stops being fresh.
local_tier = generations.MemoryTier(LOCAL_ENTRIES)


def _remember(key: str, entry: dict) -> None:
    fresh_for = entry["fresh_until"] - time.time()
    if fresh_for > 0:
        local_tier.put(key, entry, fresh_for)


def bypasses_cache(request) -> bool:
    return _bypasses(request.method, request.COOKIES, request.META)


def _bypasses(method: str, cookies, meta) -> bool:
    if method not in ("GET", "HEAD"):
        return True
    if settings.SESSION_COOKIE_NAME in cookies or "messages" in cookies:
        return True
    return "HTTP_AUTHORIZATION" in meta


def page_key(path: str, query: str, scopes) -> str:
    digest = hashlib.md5(f"{path}?{query}".encode(), usedforsecurity=False)
    return generations.key_for("page", *scopes, extra=digest.hexdigest())


@functools.lru_cache(maxsize=4096)
def _scopes_of_path(path: str):
    """The generations a reader page depends on, or None when it is not a cached page.
    Remembered per path: resolving the URL costs as much as the rest of a cache hit."""
    try:
        match = resolve(path)
    except Resolver404:
        return None
    if match.namespace != "articles" or match.url_name in NOT_CACHED_VIEWS:
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
        scopes = None if bypasses_cache(request) else _scopes_of_path(request.path_info)
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


class PageCacheFront:
    """WSGI in front of Django (newsroom/wsgi.py). A GET that PageCacheMiddleware would
    answer from this process's memory tier is answered here, without a request object,
    middleware or signals: on this path they cost more than the rest of a hit. The bytes
    and headers are the ones Django sent for the same entry the first time this process
    served it; everything else (shared cache, stale copies, building) is the middleware's."""

    SENT = "front_headers"  # kept on the local-tier entry: the headers Django sent with it

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        key = self._key(environ)
        entry = local_tier.get(key) if key else None
        if entry is None or entry["fresh_until"] <= time.time() or self.SENT not in entry:
            return self.app(environ, self._learn(key, start_response) if key else start_response)
        headers = entry[self.SENT]
        if environ.get("HTTP_IF_NONE_MATCH") == entry["etag"] and entry["status"] == 200:
            not_modified = [h for h in headers if h[0] not in ("Content-Length", "Content-Type")]
            start_response("304 Not Modified", not_modified)
            return [b""]
        start_response(f"{entry['status']} {HTTPStatus(entry['status']).phrase}", headers)
        return [entry["content"]]

    @staticmethod
    def _key(environ) -> str | None:
        if environ.get("REQUEST_METHOD") != "GET":
            return None
        if _bypasses("GET", parse_cookie(environ.get("HTTP_COOKIE", "")), environ):
            return None
        path = get_path_info(environ)
        scopes = _scopes_of_path(path)
        if scopes is None:
            return None
        script = get_script_name(environ)
        full = f"{script.rstrip('/')}{path}" if script else path
        return page_key(full, environ.get("QUERY_STRING", ""), scopes)

    def _learn(self, key, start_response):
        """Pass Django's answer on; when it came from the cache in full (a 200 or other
        cached status, not a 304), remember its headers on the memory-tier entry."""

        def start(status, headers, exc_info=None):
            state = dict(headers).get("X-Cache")
            entry = local_tier.get(key)
            code = int(status.split(" ", 1)[0])
            if state in ("HIT", "MISS") and entry is not None and code == entry["status"]:
                kept = [(h, v) for h, v in headers if h not in ("X-Cache", "Content-Length")]
                entry[self.SENT] = [
                    *kept,
                    ("Content-Length", str(len(entry["content"]))),
                    ("X-Cache", "HIT"),
                ]
            if exc_info is None:
                return start_response(status, headers)
            return start_response(status, headers, exc_info)

        return start
