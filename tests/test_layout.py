"""The house stays as the README draws it: one bypass rule shared with nginx, old admin
addresses that still lead somewhere, modules of a readable size."""

import re
from pathlib import Path

import pytest

from pagecache.middleware import bypass_cookies

ROOT = Path(__file__).resolve().parent.parent
ROOMS = ("articles", "comments", "reader", "pagecache")


def test_nginx_micro_cache_bypasses_on_the_same_cookies_as_the_page_cache(settings):
    conf = (ROOT / "deploy" / "nginx.conf").read_text()
    skip = re.search(r'map "([^"]+)" \$skip_cache', conf)
    assert skip, "deploy/nginx.conf has no $skip_cache map"
    variables = set(re.findall(r"\$([a-z_]+)", skip.group(1)))
    expected = {f"cookie_{name}" for name in bypass_cookies()} | {"http_authorization"}
    assert variables == expected


def test_the_session_cookie_name_comes_from_settings(settings, client):
    settings.SESSION_COOKIE_NAME = "toasoan_sid"
    assert "toasoan_sid" in bypass_cookies()
    assert "sessionid" not in bypass_cookies()


@pytest.mark.parametrize("room", ROOMS)
def test_no_application_module_past_about_500_lines(room):
    long = {
        str(path.relative_to(ROOT)): n
        for path in (ROOT / room).rglob("*.py")
        if "migrations" not in path.parts and (n := len(path.read_text().splitlines())) > 520
    }
    assert long == {}


@pytest.mark.django_db
def test_old_comment_admin_addresses_lead_to_the_new_ones(admin_client):
    response = admin_client.get("/admin/articles/comment/?status__exact=pending")
    assert response.status_code == 301
    assert response["Location"] == "/admin/comments/comment/?status__exact=pending"
    response = admin_client.get("/admin/articles/moderationword/add/")
    assert response["Location"] == "/admin/comments/moderationword/add/"
