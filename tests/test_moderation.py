"""The comment rules and decisions (comments/rules.py, comments/actions.py), without HTTP."""

import time
from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.core.cache import cache
from django.utils import timezone

from articles import roles
from articles.models import SiteSettings
from comments import actions, flood, notify, rules, tokens
from comments import text as comment_text
from comments.models import Comment
from tests.factories import make_article, make_comment, make_user, make_word

pytestmark = pytest.mark.django_db
Status = Comment.Status
Reason = Comment.HoldReason

GOOD = "Bài viết rất hay, cảm ơn tòa soạn đã phản ánh kịp thời."


def submission(*, rendered_ago=120, shown_ago=60, sent_ago=0, **kw) -> rules.Submission:
    """A reader's post; the *_ago arguments are seconds before now (None: not sent)."""
    now = time.time()
    kw.setdefault("name", "Nguyễn Văn Bình")
    kw.setdefault("email", "binh@example.vn")
    kw.setdefault("content", GOOD)
    kw.setdefault("rendered_at", None if rendered_ago is None else now - rendered_ago)
    kw.setdefault("shown_at_ms", None if shown_ago is None else int((now - shown_ago) * 1000))
    kw.setdefault("sent_at_ms", None if sent_ago is None else int((now - sent_ago) * 1000))
    kw.setdefault("ip", "203.0.113.7")
    return rules.Submission(**kw)


def settings_row(**kw) -> SiteSettings:
    site = SiteSettings.load()
    for key, value in kw.items():
        setattr(site, key, value)
    site.save()
    return site


# -- the table: inputs to outcomes ---------------------------------------------------------

RULES = [
    # (case, submission fields, words [(word, action)], status, reason)
    ("plain Vietnamese", {}, [], Status.PENDING, Reason.MODERATION),
    ("honeypot filled", {"honeypot": "http://spam.example"}, [], Status.SPAM, Reason.HONEYPOT),
    ("1 s after shown (JS stamps)", {"shown_ago": 1, "sent_ago": 0}, [], Status.SPAM,
     Reason.TOO_FAST),
    ("2.9 s after shown, reader's clock 1 h slow", {"shown_ago": 3602.9, "sent_ago": 3600}, [],
     Status.SPAM, Reason.TOO_FAST),
    ("1 s after the page was rendered (no JS)", {"rendered_ago": 1, "shown_ago": None,
     "sent_ago": None}, [], Status.SPAM, Reason.TOO_FAST),
    ("form two days old", {"rendered_ago": 2 * 86400}, [], Status.SPAM, Reason.STALE_FORM),
    ("no JS, page an hour old", {"rendered_ago": 3600, "shown_ago": None, "sent_ago": None},
     [], Status.PENDING, Reason.MODERATION),
    ("reader's clock 10 min fast, no send stamp", {"shown_ago": -600, "sent_ago": None}, [],
     Status.PENDING, Reason.MODERATION),
    ("4 s after shown is fine", {"shown_ago": 4, "sent_ago": 0}, [], Status.PENDING,
     Reason.MODERATION),
    ("block word, folded", {"content": "Chơi CỜ BẠC online tại đây nhé"}, [("cờ bạc", "block")],
     Status.SPAM, Reason.BLOCK_WORD),
    ("block word without tones", {"content": "Vào chơi co bac đi bà con"}, [("cờ bạc", "block")],
     Status.SPAM, Reason.BLOCK_WORD),
    ("block word spaced out", {"content": "Ghé c a s i n o của tôi nhé"}, [("casino", "block")],
     Status.SPAM, Reason.BLOCK_WORD),
    ("block word dotted", {"content": "Ghé c.a.s.i.n.o của tôi nhé"}, [("casino", "block")],
     Status.SPAM, Reason.BLOCK_WORD),
    ("block word in the name", {"name": "Casino Hoàng Gia"}, [("casino", "block")], Status.SPAM,
     Reason.BLOCK_WORD),
    ("block word in the email", {"email": "casino.vip@example.vn"}, [("casino", "block")],
     Status.SPAM, Reason.BLOCK_WORD),
    ("hold word Đảng matches dang", {"content": "Ý kiến về dang bộ địa phương, rất đúng."},
     [("Đảng", "hold")], Status.PENDING, Reason.HOLD_WORD),
    ("hold word dang matches ĐẢNG", {"content": "Công tác xây dựng ĐẢNG ở xã tôi rất tốt."},
     [("dang", "hold")], Status.PENDING, Reason.HOLD_WORD),
    ("folding is deliberate: day catches đầy", {"content": "Bài viết đầy đủ, rõ ràng."},
     [("day", "hold")], Status.PENDING, Reason.HOLD_WORD),
    ("one link is fine", {"content": "Xem thêm tại https://baomau.vn/a nhé bạn."}, [],
     Status.PENDING, Reason.MODERATION),
    ("two links", {"content": "Xem https://a.example.com và www.b.vn rồi hãy bàn."}, [],
     Status.PENDING, Reason.LINKS),
    ("two bare domains", {"content": "Vào abc.com hoặc xyz.net.vn để mua giá rẻ."}, [],
     Status.PENDING, Reason.LINKS),
    ("mobile 0905 123 456", {"content": "Liên hệ tôi: 0905 123 456 để biết thêm."}, [],
     Status.PENDING, Reason.PERSONAL_DATA),
    ("mobile +84 905123456", {"content": "Gọi +84 905123456 nhé bà con."}, [], Status.PENDING,
     Reason.PERSONAL_DATA),
    ("mobile 090.512.3456", {"content": "Số của tôi là 090.512.3456 ạ."}, [], Status.PENDING,
     Reason.PERSONAL_DATA),
    ("mobile 84905123456", {"content": "Zalo 84905123456 nhé."}, [], Status.PENDING,
     Reason.PERSONAL_DATA),
    ("landline (0258) 3822 123", {"content": "Gọi tổng đài (0258) 3822 123 ạ."}, [],
     Status.PENDING, Reason.PERSONAL_DATA),
    ("CCCD 12 digits", {"content": "CCCD của tôi 079123456789, nhờ kiểm tra giúp."}, [],
     Status.PENDING, Reason.PERSONAL_DATA),
    ("CMND 9 digits", {"content": "Số CMND 225123456 bị mất ở chợ."}, [], Status.PENDING,
     Reason.PERSONAL_DATA),
    ("email in the text", {"content": "Ai biết thì gửi về anh.ba@gmail.com giúp tôi."}, [],
     Status.PENDING, Reason.PERSONAL_DATA),
    ("phone in the name", {"name": "Hùng 0912345678"}, [], Status.PENDING,
     Reason.PERSONAL_DATA),
    ("amounts and years are not phones", {"content": "Năm 2026 giá 1.500.000 đồng, tăng 0,5%."},
     [], Status.PENDING, Reason.MODERATION),
    ("no diacritics at all", {"content": "Bai viet hay qua, cam on toa soan"}, [],
     Status.PENDING, Reason.NO_DIACRITICS),
    ("name looks like the newsroom", {"name": "Tòa Soạn"}, [], Status.PENDING,
     Reason.HOLD_WORD),
    ("spam beats hold", {"honeypot": "x", "content": "Gọi 0905123456 https://a.vn www.b.vn"},
     [], Status.SPAM, Reason.HONEYPOT),
]  # fmt: skip


@pytest.mark.parametrize(
    "fields, words, status, reason", [r[1:] for r in RULES], ids=[r[0] for r in RULES]
)
def test_rule_table(fields, words, status, reason):
    for word, action in words:
        make_word(word, action)
    article = make_article()
    verdict = rules.evaluate(article, submission(**fields))
    assert (verdict.status, verdict.reason) == (status, reason)
    if reason != Reason.MODERATION:
        assert verdict.detail  # every rule leaves a detail for the queue


def test_hold_word_must_be_a_whole_word():
    make_word("sex", "block")
    verdict = rules.evaluate(make_article(), submission(content="Đội bóng Essex thắng đậm."))
    assert verdict.status == Status.PENDING


def test_every_fired_rule_is_listed_in_the_detail():
    make_word("casino", "block")
    sub = submission(honeypot="x", content="casino 0905123456 https://a.vn www.b.vn")
    verdict = rules.evaluate(make_article(), sub)
    assert verdict.reason == Reason.HONEYPOT
    for piece in ("trường bẫy", "casino", "0905123456", "2 liên kết"):
        assert piece in verdict.detail


def test_no_diacritics_rule_is_a_setting():
    settings_row(comments_hold_without_diacritics=False)
    verdict = rules.evaluate(make_article(), submission(content="Bai viet hay qua"))
    assert verdict.reason == Reason.MODERATION


def test_same_folded_text_from_same_email_on_same_article_is_spam():
    article = make_article()
    make_comment(
        article,
        email="binh@example.vn",
        content="Bài viết hay",
        content_hash=comment_text.content_hash("Bài viết hay"),
    )
    again = rules.evaluate(article, submission(content="BÀI   viết HAY"))
    assert (again.status, again.reason) == (Status.SPAM, Reason.DUPLICATE)
    other_email = rules.evaluate(article, submission(email="x@example.vn", content="Bài viết hay"))
    assert other_email.reason != Reason.DUPLICATE
    other_article = rules.evaluate(make_article(), submission(content="Bài viết hay"))
    assert other_article.reason != Reason.DUPLICATE


@pytest.mark.parametrize(
    "word, text, found",
    [
        ("Đảng", "dang", True),
        ("Đảng", "ĐẢNG", True),
        ("dang", "Đảng", True),
        ("Khánh Hòa", "khanh hoa", True),
        ("Khánh Hòa", "Khánh Hoà", True),  # old tone placement
        ("casino", "CASINO", True),
        ("casino", "c a s i n o", True),
        ("casino", "c.a.s.i.n.o", True),
        ("casino", "c-a-s-i-n-o", True),
        ("casino", "ca.si.no", True),
        ("casino", "ca\u200bsino", True),  # zero-width space
        ("casino", "casinos", False),
        ("casino", "occasional", False),
        ("cờ bạc", "co bac", True),
        ("cờ bạc", "cobac", True),
        ("cờ bạc", "cờ-bạc", True),
        ("18+", "phim 18+ đây", True),
        ("18+", "18 tuổi", False),
        ("sex", "Essex", False),
    ],
)
def test_word_matching_folds_tones_case_and_d(word, text, found):
    assert bool(comment_text.find_words([word], {"content": text})) is found


@pytest.mark.parametrize(
    "raw, clean",
    [
        ("a\x00b", "ab"),
        ("  dòng 1\r\ndòng 2\r\n\r\n\r\n\r\ndòng 3  ", "dòng 1\ndòng 2\n\ndòng 3"),
        ("chữ\x07 \x1b[31mđỏ", "chữ [31mđỏ"),
        ("Khánh Hòa", "Khánh Hòa"),  # NFD in, NFC out
        ("tab\there", "tab here"),
        ("emoji 👍🏽 👨‍👩‍👧", "emoji 👍🏽 👨‍👩‍👧"),  # the ZWJ of a family emoji stays
        ("\u200fمرحبا", "\u200fمرحبا"),
    ],
)
def test_clean_text_keeps_the_readers_text(raw, clean):
    assert comment_text.clean_text(raw, multiline=True) == clean


def test_invisible_text_is_blank():
    assert comment_text.is_blank("\u200b \u200d\u2060 ")
    assert not comment_text.is_blank("\u200bA")


class TestToken:
    def test_round_trip_gives_render_time(self):
        article = make_article()
        before = time.time()
        token = tokens.form_token(article)
        assert before - 1 <= tokens.token_time(token, article) <= time.time()

    def test_bound_to_the_article(self):
        token = tokens.form_token(make_article())
        assert tokens.token_time(token, make_article()) is None

    @pytest.mark.parametrize("bad", ["", "x", "1:abc:def", None, "a" * 10_000])
    def test_forged_or_missing(self, bad):
        assert tokens.token_time(bad, make_article()) is None

    def test_tampered_time(self):
        article = make_article()
        value, stamp, sig = tokens.form_token(article).split(":")
        assert tokens.token_time(f"{value}:0{stamp[1:]}:{sig}", article) is None


class TestPostModeration:
    def test_off_by_default_history_does_not_matter(self):
        article = make_article()
        make_comment(article, email="binh@example.vn", status=Status.APPROVED)
        assert rules.evaluate(article, submission()).status == Status.PENDING

    def test_known_sender_is_approved_at_once(self):
        settings_row(comments_post_moderation=True)
        article = make_article()
        make_comment(make_article(), email="binh@example.vn", status=Status.APPROVED)
        comment = actions.submit_comment(article, submission())
        assert comment.status == Status.APPROVED
        assert comment.moderated_at is not None and comment.moderated_by is None

    def test_first_time_sender_is_held(self):
        settings_row(comments_post_moderation=True)
        make_comment(make_article(), email="binh@example.vn", status=Status.REJECTED)
        verdict = rules.evaluate(make_article(), submission())
        assert (verdict.status, verdict.reason) == (Status.PENDING, Reason.FIRST_TIME)

    def test_a_rule_still_holds_a_known_sender(self):
        settings_row(comments_post_moderation=True)
        make_comment(make_article(), email="binh@example.vn", status=Status.APPROVED)
        verdict = rules.evaluate(make_article(), submission(content="Gọi 0905123456 nhé"))
        assert (verdict.status, verdict.reason) == (Status.PENDING, Reason.PERSONAL_DATA)


class TestFlood:
    def test_one_ip_is_only_a_burst_guard(self):
        for n in range(30):  # the default: a carrier's shared address, many readers
            flood.check_flood("203.0.113.7", f"r{n}@example.vn")
        with pytest.raises(flood.Flooded):
            flood.check_flood("203.0.113.7", "r99@example.vn")
        flood.check_flood("203.0.113.8", "c@example.vn")

    def test_one_post_per_15_seconds_per_email(self):
        flood.check_flood("203.0.113.7", "a@example.vn")
        with pytest.raises(flood.Flooded):
            flood.check_flood("198.51.100.1", "a@example.vn")

    def test_one_post_per_15_seconds_per_browser(self):
        flood.check_flood("203.0.113.7", "a@example.vn", "browser-1")
        with pytest.raises(flood.Flooded):
            flood.check_flood("198.51.100.1", "b@example.vn", "browser-1")
        flood.check_flood("203.0.113.7", "c@example.vn", "browser-2")

    def test_five_per_ten_minutes_per_email(self, settings):
        settings.COMMENT_RULES = {"FLOOD_LIMITS": ((600, 5),)}
        for n in range(5):
            flood.check_flood(f"203.0.113.{n}", "a@example.vn")
        with pytest.raises(flood.Flooded):
            flood.check_flood("203.0.113.9", "a@example.vn")

    def test_window_expiry_between_add_and_incr(self):
        with mock.patch.object(cache, "incr", side_effect=ValueError):
            assert flood._bump("comments:flood:test", 15) == 1

    def test_flooded_post_stores_nothing(self):
        article = make_article()
        actions.submit_comment(article, submission())
        with pytest.raises(flood.Flooded):
            actions.submit_comment(article, submission(content="Lần thứ hai, nội dung khác."))
        assert Comment.objects.count() == 1


class TestComments:
    def test_closed_by_switch(self):
        assert not actions.comments_open(make_article(comments_enabled=False))

    def test_closed_after_n_days(self):
        old = make_article(published_at=timezone.now() - timedelta(days=31))
        assert not actions.comments_open(old)
        settings_row(comments_close_after_days=0)
        assert actions.comments_open(old)

    def test_open_within_n_days(self):
        assert actions.comments_open(make_article(published_at=timezone.now() - timedelta(days=29)))

    def test_submit_stores_everything_the_queue_needs(self):
        article = make_article()
        sub = submission(content="Gọi 0905 123 456", email="Binh@Example.VN", user_agent="UA\x00x")
        comment = actions.submit_comment(article, sub)
        comment.refresh_from_db()
        assert comment.status == Status.PENDING
        assert comment.hold_reason == Reason.PERSONAL_DATA
        assert "0905 123 456" in comment.hold_detail
        assert comment.email == "binh@example.vn"
        assert comment.ip_address == "203.0.113.7"
        assert comment.user_agent == "UAx"
        assert comment.content_hash == comment_text.content_hash("Gọi 0905 123 456")

    def test_spam_is_stored_not_lost(self):
        comment = actions.submit_comment(make_article(), submission(honeypot="x"))
        assert Comment.objects.filter(pk=comment.pk, status=Status.SPAM).exists()

    def test_bad_ip_is_not_stored(self):
        comment = actions.submit_comment(make_article(), submission(ip="not-an-ip"))
        assert comment.ip_address is None


class TestDecisions:
    def test_approve_reject_spam_record_who_and_when(self):
        moderator = make_user(group=roles.MODERATOR)
        comment = make_comment(make_article(), status=Status.PENDING)
        for decide, status in (
            (actions.approve, Status.APPROVED),
            (actions.reject, Status.REJECTED),
            (actions.mark_spam, Status.SPAM),
        ):
            decide(comment, moderator)
            comment.refresh_from_db()
            assert (comment.status, comment.moderated_by) == (status, moderator)
            assert comment.moderated_at is not None

    def test_light_edit_keeps_the_original_once(self):
        comment = make_comment(make_article(), status=Status.PENDING, content="Bản gốc có lỗi")
        actions.approve(comment, None, content="Bản đã sửa")
        actions.approve(comment, None, content="Bản sửa lần hai")
        comment.refresh_from_db()
        assert (comment.content, comment.original_content) == ("Bản sửa lần hai", "Bản gốc có lỗi")

    def test_bulk_decisions(self):
        article = make_article()
        rows = [make_comment(article, status=Status.PENDING) for _ in range(3)]
        moderator = make_user(group=roles.MODERATOR)
        count = actions.approve_many(
            Comment.objects.filter(pk__in=[rows[0].pk, rows[1].pk]), moderator
        )
        assert count == 2
        assert Comment.objects.filter(status=Status.APPROVED, moderated_by=moderator).count() == 2
        assert Comment.objects.get(pk=rows[2].pk).status == Status.PENDING

    def test_newsroom_reply_approves_a_pending_parent(self):
        editor = make_user(group=roles.CHIEF, email="tbt@example.vn")
        parent = make_comment(make_article(), status=Status.PENDING)
        answer = actions.reply(parent, editor, "  Cảm ơn bạn đã góp ý.\r\n ")
        parent.refresh_from_db()
        assert parent.status == Status.APPROVED and parent.moderated_by == editor
        assert (answer.parent, answer.is_newsroom_reply, answer.author) == (parent, True, editor)
        assert (answer.name, answer.status, answer.content) == (
            "Tòa soạn",
            Status.APPROVED,
            "Cảm ơn bạn đã góp ý.",
        )

    def test_reply_to_a_reply_hangs_under_the_readers_comment(self):
        editor = make_user(group=roles.CHIEF)
        parent = make_comment(make_article())
        first = actions.reply(parent, editor, "Một")
        second = actions.reply(first, editor, "Hai")
        assert second.parent == parent

    def test_blank_reply_is_refused(self):
        with pytest.raises(ValueError):
            actions.reply(make_comment(make_article()), None, " \u200b ")

    def test_pending_count(self):
        article = make_article()
        make_comment(article, status=Status.PENDING)
        make_comment(article, status=Status.PENDING)
        make_comment(article, status=Status.APPROVED)
        make_comment(article, status=Status.SPAM)
        assert actions.pending_count() == 2

    def test_decisions_bump_the_articles_cache_generation(self):
        from pagecache import generations

        article = make_article()
        scope = generations.article_scope(article.public_id)
        before = generations.generations(scope)[scope]
        actions.approve(make_comment(article, status=Status.PENDING), None)
        generations.forget_local()
        assert generations.generations(scope)[scope] != before


class TestNotify:
    def test_one_email_however_many_arrive(self, django_capture_on_commit_callbacks):
        make_user(group=roles.MODERATOR, email="kd@example.vn")
        make_user(group=roles.CHIEF, email="tbt@example.vn")
        make_user(group=roles.REPORTER, email="pv@example.vn")
        article = make_article()
        with django_capture_on_commit_callbacks(execute=True):
            for n in range(3):
                actions.submit_comment(
                    article, submission(email=f"r{n}@example.vn", ip=f"203.0.113.{n}",
                                        content=f"Ý kiến thứ {n} về bài viết.")
                )  # fmt: skip
        assert len(mail.outbox) == 1
        assert sorted(mail.outbox[0].to) == ["kd@example.vn", "tbt@example.vn"]
        # The first comment's commit sends it; the next two find the quiet period running.
        assert "1 phản hồi chờ duyệt" in mail.outbox[0].subject

    def test_again_after_the_quiet_period(self, django_capture_on_commit_callbacks):
        make_user(group=roles.MODERATOR, email="kd@example.vn")
        assert notify.notify_moderators()
        assert not notify.notify_moderators()
        cache.delete(notify.NOTIFY_LOCK_KEY)
        assert notify.notify_moderators()
        assert len(mail.outbox) == 2

    def test_spam_does_not_email(self, django_capture_on_commit_callbacks):
        make_user(group=roles.MODERATOR, email="kd@example.vn")
        with django_capture_on_commit_callbacks(execute=True):
            actions.submit_comment(make_article(), submission(honeypot="x"))
        assert mail.outbox == []

    def test_mail_failure_never_loses_the_comment(self, django_capture_on_commit_callbacks):
        make_user(group=roles.MODERATOR, email="kd@example.vn")
        with (
            mock.patch("comments.notify.send_mail", side_effect=OSError("smtp down")),
            django_capture_on_commit_callbacks(execute=True),
        ):
            actions.submit_comment(make_article(), submission())
        assert Comment.objects.count() == 1
