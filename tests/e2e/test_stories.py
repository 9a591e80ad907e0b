"""The newsroom's user stories, end to end, in Chromium (issue #7).

Stories 1 to 4 are one test: each needs the article (and the comment) of the step before.
Every step leaves a full-page screenshot in tests/e2e/artifacts/.
"""

import re
import time
from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import Page, expect

from articles.models import Article
from articles.vietnamese import date_line
from comments.models import Comment
from tests import factories
from tests.e2e.helpers import (
    JsErrors,
    forge_move,
    move,
    open_as,
    select2,
    status_of,
    workflow_buttons,
)

TITLE = "Khánh thành cầu Hòa Bình nối đôi bờ sông Đà"
SAPO = "Sáng nay, cây cầu dài 1,2 km chính thức thông xe, rút ngắn quãng đường qua sông."
FIXED_SAPO = "Sáng 28/11, cây cầu dài 1,2 km chính thức thông xe, rút ngắn 15 km đường vòng."
HEADING = "Công trình trọng điểm của tỉnh"
BOLD = "hơn 800 tỷ đồng"
LINK_TEXT = "cổng thông tin của tỉnh"
LINK_URL = "https://tinh.example.vn/cau-hoa-binh"
AFTER_LINK = " từ hôm nay."
PHOTO_CAPTION = "Lễ cắt băng khánh thành cầu Hòa Bình"
PHOTO_CREDIT = "QUỐC VIỆT"
PHOTO_ALT = "Lãnh đạo tỉnh cắt băng trên mặt cầu mới"
REASON = "Sapo cần nêu rõ ngày khánh thành và quãng đường được rút ngắn."
COMMENT = "Cây cầu mới giúp bà con hai bên sông đi lại thuận tiện hơn nhiều. Cảm ơn báo!"

PUBLISHED = Article.Status.PUBLISHED
SCHEDULE_LEAD = 5  # seconds between scheduling an article and its time


def next_frames(page: Page) -> None:
    """Let the editor finish what it does on the next animation frames: after a dialog, it
    focuses itself and puts its selection back in a requestAnimationFrame."""
    page.evaluate(
        "() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))"
    )


def write_body(page: Page) -> None:
    """A heading, a paragraph with bold text and a link, typed as a reporter would.

    The editor learns of a caret or selection moved by the browser (arrow keys) on the next
    selectionchange event, so each step waits for the toolbar to show that it has: the link
    button is enabled once text is selected, "remove link" hides once the caret left it."""
    editor = page.locator(".ProseMirror[contenteditable=true]")
    link_button = page.locator(".prose-menubar__button[data-name=link]")
    unlink_button = page.locator(".prose-menubar__button[data-name=unlink]")
    editor.click()
    page.click(".prose-menubar__selected")  # the block type menu
    page.click(".prose-menubar__option[data-name=heading2]")
    page.keyboard.type(HEADING)
    page.keyboard.press("Enter")
    page.keyboard.type("Tổng vốn đầu tư ")
    page.keyboard.press("Control+b")
    page.keyboard.type(BOLD)
    page.keyboard.press("Control+b")
    page.keyboard.type(f". Chi tiết dự án có trên {LINK_TEXT}{AFTER_LINK}")
    for _ in AFTER_LINK:
        page.keyboard.press("ArrowLeft")
    for _ in LINK_TEXT:
        page.keyboard.press("Shift+ArrowLeft")
    expect(link_button).not_to_have_class(re.compile(r"\bdisabled\b"))
    link_button.click()
    dialog = page.locator("dialog[open]")
    dialog.locator("input[name=href]").fill(LINK_URL)
    dialog.locator("button[type=submit]").click()
    expect(dialog).to_have_count(0)
    expect(editor).to_be_focused()
    expect(unlink_button).to_be_visible()  # the new link is selected
    next_frames(page)
    page.keyboard.press("Control+End")  # not End: that stops where the line wraps
    expect(unlink_button).to_be_hidden()
    page.keyboard.press("Enter")


def insert_uploaded_photo(page: Page, shot) -> None:
    """Chèn ảnh → Chọn ảnh… opens the library in a popup; upload there, and the popup hands
    the photo (address, alt, caption with credit) back to the editor's dialog."""
    page.click(".prose-menubar__button[data-name=figure]")
    dialog = page.locator("dialog[open]")
    with page.expect_popup() as opened:
        dialog.get_by_role("button", name="Chọn ảnh…").click()
    picker = opened.value
    picker.wait_for_load_state()
    expect(picker).to_have_title(re.compile("Chọn ảnh từ Thư viện ảnh"))
    picker.click("summary:has-text('Tải ảnh mới lên thư viện')")
    photo = factories.jpeg_bytes(800, 450, (230, 160, 30))
    picker.set_input_files(
        "#id_file", files=[{"name": "cau-hoa-binh.jpg", "mimeType": "image/jpeg", "buffer": photo}]
    )
    picker.fill("#id_alt", PHOTO_ALT)
    picker.fill("#id_caption", PHOTO_CAPTION)
    picker.fill("#id_credit", PHOTO_CREDIT)
    shot(picker, "1b-picker-upload")
    with picker.expect_event("close"):
        picker.click("input[type=submit][value='Tải lên và chèn ảnh']")
    expect(dialog.locator("input[name=imageUrl]")).to_have_value(re.compile(r"^/media/.+"))
    expect(dialog.locator("input[name=altText]")).to_have_value(PHOTO_ALT)
    expect(dialog.locator("input[name=caption]")).to_have_value(
        f"{PHOTO_CAPTION} (Ảnh: {PHOTO_CREDIT})"
    )
    dialog.get_by_role("button", name="Chèn", exact=True).click()
    expect(page.locator(".ProseMirror figure img")).to_be_visible()
    expect(page.locator(".ProseMirror figure figcaption")).to_contain_text(PHOTO_CAPTION)


def choose_cover(page: Page, caption: str) -> None:
    """The cover chooser opens the same library popup; a click on a photo chooses it."""
    with page.expect_popup() as opened:
        page.get_by_role("button", name="Chọn từ Thư viện ảnh…").click()
    picker = opened.value
    with picker.expect_event("close"):
        picker.locator(".picker__item a", has_text=caption).click()
    chooser = page.locator("[data-image-chooser]")
    expect(chooser.locator("[data-image-chooser-preview] img")).to_be_visible()
    expect(chooser.locator("[data-image-chooser-preview]")).to_contain_text(caption)
    expect(page.locator("#id_cover")).to_have_value(re.compile(r"^\d+$"))


def add_bylines(page: Page, bylines: list[tuple[str, int]]) -> None:
    """One inline row per pen name, with the order readers will see it in."""
    for index, (name, position) in enumerate(bylines):
        if index:
            page.locator("#byline_links-group .add-row a").click()
        row = page.locator(f"#byline_links-{index}")
        select2(page, row, name.split()[0], name)
        row.locator("input[name$='-position']").fill(str(position))


def save_and_continue(page: Page) -> None:
    with page.expect_navigation():
        page.locator("input[name=_continue]").first.click()
    expect(page.locator(".errornote")).to_have_count(0)
    expect(page.locator(".messagelist .success")).to_be_visible()


def test_an_article_goes_from_the_reporter_through_the_desk_to_readers(
    new_context, server, seed, shot
):
    js = JsErrors()

    # 1. Phóng viên writes the article and submits it; publishing is not theirs to do.
    reporter = open_as(new_context, server, "phongvien", js)
    reporter.goto(f"{server}/admin/articles/article/add/")
    reporter.fill("#id_title", TITLE)
    reporter.fill("#id_sapo", SAPO)
    write_body(reporter)
    insert_uploaded_photo(reporter, shot)
    choose_cover(reporter, "Quang cảnh số 2")
    reporter.select_option("#id_category", label="Thời sự")
    add_bylines(reporter, [("Minh An", 2), ("Thu Hà", 1)])
    shot(reporter, "1a-reporter-writes")
    save_and_continue(reporter)

    article = Article.objects.get(title=TITLE)
    assert article.status == Article.Status.DRAFT
    assert article.created_by == seed.reporter
    assert f"<h2>{HEADING}</h2>" in article.body
    assert f"<strong>{BOLD}</strong>" in article.body
    assert re.search(rf'<a href="{re.escape(LINK_URL)}"[^>]*>{LINK_TEXT}</a>', article.body)
    assert re.search(r'<figure[^>]*>\s*<img [^>]*data-file="\d+"', article.body)
    assert PHOTO_CAPTION in article.body
    assert re.search(rf"{re.escape(AFTER_LINK)}</p><figure", article.body)  # after the text
    assert article.cover.caption == "Quang cảnh số 2"
    assert [link.byline.name for link in article.ordered_bylines()] == ["Thu Hà", "Minh An"]
    assert workflow_buttons(reporter) == ["Gửi biên tập"]
    move(reporter, "Gửi biên tập")
    expect(status_of(reporter)).to_have_text("Chờ biên tập")
    # Only Rút lại is left to press, until the desk claims the article.
    assert workflow_buttons(reporter) == ["Rút lại"]
    shot(reporter, "1c-reporter-submitted")

    # 2. Biên tập viên claims it and returns it with a reason.
    editor = open_as(new_context, server, "bientapvien", js)
    editor.goto(f"{server}/admin/")
    desk = editor.locator(".desk")
    expect(desk).to_contain_text(TITLE)
    shot(editor, "2a-editor-desk")
    desk.get_by_role("link", name=TITLE).first.click()
    move(editor, "Nhận biên tập")
    expect(status_of(editor)).to_have_text("Đang biên tập")
    move(editor, "Trả lại phóng viên", note=REASON)
    expect(status_of(editor)).to_have_text("Trả lại")
    shot(editor, "2b-editor-returned")

    # The reporter sees why, fixes the sapo and sends it again.
    reporter.goto(f"{server}/admin/")
    expect(reporter.locator(".desk")).to_contain_text(REASON)
    shot(reporter, "2c-reporter-desk-reason")
    reporter.locator(".desk").get_by_role("link", name=TITLE).first.click()
    expect(reporter.locator(".workflow__reason")).to_contain_text(REASON)
    reporter.fill("#id_sapo", FIXED_SAPO)
    save_and_continue(reporter)
    move(reporter, "Gửi lại biên tập")
    expect(status_of(reporter)).to_have_text("Chờ biên tập")
    shot(reporter, "2d-reporter-resubmitted")

    # The editor claims it again and sends it for approval; publishing is not theirs either.
    editor.goto(f"{server}/admin/articles/article/{article.pk}/change/")
    expect(editor.locator("div.field-sapo")).to_contain_text(FIXED_SAPO)  # read-only until claimed
    move(editor, "Nhận biên tập")
    move(editor, "Trình duyệt")
    expect(status_of(editor)).to_have_text("Chờ duyệt")
    assert "Duyệt và xuất bản" not in workflow_buttons(editor)
    shot(editor, "2e-editor-sent-for-approval")
    article.refresh_from_db()
    assert article.status == Article.Status.PENDING_APPROVAL
    assert forge_move(editor, server, article, PUBLISHED).status == 403
    assert forge_move(reporter, server, article, PUBLISHED).status == 403
    article.refresh_from_db()
    assert article.status == Article.Status.PENDING_APPROVAL

    # The Tổng biên tập publishes it.
    chief = open_as(new_context, server, "tongbientap", js)
    chief.goto(f"{server}/admin/")
    chief.locator(".desk").get_by_role("link", name=TITLE).first.click()
    move(chief, "Duyệt và xuất bản")
    expect(status_of(chief)).to_have_text("Đã xuất bản")
    shot(chief, "2f-chief-published")
    article.refresh_from_db()
    assert article.is_public

    # 3. A reader finds it under Mới nhất, reads it and sends feedback.
    reader = open_as(new_context, server, None, js)
    reader.goto(f"{server}/")
    latest = reader.locator("section.widget--latest")
    expect(latest.get_by_role("heading", name="Mới nhất")).to_be_visible()
    shot(reader, "3a-reader-home")
    latest.get_by_role("link", name=TITLE).click()
    expect(reader).to_have_url(re.compile(re.escape(article.get_absolute_url()) + "$"))
    story = reader.locator("article.article")
    expect(story.locator("h1")).to_have_text(TITLE)
    expect(story.locator(".article__meta time")).to_have_text(date_line(article.published_at))
    expect(story.locator(".article__sapo")).to_have_text(FIXED_SAPO)
    body = story.locator(".article__body")
    expect(body.locator("h2")).to_have_text(HEADING)
    expect(body.locator("strong")).to_have_text(BOLD)
    expect(body.get_by_role("link", name=LINK_TEXT)).to_have_attribute("href", LINK_URL)
    figure = body.locator("figure")
    expect(figure.locator("img")).to_have_attribute("alt", PHOTO_ALT)
    expect(figure.locator("figcaption")).to_have_text(f"{PHOTO_CAPTION} (Ảnh: {PHOTO_CREDIT})")
    assert figure.locator("img").evaluate("img => img.complete && img.naturalWidth > 0")
    expect(story.locator(".bylines__names")).to_have_text("Thu Hà - Minh An", ignore_case=True)
    # The bylines close the article: after the body, before the reader's sections.
    order = story.evaluate(
        """article => [".article__body", ".bylines", "#phan-hoi"].map(
            selector => article.querySelector(selector)).reduce(
            (ok, node, i, all) => ok && (i === 0 ||
                (all[i - 1].compareDocumentPosition(node) & Node.DOCUMENT_POSITION_FOLLOWING)), true)"""
    )
    assert order, "bylines should follow the body and precede Phản hồi"
    for section in ("Phản hồi", "Các tin khác", "Mới nhất", "Đọc nhiều", "Liên kết website"):
        expect(reader.get_by_role("heading", name=section, exact=True)).to_be_visible()
    shot(reader, "3b-reader-article")

    form = reader.locator("form[data-comment-form]")
    form.get_by_label("Họ và tên").fill("Nguyễn Thị Mai")
    form.get_by_label("Email").fill("mai.nguyen@example.vn")
    form.get_by_label("Nội dung").fill(COMMENT)
    time.sleep(1.2)  # a person takes longer than the 1 s "too fast" rule of the e2e settings
    with reader.expect_navigation():
        form.get_by_role("button", name="Gửi").click()
    thanks = reader.locator("#phan-hoi-da-gui")
    expect(thanks).to_be_visible()
    expect(thanks).to_contain_text("đang chờ Ban biên tập duyệt")
    expect(reader.locator("#phan-hoi .comment", has_text=COMMENT)).to_have_count(0)
    expect(reader.locator("#cf-content")).to_have_value("")
    shot(reader, "3c-reader-thanked")
    comment = Comment.objects.get(article=article)
    assert comment.status == Comment.Status.PENDING, comment.hold_detail

    # 4. The Kiểm duyệt viên bình luận approves it; the reader reloads and sees it.
    moderator = open_as(new_context, server, "kiemduyet", js)
    moderator.goto(f"{server}/admin/comments/comment/")
    row = moderator.locator("#result_list tbody tr", has_text=COMMENT)
    expect(row).to_have_count(1)
    expect(row.locator(".field-article_link")).to_contain_text(TITLE)
    # The decisions are in view at 1280 px, not scrolled off the side of the list.
    shown = moderator.locator("#changelist .results").bounding_box()
    right = min(shown["x"] + shown["width"], moderator.viewport_size["width"])
    for decision in ("Duyệt", "Từ chối", "Thư rác"):
        box = row.get_by_role("button", name=decision, exact=True).bounding_box()
        assert box["x"] + box["width"] <= right, decision
    shot(moderator, "4a-moderator-queue")
    # Decided in place (queue.js): the row says so, the count drops, no page load.
    row.get_by_role("button", name="Duyệt", exact=True).click()
    expect(moderator.locator("[data-queue-status]")).to_contain_text("Đã duyệt")
    expect(row.locator("[data-status-label]")).to_contain_text("Đã duyệt")
    expect(moderator.locator("h1")).to_contain_text("0 chờ duyệt")
    moderator.reload()
    expect(moderator.locator("#result_list", has_text=COMMENT)).to_have_count(0)  # queue empty
    shot(moderator, "4b-moderator-approved")
    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED

    reader.goto(f"{server}{article.get_absolute_url()}")
    approved = reader.locator(".comments__list .comment", has_text=COMMENT)
    expect(approved).to_be_visible()
    expect(approved).to_contain_text("Nguyễn Thị Mai")
    shot(reader, "4c-reader-sees-comment")

    assert js.errors == []


def test_a_scheduled_article_appears_on_time_with_no_job_running(new_context, server, seed, shot):
    js = JsErrors()
    title = "Tỉnh công bố kết quả thi tuyển công chức năm 2026"
    scheduled = factories.make_article(
        title=title,
        category=seed.xa_hoi,
        cover=seed.articles[0].cover,
        status=PUBLISHED,
        published_at=timezone.now() + timedelta(seconds=SCHEDULE_LEAD),
    )
    reader = open_as(new_context, server, None, js)
    reader.goto(f"{server}/")
    assert timezone.now() < scheduled.published_at, "the first page took longer than the lead"
    latest = reader.locator("section.widget--latest")
    expect(latest).to_contain_text(seed.articles[0].title)
    assert title not in latest.inner_text()
    shot(reader, "5a-home-before")

    time.sleep(max(0, (scheduled.published_at - timezone.now()).total_seconds()) + 0.5)
    response = reader.reload()
    expect(
        latest.get_by_role("link", name=title),
        f"not on the home page after its time (X-Cache: {response.headers.get('x-cache')})",
    ).to_be_visible()
    shot(reader, "5b-home-after")
    assert js.errors == []
