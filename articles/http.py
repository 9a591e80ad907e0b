"""Small request helpers shared by the view counter and the comment form."""

import ipaddress
import re
from urllib.parse import urlsplit

from django.conf import settings

from articles.models import SiteSettings

_BOT = re.compile(
    r"bot|crawl|spider|slurp|facebookexternalhit|zalo|preview|headless|curl|wget|python-|httpx",
    re.IGNORECASE,
)


def _networks():
    return [ipaddress.ip_network(p, strict=False) for p in settings.TRUSTED_PROXIES]


def _is_trusted(address: str, networks) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in networks)


def client_ip(request) -> str | None:
    """The reader's address. With no trusted proxies, the socket peer. Behind trusted
    proxies, walk X-Forwarded-For from the right and take the first address that is not one
    of ours: everything left of it was written by the client and proves nothing."""
    remote = request.META.get("REMOTE_ADDR") or None
    networks = _networks()
    if not networks or not remote or not _is_trusted(remote, networks):
        return remote
    hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    for hop in reversed([h for h in hops if h]):
        if not _is_trusted(hop, networks):
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:
                return remote
    return remote


def is_bot(request) -> bool:
    agent = request.META.get("HTTP_USER_AGENT", "")
    return not agent or bool(_BOT.search(agent))


def is_same_origin(request) -> bool:
    """True when Origin (or, without it, Referer) names this site: the host the request came
    to (already checked against ALLOWED_HOSTS) or the public domain in SiteSettings."""
    source = request.META.get("HTTP_ORIGIN") or request.META.get("HTTP_REFERER") or ""
    if not source or source == "null":
        return False
    host = urlsplit(source).netloc.lower()
    if not host:
        return False
    allowed = {request.get_host().lower(), SiteSettings.load().domain.strip().lower()}
    return host in allowed
