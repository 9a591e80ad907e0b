"""Reader pages on a phone and on a desktop: accessible (axe-core finds nothing serious or
critical), every image loads, and the browser reports no error.

axe-core comes bundled with the axe-playwright-python package (a dev dependency), so
nothing is fetched when the tests run. Each page of each size leaves a screenshot in
tests/e2e/artifacts/.
"""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

from articles.models import Byline
from tests.e2e.helpers import DESKTOP, PHONE, JsErrors, open_as

DEVICES = {"phone": PHONE, "desktop": DESKTOP}
BLOCKING = ("serious", "critical")

# Every <img> loaded, lazy ones included: they are asked to load now, then checked.
BROKEN_IMAGES = """async () => {
    const images = [...document.images];
    images.forEach(img => { img.loading = "eager"; });
    await Promise.all(images.map(img => img.complete ? null : new Promise(done => {
        img.addEventListener("load", done, {once: true});
        img.addEventListener("error", done, {once: true});
        setTimeout(done, 5000);
    })));
    return images.filter(img => !(img.complete && img.naturalWidth > 0))
        .map(img => img.currentSrc || img.src || img.outerHTML.slice(0, 120));
}"""


def reader_pages(seed) -> dict[str, str]:
    return {
        "home": "/",
        "category": seed.thoi_su.get_absolute_url(),
        "article": seed.articles[0].get_absolute_url(),  # with a comment, a cover, a figure
        "search": "/tim-kiem/?q=duong",  # unaccented: finds "đường"
        "topic": seed.articles[0].topics.first().get_absolute_url(),
        "byline": Byline.objects.get(name="Minh An").get_absolute_url(),
    }


def describe(violation) -> str:
    targets = ", ".join(" ".join(node["target"]) for node in violation["nodes"][:5])
    return f"{violation['id']} ({violation['impact']}): {violation['help']} — {targets}"


def check_page(page: Page, url: str, axe: Axe) -> list[str]:
    failed = []

    def on_response(response):
        if response.status >= 400:
            failed.append(f"HTTP {response.status} {response.url}")

    page.on("response", on_response)
    try:
        page.goto(url, wait_until="load")
        problems = [f"broken image: {src}" for src in page.evaluate(BROKEN_IMAGES)]
    finally:
        page.remove_listener("response", on_response)
    problems += failed
    results = axe.run(page)
    problems += [describe(v) for v in results.response["violations"] if v["impact"] in BLOCKING]
    return problems


@pytest.mark.parametrize("size", DEVICES)
def test_reader_pages_are_accessible_and_healthy(new_context, server, seed, shot, size):
    js = JsErrors()
    page = open_as(new_context, server, None, js, device=DEVICES[size])
    axe = Axe()
    found = {}
    for name, path in reader_pages(seed).items():
        problems = check_page(page, f"{server}{path}", axe)
        shot(page, f"{size}-{name}")
        if problems:
            found[name] = problems
    if js.errors:
        found["javascript"] = js.errors
    report = "\n".join(f"{name}:\n  " + "\n  ".join(items) for name, items in found.items())
    assert not found, f"reader pages on a {size}:\n{report}"


def test_latest_news_comes_right_after_the_featured_stories_on_a_phone(new_context, server, seed):
    """On a phone the side column follows the main one; Mới nhất used to sit below every
    category band, near the bottom of the home page."""
    page = open_as(new_context, server, None, JsErrors(), device=PHONE)
    page.goto(f"{server}/", wait_until="load")
    latest = page.locator("#w-latest").bounding_box()
    featured = page.locator(".featured").bounding_box()
    band = page.locator(".band").first.bounding_box()
    assert featured["y"] < latest["y"] < band["y"]
    page.set_viewport_size(DESKTOP["viewport"])
    latest, band = (
        page.locator("#w-latest").bounding_box(),
        page.locator(".band").first.bounding_box(),
    )
    assert latest["x"] > band["x"] + band["width"] - 1  # the side column again on a desktop
