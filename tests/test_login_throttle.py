"""Admin login throttling (django-axes): five failures for a username or from an address lock
it for the cool-off period with a Vietnamese page; a superuser unlocks. Only made-up accounts
are used here, so no demo account is ever locked by a test."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.utils import timezone

from tests.factories import make_user

pytestmark = pytest.mark.django_db
LOGIN = "/admin/login/?next=/admin/"


def login(client, username, password, ip="203.0.113.7"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.fixture
def writer():
    return make_user("thu_khoa", is_staff=True)  # password "pw"


def test_five_failures_lock_the_username_even_for_the_right_password(client, writer):
    for _ in range(4):
        assert login(client, "thu_khoa", "sai-mat-khau").status_code == 200
    locked = login(client, "thu_khoa", "sai-mat-khau")
    assert locked.status_code == 429
    response = login(client, "thu_khoa", "pw", ip="198.51.100.9")  # another address too
    assert response.status_code == 429
    page = response.content.decode()
    assert "Tạm khóa đăng nhập" in page and "15 phút" in page
    assert response["X-Frame-Options"] == "DENY"
    assert not logged_in(client)


def test_five_failures_from_one_address_lock_that_address(client, writer):
    for n in range(5):
        login(client, f"doan-mo-{n}", "sai")
    assert login(client, "thu_khoa", "pw").status_code == 429
    assert not logged_in(client)
    # Another address is not locked, and the account itself has no failures.
    assert login(client, "thu_khoa", "pw", ip="198.51.100.9").status_code == 302
    assert logged_in(client)


def test_fewer_failures_then_success_resets_the_count(client, writer):
    for _ in range(4):
        login(client, "thu_khoa", "sai")
    assert login(client, "thu_khoa", "pw").status_code == 302
    client.logout()
    for _ in range(4):
        login(client, "thu_khoa", "sai")
    assert login(client, "thu_khoa", "pw").status_code == 302


def test_the_lock_ends_after_the_cool_off_period(client, writer):
    for _ in range(5):
        login(client, "thu_khoa", "sai")
    assert login(client, "thu_khoa", "pw").status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert login(client, "thu_khoa", "pw").status_code == 302


def test_a_superuser_unlocks_in_the_admin(client, writer):
    for _ in range(5):
        login(client, "thu_khoa", "sai")
    assert login(client, "thu_khoa", "pw").status_code == 429
    attempts = list(AccessAttempt.objects.values_list("pk", flat=True))
    assert attempts
    admin_client = type(client)()
    admin_client.force_login(make_user("quan_tri", is_staff=True, is_superuser=True))
    listing = admin_client.get("/admin/axes/accessattempt/")
    assert listing.status_code == 200 and "thu_khoa" in listing.content.decode()
    response = admin_client.post(
        "/admin/axes/accessattempt/",
        {"action": "delete_selected", "_selected_action": attempts, "post": "yes"},
    )
    assert response.status_code == 302
    assert not AccessAttempt.objects.exists()
    assert login(client, "thu_khoa", "pw").status_code == 302


def test_staff_who_are_not_superusers_cannot_unlock(client):
    editor = make_user("bien_tap_thu", is_staff=True)
    client.force_login(editor)
    assert client.get("/admin/axes/accessattempt/").status_code == 403
