"""The newsroom admin over HTTP, one role at a time: what each role may open, save and move,
the desk on the index, revisions, bylines, search and the reader preview."""

from datetime import timedelta

import pytest
from django.utils import timezone
from reversion.models import Version

from articles import roles, workflow
from articles.models import (
    Article,
    ArticleByline,
    ArticleTransition,
    SiteSettings,
)
from tests.factories import (
    make_byline,
    make_category,
    make_comment,
    make_desk_article,
    make_user,
)

pytestmark = pytest.mark.django_db
S = Article.Status
LIST = "/admin/articles/article/"
ADD = "/admin/articles/article/add/"


def change_url(article) -> str:
    return f"/admin/articles/article/{article.pk}/change/"


def move_url(article) -> str:
    return f"/admin/articles/article/{article.pk}/move/"


def article_form(article=None, bylines=(), **overrides) -> dict:
    """POST data for the article form, management forms of its inlines included."""
    data = {
        "title": article.title if article else "Bài mới của phóng viên",
        "sapo": article.sapo if article else "Sapo bài mới.",
        "body": article.body if article else "<p>Nội dung bài mới.</p>",
        "category": article.category_id if article else "",
        "cover": article.cover_id or "" if article else "",
        "source": "",
        "comments_enabled": "on",
    }
    existing = list(article.byline_links.order_by("position")) if article else []
    data |= {
        "byline_links-TOTAL_FORMS": str(len(existing) + len(bylines)),
        "byline_links-INITIAL_FORMS": str(len(existing)),
        "byline_links-MIN_NUM_FORMS": "0",
        "byline_links-MAX_NUM_FORMS": "1000",
    }
    for n, link in enumerate(existing):
        data |= {
            f"byline_links-{n}-id": link.pk,
            f"byline_links-{n}-article": article.pk,
            f"byline_links-{n}-byline": link.byline_id,
            f"byline_links-{n}-role": link.role,
            f"byline_links-{n}-position": link.position,
        }
    for n, (byline, role, position) in enumerate(bylines, start=len(existing)):
        data |= {
            f"byline_links-{n}-byline": byline.pk,
            f"byline_links-{n}-role": role,
            f"byline_links-{n}-position": position,
        }
    for prefix in ("transitions", "revisions"):
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    return data | overrides


@pytest.fixture
def desk():
    category = make_category(name="Xã hội")
    reporter = make_user("phongvien", group=roles.REPORTER, first_name="An")
    colleague = make_user("congtacvien", group=roles.REPORTER)
    editor = make_user("bientapvien", group=roles.EDITOR)
    category.editors.add(editor)
    return {
        "category": category,
        "reporter": reporter,
        "colleague": colleague,
        "editor": editor,
        "outside_editor": make_user("btv-the-thao", group=roles.EDITOR),
        "secretary": make_user("thuky", group=roles.SECRETARY),
        "deputy": make_user("photongbientap", group=roles.DEPUTY_CHIEF),
        "chief": make_user("tongbientap", group=roles.CHIEF),
        "moderator": make_user("kiemduyet", group=roles.MODERATOR),
    }


def article_by(author, status=S.DRAFT, **kw):
    kw.setdefault("category", author._desk_category)
    return make_desk_article(status, created_by=author, **kw)


@pytest.fixture(autouse=True)
def _category_on_users(request):
    # article_by() needs the desk's category without passing it around every test.
    if "desk" in request.fixturenames:
        cast = request.getfixturevalue("desk")
        for key, value in cast.items():
            if key != "category":
                value._desk_category = cast["category"]


class TestReporter:
    def test_writes_a_new_draft_signed_with_their_pen_name(self, client, desk):
        reporter = desk["reporter"]
        byline = make_byline(name="XUÂN THÀNH", user=reporter)
        client.force_login(reporter)
        response = client.post(ADD, article_form(category=desk["category"].pk))
        assert response.status_code == 302
        article = Article.objects.get()
        assert article.status == S.DRAFT and article.created_by == reporter
        assert [link.byline for link in article.byline_links.all()] == [byline]
        assert Version.objects.get_for_object(article).count() == 1

    def test_cannot_open_or_find_a_colleagues_draft(self, client, desk):
        theirs = article_by(desk["colleague"], title="Bài nháp của đồng nghiệp")
        client.force_login(desk["reporter"])
        response = client.get(change_url(theirs))
        assert response.status_code == 302 and response.url == "/admin/"
        assert "Bài nháp của đồng nghiệp" not in client.get(LIST).content.decode()
        assert client.post(move_url(theirs), {"to_status": S.SUBMITTED}).status_code == 404

    def test_cannot_publish_even_by_forging_the_request(self, client, desk):
        own = article_by(desk["reporter"], S.PENDING_APPROVAL)
        client.force_login(desk["reporter"])
        response = client.post(move_url(own), {"to_status": S.PUBLISHED})
        assert response.status_code == 403
        own.refresh_from_db()
        assert own.status == S.PENDING_APPROVAL
        assert "Duyệt và xuất bản" not in client.get(change_url(own)).content.decode()

    def test_status_and_publication_time_are_not_form_fields(self, client, desk):
        own = article_by(desk["reporter"])
        client.force_login(desk["reporter"])
        data = article_form(own, status=S.PUBLISHED, published_at_0="01/01/2026")
        data |= {"published_at_1": "08:00", "is_featured": "on"}
        assert client.post(change_url(own), data).status_code == 302
        own.refresh_from_db()
        assert own.status == S.DRAFT and own.published_at is None and not own.is_featured

    def test_submits_and_then_cannot_edit_while_the_desk_has_it(self, client, desk):
        own = article_by(desk["reporter"])
        client.force_login(desk["reporter"])
        page = client.get(change_url(own)).content.decode()
        assert "Gửi biên tập" in page
        response = client.post(move_url(own), {"to_status": S.SUBMITTED})
        assert response.status_code == 302
        own.refresh_from_db()
        assert own.status == S.SUBMITTED
        assert ArticleTransition.objects.get(article=own).user == desk["reporter"]
        page = client.get(change_url(own))
        assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
        assert client.post(change_url(own), article_form(own, title="Sửa lén")).status_code == 403

    def test_sees_the_reason_of_a_return_on_the_article_and_the_desk(self, client, desk):
        own = article_by(desk["reporter"], S.EDITING)
        workflow.transition(own, S.RETURNED, desk["editor"], "Cần thêm ý kiến người dân")
        client.force_login(desk["reporter"])
        assert "Cần thêm ý kiến người dân" in client.get(change_url(own)).content.decode()
        index = client.get("/admin/").content.decode()
        assert "Bị trả lại" in index and "Cần thêm ý kiến người dân" in index

    def test_previews_own_articles_only_never_cached_and_noindex(self, client, desk):
        own = article_by(desk["reporter"])
        theirs = article_by(desk["colleague"], S.SUBMITTED)
        client.force_login(desk["reporter"])
        response = client.get(own.get_absolute_url())
        assert response.status_code == 200
        assert "no-cache" in response["Cache-Control"] and "noindex" in response["X-Robots-Tag"]
        assert client.get(theirs.get_absolute_url()).status_code == 404

    def test_deletes_a_fresh_draft_but_nothing_that_went_through_the_desk(self, client, desk):
        fresh_draft = article_by(desk["reporter"])
        returned = article_by(desk["reporter"], S.RETURNED)
        ArticleTransition.objects.create(
            article=returned, from_status=S.EDITING, to_status=S.RETURNED, note="x"
        )
        client.force_login(desk["reporter"])
        delete = "/admin/articles/article/{}/delete/"
        assert client.post(delete.format(returned.pk), {"post": "yes"}).status_code == 403
        assert client.post(delete.format(fresh_draft.pk), {"post": "yes"}).status_code == 302
        assert list(Article.objects.all()) == [returned]
        assert "delete_selected" not in client.get(LIST).content.decode()  # no bulk delete


class TestEditor:
    def test_claims_an_article_of_their_category(self, client, desk):
        submitted = article_by(desk["reporter"], S.SUBMITTED)
        client.force_login(desk["editor"])
        assert "Nhận biên tập" in client.get(change_url(submitted)).content.decode()
        client.post(move_url(submitted), {"to_status": S.EDITING})
        submitted.refresh_from_db()
        assert submitted.status == S.EDITING
        index = client.get("/admin/").content.decode()
        assert "Đang biên tập (tôi nhận)" in index and submitted.title in index

    def test_outside_the_category_cannot_see_or_claim(self, client, desk):
        submitted = article_by(desk["reporter"], S.SUBMITTED, title="Bài của ban Xã hội")
        client.force_login(desk["outside_editor"])
        assert "Bài của ban Xã hội" not in client.get(LIST).content.decode()
        assert client.post(move_url(submitted), {"to_status": S.EDITING}).status_code == 404
        submitted.refresh_from_db()
        assert submitted.status == S.SUBMITTED

    def test_edits_a_claimed_article_and_a_revision_is_kept(self, client, desk):
        article = article_by(desk["reporter"], S.EDITING)
        client.force_login(desk["editor"])
        response = client.post(change_url(article), article_form(article, title="Tít đã biên tập"))
        assert response.status_code == 302
        versions = list(Version.objects.get_for_object(article).order_by("pk"))
        assert [v.field_dict["title"] for v in versions] == [article.title, "Tít đã biên tập"]
        assert versions[-1].revision.user == desk["editor"]
        client.post(change_url(article), article_form(Article.objects.get(pk=article.pk)))
        assert Version.objects.get_for_object(article).count() == 2  # nothing changed

    def test_returns_with_a_reason_and_cannot_publish(self, client, desk):
        article = article_by(desk["reporter"], S.EDITING)
        client.force_login(desk["editor"])
        client.post(move_url(article), {"to_status": S.RETURNED, "note": ""})
        article.refresh_from_db()
        assert article.status == S.EDITING  # a reason is required
        client.post(move_url(article), {"to_status": S.RETURNED, "note": "Thiếu nguồn"})
        article.refresh_from_db()
        assert article.status == S.RETURNED
        pending = article_by(desk["reporter"], S.PENDING_APPROVAL)
        assert client.post(move_url(pending), {"to_status": S.PUBLISHED}).status_code == 403

    def test_cannot_edit_a_live_article_directly_only_propose(self, client, desk):
        live = article_by(desk["reporter"], S.PUBLISHED)
        client.force_login(desk["editor"])
        data = article_form(live, title="Sửa", edit_reason="Tít ngắn hơn")
        assert client.post(change_url(live), data).status_code == 302
        live.refresh_from_db()
        assert live.title != "Sửa" and live.live_edit_proposals.get().changes["title"] == "Sửa"
        client.force_login(desk["outside_editor"])
        assert client.post(change_url(live), data).status_code in (302, 403)
        assert live.live_edit_proposals.count() == 1


class TestSecretary:
    def test_edits_a_live_article_and_features_it(self, client, desk):
        live = article_by(desk["reporter"], S.PUBLISHED)
        client.force_login(desk["secretary"])
        data = article_form(live, title="Tít sửa sau khi đăng", is_featured="on")
        refused = client.post(change_url(live), data)
        assert refused.status_code == 200  # editing live copy asks for a reason
        assert "hãy ghi ngắn gọn lý do sửa" in refused.content.decode()
        data["edit_reason"] = "Tít rõ hơn"
        assert client.post(change_url(live), data).status_code == 302
        live.refresh_from_db()
        assert live.title == "Tít sửa sau khi đăng" and live.is_featured
        assert live.edited_at is not None and live.correction_note == ""

    def test_schedules_a_pending_article_but_publishes_only_when_delegated(self, client, desk):
        pending = article_by(desk["reporter"], S.PENDING_APPROVAL)
        client.force_login(desk["secretary"])
        tomorrow = timezone.localtime() + timedelta(days=1)
        data = article_form(
            pending,
            published_at_0=f"{tomorrow:%d/%m/%Y}",  # day first, as Vietnamese write it
            published_at_1=f"{tomorrow:%H:%M}",
        )
        assert client.post(change_url(pending), data).status_code == 302
        pending.refresh_from_db()
        assert f"{timezone.localtime(pending.published_at):%d/%m/%Y %H:%M}" == (
            f"{tomorrow:%d/%m/%Y %H:%M}"
        )
        assert client.post(move_url(pending), {"to_status": S.PUBLISHED}).status_code == 403
        SiteSettings.objects.update_or_create(pk=1, defaults={"tkts_may_publish": True})
        assert client.post(move_url(pending), {"to_status": S.PUBLISHED}).status_code == 302
        pending.refresh_from_db()
        assert pending.status == S.PUBLISHED and pending.is_scheduled
        index = client.get("/admin/").content.decode()
        assert "Hẹn giờ" in index and pending.title in index

    def test_desk_lists_everything_waiting_for_editing(self, client, desk):
        article_by(desk["reporter"], S.SUBMITTED, category=make_category(name="Kinh tế"))
        article_by(desk["reporter"], S.SUBMITTED)
        client.force_login(desk["secretary"])
        boxes = {b["queue"].key: b["count"] for b in client.get("/admin/").context["boxes"]}
        assert boxes["cho-bien-tap"] == 2
        response = client.get(LIST, {"hang_viec": "cho-bien-tap"})
        assert response.context["cl"].result_count == 2


class TestChiefs:
    def test_chief_takes_down_with_a_reason_and_not_without(self, client, desk):
        live = article_by(desk["reporter"], S.PUBLISHED)
        client.force_login(desk["chief"])
        response = client.post(move_url(live), {"to_status": S.UNPUBLISHED, "note": "  "})
        assert response.status_code == 302
        live.refresh_from_db()
        assert live.status == S.PUBLISHED
        client.post(
            move_url(live), {"to_status": S.UNPUBLISHED, "note": "Thông tin chưa kiểm chứng"}
        )
        live.refresh_from_db()
        assert live.status == S.UNPUBLISHED
        logged = ArticleTransition.objects.get(article=live)
        assert logged.note == "Thông tin chưa kiểm chứng" and logged.user == desk["chief"]
        client.logout()
        assert client.get(live.get_absolute_url()).status_code == 410

    def test_deputy_approves_for_a_future_time(self, client, desk):
        pending = article_by(desk["reporter"], S.PENDING_APPROVAL)
        client.force_login(desk["deputy"])
        when = timezone.localtime() + timedelta(hours=5)
        client.post(
            move_url(pending),
            {"to_status": S.PUBLISHED, "published_at": f"{when:%Y-%m-%dT%H:%M}"},
        )
        pending.refresh_from_db()
        assert pending.status == S.PUBLISHED and pending.is_scheduled
        assert timezone.localtime(pending.published_at).strftime("%H:%M") == f"{when:%H:%M}"

    def test_desk_shows_what_waits_for_approval(self, client, desk):
        pending = article_by(desk["reporter"], S.PENDING_APPROVAL, title="Bài chờ duyệt")
        client.force_login(desk["chief"])
        boxes = {b["queue"].key: b for b in client.get("/admin/").context["boxes"]}
        assert boxes["cho-duyet"]["count"] == 1 and boxes["cho-duyet"]["items"] == [pending]
        assert "cho-bien-tap" not in boxes  # chiefs do not claim


class TestModerator:
    def test_sees_live_articles_read_only_and_the_comment_queue(self, client, desk):
        live = article_by(desk["reporter"], S.PUBLISHED)
        article_by(desk["reporter"], S.PENDING_APPROVAL, title="Bài chưa đăng")
        make_comment(live, status="pending")
        client.force_login(desk["moderator"])
        listing = client.get(LIST)
        assert listing.context["cl"].result_count == 1
        page = client.get(change_url(live))
        assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
        assert client.post(change_url(live), article_form(live)).status_code == 403
        assert (
            client.post(move_url(live), {"to_status": S.UNPUBLISHED, "note": "x"}).status_code
            == 403
        )
        assert client.get("/admin/").context["comments"]["count"] == 1


class TestArticleAdmin:
    def test_bylines_keep_the_order_given(self, client, desk):
        first, second, third = (make_byline(name=n) for n in ("HOÀNG VIỆT", "MINH AN", "THU HÀ"))
        client.force_login(desk["reporter"])
        data = article_form(
            category=desk["category"].pk,
            bylines=[(second, "anh", 2), (first, "tin", 1), (third, "", "")],
        )
        client.post(ADD, data)
        article = Article.objects.get()
        links = article.ordered_bylines()
        assert [(link.byline, link.position) for link in links] == [
            (first, 0), (second, 1), (third, 2)
        ]  # fmt: skip
        assert links[0].display == "Tin: HOÀNG VIỆT"

    def test_search_ignores_accents(self, client, desk):
        found = article_by(desk["reporter"], title="Đà Nẵng đón khách")
        article_by(desk["reporter"], title="Khánh Hòa mùa nắng")
        client.force_login(desk["reporter"])
        response = client.get(LIST, {"q": "da nang"})
        assert list(response.context["cl"].result_list) == [found]

    def test_list_filters_by_status_category_byline_and_date(self, client, desk):
        # A filter shows once there is a choice to make: two categories, two pen names.
        for category in (desk["category"], make_category()):
            live = article_by(desk["reporter"], S.PUBLISHED, category=category)
            ArticleByline.objects.create(article=live, byline=make_byline())
        client.force_login(desk["chief"])
        response = client.get(LIST)
        titles = [spec.title for spec in response.context["cl"].filter_specs]
        assert titles == [
            "hàng việc", "trạng thái", "chuyên mục", "bút danh", "thời gian xuất bản",
            "tin nổi bật",
        ]  # fmt: skip

    def test_the_admin_speaks_vietnamese(self, client, desk):
        client.force_login(desk["reporter"])
        page = client.get(ADD).content.decode()
        assert "Tòa soạn điện tử" in page and "Lưu lại" in page

    def test_site_settings_is_a_single_row(self, client, desk):
        SiteSettings.load()
        client.force_login(desk["chief"])
        assert client.get("/admin/articles/sitesettings/add/").status_code == 403
        response = client.get("/admin/articles/sitesettings/")
        assert response.status_code == 302 and response.url.endswith("/1/change/")
        client.force_login(desk["moderator"])
        assert client.get("/admin/articles/sitesettings/").status_code == 403

    def test_byline_rows_follow_the_articles_permissions(self, client, desk):
        live = article_by(desk["reporter"], S.PUBLISHED)
        byline = make_byline()
        ArticleByline.objects.create(article=live, byline=byline)
        client.force_login(desk["reporter"])
        data = article_form(live, bylines=[(make_byline(), "", 5)])
        assert client.post(change_url(live), data).status_code == 403
        assert live.byline_links.count() == 1


class TestQueryCounts:
    @pytest.mark.parametrize("n", [1, 8])
    def test_the_desk_costs_the_same_whatever_is_waiting(
        self, client, desk, django_assert_max_num_queries, n
    ):
        for _ in range(n):
            article_by(desk["reporter"], S.SUBMITTED)
            article_by(desk["reporter"], S.PENDING_APPROVAL)
        client.force_login(desk["secretary"])
        with django_assert_max_num_queries(17):  # session, user, groups, 2 per queue...
            assert client.get("/admin/").status_code == 200

    @pytest.mark.parametrize("n", [1, 12])
    def test_the_article_list_costs_the_same_whatever_its_length(
        self, client, desk, django_assert_max_num_queries, n
    ):
        for _ in range(n):
            article = article_by(desk["reporter"], S.PUBLISHED)
            ArticleByline.objects.create(article=article, byline=make_byline())
        client.force_login(desk["chief"])
        with django_assert_max_num_queries(13):
            assert client.get(LIST).status_code == 200


def test_a_colleagues_earlier_move_is_explained_not_refused_outright(client, desk):
    """Two editors open the same submitted article; the second click meets a new status."""
    article = article_by(desk["reporter"], S.SUBMITTED)
    workflow.transition(article, S.EDITING, desk["editor"])
    client.force_login(desk["secretary"])
    response = client.post(
        move_url(article), {"to_status": S.EDITING, "from_status": S.SUBMITTED}, follow=True
    )
    assert response.status_code == 200
    assert "trước đó" in response.content.decode()
    assert ArticleTransition.objects.filter(article=article).count() == 1
