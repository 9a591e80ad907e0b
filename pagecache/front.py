"""The in-process front: reader pages this process holds in memory, answered before Django
is entered (newsroom/wsgi.py wraps the Django application in it)."""

import time
from http import HTTPStatus

from django.conf import settings
from django.core.handlers.wsgi import get_path_info, get_script_name
from django.http import parse_cookie

from pagecache.middleware import bypasses, local_tier, page_key, scopes_of_path


def _is_https(environ) -> bool:
    """request.is_secure() without a request (SECURE_PROXY_SSL_HEADER honoured)."""
    proxy = settings.SECURE_PROXY_SSL_HEADER
    if proxy:
        header, value = proxy
        return environ.get(header, "").split(",")[0].strip() == value
    return environ.get("wsgi.url_scheme") == "https"


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
        if bypasses("GET", parse_cookie(environ.get("HTTP_COOKIE", "")), environ):
            return None
        if settings.SECURE_SSL_REDIRECT and not _is_https(environ):
            return None  # Django's SecurityMiddleware answers with the redirect
        path = get_path_info(environ)
        scopes = scopes_of_path(path)
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
