"""The desk in Chromium: a reporter's tabs and bell after an editor returns their article,
the article page at 1280 px (sidebar at the top, a tall body box, no raw image id) and the
bylines on a phone (no sideways scrolling)."""

from playwright.sync_api import expect

from articles import workflow
from articles.models import Article
from tests import factories
from tests.e2e.helpers import PHONE, JsErrors, open_as

S = Article.Status


def test_the_reporter_is_told_and_finds_the_returned_article_on_their_desk(
    seed, server, new_context, shot
):
    article = factories.make_desk_article(
        S.DRAFT, created_by=seed.reporter, category=seed.thoi_su, title="Bài cần sửa lại"
    )
    workflow.transition(article, S.SUBMITTED, seed.reporter)
    workflow.transition(article, S.EDITING, seed.editor)
    workflow.transition(article, S.RETURNED, seed.editor, "Thiếu ý kiến người dân")
    js = JsErrors()
    page = open_as(new_context, server, "phongvien", js)
    expect(page.locator(".bell__count")).to_have_text("2")  # claimed, then returned
    tab = page.locator(".desk-tabs__tab", has_text="Trả lại")
    expect(tab.locator(".desk-tabs__count")).to_have_text("1")
    tab.click()
    row = page.locator(".desk-mine tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Thiếu ý kiến người dân")
    shot(page, "desk-returned")
    page.locator(".bell").click()
    expect(page.locator("#result_list")).to_contain_text("Bài bị trả lại")
    page.locator("#result_list a", has_text="Bài bị trả lại").click()
    expect(page.locator(".workflow__reason")).to_contain_text("Thiếu ý kiến người dân")
    history = page.locator("#transitions-group")
    history.locator("summary").click()
    expect(history).to_contain_text("Bình Trần")
    expect(history).to_contain_text("Thời điểm (GMT+7)")
    assert js.errors == []


def test_the_article_page_at_1280_and_the_bylines_on_a_phone(seed, server, new_context, shot):
    photo = factories.make_image()
    article = factories.make_desk_article(
        S.DRAFT, created_by=seed.reporter, category=seed.xa_hoi, cover=photo
    )
    js = JsErrors()
    page = open_as(new_context, server, "phongvien", js)
    page.goto(f"{server}/admin/articles/article/{article.pk}/change/")
    sidebar = page.locator("#nav-sidebar").bounding_box()
    main = page.locator("#main").bounding_box()
    assert abs(sidebar["y"] - main["y"]) < 2  # the sidebar starts at the top of the page
    assert page.locator(".field-body .ProseMirror[contenteditable]").bounding_box()["height"] > 300
    expect(page.locator("#id_cover")).to_be_hidden()
    expect(page.locator(".image-chooser__preview img")).to_be_visible()
    shot(page, "article-1280")
    phone = open_as(new_context, server, "phongvien", js, device=PHONE)
    phone.goto(f"{server}/admin/articles/article/{article.pk}/change/")
    bylines = phone.locator("#byline_links-group")
    bylines.scroll_into_view_if_needed()
    width = phone.evaluate("() => document.querySelector('#byline_links-group').scrollWidth")
    assert width <= 390
    expect(bylines.locator("input[name$='-position']").first).to_be_visible()
    shot(phone, "bylines-phone")
    assert js.errors == []
