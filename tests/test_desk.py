"""The desk after a scripted day of moves: each role's tabs and queues with their counts, the
notifications each move creates (once, never to whoever moved), the e-mail digest, the
audit log and who may read it, and the article's history in GMT+7 with names."""

import time
from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.core.cache import cache
from django.utils import timezone

from articles import notifications, roles, workflow
from articles.admin import desk as desk_module
from articles.models import Article, ArticleTransition, AuditEntry, Notification, SiteSettings
from comments import actions, rules
from tests.factories import make_category, make_comment, make_desk_article, make_image, make_user

pytestmark = pytest.mark.django_db
S = Article.Status
Kind = Notification.Kind
Action = AuditEntry.Action
AUDIT = "/admin/articles/auditentry/"
BELL = "/admin/articles/notification/"


@pytest.fixture
def cast():
    category = make_category(name="Xã hội")
    people = {
        "reporter": make_user(
            "phongvien", group=roles.REPORTER, first_name="An", last_name="Nguyễn Văn",
            email="an@example.vn",
        ),
        "editor": make_user(
            "bientapvien", group=roles.EDITOR, first_name="Bình", last_name="Trần",
            email="binh@example.vn",
        ),
        "secretary": make_user("thuky", group=roles.SECRETARY, email="thuky@example.vn"),
        "deputy": make_user("photongbientap", group=roles.DEPUTY_CHIEF, email="pho@example.vn"),
        "chief": make_user(
            "tongbientap", group=roles.CHIEF, first_name="Cường", last_name="Lê",
            email="tong@example.vn",
        ),
        "moderator": make_user("kiemduyet", group=roles.MODERATOR, email="kd@example.vn"),
    }  # fmt: skip
    category.editors.add(people["editor"])
    people["category"] = category
    return people


def walk(article, *steps):
    """Move `article` through (status, user, note) steps."""
    for to_status, user, *note in steps:
        workflow.transition(article, to_status, user, note[0] if note else "")
    return article


@pytest.fixture
def day(cast):
    """A reporter's six articles after a day at the desk."""
    r, e, c = cast["reporter"], cast["editor"], cast["chief"]

    def new(title):
        return make_desk_article(S.DRAFT, created_by=r, category=cast["category"], title=title)

    drafted = new("Bài còn nháp")
    returned = walk(
        new("Bài bị trả lại"),
        (S.SUBMITTED, r), (S.EDITING, e), (S.RETURNED, e, "Thiếu ý kiến người dân"),
    )  # fmt: skip
    waiting = walk(new("Bài chờ biên tập"), (S.SUBMITTED, r))
    live = walk(
        new("Bài đã đăng"),
        (S.SUBMITTED, r), (S.EDITING, e), (S.PENDING_APPROVAL, e), (S.PUBLISHED, c),
    )  # fmt: skip
    scheduled = walk(new("Bài hẹn giờ"), (S.SUBMITTED, r), (S.EDITING, e), (S.PENDING_APPROVAL, e))
    workflow.transition(scheduled, S.PUBLISHED, c, published_at=timezone.now() + timedelta(hours=3))
    taken_down = walk(
        new("Bài đã gỡ"),
        (S.SUBMITTED, r), (S.EDITING, e), (S.PENDING_APPROVAL, e), (S.PUBLISHED, c),
        (S.UNPUBLISHED, c, "Sai số liệu"),
    )  # fmt: skip
    return {
        "drafted": drafted, "returned": returned, "waiting": waiting, "live": live,
        "scheduled": scheduled, "taken_down": taken_down,
    }  # fmt: skip


def tab_counts(context) -> dict:
    return {t["tab"].key: t["count"] for t in context["tabs"]}


# -- my work and the queues --------------------------------------------------------------------


class TestDeskTabs:
    def test_the_reporter_sees_their_own_work_in_every_state_with_counts(self, cast, day):
        mine = desk_module.my_work(cast["reporter"])
        assert tab_counts(mine) == {
            "tat-ca": 6, "nhap": 1, "cho-bien-tap": 1, "dang-bien-tap": 0, "tra-lai": 1,
            "cho-duyet": 0, "hen-gio": 1, "da-dang": 1, "da-go": 1,
        }  # fmt: skip
        # Newest change first: the take-down was the last move of the day.
        assert mine["items"][0] == day["taken_down"]

    def test_each_row_says_who_has_it_now_and_since_when(self, cast, day):
        r, e = cast["reporter"], cast["editor"]
        walk(day["waiting"], (S.EDITING, e))
        rows = {a.title: a for a in desk_module.my_work(r, "tat-ca")["items"]}
        assert rows["Bài chờ biên tập"].holder == "Bình Trần"
        claim = ArticleTransition.objects.filter(article=day["waiting"]).first()
        assert rows["Bài chờ biên tập"].since == claim.at
        assert rows["Bài còn nháp"].holder == "Bạn (đang viết)"
        assert rows["Bài bị trả lại"].reason == "Thiếu ý kiến người dân"
        assert rows["Bài đã gỡ"].holder == "Đã gỡ bởi Cường Lê"

    def test_a_submitted_article_stays_on_its_reporters_desk(self, client, cast, day):
        client.force_login(cast["reporter"])
        page = client.get("/admin/", {"viec": "cho-bien-tap"}).content.decode()
        assert "Bài chờ biên tập" in page and "Ban biên tập (chưa ai nhận)" in page
        assert "Bài còn nháp" not in page  # another tab

    def test_the_editor_queue_says_who_sent_it_and_how_long_it_waited(self, client, cast, day):
        ArticleTransition.objects.filter(article=day["waiting"]).update(
            at=timezone.now() - timedelta(hours=3, minutes=20)
        )
        client.force_login(cast["editor"])
        boxes = {b["queue"].key: b for b in client.get("/admin/").context["boxes"]}
        assert boxes["cho-bien-tap"]["count"] == 1
        item = boxes["cho-bien-tap"]["items"][0]
        assert (item.sent_by, item.waited) == ("An Nguyễn Văn", "3 giờ 20 phút")

    def test_queues_put_the_oldest_first(self, cast, day):
        older = make_desk_article(S.DRAFT, created_by=cast["reporter"], category=cast["category"])
        walk(older, (S.SUBMITTED, cast["reporter"]))
        ArticleTransition.objects.filter(article=older).update(
            at=timezone.now() - timedelta(days=2)
        )
        queue = desk_module.QUEUES_BY_KEY["cho-bien-tap"]
        assert list(desk_module.queue_articles(queue, cast["editor"])) == [older, day["waiting"]]

    def test_the_chief_sees_the_scheduled_and_nothing_pending(self, client, cast, day):
        client.force_login(cast["chief"])
        boxes = {b["queue"].key: b["count"] for b in client.get("/admin/").context["boxes"]}
        assert boxes == {"cho-duyet": 0, "hen-gio": 1}

    def test_waiting_times_read_as_vietnamese(self):
        now = datetime(2026, 12, 3, 8, 0, tzinfo=UTC)
        assert desk_module.waited(now - timedelta(minutes=5), now) == "5 phút"
        assert desk_module.waited(now - timedelta(hours=2), now) == "2 giờ"
        assert desk_module.waited(now - timedelta(days=2, hours=4), now) == "2 ngày 4 giờ"

    def test_the_article_list_has_my_articles_and_the_author(self, client, cast, day):
        colleague = make_user("congtacvien", group=roles.REPORTER)
        other = make_desk_article(S.DRAFT, created_by=colleague, category=cast["category"])
        walk(other, (S.SUBMITTED, colleague))
        client.force_login(cast["secretary"])
        everyone = client.get("/admin/articles/article/")
        assert everyone.context["cl"].result_count == 6  # 5 past the draft + the colleague's
        assert "An Nguyễn Văn" in everyone.content.decode()
        by_author = client.get("/admin/articles/article/", {"nguoi_viet": colleague.pk})
        assert list(by_author.context["cl"].result_list) == [other]
        client.force_login(cast["reporter"])
        mine = client.get("/admin/articles/article/", {"cua_toi": "1"})
        assert mine.context["cl"].result_count == 6


# -- notifications -------------------------------------------------------------------------


def told(user) -> list[tuple[str, str]]:
    return sorted((n.kind, n.article.title) for n in Notification.objects.filter(recipient=user))


class TestNotifications:
    def test_each_move_tells_the_people_it_concerns_and_never_the_mover(self, cast, day):
        assert told(cast["reporter"]) == sorted(
            [
                (Kind.CLAIMED, t)
                for t in ("Bài bị trả lại", "Bài đã đăng", "Bài hẹn giờ", "Bài đã gỡ")
            ]
            + [(Kind.RETURNED, "Bài bị trả lại")]
            + [(Kind.SENT_FOR_APPROVAL, t) for t in ("Bài đã đăng", "Bài hẹn giờ", "Bài đã gỡ")]
            + [(Kind.PUBLISHED, "Bài đã đăng"), (Kind.PUBLISHED, "Bài đã gỡ")]
            + [(Kind.SCHEDULED, "Bài hẹn giờ"), (Kind.UNPUBLISHED, "Bài đã gỡ")]
        )
        # The editor: every submission to their category, then what became of their work.
        assert told(cast["editor"]) == sorted(
            [(Kind.SUBMITTED, t) for t in day_titles(day) if t != "Bài còn nháp"]
            + [(Kind.PUBLISHED, "Bài đã đăng"), (Kind.PUBLISHED, "Bài đã gỡ")]
            + [(Kind.SCHEDULED, "Bài hẹn giờ"), (Kind.UNPUBLISHED, "Bài đã gỡ")]
        )
        # Those who approve are told what waits for them; the chief moved, so is not told
        # about their own approvals.
        assert (
            told(cast["deputy"])
            == told(cast["chief"])
            == sorted(
                (Kind.SENT_FOR_APPROVAL, t) for t in ("Bài đã đăng", "Bài hẹn giờ", "Bài đã gỡ")
            )
        )
        assert told(cast["secretary"]) == [] and told(cast["moderator"]) == []

    def test_a_move_tells_nobody_twice(self, cast, day):
        before = Notification.objects.count()
        for move in ArticleTransition.objects.all():
            assert notifications.notify_move(move) == []
        assert Notification.objects.count() == before

    def test_the_bell_counts_unread_and_opening_one_reads_it(self, client, cast, day):
        reporter = cast["reporter"]
        unread = Notification.objects.filter(recipient=reporter).count()
        client.force_login(reporter)
        page = client.get("/admin/").content.decode()
        assert f'<span class="bell__count">{unread}</span>' in page
        returned = Notification.objects.get(recipient=reporter, kind=Kind.RETURNED)
        listing = client.get(BELL).content.decode()
        assert (
            "Bài bị trả lại: “Bài bị trả lại” — Bình Trần. Lý do: Thiếu ý kiến người dân" in listing
        )
        opened = client.get(f"{BELL}{returned.pk}/mo/")
        assert opened.url == f"/admin/articles/article/{day['returned'].pk}/change/"
        assert notifications.unread_count(reporter) == unread - 1
        client.post(f"{BELL}doc-het/")
        assert notifications.unread_count(reporter) == 0

    def test_nobody_reads_or_opens_anothers_notifications(self, client, cast, day):
        theirs = Notification.objects.filter(recipient=cast["reporter"]).first()
        client.force_login(cast["editor"])
        assert client.get(f"{BELL}{theirs.pk}/mo/").status_code == 404
        listed = client.get(BELL).context["cl"].result_list
        assert all(n.recipient_id == cast["editor"].pk for n in listed)

    def test_a_comment_waiting_under_my_article_is_one_notification_counted_up(self, cast, day):
        live = day["live"]
        for n in range(2):
            sent = time.time()
            sub = rules.Submission(
                name="Bạn đọc", email=f"bandoc{n}@example.vn", content=f"Ý kiến thứ {n} về bài.",
                rendered_at=sent - 120, shown_at_ms=int((sent - 60) * 1000),
                sent_at_ms=int(sent * 1000), ip=f"203.0.113.{n + 1}",
            )  # fmt: skip
            assert actions.submit_comment(live, sub).status == "pending"
        waiting = Notification.objects.get(recipient=cast["reporter"], kind=Kind.COMMENT)
        assert waiting.count == 2 and waiting.article == live
        assert "(2 phản hồi)" in notifications.describe(waiting)


def day_titles(day) -> list[str]:
    return [article.title for article in day.values()]


class TestDigest:
    def test_one_email_per_person_within_a_few_minutes(self, cast):
        article = make_desk_article(S.DRAFT, created_by=cast["reporter"], category=cast["category"])
        mail.outbox.clear()
        walk(article, (S.SUBMITTED, cast["reporter"]), (S.EDITING, cast["editor"]))
        to_reporter = [m for m in mail.outbox if m.to == ["an@example.vn"]]
        assert len(to_reporter) == 1 and "Bài đã được nhận biên tập" in to_reporter[0].body
        walk(article, (S.RETURNED, cast["editor"], "Viết lại đoạn mở"))
        assert len([m for m in mail.outbox if m.to == ["an@example.vn"]]) == 1  # lock held
        cache.delete(notifications.DIGEST_LOCK.format(cast["reporter"].pk))
        assert notifications.send_digests([cast["reporter"].pk]) == 1
        last = [m for m in mail.outbox if m.to == ["an@example.vn"]][-1]
        assert "Viết lại đoạn mở" in last.body and "nhận biên tập" not in last.body

    def test_a_person_may_turn_the_digest_off(self, client, cast):
        client.force_login(cast["reporter"])
        client.post(f"{BELL}thu/", {"email_digest": "0"})
        assert not notifications.wants_digest(cast["reporter"])
        mail.outbox.clear()
        article = make_desk_article(S.DRAFT, created_by=cast["reporter"], category=cast["category"])
        walk(article, (S.SUBMITTED, cast["reporter"]), (S.EDITING, cast["editor"]))
        assert [m for m in mail.outbox if m.to == ["an@example.vn"]] == []
        assert Notification.objects.filter(recipient=cast["reporter"]).count() == 1


# -- the audit log ----------------------------------------------------------------------------


class TestAudit:
    def test_every_move_is_logged_with_its_reason(self, cast, day):
        entries = AuditEntry.objects.filter(article=day["taken_down"]).order_by("at", "pk")
        assert [e.action for e in entries] == [
            Action.MOVE, Action.MOVE, Action.MOVE, Action.PUBLISH, Action.UNPUBLISH,
        ]  # fmt: skip
        last = entries.last()
        assert (last.user, last.reason, last.summary) == (
            cast["chief"],
            "Sai số liệu",
            "Đã xuất bản → Đã gỡ",
        )

    def test_edits_of_live_copy_images_and_settings_are_logged(self, client, cast, day):
        client.force_login(cast["chief"])
        live = day["live"]
        page = client.get(f"/admin/articles/article/{live.pk}/change/")
        form = page.context["adminform"].form
        data = {k: v for k, v in form.initial.items() if v is not None and k != "topics"}
        data |= {"title": "Tít sửa sau khi đăng", "category": cast["category"].pk}
        data |= {"edit_reason": "Sửa tít cho đúng số liệu"}
        for prefix in ("byline_links", "transitions", "revisions"):
            data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
        response = client.post(f"/admin/articles/article/{live.pk}/change/", data)
        assert response.status_code == 302, response.context["adminform"].form.errors
        edit = AuditEntry.objects.filter(action=Action.EDIT_LIVE).get()
        assert edit.article == live and edit.user == cast["chief"]
        image = make_image()
        client.post(
            f"/admin/articles/image/{image.pk}/change/",
            {"alt": "Ảnh mới", "caption": "Chú thích mới", "credit": "MINH AN"},
        )
        assert AuditEntry.objects.filter(action=Action.IMAGE, user=cast["chief"]).exists()
        settings_row, _ = SiteSettings.objects.update_or_create(
            pk=1, defaults={"masthead_name": "Báo Mẫu", "domain": "baomau.vn"}
        )
        url = f"/admin/articles/sitesettings/{settings_row.pk}/change/"
        got = client.get(url)
        assert got.status_code == 200, (got.status_code, got.get("Location"))
        form = got.context["adminform"].form
        data = {k: v for k, v in form.initial.items() if v is not None and v is not False}
        assert client.post(url, data | {"tkts_may_publish": "on"}).status_code == 302
        changed = AuditEntry.objects.get(action=Action.SETTINGS)
        assert changed.user == cast["chief"] and changed.summary

    def test_logins_failures_and_moderation_are_logged(self, client, cast, day):
        cast["reporter"].set_password("mat-khau-dung")
        cast["reporter"].save()
        login = "/admin/login/"
        assert (
            client.post(login, {"username": "phongvien", "password": "mat-khau-dung"}).status_code
            == 302
        )
        client.logout()
        assert client.post(login, {"username": "phongvien", "password": "sai"}).status_code == 200
        assert AuditEntry.objects.filter(action=Action.LOGIN, user=cast["reporter"]).exists()
        failed = AuditEntry.objects.get(action=Action.LOGIN_FAILED)
        assert (failed.user, failed.username) == (None, "phongvien")
        comment = make_comment(day["live"], status="pending")
        actions.approve(comment, cast["moderator"])
        decided = AuditEntry.objects.get(action=Action.MODERATE)
        assert (decided.user, decided.article, decided.summary) == (
            cast["moderator"],
            day["live"],
            "Đã duyệt 1 phản hồi",
        )

    def test_chiefs_read_everything_others_only_their_own(self, client, cast, day):
        client.force_login(cast["chief"])
        everything = client.get(AUDIT).context["cl"].result_count
        assert everything == AuditEntry.objects.count()
        client.force_login(cast["editor"])
        own = client.get(AUDIT).context["cl"]
        assert own.result_count == AuditEntry.objects.filter(user=cast["editor"]).count() > 0
        assert all(entry.user == cast["editor"] for entry in own.result_list)

    def test_filters_by_person_action_article_and_date(self, client, cast, day):
        client.force_login(cast["chief"])
        by_person = client.get(AUDIT, {"nguoi": cast["editor"].pk}).context["cl"]
        assert {e.user for e in by_person.result_list} == {cast["editor"]}
        by_action = client.get(AUDIT, {"action__exact": Action.UNPUBLISH}).context["cl"]
        assert [e.article for e in by_action.result_list] == [day["taken_down"]]
        by_article = client.get(AUDIT, {"bai": day["returned"].pk}).context["cl"]
        assert by_article.result_count == 3
        today = timezone.localdate()
        by_date = client.get(
            AUDIT, {"at__gte": f"{today:%Y-%m-%d}", "at__lt": f"{today + timedelta(1):%Y-%m-%d}"}
        ).context["cl"]
        assert by_date.result_count == AuditEntry.objects.count()

    def test_entries_cannot_be_added_edited_or_deleted_in_the_admin(self, client, cast, day):
        client.force_login(make_user("sieu", is_staff=True, is_superuser=True))
        entry = AuditEntry.objects.first()
        assert client.get(f"{AUDIT}add/").status_code == 403
        client.post(f"{AUDIT}{entry.pk}/change/", {"summary": "sửa"})
        entry.refresh_from_db()
        assert entry.summary != "sửa"
        assert client.post(f"{AUDIT}{entry.pk}/delete/", {"post": "yes"}).status_code == 403
        listing = client.get(AUDIT).content.decode()
        assert "delete_selected" not in listing


# -- the article's history -----------------------------------------------------------------


def test_the_history_reads_in_gmt7_with_names_statuses_and_reasons(client, cast, day):
    move = ArticleTransition.objects.get(article=day["returned"], to_status=S.RETURNED)
    ArticleTransition.objects.filter(pk=move.pk).update(at=datetime(2026, 12, 2, 6, 4, tzinfo=UTC))
    client.force_login(cast["reporter"])
    page = client.get(f"/admin/articles/article/{day['returned'].pk}/change/").content.decode()
    history = page[page.index("Lịch sử chuyển trạng thái") :]
    for text in (
        "Thời điểm (GMT+7)", "Từ trạng thái", "Sang trạng thái", "Người thực hiện",
        "02/12/2026 13:04", "Bình Trần", "Đang biên tập", "Trả lại", "Thiếu ý kiến người dân",
    ):  # fmt: skip
        assert text in history, text
    assert "bientapvien" not in history and "editing" not in history


def test_the_cron_command_sends_what_waited_behind_the_lock(cast):
    from django.core.management import call_command

    article = make_desk_article(S.DRAFT, created_by=cast["reporter"], category=cast["category"])
    walk(article, (S.SUBMITTED, cast["reporter"]), (S.EDITING, cast["editor"]))
    walk(article, (S.RETURNED, cast["editor"], "Thêm ảnh"))  # inside the reporter's window
    cache.delete(notifications.DIGEST_LOCK.format(cast["reporter"].pk))
    mail.outbox.clear()
    call_command("send_notification_digests")
    assert [m.to for m in mail.outbox] == [["an@example.vn"]]
    assert "Thêm ảnh" in mail.outbox[0].body


@pytest.mark.parametrize("moves", [1, 4])
def test_the_bell_and_the_log_cost_the_same_whatever_their_length(
    client, cast, django_assert_max_num_queries, moves
):
    for _ in range(moves):
        article = make_desk_article(S.DRAFT, created_by=cast["reporter"], category=cast["category"])
        walk(article, (S.SUBMITTED, cast["reporter"]), (S.EDITING, cast["editor"]))
        walk(article, (S.RETURNED, cast["editor"], "Sửa lại"))
    client.force_login(cast["reporter"])
    with django_assert_max_num_queries(12):
        assert client.get(BELL).status_code == 200
    client.force_login(cast["chief"])
    with django_assert_max_num_queries(14):
        assert client.get(AUDIT).status_code == 200


def test_a_lockout_and_plain_admin_messages_are_logged_once(cast, day):
    from django.contrib.admin.models import CHANGE, LogEntry
    from django.contrib.contenttypes.models import ContentType

    from articles import audit

    audit.locked_out(sender=None, request=None, username="phongvien", ip_address="203.0.113.9")
    locked = AuditEntry.objects.get(action=Action.LOCKOUT)
    assert (locked.username, locked.ip_address) == ("phongvien", "203.0.113.9")
    live, chief = day["live"], cast["chief"]
    kind = ContentType.objects.get_for_model(Article).pk
    before = AuditEntry.objects.count()

    def log(message):
        LogEntry.objects.create(
            user=chief, content_type_id=kind, object_id=str(live.pk), object_repr=live.title,
            action_flag=CHANGE, change_message=message,
        )  # fmt: skip

    for message in ("Đã chuyển “x” sang “Đã gỡ”", "Đã đổi giờ hẹn sang 03/12/2026 14:05."):
        log(message)
    assert AuditEntry.objects.count() == before  # the moves are logged by their transitions
    log("Đã duyệt và áp dụng đề xuất sửa.")
    applied = AuditEntry.objects.latest("pk")
    assert (applied.action, applied.summary) == (
        Action.EDIT_LIVE,
        "Đã duyệt và áp dụng đề xuất sửa.",
    )
