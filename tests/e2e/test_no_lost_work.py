"""The newsroom never loses work, in Chromium (issue #14): the caption trap, the leave
warning, and the autosave that comes back after the page was left."""

import re

from playwright.sync_api import Page, expect

from articles.models import Article, ArticleAutosave
from tests import factories
from tests.e2e.helpers import JsErrors, open_as

AFTER_PHOTO = "Dự kiến công trình hoàn thành vào quý hai."
AFTER_ENTER = "Đoạn gõ sau khi bấm Enter ở chú thích."


def draft_of(seed, **kw) -> Article:
    kw.setdefault("title", "Bài nháp về công trình cầu mới")
    kw.setdefault("body", "<p>Đoạn mở đầu của bài.</p>")
    return factories.make_desk_article(
        Article.Status.DRAFT, created_by=seed.reporter, category=seed.thoi_su, **kw
    )


def change_url(server, article) -> str:
    return f"{server}/admin/articles/article/{article.pk}/change/"


def insert_library_photo(page: Page) -> None:
    """Chèn ảnh → Chọn ảnh… → a photo of the library → Chèn."""
    page.click(".prose-menubar__button[data-name=figure]")
    dialog = page.locator("dialog[open]")
    with page.expect_popup() as opened:
        dialog.get_by_role("button", name="Chọn ảnh…").click()
    picker = opened.value
    with picker.expect_event("close"):
        picker.locator(".picker__item a").first.click()
    expect(dialog.locator("input[name=caption]")).not_to_have_value("")
    dialog.get_by_role("button", name="Chèn", exact=True).click()
    expect(page.locator(".ProseMirror figure img")).to_be_visible()


def test_text_typed_after_inserting_a_photo_lands_below_it(new_context, server, seed, shot):
    js = JsErrors()
    article = draft_of(seed)
    page = open_as(new_context, server, "phongvien", js)
    page.goto(change_url(server, article))
    editor = page.locator(".ProseMirror[contenteditable=true]")
    editor.locator("p").last.click()
    page.keyboard.press("End")
    page.keyboard.press("Enter")
    insert_library_photo(page)
    expect(editor.locator("p").first).to_have_text("Đoạn mở đầu của bài.")
    page.keyboard.type(AFTER_PHOTO)
    figure = editor.locator("figure")
    caption = figure.locator("figcaption")
    caption_text = caption.inner_text()
    assert AFTER_PHOTO not in caption_text
    expect(editor.locator("figure + p")).to_have_text(AFTER_PHOTO)

    # Enter at the end of the caption leaves it too.
    caption.click()
    page.wait_for_function(
        "() => { const n = getSelection().anchorNode;"
        " return n && (n.nodeType === 1 ? n : n.parentElement).closest('figcaption'); }"
    )
    page.keyboard.press("End")
    page.keyboard.press("Enter")
    page.keyboard.type(AFTER_ENTER)
    expect(caption).to_have_text(caption_text)
    expect(editor.locator("figure + p")).to_have_text(AFTER_ENTER)
    expect(page.locator("[data-editor-count]")).to_contain_text(re.compile(r"\d+ từ · \d+ ký tự"))
    shot(page, "after-figure")

    with page.expect_navigation():
        page.locator("input[name=_continue]").first.click()
    expect(page.locator(".messagelist .success")).to_be_visible()
    article.refresh_from_db()
    assert re.search(r"</figcaption></figure><p>" + re.escape(AFTER_ENTER), article.body)
    assert AFTER_PHOTO in article.body
    assert not re.search(r"<figcaption[^>]*>[^<]*" + re.escape(AFTER_PHOTO), article.body)
    assert js.errors == []


def test_leaving_with_unsaved_changes_asks_first_and_saving_does_not(new_context, server, seed):
    js = JsErrors()
    article = draft_of(seed)
    page = open_as(new_context, server, "phongvien", js)
    url = change_url(server, article)
    page.goto(url)
    page.fill("#id_title", "Tít mới chưa lưu")
    asked = []

    def answer(dialog):
        asked.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", answer)
    page.get_by_role("link", name="Trang chủ").first.click(no_wait_after=True)
    page.wait_for_timeout(500)
    assert asked == ["beforeunload"]
    assert page.url == url
    expect(page.locator("#id_title")).to_have_value("Tít mới chưa lưu")

    with page.expect_navigation():
        page.locator("input[name=_continue]").first.click()
    expect(page.locator(".messagelist .success")).to_be_visible()
    page.get_by_role("link", name="Trang chủ").first.click()
    page.wait_for_url(f"{server}/admin/")
    assert asked == ["beforeunload"]  # nothing asked once saved
    article.refresh_from_db()
    assert article.title == "Tít mới chưa lưu"
    assert js.errors == []


def test_an_autosave_of_a_left_page_is_offered_and_restored(new_context, server, seed, shot):
    js = JsErrors()
    article = draft_of(seed)
    page = open_as(new_context, server, "phongvien", js)
    url = change_url(server, article)
    page.clock.install()
    page.goto(url)
    page.fill("#id_title", "Tít gõ dở")
    editor = page.locator(".ProseMirror[contenteditable=true]")
    editor.click()
    page.keyboard.press("Control+End")
    page.keyboard.type(" Câu gõ dở chưa lưu.")

    page.clock.run_for(16_000)  # the 15-second autosave
    expect(page.locator("[data-autosave-status]")).to_contain_text("Đã lưu tự động lúc")
    saved = ArticleAutosave.objects.get(article=article)
    assert saved.data["title"] == ["Tít gõ dở"]

    page.keyboard.type(" Thêm một câu nữa.")
    page.on("dialog", lambda dialog: dialog.accept())  # leave anyway
    page.get_by_role("link", name="Trang chủ").first.click()
    page.wait_for_url(f"{server}/admin/")

    page.goto(url)
    offer = page.locator("[data-autosave-offer]")
    expect(offer).to_contain_text("Khôi phục bản lưu tự động lúc")
    expect(page.locator("#id_title")).to_have_value(article.title)  # nothing applied yet
    shot(page, "offer")
    offer.get_by_role("link", name=re.compile("Khôi phục bản lưu tự động")).click()
    expect(page.locator("#id_title")).to_have_value("Tít gõ dở")
    expect(editor).to_contain_text("Câu gõ dở chưa lưu. Thêm một câu nữa.")  # sent on leaving
    with page.expect_navigation():
        page.locator("input[name=_continue]").first.click()
    expect(page.locator(".messagelist .success")).to_be_visible()
    article.refresh_from_db()
    assert article.title == "Tít gõ dở" and "Thêm một câu nữa." in article.body
    assert not ArticleAutosave.objects.filter(article=article).exists()
    assert js.errors == []


def test_a_click_below_a_photo_that_ends_the_body_starts_a_paragraph(new_context, server, seed):
    js = JsErrors()
    photo = factories.make_image(caption="Cầu mới nhìn từ trên cao", credit="HẢI LĂNG")
    article = draft_of(
        seed,
        body=(
            f'<p>Đoạn đầu.</p><figure><img src="{photo.url_for(640)}" alt="Cầu" '
            f'data-file="{photo.pk}"><figcaption>Cầu mới nhìn từ trên cao (Ảnh: HẢI LĂNG)'
            "</figcaption></figure>"
        ),
    )
    page = open_as(new_context, server, "phongvien", js)
    page.goto(change_url(server, article))
    editor = page.locator(".ProseMirror[contenteditable=true]")
    figure = editor.locator("figure")
    expect(figure.locator("img")).to_be_visible()
    box, area = figure.bounding_box(), editor.bounding_box()
    below = box["y"] + box["height"] + 4 - area["y"]
    assert below < area["height"], "the editor has room below the photo"
    figure.locator("figcaption").click()  # the caret sits in the caption, as after the picker
    page.keyboard.press("End")
    editor.click(position={"x": 20, "y": below})
    page.keyboard.type(AFTER_PHOTO)
    expect(figure.locator("figcaption")).to_have_text("Cầu mới nhìn từ trên cao (Ảnh: HẢI LĂNG)")
    expect(editor.locator("figure + p")).to_have_text(AFTER_PHOTO)
    assert js.errors == []
