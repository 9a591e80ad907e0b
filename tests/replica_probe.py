"""Run by tests/test_replica_cluster.py in a process of its own, whose DATABASE_URL and
DATABASE_REPLICA_URL name a real primary and its streaming replica: it serves requests with
Django's test client, notes which server ran each request's queries, and prints them as JSON.

Argument: the command that stops the replica (run before the last request)."""

import json
import os
import subprocess
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
django.setup()

from django.core.cache import cache  # noqa: E402
from django.db import connections  # noqa: E402
from django.test import Client  # noqa: E402

from newsroom.db_router import REPLICA_GRACE_SECONDS  # noqa: E402
from pagecache import generations  # noqa: E402
from tests.conftest import reset_caches  # noqa: E402
from tests.factories import make_article, make_user  # noqa: E402


def served(client, method: str, path: str, **extra) -> dict:
    """Status, and the number of queries each server ran, for one request (caches emptied
    first, so the page is really built). Counted by execute wrappers, which, unlike
    CaptureQueriesContext, do not connect to the replica themselves."""
    changed_at = cache.get(generations.CHANGED_KEY)
    reset_caches()
    if changed_at:
        cache.set(generations.CHANGED_KEY, changed_at, None)  # when content last changed
    counts = {"default": 0, "replica": 0}

    def counting(alias):
        def wrapper(execute, sql, params, many, context):
            counts[alias] += 1
            return execute(sql, params, many, context)

        return wrapper

    started = time.monotonic()
    with connections["default"].execute_wrapper(counting("default")):
        with connections["replica"].execute_wrapper(counting("replica")):
            response = getattr(client, method)(path, **extra)
    return {
        "status": response.status_code,
        "primary": counts["default"],
        "replica": counts["replica"],
        "seconds": round(time.monotonic() - started, 2),
    }


def replayed(article) -> bool:
    with connections["replica"].cursor() as cursor:
        cursor.execute("SELECT 1 FROM articles_article WHERE id = %s", [article.pk])
        return cursor.fetchone() is not None


def main(stop_replica: list[str]) -> dict:
    article = make_article(title="Bài cho bản sao")
    url = article.get_absolute_url()
    results = {"just_after_the_change": served(Client(), "get", url)}
    deadline = time.monotonic() + 10
    while not replayed(article) and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(REPLICA_GRACE_SECONDS + 0.2)
    results["anonymous"] = served(Client(), "get", url)
    results["anonymous_home"] = served(Client(), "get", "/")
    staff = Client()
    staff.force_login(make_user(is_staff=True, is_superuser=True))
    results["staff"] = served(staff, "get", url)
    results["admin"] = served(staff, "get", "/admin/articles/article/")
    results["comment_post"] = served(
        Client(), "post", f"/binh-luan/{article.public_id}/",
        data={"name": "A", "email": "a@example.vn", "content": "Ý kiến."},
        HTTP_ORIGIN="http://testserver",
    )  # fmt: skip
    results["beacon"] = served(
        Client(), "post", "/api/views/", data={"id": str(article.pk)},
        HTTP_ORIGIN="http://testserver",
    )  # fmt: skip
    connections["replica"].close()
    subprocess.run(stop_replica, check=True, capture_output=True)
    results["replica_down"] = served(Client(), "get", url)
    results["replica_down_again"] = served(Client(), "get", "/")
    return results


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1:])))
