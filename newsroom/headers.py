"""The security headers of every response, in one place.

Django's SecurityMiddleware (HSTS, nosniff, referrer policy, the HTTPS redirect) and
XFrameOptionsMiddleware sit with this one at the very top of MIDDLEWARE, outside the page
cache, so a page answered from the cache gets them like a fresh one; the in-process front
(pagecache/front.py) replays the headers Django sent, these included.

The Content-Security-Policy comes from django-csp. Reader pages run only our own scripts
and styles (no inline ones: a nonce would be frozen into a cached page). The admin is
allowed inline styles (the editor and Django's admin set style attributes) and the import
map django-prose-editor writes inline, by its hash; never an inline script.
"""

import base64
import hashlib
import re
from urllib.parse import urlsplit

from csp.constants import NONE, SELF, UNSAFE_INLINE
from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings

# Browser features no page of ours uses; a framed or injected script cannot ask for them.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer", "camera", "geolocation", "gyroscope", "magnetometer", "microphone",
        "payment", "usb", "interest-cohort", "browsing-topics",
    )
)  # fmt: skip
ADMIN_PREFIX = "/admin/"
_IMPORTMAP = re.compile(rb'<script type="importmap"[^>]*>(.*?)</script>', re.DOTALL)
_STYLE = re.compile(rb"<style>(.*?)</style>", re.DOTALL)


def _origin(url: str) -> str | None:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else None


def directives(media_url: str = "/media/", static_url: str = "/static/") -> dict:
    """The reader pages' policy. Media or static files on another host (object storage, a
    CDN) are named by their origin."""
    elsewhere = [o for o in {_origin(media_url), _origin(static_url)} if o]
    return {
        "default-src": [SELF],
        "script-src": [SELF, *elsewhere],
        "style-src": [SELF, *elsewhere],
        "img-src": [SELF, *elsewhere],
        "font-src": [SELF, *elsewhere],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        # The comment form posts to our own URL; nothing of ours posts elsewhere.
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }


def _hashes(pattern, response) -> list[str]:
    content = b"" if response.streaming else response.content
    return [
        f"'sha256-{base64.b64encode(hashlib.sha256(body).digest()).decode()}'"
        for body in pattern.findall(content)
    ]


def _admin_extra(response) -> dict:
    update = {"style-src": [UNSAFE_INLINE], "img-src": ["data:", "blob:"]}
    if hashes := _hashes(_IMPORTMAP, response):
        update["script-src"] = hashes
    return update


class HeaderPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware plus Permissions-Policy, with the admin's allowances."""

    def get_policy_parts(self, request, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        is_html = response.get("Content-Type", "").startswith("text/html")
        if report_only or not is_html or parts.update is not None:
            return parts
        if request.path_info.startswith(ADMIN_PREFIX):
            parts.update = _admin_extra(response)
        elif response.status_code == 500:
            # templates/500.html carries its own style (it must render with nothing else
            # working); it is a fixed template, so its style is allowed by hash.
            parts.update = {"style-src": _hashes(_STYLE, response)}
        return parts

    def process_response(self, request, response):
        response = super().process_response(request, response)
        if "Permissions-Policy" not in response:
            response["Permissions-Policy"] = PERMISSIONS_POLICY
        # The site speaks one language (settings.LANGUAGES), so no LocaleMiddleware works it
        # out of each request; it is named here, for cached pages too.
        response.setdefault("Content-Language", settings.LANGUAGE_CODE)
        return response
