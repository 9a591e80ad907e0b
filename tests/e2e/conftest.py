"""Browser tests: the user stories in Debian's Chromium against a live server of the project.

Everything under tests/e2e/ is marked `e2e` (`make test-fast` leaves it out). Without a
Chromium binary the tests are skipped with one line in the summary, unless the environment
variable CI is set: then a missing browser is an error, never a skip.

The browser is /usr/bin/chromium (or `chromium` on PATH), or whatever E2E_CHROMIUM names
(E2E_CHROMIUM=/nonexistent simulates a machine without a browser). Playwright's own
browser download is never used.
"""

import os
import shutil
import time
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
ARTIFACTS = HERE / "artifacts"

# Chromium as root, on a machine that reaches no network but the project's own server:
# Playwright adds --no-sandbox itself (chromium_sandbox is off by default).
CHROMIUM_ARGS = [
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]
SKIP_REASON = "Chromium not found"
HOW_TO_ENABLE = (
    "browser tests (tests/e2e) skipped: Chromium not found. To run them: "
    "apt-get install -y chromium (or set E2E_CHROMIUM=/path/to/chromium), then make test."
)


def chromium_path() -> str | None:
    wanted = os.environ.get("E2E_CHROMIUM", "").strip()
    candidates = [wanted] if wanted else [shutil.which("chromium"), "/usr/bin/chromium"]
    for candidate in candidates:
        if candidate and os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    return None


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def _is_e2e(item) -> bool:
    return HERE in Path(str(item.path)).resolve().parents


def pytest_itemcollected(item):
    """Mark the browser tests as they are collected, before `-m "not e2e"` deselects."""
    if _is_e2e(item):
        item.add_marker(pytest.mark.e2e)


@pytest.hookimpl(trylast=True)  # after pytest-django's and pytest's own reordering
def pytest_collection_modifyitems(config, items):
    """Run the browser tests after everything else, and skip them outside CI when there is
    no browser."""
    browser_tests = [item for item in items if _is_e2e(item)]
    if not browser_tests:
        return
    # Last: Playwright's sync API keeps an event loop running in the main thread for the
    # rest of the session, and Django refuses ORM calls from a thread with a running loop
    # unless DJANGO_ALLOW_ASYNC_UNSAFE is set (see _allow_orm_beside_playwright).
    items[:] = [item for item in items if not _is_e2e(item)] + browser_tests
    if chromium_path() is None and not in_ci():
        skip = pytest.mark.skip(reason=f"{SKIP_REASON} (see tests/e2e/conftest.py)")
        for item in browser_tests:
            item.add_marker(skip)


def pytest_terminal_summary(terminalreporter):
    skipped = [
        report
        for report in terminalreporter.stats.get("skipped", [])
        if isinstance(report.longrepr, tuple) and SKIP_REASON in str(report.longrepr[2])
    ]
    if skipped:
        terminalreporter.write_line(f"NOTE: {len(skipped)} {HOW_TO_ENABLE}", yellow=True)


# -- Playwright -----------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    path = chromium_path()
    if path is None:  # only reached in CI: elsewhere the tests were skipped at collection
        wanted = os.environ.get("E2E_CHROMIUM", "").strip()
        where = f"E2E_CHROMIUM={wanted}" if wanted else "chromium on PATH, /usr/bin/chromium"
        pytest.fail(
            f"CI is set but Chromium was not found ({where}): browser tests must run in CI, "
            "never be skipped there. .ci/run installs it with apt-get.",
            pytrace=False,
        )
    args = [*browser_type_launch_args.get("args", []), *CHROMIUM_ARGS]
    return {**browser_type_launch_args, "executable_path": path, "args": args}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {
        **browser_context_args,
        "locale": "vi-VN",
        "timezone_id": "Asia/Ho_Chi_Minh",
    }


@pytest.fixture(scope="session", autouse=True)
def _allow_orm_beside_playwright():
    """Playwright's sync API runs an event loop in the main thread; the test's own ORM
    calls (seeding, checks) and the transactional flush between tests run beside it."""
    before = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if before is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = before


# -- the live server and its settings ---------------------------------------------------------


@pytest.fixture(autouse=True)
def _e2e_settings(settings, live_server):
    """Runs after tests/conftest.py's _test_settings (MEDIA_ROOT in a temp folder, a fresh
    cache). The live server runs in this process, so these apply to it too; it serves
    MEDIA_ROOT itself (Django's live server does, whatever SERVE_MEDIA says)."""
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    # The "sent less than 3 s after the form was shown" rule stays on, shortened to 1 s so
    # the reader story does not sleep 3 s (the story waits past it before sending).
    settings.COMMENT_RULES = {"MIN_SECONDS": 1}
    ARTIFACTS.mkdir(exist_ok=True)


@pytest.fixture
def server(live_server) -> str:
    return live_server.url


@pytest.fixture
def shot(request):
    """shot(page, "name"): a full-page screenshot, tests/e2e/artifacts/<test>--<name>.png."""
    prefix = request.node.name.split("[")[0].removeprefix("test_")

    def take(page, name: str) -> Path:
        path = ARTIFACTS / f"{prefix}--{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def seed(transactional_db):
    from tests.e2e.seed import seed_newsroom

    return seed_newsroom()


@pytest.fixture
def new_context(transactional_db, new_context):
    """Every browser context of a test (one per person in the stories) fails an action in
    10 seconds, not Playwright's 30. Asking for the database first makes the contexts close
    before it is flushed: a page being closed still sends its autosave, and the live server
    must have finished writing it before the flush starts (SQLite locks the table)."""
    made = []

    def make(**kwargs):
        context = new_context(**kwargs)
        context.set_default_timeout(10_000)
        made.append(context)
        return context

    yield make
    for context in made:
        context.close()
    if made:
        time.sleep(1.0)  # the last beacons of closed pages reach the live server


@pytest.fixture(scope="session", autouse=True)
def _expect_timeout():
    from playwright.sync_api import expect

    expect.set_options(timeout=10_000)  # a loaded CI machine is slower than 5 s at times
