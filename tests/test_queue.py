"""The queue at newsroom speed, over HTTP: the JSON row actions queue.js calls (one per
shortcut), undo, the reply rules for each status, ban and hide, the block list, and the
queue's words."""

import time
from unittest import mock

import pytest
from django.contrib.admin.models import LogEntry
from django.core import mail, signing
from django.test import Client

from articles import roles
from comments import actions
from comments.models import BlockedSender, Comment
from tests.factories import make_article, make_comment, make_user
from tests.test_comments import form, post

pytestmark = pytest.mark.django_db
Status = Comment.Status

QUEUE = "/admin/comments/comment/"
JSON = {"HTTP_ACCEPT": "application/json"}


@pytest.fixture
def moderator(client):
    user = make_user(group=roles.MODERATOR, email="kiemduyet@example.vn")
    client.force_login(user)
    return user


def act(client, comment, what, data=None):
    return client.post(f"{QUEUE}{comment.pk}/{what}/", data or {}, **JSON)


class TestShortcutsOverHttp:
    """a, r, s post these; the row changes from the answer, with the pending count."""

    @pytest.mark.parametrize(
        "decision, status",
        [("approve", Status.APPROVED), ("reject", Status.REJECTED), ("spam", Status.SPAM)],
    )
    def test_each_decision_answers_json_with_the_new_row_state(
        self, client, moderator, decision, status
    ):
        comment = make_comment(make_article(), status=Status.PENDING)
        make_comment(comment.article, status=Status.PENDING)
        response = act(client, comment, decision)
        assert response.status_code == 200
        data = response.json()
        assert (data["id"], data["status"], data["pending"]) == (comment.pk, status, 1)
        assert data["status_label"].startswith(Status(status).label)
        assert moderator.username in data["status_label"]
        assert data["undo"]
        comment.refresh_from_db()
        assert (comment.status, comment.moderated_by) == (status, moderator)
        assert LogEntry.objects.filter(object_id=str(comment.pk)).count() == 1

    def test_decision_needs_a_csrf_token(self, moderator):
        strict = Client(enforce_csrf_checks=True)
        strict.force_login(moderator)
        comment = make_comment(make_article(), status=Status.PENDING)
        assert act(strict, comment, "approve").status_code == 403
        assert Comment.objects.get(pk=comment.pk).status == Status.PENDING

    def test_reporter_gets_403_not_json(self, client):
        client.force_login(make_user(group=roles.REPORTER))
        comment = make_comment(make_article(), status=Status.PENDING)
        for what in ("approve", "reject", "spam", "edit", "reply"):
            assert act(client, comment, what, {"content": "x"}).status_code == 403
        assert client.post(f"{QUEUE}undo/", {"token": "x"}, **JSON).status_code == 403
        assert Comment.objects.get(pk=comment.pk).status == Status.PENDING

    def test_get_is_not_allowed(self, client, moderator):
        comment = make_comment(make_article(), status=Status.PENDING)
        assert client.get(f"{QUEUE}{comment.pk}/approve/").status_code == 405
        assert client.get(f"{QUEUE}{comment.pk}/reply/").status_code == 405

    def test_without_javascript_it_still_redirects_with_a_message(self, client, moderator):
        comment = make_comment(make_article(), status=Status.PENDING)
        response = client.post(f"{QUEUE}{comment.pk}/reject/", HTTP_REFERER=f"http://testserver{QUEUE}")  # fmt: skip
        assert response.status_code == 302 and response["Location"].endswith(QUEUE)
        assert Comment.objects.get(pk=comment.pk).status == Status.REJECTED

    def test_e_edits_the_text_and_keeps_the_original(self, client, moderator):
        comment = make_comment(make_article(), status=Status.PENDING, content="Chữ sai chính tả")
        response = act(client, comment, "edit", {"content": "Chữ đúng chính tả"})
        assert response.status_code == 200
        assert response.json()["content"] == "Chữ đúng chính tả"
        comment.refresh_from_db()
        assert (comment.content, comment.original_content, comment.status) == (
            "Chữ đúng chính tả", "Chữ sai chính tả", Status.PENDING,
        )  # fmt: skip

    def test_blank_edit_is_refused_and_changes_nothing(self, client, moderator):
        comment = make_comment(make_article(), status=Status.PENDING, content="Giữ nguyên")
        response = act(client, comment, "edit", {"content": "   "})
        assert response.status_code == 400
        assert "trống" in response.json()["message"]
        assert Comment.objects.get(pk=comment.pk).content == "Giữ nguyên"


class TestUndo:
    def test_u_puts_the_comment_back_as_it_was(self, client, moderator):
        comment = make_comment(make_article(), status=Status.PENDING)
        token = act(client, comment, "spam").json()["undo"]
        response = client.post(f"{QUEUE}undo/", {"token": token}, **JSON)
        assert response.status_code == 200
        assert (response.json()["status"], response.json()["pending"]) == (Status.PENDING, 1)
        comment.refresh_from_db()
        assert (comment.status, comment.moderated_by, comment.moderated_at) == (
            Status.PENDING, None, None,
        )  # fmt: skip

    def test_undo_restores_an_earlier_decision_with_who_and_when(self, client, moderator):
        other = make_user(group=roles.MODERATOR)
        comment = make_comment(make_article(), status=Status.PENDING)
        actions.approve(comment, other)
        before = Comment.objects.get(pk=comment.pk).moderated_at
        token = act(client, comment, "reject").json()["undo"]
        client.post(f"{QUEUE}undo/", {"token": token}, **JSON)
        comment.refresh_from_db()
        assert (comment.status, comment.moderated_by, comment.moderated_at) == (
            Status.APPROVED, other, before,
        )  # fmt: skip

    def test_undo_expires_after_a_minute(self, client, moderator):
        comment = make_comment(make_article(), status=Status.PENDING)
        with mock.patch.object(signing.time, "time", return_value=time.time() - 61):
            token = act(client, comment, "approve").json()["undo"]
        response = client.post(f"{QUEUE}undo/", {"token": token}, **JSON)
        assert response.status_code == 409
        assert "một phút" in response.json()["message"]
        assert Comment.objects.get(pk=comment.pk).status == Status.APPROVED

    def test_only_the_moderator_who_decided_can_undo(self, client, moderator):
        comment = make_comment(make_article(), status=Status.PENDING)
        token = act(client, comment, "approve").json()["undo"]
        client.force_login(make_user(group=roles.MODERATOR))
        assert client.post(f"{QUEUE}undo/", {"token": token}, **JSON).status_code == 409
        assert client.post(f"{QUEUE}undo/", {"token": "forged"}, **JSON).status_code == 409
        assert Comment.objects.get(pk=comment.pk).status == Status.APPROVED


class TestReplyRules:
    """Replying never changes a rejected or spam comment's status."""

    def test_reply_to_a_pending_comment_approves_it_and_says_so(self, client, moderator):
        comment = make_comment(make_article(), status=Status.PENDING)
        body = client.get(QUEUE).content.decode()
        assert ">Trả lời và duyệt</a>" in body
        response = act(client, comment, "reply", {"content": "Cảm ơn bạn đã phản ánh."})
        assert response.status_code == 200
        assert (response.json()["status"], response.json()["reply_label"]) == (
            Status.APPROVED, "Trả lời",
        )  # fmt: skip
        assert Comment.objects.get(pk=comment.pk).status == Status.APPROVED
        assert Comment.objects.get(parent=comment).status == Status.APPROVED

    def test_reply_to_an_approved_comment_keeps_it_approved(self, client, moderator):
        comment = make_comment(make_article(), status=Status.APPROVED)
        assert act(client, comment, "reply", {"content": "Đã ghi nhận."}).status_code == 200
        assert Comment.objects.get(pk=comment.pk).status == Status.APPROVED
        assert comment.replies.count() == 1

    @pytest.mark.parametrize("status", [Status.REJECTED, Status.SPAM])
    def test_public_reply_to_a_rejected_or_spam_comment_is_refused(self, client, moderator, status):
        comment = make_comment(make_article(), status=status, hold_reason="duplicate")
        response = act(client, comment, "reply", {"content": "Vì sao bị từ chối: ..."})
        assert response.status_code == 409
        assert response.json()["can_note"] is True
        assert "thư riêng" in response.json()["message"]
        assert Comment.objects.get(pk=comment.pk).status == status
        assert not comment.replies.exists()
        assert mail.outbox == []

    @pytest.mark.parametrize("status", [Status.REJECTED, Status.SPAM])
    def test_the_private_note_is_emailed_and_changes_nothing(self, client, moderator, status):
        comment = make_comment(make_article(), status=status, email="ban@example.vn")
        data = {"content": "Phản hồi của bạn có số điện thoại nên chưa đăng.", "private": "1"}
        response = act(client, comment, "reply", data)
        assert response.status_code == 200
        assert Comment.objects.get(pk=comment.pk).status == status
        assert not comment.replies.exists()
        assert len(mail.outbox) == 1 and mail.outbox[0].to == ["ban@example.vn"]
        assert "số điện thoại nên chưa đăng" in mail.outbox[0].body

    def test_the_function_itself_refuses(self, moderator):
        for status in (Status.REJECTED, Status.SPAM):
            comment = make_comment(make_article(), status=status)
            with pytest.raises(actions.ReplyRefused):
                actions.reply(comment, moderator, "Giải thích")
            assert Comment.objects.get(pk=comment.pk).status == status

    def test_change_form_on_a_spam_comment_offers_a_private_note(self, client, moderator):
        comment = make_comment(make_article(), status=Status.SPAM)
        url = f"{QUEUE}{comment.pk}/change/"
        assert "Thư riêng cho bạn đọc" in client.get(url).content.decode()
        data = {"name": comment.name, "content": comment.content, "reply": "Lý do: trùng lặp."}
        assert client.post(url, data).status_code == 302
        assert Comment.objects.get(pk=comment.pk).status == Status.SPAM
        assert not comment.replies.exists() and len(mail.outbox) == 1

    def test_rejecting_with_a_reply_typed_publishes_neither(self, client, moderator):
        comment = make_comment(make_article(), status=Status.PENDING)
        data = {"name": comment.name, "content": comment.content, "reply": "Lý do...", "_reject": "1"}  # fmt: skip
        client.post(f"{QUEUE}{comment.pk}/change/", data)
        assert Comment.objects.get(pk=comment.pk).status == Status.REJECTED
        assert not comment.replies.exists()


class TestBanAndHide:
    def test_ban_blocks_the_email_and_rejects_all_their_pending(self, client, moderator):
        article = make_article()
        spam = make_comment(article, status=Status.PENDING, email="xau@example.vn",
                            ip_address="203.0.113.5")  # fmt: skip
        more = make_comment(article, status=Status.PENDING, email="xau@example.vn")
        shown = make_comment(article, status=Status.APPROVED, email="xau@example.vn")
        other = make_comment(article, status=Status.PENDING, email="tot@example.vn")
        page = client.get(f"{QUEUE}{spam.pk}/ban/")
        assert page.status_code == 200 and "2 phản hồi đang chờ" in page.content.decode()
        response = client.post(f"{QUEUE}{spam.pk}/ban/", {"ip_hours": "24", "reason": "quảng cáo"})
        assert response.status_code == 302
        assert {c.pk: c.status for c in Comment.objects.all()} == {
            spam.pk: Status.REJECTED, more.pk: Status.REJECTED,
            shown.pk: Status.APPROVED, other.pk: Status.PENDING,
        }  # fmt: skip
        block = BlockedSender.objects.get()
        assert (block.email, block.ip_address, block.created_by) == (
            "xau@example.vn", "203.0.113.5", moderator,
        )  # fmt: skip
        assert block.ip_until is not None

    def test_blocked_sender_is_thanked_like_anyone_and_held_as_spam(self, client, moderator):
        article = make_article()
        BlockedSender.objects.create(email="binh@example.vn")
        client.logout()
        response = post(client, article, form(article))
        assert response.status_code == 302 and "phan-hoi=da-gui" in response["Location"]
        comment = Comment.objects.get()
        assert (comment.status, comment.hold_reason) == (Status.SPAM, "blocked")

    def test_blocked_ip_lasts_until_its_time(self, moderator):
        from datetime import timedelta

        from django.utils import timezone

        now = timezone.now()
        BlockedSender.objects.create(email="x@example.vn", ip_address="203.0.113.5",
                                     ip_until=now + timedelta(hours=1))  # fmt: skip
        assert actions.is_blocked("khac@example.vn", "203.0.113.5", now=now)
        assert not actions.is_blocked("khac@example.vn", "203.0.113.5", now=now + timedelta(hours=2))  # fmt: skip
        assert not actions.is_blocked("khac@example.vn", "203.0.113.6", now=now)

    def test_moderators_see_the_block_list_and_lift_a_block(self, client, moderator):
        block = BlockedSender.objects.create(email="xau@example.vn", reason="quảng cáo")
        body = client.get("/admin/comments/blockedsender/").content.decode()
        assert "xau@example.vn" in body and "quảng cáo" in body
        response = client.post(
            "/admin/comments/blockedsender/",
            {"action": "lift_selected", "_selected_action": [block.pk]},
        )
        assert response.status_code == 302
        assert not BlockedSender.objects.exists()
        assert not actions.is_blocked("xau@example.vn", None)

    def test_reporters_cannot_ban_or_see_the_list(self, client):
        client.force_login(make_user(group=roles.REPORTER))
        comment = make_comment(make_article(), status=Status.PENDING)
        assert client.post(f"{QUEUE}{comment.pk}/ban/", {"ip_hours": "0"}).status_code == 403
        assert client.get("/admin/comments/blockedsender/").status_code == 403
        assert not BlockedSender.objects.exists()


class TestQueueWords:
    def test_no_english_left_in_the_queue(self, client, moderator):
        make_comment(make_article(), status=Status.PENDING)
        body = client.get(QUEUE + "?_facets=1").content.decode()
        for vietnamese in ("Hành động:", ">Thực hiện<", "Đã chọn 0/1", "Theo trạng thái",
                           "Ẩn số lượng", "Bộ lọc", "Phím tắt"):  # fmt: skip
            assert vietnamese in body, vietnamese
        for awkward in ("Show counts", "Hide counts", "Hoạt động:", "Đi đến", "được chọn",
                        "Bởi ", " of ", ">Go<", "Action:", "Select"):  # fmt: skip
            assert awkward not in body, awkward
        assert "Hiện số lượng" in client.get(QUEUE).content.decode()

    def test_the_queue_has_no_inline_script(self, client, moderator):
        make_comment(make_article(), status=Status.PENDING)
        body = client.get(QUEUE).content.decode()
        assert "admin-newsroom/queue.js" in body
        scripts = body.split("<script")[1:]
        assert all("src=" in script.split(">")[0] for script in scripts)
