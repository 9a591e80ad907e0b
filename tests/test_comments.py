"""Phản hồi over HTTP: the form under the article, posting, the thank-you, refusals."""

import html
import time
from datetime import timedelta
from unittest import mock

import pytest
from django.core import signing
from django.utils import timezone

from articles.models import SiteSettings
from comments import actions, tokens
from comments.models import Comment
from tests.factories import make_article, make_comment, make_user

pytestmark = pytest.mark.django_db
Status = Comment.Status

ORIGIN = "http://testserver"
GOOD = "Bài viết rất hay, cảm ơn tòa soạn đã phản ánh kịp thời."


def token_for(article, seconds_ago=120):
    with mock.patch.object(signing.time, "time", return_value=time.time() - seconds_ago):
        return tokens.form_token(article)


def form(article, **kw):
    now_ms = int(time.time() * 1000)
    data = {
        "name": "Nguyễn Văn Bình",
        "email": "binh@example.vn",
        "content": GOOD,
        "website": "",
        "token": token_for(article),
        "shown_at": str(now_ms - 60_000),
        "sent_at": str(now_ms),
    }
    data.update(kw)
    return data


def post(client, article, data=None, origin=ORIGIN, **extra):
    headers = {"HTTP_ORIGIN": origin} if origin else {}
    headers.update(extra)
    return client.post(f"/binh-luan/{article.public_id}/", data or form(article), **headers)


def page(client, article, query=""):
    return client.get(article.get_absolute_url() + query).content.decode()


class TestForm:
    def test_article_page_has_the_form(self, client):
        article = make_article()
        body = page(client, article)
        for text in ("Họ và tên", "Email", "Nội dung", ">Gửi</button>", ">Nhập lại</button>",
                     "Ý kiến của bạn sẽ được biên tập trước khi đăng. "
                     "Vui lòng viết tiếng Việt có dấu."):  # fmt: skip
            assert text in body
        # back at the form, not the top of the article, when a post is refused
        assert f'action="/binh-luan/{article.public_id}/#gui-phan-hoi"' in body
        assert 'type="reset"' in body and "data-comment-form" in body
        assert 'name="website"' in body  # the honeypot
        assert "csrfmiddlewaretoken" not in body  # the page stays cacheable

    def test_token_is_the_same_for_every_reader_and_bound_to_the_article(self, client):
        article = make_article()
        body = page(client, article)
        token = body.split('name="token" value="')[1].split('"')[0]
        assert tokens.token_time(html.unescape(token), article) is not None

    def test_each_article_gets_its_own_address_and_token_from_one_drawn_form(self, client):
        first, second = make_article(), make_article()
        client.cookies["sessionid"] = "reader"  # past the page cache: the form is drawn once
        bodies = [page(client, article) for article in (first, second)]
        for article, body in zip((first, second), bodies, strict=True):
            assert f'action="/binh-luan/{article.public_id}/#gui-phan-hoi"' in body
            token = html.unescape(body.split('name="token" value="')[1].split('"')[0])
            assert tokens.token_time(token, article) is not None
        forms = [body.split('<form class="comment-form"')[1].split("</form>")[0] for body in bodies]
        tokens_in = [body.split('name="token" value="')[1].split('"')[0] for body in bodies]
        ids = [first.public_id, second.public_id]
        assert forms[0].replace(tokens_in[0], "").replace(ids[0], "") == forms[1].replace(
            tokens_in[1], ""
        ).replace(ids[1], "")

    def test_post_is_exempt_from_csrf_cookie(self, client):
        from django.test import Client

        strict = Client(enforce_csrf_checks=True)
        article = make_article()
        response = post(strict, article)
        assert response.status_code == 302


class TestPosting:
    def test_success_redirects_to_the_thank_you(self, client):
        article = make_article()
        response = post(client, article)
        assert response.status_code == 302
        assert response["Location"] == (
            f"{article.get_absolute_url()}?phan-hoi=da-gui#{actions.THANKS_ANCHOR}"
        )
        comment = Comment.objects.get()
        assert (comment.status, comment.name, comment.content) == (
            Status.PENDING, "Nguyễn Văn Bình", GOOD,
        )  # fmt: skip
        assert comment.ip_address == "127.0.0.1"

    def test_thank_you_is_in_every_copy_and_shown_for_the_anchor(self, client):
        article = make_article()
        plain = page(client, article)
        assert f'id="{actions.THANKS_ANCHOR}" role="status" hidden' in plain
        thanks = page(client, article, "?phan-hoi=da-gui")
        assert f'id="{actions.THANKS_ANCHOR}" role="status">' in thanks
        assert "đang chờ Ban biên tập duyệt" in thanks

    def test_spam_gets_the_same_thank_you(self, client):
        article = make_article()
        response = post(client, article, form(article, website="http://spam.example"))
        assert response.status_code == 302
        assert response["Location"].endswith(f"?phan-hoi=da-gui#{actions.THANKS_ANCHOR}")
        assert Comment.objects.get().status == Status.SPAM

    def test_too_fast_is_spam_without_telling(self, client):
        article = make_article()
        now_ms = int(time.time() * 1000)
        data = form(article, shown_at=str(now_ms - 1000), sent_at=str(now_ms))
        assert post(client, article, data).status_code == 302
        assert Comment.objects.get().hold_reason == Comment.HoldReason.TOO_FAST

    def test_without_javascript_only_honeypot_and_age_apply(self, client):
        article = make_article()
        data = form(article, shown_at="", sent_at="")
        assert post(client, article, data).status_code == 302
        assert Comment.objects.get().status == Status.PENDING

    def test_stale_form_is_spam(self, client):
        article = make_article()
        data = form(article, token=token_for(article, seconds_ago=2 * 86400))
        assert post(client, article, data).status_code == 302
        assert Comment.objects.get().hold_reason == Comment.HoldReason.STALE_FORM

    @pytest.mark.parametrize(
        "field, value, message",
        [
            ("name", "", "Vui lòng nhập họ và tên."),
            ("name", " \u200b ", "Vui lòng nhập họ và tên."),
            ("email", "", "Vui lòng nhập email."),
            ("email", "không phải email", "Email không hợp lệ."),
            ("content", "", "Vui lòng nhập nội dung."),
            ("content", "ạ" * 2001, "Nội dung dài tối đa 2.000 ký tự."),
            ("name", "A" * 101, "Họ và tên dài tối đa 100 ký tự."),
            ("email", "a" * 250 + "@x.vn", "Email dài tối đa 254 ký tự."),
        ],
    )
    def test_errors_in_vietnamese_next_to_the_field_with_the_text_kept(
        self, client, field, value, message
    ):
        article = make_article()
        fields = {"content": "Nội dung tôi đã viết rất lâu.\nDòng hai.", field: value}
        data = form(article, **fields)
        response = post(client, article, data)
        body = response.content.decode()
        assert response.status_code == 400
        assert f'<ul class="errorlist" id="cf-{field}-error"><li>{message}</li></ul>' in body
        if field != "content":
            assert "Nội dung tôi đã viết rất lâu.\nDòng hai.</textarea>" in body
        assert "no-cache" in response["Cache-Control"]
        assert Comment.objects.count() == 0

    def test_2000_characters_exactly_is_fine_and_crlf_counts_once(self, client):
        article = make_article()
        text = ("ạ" * 99 + "\r\n") * 20  # 2,000 characters once CRLF is one newline
        assert post(client, article, form(article, content=text.strip())).status_code == 302

    def test_forged_token_is_a_form_error_with_a_fresh_token(self, client):
        article = make_article()
        response = post(client, article, form(article, token="1:abc:forged"))
        body = response.content.decode()
        assert response.status_code == 400
        assert "Biểu mẫu đã cũ hoặc không hợp lệ" in body
        token = html.unescape(body.split('name="token" value="')[1].split('"')[0])
        assert tokens.token_time(token, article) is not None
        assert GOOD in body

    def test_token_of_another_article_is_refused(self, client):
        article, other = make_article(), make_article()
        response = post(client, article, form(article, token=token_for(other)))
        assert response.status_code == 400

    def test_re_shown_form_keeps_its_first_stamps(self, client):
        article = make_article()
        data = form(article, email="sai", shown_at="1700000000000")
        body = post(client, article, data).content.decode()
        assert 'name="shown_at" value="1700000000000"' in body
        assert f'name="token" value="{data["token"]}"' in body

    def test_unknown_or_unpublished_article_is_404(self, client):
        assert client.post("/binh-luan/0000000/", {}, HTTP_ORIGIN=ORIGIN).status_code == 404
        draft = make_article(status="draft")
        assert post(client, draft).status_code == 404

    def test_get_is_not_allowed(self, client):
        assert client.get(f"/binh-luan/{make_article().public_id}/").status_code == 405


class TestOrigin:
    def test_post_from_another_origin_is_refused(self, client):
        article = make_article()
        response = post(client, article, origin="https://evil.example")
        assert response.status_code == 403
        assert "phải được gửi từ trang của báo" in response.content.decode()
        assert Comment.objects.count() == 0

    def test_referer_counts_when_origin_is_absent(self, client):
        article = make_article()
        referer = f"http://testserver{article.get_absolute_url()}"
        assert post(client, article, origin=None, HTTP_REFERER=referer).status_code == 302

    def test_neither_origin_nor_referer_is_refused(self, client):
        article = make_article()
        assert post(client, article, origin=None).status_code == 403
        assert post(client, article, origin="null").status_code == 403

    def test_public_domain_from_settings_is_our_own(self, client):
        site = SiteSettings.load()
        site.domain = "baomau.vn"
        site.save()
        assert post(client, make_article(), origin="https://baomau.vn").status_code == 302


class TestClosed:
    def test_switch_off_shows_a_note_and_refuses_posts(self, client):
        article = make_article(comments_enabled=False)
        body = page(client, article)
        assert "Bài viết này đã đóng phản hồi." in body and "data-comment-form" not in body
        assert post(client, article).status_code == 403
        assert Comment.objects.count() == 0

    def test_closes_after_n_days(self, client):
        article = make_article(published_at=timezone.now() - timedelta(days=31))
        assert "data-comment-form" not in page(client, article)
        assert post(client, article).status_code == 403

    def test_zero_days_never_closes(self, client):
        site = SiteSettings.load()
        site.comments_close_after_days = 0
        site.save()
        article = make_article(published_at=timezone.now() - timedelta(days=3000))
        assert "data-comment-form" in page(client, article)
        assert post(client, article).status_code == 302

    def test_approved_comments_still_show_when_closed(self, client):
        article = make_article(comments_enabled=False)
        make_comment(article, content="Ý kiến cũ vẫn còn")
        assert "Ý kiến cũ vẫn còn" in page(client, article)


class TestFlood:
    """Limits per reader (email, browser) are tight; one IP may be a carrier's address
    shared by many readers (CGNAT), so its limit only stops a burst."""

    def test_ten_readers_behind_one_ip_each_post_once_within_a_minute(self, client):
        article = make_article()
        for n in range(10):
            data = form(article, name=f"Bạn đọc {n}", email=f"r{n}@example.vn",
                        content=f"Ý kiến riêng của bạn đọc số {n}.")  # fmt: skip
            assert post(client, article, data, REMOTE_ADDR="203.0.113.9").status_code == 302
        assert Comment.objects.filter(ip_address="203.0.113.9").count() == 10

    def test_one_email_twice_in_15_seconds_is_429_at_the_form_with_its_text(self, client):
        article = make_article()
        assert post(client, article).status_code == 302
        second = form(article, content="Một ý kiến khác hẳn.", notify="1")
        response = post(client, article, second, REMOTE_ADDR="198.51.100.2")
        body = response.content.decode()
        assert response.status_code == 429
        assert response["Retry-After"] == "15"
        assert "no-cache" in response["Cache-Control"]
        # the message sits at the top of the form the refused reader lands on, text kept
        the_form = body[body.index('id="gui-phan-hoi"') :]
        assert the_form.index("Bạn gửi phản hồi quá nhanh") < the_form.index('id="cf-name"')
        assert "Một ý kiến khác hẳn.</textarea>" in the_form
        assert 'name="notify" value="1" checked' in the_form
        assert f'action="/binh-luan/{article.public_id}/#gui-phan-hoi"' in body
        assert Comment.objects.count() == 1

    def test_one_browser_twice_in_15_seconds_is_429(self, client):
        article = make_article()
        browser = tokens.browser_token()
        assert post(client, article, form(article, browser=browser)).status_code == 302
        other = form(article, email="khac@example.vn", content="Ý kiến khác.", browser=browser)
        assert post(client, article, other, REMOTE_ADDR="198.51.100.3").status_code == 429

    def test_a_forged_browser_token_is_ignored(self, client):
        article = make_article()
        assert post(client, article, form(article, browser="forged:abc")).status_code == 302
        other = form(article, email="khac@example.vn", content="Ý kiến khác.", browser="forged:abc")
        assert post(client, article, other).status_code == 302

    def test_the_browser_token_endpoint_is_never_cached_and_sets_no_cookie(self, client):
        response = client.get("/binh-luan/ma-trinh-duyet/")
        assert response.status_code == 200
        assert tokens.browser_id(response.json()["token"])
        assert not response.cookies
        assert "no-cache" in response["Cache-Control"]
        assert client.get("/binh-luan/ma-trinh-duyet/").json() != response.json()

    def test_per_email_across_addresses(self, client):
        article = make_article()
        assert post(client, article, REMOTE_ADDR="198.51.100.1").status_code == 302
        data = form(article, content="Nội dung mới.")
        assert post(client, article, data, REMOTE_ADDR="198.51.100.2").status_code == 429

    def test_one_ip_has_a_burst_limit_from_settings(self, client, settings):
        settings.COMMENT_RULES = {"IP_FLOOD_LIMITS": ((600, 5),)}
        article = make_article()
        for n in range(5):
            data = form(article, email=f"r{n}@example.vn", content=f"Ý kiến số {n}.")
            assert post(client, article, data).status_code == 302
        assert post(client, article, form(article, email="r9@example.vn")).status_code == 429

    def test_behind_a_trusted_proxy_readers_are_told_apart(self, client, settings):
        settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
        settings.COMMENT_RULES = {"IP_FLOOD_LIMITS": ((600, 1),)}
        article = make_article()
        proxy = {"REMOTE_ADDR": "10.0.0.2"}
        one = form(article, email="a@example.vn")
        two = form(article, email="b@example.vn", content="Ý kiến của người thứ hai.")
        assert (
            post(client, article, one, HTTP_X_FORWARDED_FOR="203.0.113.1", **proxy).status_code
            == 302
        )
        assert (
            post(client, article, two, HTTP_X_FORWARDED_FOR="203.0.113.2", **proxy).status_code
            == 302
        )
        three = form(article, email="c@example.vn", content="Lại từ người thứ nhất.")
        response = post(client, article, three, HTTP_X_FORWARDED_FOR="203.0.113.1", **proxy)
        assert response.status_code == 429
        assert Comment.objects.get(email="a@example.vn").ip_address == "203.0.113.1"

    def test_a_spoofed_forwarded_for_is_ignored_without_a_trusted_proxy(self, client, settings):
        settings.TRUSTED_PROXIES = []
        settings.COMMENT_RULES = {"IP_FLOOD_LIMITS": ((600, 1),)}
        article = make_article()
        one = form(article, email="a@example.vn")
        two = form(article, email="b@example.vn", content="Ý kiến khác.")
        assert post(client, article, one, HTTP_X_FORWARDED_FOR="203.0.113.1").status_code == 302
        assert post(client, article, two, HTTP_X_FORWARDED_FOR="203.0.113.2").status_code == 429
        assert Comment.objects.get().ip_address == "127.0.0.1"


class TestShowing:
    def test_pending_comment_is_invisible_until_approved(self, client):
        article = make_article()
        post(client, article, form(article, content="Chờ duyệt rồi mới thấy."))
        assert "Chờ duyệt rồi mới thấy." not in page(client, article)
        assert "Chờ duyệt rồi mới thấy." not in page(client, article, "?phan-hoi=da-gui")
        actions.approve(Comment.objects.get(), make_user(is_superuser=True))
        assert "Chờ duyệt rồi mới thấy." in page(client, article)  # the cached page moved on

    def test_rejected_and_spam_never_show(self, client):
        article = make_article()
        make_comment(article, status=Status.REJECTED, content="Bị từ chối")
        make_comment(article, status=Status.SPAM, content="Thư rác")
        body = page(client, article)
        assert "Bị từ chối" not in body and "Thư rác" not in body

    def test_name_time_text_with_line_breaks_and_no_email(self, client):
        article = make_article()
        when = timezone.make_aware(timezone.datetime(2026, 11, 27, 8, 15))
        comment = make_comment(article, name="Trần Thị Mai", email="mai@example.vn",
                               content="Dòng một\nDòng hai https://spam.example",
                               status=Comment.Status.PENDING)  # fmt: skip
        Comment.objects.filter(pk=comment.pk).update(created_at=when)
        comment.refresh_from_db()
        comment.status = Comment.Status.APPROVED
        comment.save()  # approved: shown from now on
        body = page(client, article)
        assert "<bdi>Trần Thị Mai</bdi>" in body and "27/11/2026 08:15" in body
        assert "Dòng một<br>Dòng hai https://spam.example" in body
        assert 'href="https://spam.example' not in body  # links are not clickable
        assert "mai@example.vn" not in body

    def test_newsroom_reply_shows_under_the_comment(self, client):
        article = make_article()
        parent = make_comment(article, content="Hỏi tòa soạn")
        actions.reply(parent, make_user(is_superuser=True), "Tòa soạn xin trả lời bạn.")
        body = page(client, article)
        assert "Tòa soạn trả lời" in body and "Tòa soạn xin trả lời bạn." in body

    def test_article_page_queries_do_not_grow_with_comments(
        self, client, django_assert_max_num_queries
    ):
        from tests.conftest import reset_caches

        counts = []
        for count in (1, 30):
            article = make_article()
            for n in range(count):
                parent = make_comment(article, content=f"Ý kiến {n}")
                make_comment(article, parent=parent, is_newsroom_reply=True, content=f"Đáp {n}")
            reset_caches()  # cold: no page, widget or settings cache
            with django_assert_max_num_queries(12) as queries:
                response = client.get(article.get_absolute_url())
            assert response.content.decode().count('class="comment comment--reply"') == count
            counts.append(len(queries))
        assert counts[0] == counts[1]


XSS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    '<a href="javascript:alert(1)">bấm</a>',
    "{{ 7|add:7 }}{% now 'Y' %}",
]


class TestHostileInput:
    @pytest.mark.parametrize("payload", XSS)
    def test_xss_in_name_and_content_is_shown_as_text(self, client, payload):
        article = make_article()
        make_comment(article, name=payload[:100], content=f"Nội dung {payload}")
        body = page(client, article)
        assert payload not in body
        assert html.escape(payload[:100]) in body or html.escape(payload[:100], quote=False) in body

    @pytest.mark.parametrize("payload", XSS)
    def test_xss_re_shown_in_the_form_is_escaped(self, client, payload):
        article = make_article()
        data = form(article, name=payload, email=f'"{payload}"@x', content=payload)
        response = post(client, article, data)
        assert response.status_code == 400  # the email is not valid
        assert payload not in response.content.decode()

    def test_xss_in_a_valid_email_is_stored_and_never_shown(self, client):
        article = make_article()
        email = '"<script>alert(1)</script>"@example.vn'
        assert post(client, article, form(article, email=email)).status_code == 302
        comment = Comment.objects.get()
        comment.status = Status.APPROVED
        comment.save()
        assert "alert(1)" not in page(client, article)

    @pytest.mark.parametrize(
        "name, content, stored",
        [
            ("Bình 👍🏽", "Tuyệt vời 🎉🇻🇳 👨‍👩‍👧", "Tuyệt vời 🎉🇻🇳 👨‍👩‍👧"),
            ("\u200fمرحبا\u200e", "نص عربي \u202eمقلوب\u202c và tiếng Việt",
             "نص عربي \u202eمقلوب\u202c và tiếng Việt"),
            ("Zero\u200bwidth", "Chữ\u200b có\u200d ký tự\ufeff vô hình", "Chữ\u200b có\u200d ký tự\ufeff vô hình"),
            ("Robert'); DROP TABLE articles_comment;--", "' OR 1=1; -- SELECT * FROM auth_user",
             "' OR 1=1; -- SELECT * FROM auth_user"),
            ("NUL\x00name", "Nội\x00 dung có NUL\x00", "Nội dung có NUL"),
            ("Ký tự điều khiển\x1b\x07", "Chuông\x07 và ESC\x1b[0m ở đây", "Chuông và ESC[0m ở đây"),
            ("Cổ", "\U0001d54f\U0010fffd \ufffe ký tự lạ", "\U0001d54f\U0010fffd \ufffe ký tự lạ"),
        ],
    )  # fmt: skip
    def test_hostile_strings_never_500_and_are_never_lost(self, client, name, content, stored):
        article = make_article()
        response = post(client, article, form(article, name=name, content=content))
        assert response.status_code == 302
        comment = Comment.objects.get()
        assert comment.content == stored
        assert "\x00" not in comment.name

    @pytest.mark.parametrize("field", ["name", "email", "content", "website", "token",
                                       "shown_at", "sent_at"])  # fmt: skip
    def test_100_kb_in_any_field_never_500(self, client, field):
        article = make_article()
        huge = "Đ\x00<b>" * 25_000
        response = post(client, article, form(article, **{field: huge}))
        assert response.status_code in (302, 400)
        if field in ("name", "email", "content", "token"):
            assert response.status_code == 400

    def test_100_kb_content_is_kept_for_the_reader_to_shorten(self, client):
        article = make_article()
        huge = "Nội dung rất dài. " * 6000
        response = post(client, article, form(article, content=huge))
        assert response.status_code == 400
        assert huge.strip() in html.unescape(response.content.decode())

    def test_nfd_input_is_stored_nfc(self, client):
        article = make_article()
        nfd = "Khánh Hòa"
        post(client, article, form(article, name=nfd, content=f"{nfd} đẹp lắm"))
        comment = Comment.objects.get()
        assert comment.name == "Khánh Hòa" and comment.content == "Khánh Hòa đẹp lắm"

    def test_repeated_fields_and_odd_values_never_500(self, client):
        article = make_article()
        data = form(article)
        data["shown_at"] = ["-5", "9" * 5000]
        data["sent_at"] = "1e9"
        response = client.post(f"/binh-luan/{article.public_id}/", data, HTTP_ORIGIN=ORIGIN)
        assert response.status_code == 302
