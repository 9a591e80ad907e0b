"""Two gunicorn nodes on loopback, one truth: they share PostgreSQL, Redis and a bucket
(moto's S3 server), and whatever is done through node A shows on node B, in-process tiers
included, within LOCAL_SECONDS.

Needs PostgreSQL and Redis (CI's PostgreSQL pass): on SQLite the test database lives in this
process's memory, where no second process can reach it, so the module is skipped there.
"""

import html
import os
import re
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from django.conf import settings
from django.db import connection
from django.test import Client

from articles.models import Article, Image
from comments.flood import FLOOD_MESSAGE
from comments.models import Comment
from pagecache.generations import LOCAL_SECONDS
from tests import s3
from tests.factories import jpeg_bytes, make_article, make_comment, make_user

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql" or not os.environ.get("REDIS_URL"),
        reason="two web nodes need a shared PostgreSQL and Redis (DATABASE_URL, REDIS_URL)",
    ),
    pytest.mark.django_db(transaction=True),  # the nodes see only committed rows
]
ROOT = Path(__file__).resolve().parent.parent
# A change shows on every node within LOCAL_SECONDS; the rest is room for a loaded machine.
AGREE_WITHIN = LOCAL_SECONDS + 1.0


class Node:
    def __init__(self, port: int, env: dict, log: Path):
        self.url = f"http://127.0.0.1:{port}"
        self.log = log
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "newsroom.wsgi:application",
             "--bind", f"127.0.0.1:{port}", "--workers", "1", "--threads", "4",
             "--graceful-timeout", "2"],
            cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT,
        )  # fmt: skip

    def wait_ready(self, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                requests.get(f"{self.url}/robots.txt", timeout=10)
                return
            except requests.RequestException:
                time.sleep(0.2)
        raise RuntimeError(f"node {self.url} did not start:\n{self.log.read_text()[-3000:]}")

    def wait_stopped(self) -> None:
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@pytest.fixture(scope="module")
def nodes(django_db_setup, s3_server, tmp_path_factory):
    db = connection.settings_dict
    bucket = s3.new_bucket(s3_server)
    env = {
        **os.environ,
        "DEBUG": "1",  # plain-http cookies for the test's browser; caches behave the same
        "SECRET_KEY": settings.SECRET_KEY,
        "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "DB_POOL_MIN": "1",
        "DB_POOL_MAX": "4",
        "REDIS_URL": os.environ["REDIS_URL"],
        "CACHE_KEY_PREFIX": f"two-nodes-{secrets.token_hex(4)}",
        "MEDIA_STORAGE": s3.media_url(s3_server, bucket),
        "ALLOWED_HOSTS": "127.0.0.1",
        "BENCH_TOOLS": "0",
    }
    env.pop("DATABASE_REPLICA_URL", None)
    logs = tmp_path_factory.mktemp("nodes")
    pair = [Node(s3.free_port(), env, logs / f"node-{name}.log") for name in "ab"]
    try:
        for node in pair:
            node.wait_ready()
        yield pair
    finally:
        for node in pair:
            node.process.send_signal(signal.SIGINT)  # gunicorn's quick shutdown, both at once
        for node in pair:
            node.wait_stopped()


def logged_in(node: Node, user) -> requests.Session:
    """A browser holding a session for `user` (made here: sessions live in the shared
    database, and the test's fast password hasher is not one the nodes know)."""
    client = Client()
    client.force_login(user)
    browser = requests.Session()
    browser.cookies.set(
        settings.SESSION_COOKIE_NAME, client.cookies[settings.SESSION_COOKIE_NAME].value
    )
    assert "/admin/logout/" in browser.get(f"{node.url}/admin/", timeout=10).text
    return browser


def csrf(page: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


def admin_post(browser, node: Node, path: str, data: dict, files=None) -> requests.Response:
    form = browser.get(f"{node.url}{path}", timeout=10)
    data = {**data, "csrfmiddlewaretoken": csrf(form.text)}
    return browser.post(f"{node.url}{path}", data, files=files, timeout=30)


def until(check, seconds: float) -> float:
    """Seconds until check() held (polling), or fail after `seconds`."""
    start = time.monotonic()
    while True:
        if check():
            return time.monotonic() - start
        if time.monotonic() - start > seconds:
            pytest.fail(f"nodes did not agree within {seconds:.1f} s")
        time.sleep(0.05)


def anonymous(node: Node, path: str) -> requests.Response:
    return requests.get(f"{node.url}{path}", timeout=10)


def test_a_photo_uploaded_through_a_is_shown_by_b(nodes, s3_server):
    a, b = nodes
    editor = make_user(is_superuser=True, is_staff=True)
    on_a = logged_in(a, editor)
    response = admin_post(
        on_a, a, "/admin/articles/image/add/",
        {"alt": "Cầu Rồng", "caption": "Cầu Rồng phun lửa", "credit": "MINH AN", "_save": "1"},
        files={"file": ("cau-rong.jpg", jpeg_bytes(1200, 800), "image/jpeg")},
    )  # fmt: skip
    assert response.status_code == 200, response.text[-2000:]
    image = Image.objects.get(alt="Cầu Rồng")
    assert image.renditions.count() == 6
    article = make_article(title="Đêm hội bên sông Hàn", cover=image)

    page = anonymous(b, article.get_absolute_url())
    assert page.status_code == 200
    cover_url = html.unescape(re.search(r'src="([^"]+-960\.jpg)"', page.text).group(1))
    assert cover_url.startswith(f"{s3.endpoint(s3_server)}/")
    photo = requests.get(cover_url, timeout=10)
    assert photo.status_code == 200 and photo.content[:3] == b"\xff\xd8\xff"
    on_b = logged_in(b, editor)
    assert image.file.name in on_b.get(f"{b.url}/admin/articles/image/{image.pk}/change/").text


def test_publishing_and_unpublishing_on_a_shows_on_b_within_a_second(nodes):
    a, b = nodes
    chief = make_user(is_superuser=True, is_staff=True)
    article = make_article(
        title="Tin nóng: khánh thành cầu mới", status=Article.Status.PENDING_APPROVAL
    )
    for _ in range(2):  # B now holds its home page in its own memory
        assert "khánh thành cầu mới" not in anonymous(b, "/").text
    on_a = logged_in(a, chief)

    move = f"/admin/articles/article/{article.pk}/move/"
    change = f"/admin/articles/article/{article.pk}/change/"
    form = on_a.get(f"{a.url}{change}", timeout=10)
    done = on_a.post(
        f"{a.url}{move}",
        {"to_status": "published", "from_status": "pending_approval",
         "csrfmiddlewaretoken": csrf(form.text)},
        timeout=30,
    )  # fmt: skip
    assert done.status_code == 200
    took = until(lambda: "khánh thành cầu mới" in anonymous(b, "/").text, AGREE_WITHIN)
    print(f"published on A, on B's home page after {took:.2f} s")
    article.refresh_from_db()
    url = article.get_absolute_url()
    assert anonymous(b, url).status_code == 200

    done = on_a.post(
        f"{a.url}{move}",
        {"to_status": "unpublished", "from_status": "published", "note": "Sai thông tin",
         "csrfmiddlewaretoken": csrf(form.text)},
        timeout=30,
    )  # fmt: skip
    assert done.status_code == 200
    took = until(
        lambda: (
            "khánh thành cầu mới" not in anonymous(b, "/").text
            and anonymous(b, url).status_code in (404, 410)
        ),
        AGREE_WITHIN,
    )
    print(f"unpublished on A, gone from B after {took:.2f} s")


def test_a_comment_approved_on_a_appears_on_b(nodes):
    a, b = nodes
    article = make_article(title="Bàn về giá vé xe buýt")
    comment = make_comment(
        article, content="Nên giảm giá vé cho học sinh.", status=Comment.Status.PENDING
    )
    url = article.get_absolute_url()
    for _ in range(2):
        assert "giảm giá vé cho học sinh" not in anonymous(b, url).text
    on_a = logged_in(a, make_user(is_superuser=True, is_staff=True))
    response = admin_post(
        on_a, a, "/admin/comments/comment/",
        {"action": "approve_selected", "_selected_action": [str(comment.pk)], "index": "0"},
    )  # fmt: skip
    assert response.status_code == 200
    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED
    took = until(lambda: "giảm giá vé cho học sinh" in anonymous(b, url).text, AGREE_WITHIN)
    print(f"approved on A, on B after {took:.2f} s")


def comment_form(node: Node, article) -> dict:
    page = anonymous(node, article.get_absolute_url()).text
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    return {"token": token, "website": "", "name": "Bạn đọc", "content": "Ý kiến của tôi."}


def test_the_flood_limit_counts_posts_made_through_both_nodes(nodes):
    a, b = nodes
    article = make_article(title="Lấy ý kiến quy hoạch")
    path = f"/binh-luan/{article.public_id}/"
    first = requests.post(
        f"{a.url}{path}", {**comment_form(a, article), "email": "bandoc@example.vn"},
        headers={"Origin": a.url}, allow_redirects=False, timeout=10,
    )  # fmt: skip
    assert first.status_code == 302
    # B has seen no post from this reader; the shared count says they already sent one.
    second = requests.post(
        f"{b.url}{path}", {**comment_form(b, article), "email": "bandoc@example.vn"},
        headers={"Origin": b.url}, allow_redirects=False, timeout=10,
    )  # fmt: skip
    assert second.status_code == 429
    assert html.escape(FLOOD_MESSAGE.split(".")[0]) in second.text
    assert Comment.objects.filter(article=article).count() == 1
