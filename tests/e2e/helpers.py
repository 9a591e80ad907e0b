"""What the browser stories share: logging a colleague in, workflow buttons, and watching
every page of a test for JavaScript errors."""

import re

from playwright.sync_api import BrowserContext, Page, expect

from tests.e2e.seed import PASSWORD


class JsErrors:
    """Uncaught exceptions and console errors of every page a context opens (popups too)."""

    def __init__(self):
        self.errors: list[str] = []

    def watch(self, context: BrowserContext) -> BrowserContext:
        context.on("page", self._attach)
        return context

    def _attach(self, page: Page) -> None:
        page.on("pageerror", lambda error: self.errors.append(f"{page.url}: {error}"))
        page.on(
            "console",
            lambda message: (
                message.type == "error"
                and self.errors.append(f"{page.url}: console: {message.text}")
            ),
        )


DESKTOP = {"viewport": {"width": 1280, "height": 900}}
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def open_as(new_context, server: str, username: str | None, js: JsErrors, device=DESKTOP) -> Page:
    """A fresh browser (own cookies) for one person; staff log in to the admin first."""
    page = js.watch(new_context(**device)).new_page()
    if username:
        page.goto(f"{server}/admin/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", PASSWORD)
        page.click("#login-form [type=submit]")
        expect(page.locator("#user-tools")).to_be_visible()
    return page


def status_of(page: Page):
    return page.locator(".workflow__status .status-badge")


def move(page: Page, label: str, note: str = "") -> None:
    """Press a workflow button (with a note when given) and wait for the panel to reload."""
    if note:
        page.fill("#workflow-note", note)
    with page.expect_navigation():
        page.locator("[data-workflow-form]").get_by_role("button", name=label, exact=True).click()
    expect(page.locator(".messagelist .success")).to_be_visible()


def workflow_buttons(page: Page) -> list[str]:
    return page.locator("[data-workflow-form] button[name=to_status]").all_inner_texts()


def forge_move(page: Page, server: str, article, to_status: str):
    """POST a move straight to the server, as a hand-made request would, with this user's
    session and CSRF cookie: the server must refuse what the panel does not offer."""
    cookies = {c["name"]: c["value"] for c in page.context.cookies()}
    return page.request.post(
        f"{server}/admin/articles/article/{article.pk}/move/",
        form={"to_status": to_status, "from_status": article.status, "note": ""},
        headers={"X-CSRFToken": cookies["csrftoken"], "Referer": page.url},
        max_redirects=0,
    )


def select2(page: Page, row, search: str, choice: str) -> None:
    """Pick `choice` in the admin's autocomplete (select2) widget inside `row`."""
    row.locator(".select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill(search)
    option = page.locator(".select2-results__option", has_text=re.compile(rf"^{choice}$"))
    option.click()
    expect(row.locator(".select2-selection__rendered")).to_have_text(re.compile(choice))
