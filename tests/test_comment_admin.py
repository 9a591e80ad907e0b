"""The moderation queue in the admin, over HTTP, as each role sees it."""

import pytest
from django.contrib.admin.models import LogEntry
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from articles import roles
from comments import actions, rules
from comments.admin import earlier_comments
from comments.models import Comment, ModerationWord
from tests.factories import make_article, make_comment, make_user

pytestmark = pytest.mark.django_db
Status = Comment.Status

QUEUE = "/admin/comments/comment/"


def login(client, group=None, **kw):
    user = make_user(group=group, **kw)
    client.force_login(user)
    return user


def decide(client, comment, decision, **extra):
    return client.post(f"{QUEUE}{comment.pk}/{decision}/", {}, **extra)


class TestWhoMayModerate:
    @pytest.mark.parametrize("group", [roles.MODERATOR, roles.DEPUTY_CHIEF, roles.CHIEF])
    def test_moderating_roles_open_the_queue_and_decide(self, client, group):
        user = login(client, group)
        comment = make_comment(make_article(), status=Status.PENDING)
        assert client.get(QUEUE).status_code == 200
        assert decide(client, comment, "approve").status_code == 302
        comment.refresh_from_db()
        assert (comment.status, comment.moderated_by) == (Status.APPROVED, user)

    def test_superuser_moderates(self, client):
        login(client, is_staff=True, is_superuser=True)
        comment = make_comment(make_article(), status=Status.PENDING)
        assert decide(client, comment, "spam").status_code == 302
        assert Comment.objects.get(pk=comment.pk).status == Status.SPAM

    @pytest.mark.parametrize("group", [roles.REPORTER, roles.EDITOR, roles.SECRETARY])
    def test_other_roles_cannot(self, client, group):
        login(client, group)
        comment = make_comment(make_article(), status=Status.PENDING)
        assert client.get(QUEUE).status_code == 403
        assert client.get(f"{QUEUE}{comment.pk}/change/").status_code == 403
        assert decide(client, comment, "approve").status_code == 403
        assert Comment.objects.get(pk=comment.pk).status == Status.PENDING

    def test_reporter_cannot_approve_comments_on_their_own_article(self, client):
        reporter = login(client, roles.REPORTER)
        article = make_article(created_by=reporter)
        comment = make_comment(article, status=Status.PENDING)
        assert decide(client, comment, "approve").status_code == 403
        response = client.post(
            QUEUE, {"action": "approve_selected", "_selected_action": [comment.pk]}
        )
        assert response.status_code == 403
        assert Comment.objects.get(pk=comment.pk).status == Status.PENDING

    def test_anonymous_is_sent_to_login(self, client):
        comment = make_comment(make_article(), status=Status.PENDING)
        response = decide(client, comment, "approve")
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
        assert Comment.objects.get(pk=comment.pk).status == Status.PENDING

    def test_decisions_need_post_and_a_csrf_token(self):
        strict = Client(enforce_csrf_checks=True)
        strict.force_login(make_user(group=roles.MODERATOR))
        comment = make_comment(make_article(), status=Status.PENDING)
        assert strict.get(f"{QUEUE}{comment.pk}/approve/").status_code == 405
        assert decide(strict, comment, "approve").status_code == 403  # no token
        assert Comment.objects.get(pk=comment.pk).status == Status.PENDING

    def test_moderators_cannot_add_or_delete(self, client):
        login(client, roles.MODERATOR)
        comment = make_comment(make_article(), status=Status.PENDING)
        assert client.get(f"{QUEUE}add/").status_code == 403
        assert client.get(f"{QUEUE}{comment.pk}/delete/").status_code == 403


class TestQueue:
    def test_opens_on_pending_newest_first(self, client):
        login(client, roles.MODERATOR)
        article = make_article()
        older = make_comment(article, status=Status.PENDING, content="Cũ hơn đang chờ")
        newer = make_comment(article, status=Status.PENDING, content="Mới hơn đang chờ")
        make_comment(article, status=Status.APPROVED, content="Đã duyệt rồi")
        body = client.get(QUEUE).content.decode()
        assert "Mới hơn đang chờ" in body and "Cũ hơn đang chờ" in body
        assert body.index("Mới hơn đang chờ") < body.index("Cũ hơn đang chờ")
        assert "Đã duyệt rồi" not in body
        assert "2 chờ duyệt" in body
        assert f"{QUEUE}{newer.pk}/approve/" in body and f"{QUEUE}{older.pk}/reject/" in body

    def test_all_and_each_status(self, client):
        login(client, roles.MODERATOR)
        article = make_article()
        make_comment(article, status=Status.APPROVED, content="Đã duyệt rồi")
        make_comment(article, status=Status.SPAM, content="Thư rác đây")
        assert "Đã duyệt rồi" in client.get(f"{QUEUE}?status__exact=all").content.decode()
        spam = client.get(f"{QUEUE}?status__exact=spam").content.decode()
        assert "Thư rác đây" in spam and "Đã duyệt rồi" not in spam

    def test_shows_article_reason_and_detail(self, client):
        login(client, roles.MODERATOR)
        article = make_article(title="Bài về giao thông")
        make_comment(
            article,
            status=Status.PENDING,
            hold_reason=Comment.HoldReason.PERSONAL_DATA,
            hold_detail="số điện thoại “0905 123 456”",
        )
        body = client.get(QUEUE).content.decode()
        assert article.get_absolute_url() in body and "Bài về giao thông" in body
        assert "Có thông tin cá nhân" in body and "0905 123 456" in body

    def test_filters_by_reason_and_article(self, client):
        login(client, roles.MODERATOR)
        one, two = make_article(), make_article()
        make_comment(one, status=Status.PENDING, content="Liên kết",
                     hold_reason=Comment.HoldReason.LINKS)  # fmt: skip
        make_comment(two, status=Status.PENDING, content="Không dấu",
                     hold_reason=Comment.HoldReason.NO_DIACRITICS)  # fmt: skip
        by_reason = client.get(f"{QUEUE}?hold_reason__exact=links").content.decode()
        assert "Liên kết" in by_reason and "Không dấu" not in by_reason
        by_article = client.get(f"{QUEUE}?article__id__exact={two.pk}").content.decode()
        assert "Không dấu" in by_article and "Liên kết" not in by_article

    def test_search_by_name_email_and_text(self, client):
        login(client, roles.MODERATOR)
        article = make_article()
        make_comment(article, status=Status.PENDING, name="Lê Văn Tám", email="tam@example.vn",
                     content="Đường Trần Phú ngập")  # fmt: skip
        make_comment(article, status=Status.PENDING, name="Khác", content="Chuyện khác")
        for term in ("Tám", "tam@example", "Trần Phú"):
            body = client.get(QUEUE, {"q": term}).content.decode()
            assert "Đường Trần Phú ngập" in body and "Chuyện khác" not in body

    def test_sender_history_counts_earlier_comments(self, client):
        login(client, roles.MODERATOR)
        article = make_article()
        make_comment(article, email="quen@example.vn", status=Status.APPROVED)
        make_comment(article, email="quen@example.vn", status=Status.REJECTED)
        make_comment(article, email="quen@example.vn", status=Status.PENDING, content="Lần ba")
        rows = {
            c.content: (c.earlier_count, c.earlier_approved)
            for c in Comment.objects.annotate(
                earlier_count=earlier_comments(), earlier_approved=earlier_comments(Status.APPROVED)
            )
        }
        assert rows["Lần ba"] == (2, 1)
        assert "2 (1 đã duyệt)" in client.get(QUEUE).content.decode()

    def test_query_count_does_not_grow_with_rows(self, client):
        login(client, roles.MODERATOR)
        article = make_article()
        make_comment(article, status=Status.PENDING)
        client.get(QUEUE)  # warm up: first-request lookups (content types, ...) are not rows
        with CaptureQueriesContext(connection) as one:
            client.get(QUEUE)
        for n in range(25):
            other = make_article(category=article.category)  # no new menu entries to load
            make_comment(other, status=Status.PENDING, email=f"r{n % 3}@example.vn")
        with CaptureQueriesContext(connection) as many:
            client.get(QUEUE)
        assert len(many) == len(one)

    def test_escapes_everything_a_reader_wrote(self, client):
        login(client, roles.MODERATOR)
        make_comment(
            make_article(),
            status=Status.PENDING,
            name="<script>alert('n')</script>",
            email='"<script>alert(1)</script>"@example.vn',
            content="<img src=x onerror=alert('c')>",
            hold_detail="<b>chi tiết</b>",
        )
        body = client.get(QUEUE).content.decode()
        assert "<script>alert" not in body and "<img src=x" not in body and "<b>chi" not in body
        assert "&lt;script&gt;" in body


class TestDecisions:
    def test_button_redirects_back_and_logs(self, client):
        moderator = login(client, roles.MODERATOR)
        comment = make_comment(make_article(), status=Status.PENDING)
        back = f"http://testserver{QUEUE}?hold_reason__exact=links"
        response = decide(client, comment, "reject", HTTP_REFERER=back)
        assert response["Location"] == back
        assert Comment.objects.get(pk=comment.pk).status == Status.REJECTED
        entry = LogEntry.objects.get(object_id=str(comment.pk))
        assert entry.user == moderator and "Đã từ chối" in entry.get_change_message()

    def test_foreign_referer_is_not_followed(self, client):
        login(client, roles.MODERATOR)
        comment = make_comment(make_article(), status=Status.PENDING)
        response = decide(client, comment, "approve", HTTP_REFERER="https://evil.example/")
        assert response["Location"] == QUEUE

    def test_take_down_an_approved_comment(self, client):
        login(client, roles.MODERATOR)
        article = make_article()
        comment = make_comment(article, status=Status.APPROVED, content="Sẽ bị gỡ xuống")
        assert "Sẽ bị gỡ xuống" in client.get(article.get_absolute_url()).content.decode()
        decide(client, comment, "reject")
        client.logout()
        assert "Sẽ bị gỡ xuống" not in client.get(article.get_absolute_url()).content.decode()

    @pytest.mark.parametrize(
        "action, status",
        [
            ("approve_selected", Status.APPROVED),
            ("reject_selected", Status.REJECTED),
            ("spam_selected", Status.SPAM),
        ],
    )
    def test_bulk_actions(self, client, action, status):
        moderator = login(client, roles.MODERATOR)
        article = make_article()
        chosen = [make_comment(article, status=Status.PENDING) for _ in range(3)]
        other = make_comment(article, status=Status.PENDING)
        response = client.post(
            QUEUE, {"action": action, "_selected_action": [c.pk for c in chosen]}
        )
        assert response.status_code == 302
        assert Comment.objects.filter(status=status, moderated_by=moderator).count() == 3
        assert Comment.objects.get(pk=other.pk).status == Status.PENDING
        assert LogEntry.objects.filter(user=moderator).count() == 3

    def test_light_edit_then_approve_keeps_the_original(self, client):
        moderator = login(client, roles.MODERATOR)
        comment = make_comment(make_article(), status=Status.PENDING, name="Bình",
                               content="Bài hay. Gọi tôi 0905123456")  # fmt: skip
        response = client.post(
            f"{QUEUE}{comment.pk}/change/",
            {"name": "Bình", "content": "Bài hay.", "reply": "", "_approve": "Lưu và duyệt"},
        )
        assert response.status_code == 302
        comment.refresh_from_db()
        assert (comment.content, comment.original_content) == (
            "Bài hay.",
            "Bài hay. Gọi tôi 0905123456",
        )
        assert (comment.status, comment.moderated_by) == (Status.APPROVED, moderator)

    def test_change_form_has_decision_buttons(self, client):
        login(client, roles.MODERATOR)
        comment = make_comment(make_article(), status=Status.PENDING)
        body = client.get(f"{QUEUE}{comment.pk}/change/").content.decode()
        for name in ("_approve", "_reject", "_spam"):
            assert f'name="{name}"' in body
        assert "Tòa soạn trả lời" in body

    def test_reply_as_the_newsroom(self, client):
        moderator = login(client, roles.MODERATOR)
        article = make_article()
        comment = make_comment(article, status=Status.PENDING, content="Đường ngập mấy ngày rồi")
        response = client.post(
            f"{QUEUE}{comment.pk}/change/",
            {"name": comment.name, "content": comment.content,
             "reply": "Tòa soạn đã chuyển ý kiến tới UBND phường."},
        )  # fmt: skip
        assert response.status_code == 302
        answer = Comment.objects.get(parent=comment)
        assert (answer.is_newsroom_reply, answer.author, answer.name) == (
            True,
            moderator,
            "Tòa soạn",
        )
        assert answer.status == Status.APPROVED and answer.moderated_by == moderator
        client.logout()
        body = client.get(article.get_absolute_url()).content.decode()
        assert "Tòa soạn trả lời" in body and "chuyển ý kiến tới UBND phường" in body


class TestWords:
    def test_moderator_adds_a_word_that_then_applies(self, client):
        login(client, roles.MODERATOR)
        response = client.post(
            "/admin/comments/moderationword/add/", {"word": "  Cờ   bạc ", "action": "block"}
        )
        assert response.status_code == 302
        assert ModerationWord.objects.get().word == "Cờ bạc"
        sub = rules.Submission(name="A", email="a@example.vn", content="Chơi co-bac không?")
        assert rules.evaluate(make_article(), sub).status == Status.SPAM

    def test_blank_word_is_refused(self, client):
        login(client, roles.MODERATOR)
        response = client.post(
            "/admin/comments/moderationword/add/", {"word": " ", "action": "hold"}
        )
        assert response.status_code == 200 and ModerationWord.objects.count() == 0

    def test_reporter_cannot_edit_words(self, client):
        login(client, roles.REPORTER)
        assert client.get("/admin/comments/moderationword/").status_code == 403


def test_pending_count_for_the_navigation():
    article = make_article()
    make_comment(article, status=Status.PENDING)
    make_comment(article, status=Status.APPROVED)
    assert actions.pending_count() == 1
