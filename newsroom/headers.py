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
import functools
import hashlib
import re
from urllib.parse import urlsplit

from csp.constants import HEADER, NONE, SELF, UNSAFE_INLINE
from csp.middleware import CheckableLazyObject, CSPMiddleware, PolicyParts
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver

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


# What a view or a decorator of django-csp may set on a response to change its policy.
_PER_RESPONSE = tuple(
    f"_csp_{what}{ro}" for what in ("config", "update", "replace", "exempt") for ro in ("", "_ro")
)


@functools.cache
def _site_policy() -> str | None:
    """The header of a reader page: the settings' policy as django-csp builds it, built once
    (it is the same for every such page). None when the settings ask for more than that
    (a report-only policy, excluded prefixes): django-csp then does it all per response."""
    policy = getattr(settings, "CONTENT_SECURITY_POLICY", None) or {}
    if getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None):
        return None
    if policy.get("EXCLUDE_URL_PREFIXES"):
        return None
    return build_policy() or None


@receiver(setting_changed)
def _policy_changed(setting, **kwargs):
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        _site_policy.cache_clear()


class HeaderPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware plus Permissions-Policy, with the admin's allowances. A page
    that takes the site's policy as it is (no nonce, no per-view change, not the admin, not
    a 500) gets the header built once per process."""

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
        if (policy := self._site_policy_for(request, response)) is not None:
            response.setdefault(HEADER, policy)
            # As django-csp does: a nonce asked for after this point is an error.
            request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        else:
            response = super().process_response(request, response)
        if "Permissions-Policy" not in response:
            response["Permissions-Policy"] = PERMISSIONS_POLICY
        # The site speaks one language (settings.LANGUAGES), so no LocaleMiddleware works it
        # out of each request; it is named here, for cached pages too.
        response.setdefault("Content-Language", settings.LANGUAGE_CODE)
        return response

    @staticmethod
    def _site_policy_for(request, response) -> str | None:
        if response.status_code >= 400 or request.path_info.startswith(ADMIN_PREFIX):
            return None  # the admin's allowances, the 500 page's style, DEBUG's error pages
        if getattr(request, "_csp_nonce", None) is not None:
            return None
        if any(getattr(response, name, None) is not None for name in _PER_RESPONSE):
            return None
        return _site_policy()
