"""Báo cho tôi khi Tòa soạn trả lời: one e-mail per comment with the answer and the link,
an unsubscribe link that works, and nothing for readers who did not ask."""

import re

import pytest
from django.core import mail
from django.test import Client

from comments import actions, notify, tokens
from comments.models import Comment
from tests.factories import make_article, make_comment, make_user
from tests.test_comments import form, post

pytestmark = pytest.mark.django_db
Status = Comment.Status


@pytest.fixture
def editor():
    return make_user(is_superuser=True, is_staff=True, email="toasoan@example.vn")


def unsubscribe_path(message) -> str:
    return re.search(r"https?://[^/\s]+(/binh-luan/huy-thong-bao/[^\s]+/)", message.body)[1]


def test_the_checkbox_is_in_the_form_and_stored(client):
    article = make_article()
    body = client.get(article.get_absolute_url()).content.decode()
    assert 'name="notify"' in body and "Báo cho tôi khi Tòa soạn trả lời" in body
    assert post(client, article, form(article, notify="1")).status_code == 302
    assert Comment.objects.get().notify_reply is True


def test_the_reader_gets_one_email_with_the_answer_and_the_link(editor):
    article = make_article(title="Đường ngập ở phường 5")
    comment = make_comment(article, status=Status.PENDING, notify_reply=True,
                           email="mai@example.vn", name="Mai")  # fmt: skip
    actions.reply(comment, editor, "Tòa soạn đã chuyển ý kiến tới phường.")
    actions.reply(comment, editor, "Phường đã trả lời: tuần sau nạo vét.")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["mai@example.vn"]
    assert "Tòa soạn đã chuyển ý kiến tới phường." in message.body
    assert f"{article.get_absolute_url()}#phan-hoi-{comment.pk}" in message.body
    assert "Đường ngập ở phường 5" in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert unsubscribe_path(message) in message.extra_headers["List-Unsubscribe"]
    assert Comment.objects.get(pk=comment.pk).reply_notified_at is not None


def test_no_email_without_the_checkbox(editor):
    comment = make_comment(make_article(), status=Status.APPROVED)
    actions.reply(comment, editor, "Cảm ơn bạn.")
    assert mail.outbox == []


def test_two_replies_racing_still_send_one_email(editor):
    comment = make_comment(make_article(), notify_reply=True)
    answer = actions.reply(comment, editor, "Một")
    mail.outbox.clear()
    Comment.objects.filter(pk=comment.pk).update(reply_notified_at=None)
    assert notify.notify_reader(comment.pk, answer.pk) is True
    assert notify.notify_reader(comment.pk, answer.pk) is False
    assert len(mail.outbox) == 1


def test_unsubscribe_is_one_button_then_no_more_email(client, editor):
    first = make_comment(make_article(), notify_reply=True, email="mai@example.vn")
    second = make_comment(make_article(), notify_reply=True, email="mai@example.vn")
    actions.reply(first, editor, "Trả lời thứ nhất.")
    link = unsubscribe_path(mail.outbox[0])
    page = client.get(link)
    assert page.status_code == 200 and "Hủy nhận thư báo" in page.content.decode()
    assert Comment.objects.get(pk=second.pk).notify_reply is True  # a GET changes nothing
    done = Client(enforce_csrf_checks=True).post(link)  # a mail client's one-click POST
    assert done.status_code == 200 and "Đã hủy" in done.content.decode()
    actions.reply(second, editor, "Trả lời thứ hai.")
    assert len(mail.outbox) == 1


def test_a_forged_unsubscribe_link_is_404(client):
    assert client.get("/binh-luan/huy-thong-bao/forged/").status_code == 404
    token = tokens.unsubscribe_token("mai@example.vn")
    assert client.get(f"/binh-luan/huy-thong-bao/{token[:-2]}xx/").status_code == 404


def test_a_mail_outage_never_undoes_the_reply(editor, monkeypatch):
    comment = make_comment(make_article(), notify_reply=True)

    def down(*args, **kwargs):
        raise OSError("smtp down")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", down)
    actions.reply(comment, editor, "Vẫn đăng.")
    assert comment.replies.get().content == "Vẫn đăng."
