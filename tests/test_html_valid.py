"""Every reader page is valid HTML: the Nu HTML Checker (vnu.jar) finds no error.

The checker is a Java program. CI (.ci/run) installs Java from Debian and the `vnu-jar`
package from the npm registry into .ci/vnu/; elsewhere set VNU_JAR to a vnu.jar, or the test
is skipped with a note. With CI set, a missing checker is a failure, never a skip."""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.test import Client

from articles.models import Article
from tests import factories as f
from tests.e2e.seed import seed_newsroom

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = ROOT / ".ci/vnu/node_modules/vnu-jar/build/dist/vnu.jar"

pytestmark = pytest.mark.django_db


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


@pytest.fixture
def vnu() -> list[str]:
    jar = Path(os.environ.get("VNU_JAR") or BUNDLED)
    java = shutil.which("java")
    if jar.is_file() and java:
        return [java, "-Xss1024k", "-jar", str(jar)]
    message = f"the Nu HTML Checker needs java and vnu.jar ({jar}); see .ci/run"
    if in_ci():
        pytest.fail(message)
    pytest.skip(message)


def reader_pages() -> dict[str, str]:
    newsroom = seed_newsroom()
    lead = newsroom.articles[0]
    byline = f.make_byline(name="Hữu Tâm")
    Article.objects.get(pk=lead.pk).byline_links.create(byline=byline, position=0)
    lead.refresh_from_db()
    topic = lead.topics.first()
    child = newsroom.xa_hoi.children.first()
    return {
        "home": "/",
        "category": newsroom.thoi_su.get_absolute_url(),
        "child-category": child.get_absolute_url(),
        "article": lead.get_absolute_url(),
        "article-plain": newsroom.articles[-1].get_absolute_url(),
        "print": f"/print/{lead.public_id}/",
        "search": "/tim-kiem/?q=duong",
        "search-empty": "/tim-kiem/",
        "search-nothing": "/tim-kiem/?q=khongcogica",
        "byline": byline.get_absolute_url(),
        "topic": topic.get_absolute_url(),
        "not-found": "/khong/co/trang/nay/",
    }


def test_every_reader_page_passes_the_nu_html_checker(vnu, tmp_path):
    client = Client()
    files = []
    for name, url in reader_pages().items():
        response = client.get(url)
        assert response.status_code in (200, 404), (name, response.status_code)
        path = tmp_path / f"{name}.html"
        path.write_bytes(response.content)
        files.append(str(path))
    result = subprocess.run(
        [*vnu, "--errors-only", "--format", "json", "--stdout", *files],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    messages = json.loads(result.stdout or "{}").get("messages", [])
    errors = [
        f"{Path(m.get('url', '')).name}:{m.get('lastLine', '?')}: {m.get('message')}"
        f" [{m.get('extract', '').strip()[:120]}]"
        for m in messages
        if m.get("type") in ("error", "non-document-error")
    ]
    assert not errors, "\n".join(errors)
