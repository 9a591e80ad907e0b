"""The comment queue in Chromium: a Kiểm duyệt viên decides ten mixed comments by keyboard
without a page load, and every decision is in reach on a 390 px phone."""

from playwright.sync_api import expect

from comments.models import Comment
from tests import factories as f
from tests.e2e.helpers import PHONE, JsErrors, open_as
from tests.e2e.seed import published

Status = Comment.Status
QUEUE = "/admin/comments/comment/"


def pending_comments(article, n: int) -> list[Comment]:
    """n pending comments, oldest first; the queue lists them newest first."""
    return [
        f.make_comment(article, status=Status.PENDING, content=f"Ý kiến thử số {i} về bài.")
        for i in range(n)
    ]


def test_ten_mixed_comments_by_keyboard(new_context, server, seed, shot):
    article = seed.articles[0]
    comments = pending_comments(published(article.title), 10)
    js = JsErrors()
    moderator = open_as(new_context, server, "kiemduyet", js)
    moderator.goto(f"{server}{QUEUE}")
    expect(moderator.locator("h1")).to_contain_text("10 chờ duyệt")
    loads = []
    moderator.on(
        "framenavigated", lambda frame: frame == moderator.main_frame and loads.append(frame.url)
    )

    # Newest first: keys[i] decides comments[9 - i]. One key per decision, plus a slip that
    # is undone (u) and decided again, and one step back (k) to change a decision.
    keys = ["a", "r", "s", "a", "a", "s", "r", "a"]
    for key in keys:
        moderator.keyboard.press(key)
    moderator.keyboard.press("u")  # undo the 8th decision (approve of comments[2])
    expect(moderator.locator("[data-queue-status]")).to_contain_text("Đã hoàn tác")
    moderator.keyboard.press("r")  # comments[2], which has focus again: reject
    moderator.keyboard.press("a")  # comments[1]
    moderator.keyboard.press("s")  # comments[0]
    moderator.keyboard.press("k")  # the last row stayed current: one up is comments[1]
    moderator.keyboard.press("r")  # change comments[1] to rejected
    expect(moderator.locator("h1")).to_contain_text("0 chờ duyệt")
    expect(moderator.locator("[data-queue-status]")).to_contain_text("Đã từ chối")
    moderator.keyboard.press("?")
    expect(moderator.locator("dialog.queue-help")).to_be_visible()
    shot(moderator, "keys-help")
    moderator.keyboard.press("?")
    expect(moderator.locator("dialog.queue-help")).to_be_hidden()
    shot(moderator, "ten-decided")

    # comments[9..3] from keys a r s a a s r; comments[2] r after undo; [1] a then r; [0] s
    expected = {
        9: Status.APPROVED, 8: Status.REJECTED, 7: Status.SPAM, 6: Status.APPROVED,
        5: Status.APPROVED, 4: Status.SPAM, 3: Status.REJECTED, 2: Status.REJECTED,
        1: Status.REJECTED, 0: Status.SPAM,
    }  # fmt: skip
    for i, comment in enumerate(comments):
        comment.refresh_from_db()
        assert comment.status == expected[i], (i, comment.status)
        assert comment.moderated_by == seed.moderator
    assert loads == []  # no page load: 14 keystrokes for 10 decisions, a slip and a change
    assert js.errors == []


def test_undo_survives_a_reload(new_context, server, seed):
    article = published(seed.articles[0].title)
    comment = pending_comments(article, 1)[0]
    js = JsErrors()
    moderator = open_as(new_context, server, "kiemduyet", js)
    moderator.goto(f"{server}{QUEUE}")
    moderator.keyboard.press("s")
    expect(moderator.locator("h1")).to_contain_text("0 chờ duyệt")
    moderator.reload()
    moderator.keyboard.press("u")
    expect(moderator.locator("[data-queue-status]")).to_contain_text("Đã hoàn tác")
    expect(moderator.locator("h1")).to_contain_text("1 chờ duyệt")
    comment.refresh_from_db()
    assert comment.status == Status.PENDING
    assert js.errors == []


def test_inline_reply_to_spam_is_offered_as_a_private_note(new_context, server, seed):
    article = published(seed.articles[0].title)
    spam = f.make_comment(article, status=Status.SPAM, content="Nội dung bị lọc nhầm.")
    js = JsErrors()
    moderator = open_as(new_context, server, "kiemduyet", js)
    moderator.goto(f"{server}{QUEUE}?status__exact=spam")
    row = moderator.locator("#result_list tbody tr", has_text="Nội dung bị lọc nhầm.")
    row.get_by_role("link", name="Thư riêng").click()
    row.get_by_label("Thư riêng cho bạn đọc").fill("Xin lỗi, phản hồi của bạn đã bị lọc nhầm.")
    row.get_by_role("button", name="Gửi thư riêng").click()
    expect(moderator.locator("[data-queue-status]")).to_contain_text("Đã gửi thư riêng")
    spam.refresh_from_db()
    assert spam.status == Status.SPAM and not spam.replies.exists()
    assert js.errors == []


def test_every_decision_is_in_view_on_a_390px_phone(new_context, server, seed, shot):
    article = published(seed.articles[0].title)
    pending_comments(article, 3)
    js = JsErrors()
    phone = open_as(new_context, server, "kiemduyet", js, device=PHONE)
    phone.goto(f"{server}{QUEUE}")
    width = phone.viewport_size["width"]
    assert phone.evaluate("document.documentElement.scrollWidth") <= width  # no sideways scroll
    rows = phone.locator("#result_list tbody tr")
    expect(rows).to_have_count(3)
    for i in range(3):
        for name in ("Duyệt", "Từ chối", "Thư rác", "Trả lời và duyệt", "Sửa", "Chặn"):
            button = rows.nth(i).get_by_role("button", name=name, exact=True)
            if not button.count():
                button = rows.nth(i).get_by_role("link", name=name, exact=True)
            box = button.bounding_box()
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= width, (i, name, box)
            assert box["height"] >= 40, (name, box)  # a finger can hit it
    shot(phone, "queue-390")
    rows.nth(0).get_by_role("button", name="Duyệt", exact=True).click()
    expect(phone.locator("h1")).to_contain_text("2 chờ duyệt")
    assert js.errors == []


def test_a_refused_reader_lands_at_the_form_with_the_message_and_their_text(
    new_context, server, seed, shot
):
    import time

    article = published(seed.articles[0].title)
    js = JsErrors()
    reader = open_as(new_context, server, None, js, device=PHONE)

    def send(text: str) -> None:
        reader.goto(f"{server}{article.get_absolute_url()}")
        form = reader.locator("form[data-comment-form]")
        expect(form.locator("input[name=browser]")).not_to_have_value("")  # site.js got one
        form.get_by_label("Họ và tên").fill("Trần Văn Nam")
        form.get_by_role("textbox", name="Email").fill("nam@example.vn")
        form.get_by_label("Nội dung").fill(text)
        time.sleep(1.2)  # past the 1 s "too fast" rule of the e2e settings
        with reader.expect_navigation():
            form.get_by_role("button", name="Gửi").click()

    send("Ý kiến thứ nhất của tôi về bài này.")
    expect(reader.locator("#phan-hoi-da-gui")).to_be_visible()
    send("Ý kiến thứ hai, gửi ngay sau đó.")
    error = reader.locator("#gui-phan-hoi .form-error")
    expect(error).to_contain_text("Bạn gửi phản hồi quá nhanh")
    expect(error).to_be_in_viewport()  # not the top of the article, far above the form
    expect(reader.locator("#cf-content")).to_have_value("Ý kiến thứ hai, gửi ngay sau đó.")
    shot(reader, "reader-refused-at-form")
    assert Comment.objects.filter(email="nam@example.vn").count() == 1
    # Chromium logs the page's own 429 status as a console error; nothing else may fail.
    assert [e for e in js.errors if "status of 429" not in e] == []
