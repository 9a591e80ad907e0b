"""The editorial workflow of product.md §7, against articles.workflow directly: the whole
role × move matrix, reasons, publishing times, who sees and edits what, revisions."""

from datetime import timedelta
from itertools import permutations
from unittest import mock

import pytest
from django.utils import timezone

from articles import roles, workflow
from articles.models import Article, ArticleTransition, SiteSettings
from tests.factories import make_category, make_desk_article, make_user

pytestmark = pytest.mark.django_db
S = Article.Status

ALL_MOVES = list(permutations(S.values, 2))  # every ordered pair of distinct statuses

SECRETARY_MOVES = {
    (S.SUBMITTED, S.EDITING),
    (S.SUBMITTED, S.PENDING_APPROVAL),  # TKTS may skip editing
    (S.EDITING, S.PENDING_APPROVAL),
    (S.EDITING, S.RETURNED),
    (S.UNPUBLISHED, S.PENDING_APPROVAL),
}
CHIEF_MOVES = {
    (S.PENDING_APPROVAL, S.RETURNED),
    (S.PENDING_APPROVAL, S.PUBLISHED),
    (S.PUBLISHED, S.UNPUBLISHED),
    (S.UNPUBLISHED, S.PENDING_APPROVAL),
}
# product.md §7, written out independently of workflow.MOVES.
EXPECTED = {
    # Rút lại (submitted → draft): the author, until the desk claims it.
    "author": {(S.DRAFT, S.SUBMITTED), (S.RETURNED, S.SUBMITTED), (S.SUBMITTED, S.DRAFT)},
    "other_reporter": set(),
    "editor_of_category": {
        (S.SUBMITTED, S.EDITING),
        (S.EDITING, S.PENDING_APPROVAL),
        (S.EDITING, S.RETURNED),
    },
    "editor_elsewhere": set(),
    "secretary": SECRETARY_MOVES,
    "secretary_delegated": SECRETARY_MOVES
    | {(S.PENDING_APPROVAL, S.PUBLISHED), (S.PENDING_APPROVAL, S.RETURNED)},
    "deputy_chief": CHIEF_MOVES,
    "chief": CHIEF_MOVES,
    "moderator": set(),
}


@pytest.fixture
def cast():
    """One newsroom: a category with its BTV, another category with another BTV, and one
    member of every other group."""
    category = make_category(name="Xã hội")
    elsewhere = make_category(name="Thể thao")
    people = {
        "author": make_user(group=roles.REPORTER),
        "other_reporter": make_user(group=roles.REPORTER),
        "editor_of_category": make_user(group=roles.EDITOR),
        "editor_elsewhere": make_user(group=roles.EDITOR),
        "secretary": make_user(group=roles.SECRETARY),
        "secretary_delegated": make_user(group=roles.SECRETARY),
        "deputy_chief": make_user(group=roles.DEPUTY_CHIEF),
        "chief": make_user(group=roles.CHIEF),
        "moderator": make_user(group=roles.MODERATOR),
    }
    category.editors.add(people["editor_of_category"])
    elsewhere.editors.add(people["editor_elsewhere"])
    return {"category": category, "people": people}


def article_at(status, cast):
    return make_desk_article(status, created_by=cast["people"]["author"], category=cast["category"])


def fresh(user):
    """The user as a new request would load it (no cached groups or categories)."""
    return type(user).objects.get(pk=user.pk)


@pytest.mark.parametrize("actor", list(EXPECTED))
def test_role_move_matrix(cast, actor):
    """Every ordered pair of statuses, for every role: the moves of §7 succeed and are
    logged, every other move is refused and leaves no trace."""
    user = cast["people"][actor]
    delegated = actor == "secretary_delegated"
    SiteSettings.objects.update_or_create(pk=1, defaults={"tkts_may_publish": delegated})
    allowed = set()
    for from_status, to_status in ALL_MOVES:
        article = article_at(from_status, cast)
        try:
            move = workflow.transition(article, to_status, fresh(user), note="Lý do: cần bổ sung.")
        except workflow.MoveRefused:
            article.refresh_from_db()
            assert article.status == from_status
            assert not ArticleTransition.objects.filter(article=article).exists()
            continue
        allowed.add((from_status, to_status))
        article.refresh_from_db()
        assert article.status == to_status
        logged = ArticleTransition.objects.get(article=article)
        assert (logged.from_status, logged.to_status, logged.user_id) == (
            from_status,
            to_status,
            user.pk,
        )
        assert logged.note == "Lý do: cần bổ sung." and logged == move
    assert allowed == EXPECTED[actor]


def test_allowed_moves_lists_exactly_the_moves_transition_accepts(cast):
    for actor, expected in EXPECTED.items():
        SiteSettings.objects.update_or_create(
            pk=1, defaults={"tkts_may_publish": actor == "secretary_delegated"}
        )
        user = fresh(cast["people"][actor])
        listed = {
            (status, to)
            for status in S.values
            for to in workflow.allowed_moves(user, article_at(status, cast))
        }
        assert listed == expected, actor


def test_a_writer_of_any_desk_submits_their_own_draft(cast):
    editor = cast["people"]["editor_elsewhere"]
    draft = make_desk_article(created_by=editor, category=cast["category"])
    workflow.transition(draft, S.SUBMITTED, fresh(editor))
    assert draft.status == S.SUBMITTED


def test_an_editor_of_a_parent_category_edits_its_children(cast):
    child = make_category(name="Y tế", parent=cast["category"])
    article = make_desk_article(S.SUBMITTED, created_by=cast["people"]["author"], category=child)
    workflow.transition(article, S.EDITING, fresh(cast["people"]["editor_of_category"]))
    assert article.status == S.EDITING


def test_anonymous_and_non_staff_users_move_nothing(cast):
    from django.contrib.auth.models import AnonymousUser

    article = article_at(S.DRAFT, cast)
    outsider = make_user()  # not staff
    for user in (AnonymousUser(), outsider):
        with pytest.raises(workflow.MoveRefused):
            workflow.transition(article, S.SUBMITTED, user)


def test_a_staff_member_who_lost_the_staff_flag_moves_nothing(cast):
    author = cast["people"]["author"]
    author.is_staff = False
    author.save()
    with pytest.raises(workflow.MoveRefused):
        workflow.transition(article_at(S.DRAFT, cast), S.SUBMITTED, fresh(author))


def test_an_unknown_status_is_refused(cast):
    with pytest.raises(workflow.MoveRefused):
        workflow.transition(article_at(S.DRAFT, cast), "archived", fresh(cast["people"]["author"]))


class TestReasons:
    @pytest.mark.parametrize(
        ("from_status", "to_status", "actor"),
        [
            (S.EDITING, S.RETURNED, "editor_of_category"),
            (S.PENDING_APPROVAL, S.RETURNED, "chief"),
            (S.PUBLISHED, S.UNPUBLISHED, "chief"),
            (S.PUBLISHED, S.UNPUBLISHED, "deputy_chief"),
        ],
    )
    @pytest.mark.parametrize("note", ["", "   \n "])
    def test_return_and_take_down_need_a_reason(self, cast, from_status, to_status, actor, note):
        article = article_at(from_status, cast)
        with pytest.raises(workflow.ReasonRequired):
            workflow.transition(article, to_status, fresh(cast["people"][actor]), note=note)
        article.refresh_from_db()
        assert article.status == from_status
        assert not article.transitions.exists()

    def test_refusal_comes_before_the_reason(self, cast):
        """Someone who may not make the move learns that, not that a reason is missing."""
        article = article_at(S.PUBLISHED, cast)
        with pytest.raises(workflow.MoveRefused):
            workflow.transition(article, S.UNPUBLISHED, fresh(cast["people"]["secretary"]))

    def test_the_reporter_sees_the_latest_reason(self, cast):
        people = cast["people"]
        article = article_at(S.EDITING, cast)
        workflow.transition(article, S.RETURNED, fresh(people["editor_of_category"]), "Thiếu ảnh")
        workflow.transition(article, S.SUBMITTED, fresh(people["author"]))
        workflow.transition(article, S.EDITING, fresh(people["editor_of_category"]))
        workflow.transition(
            article, S.RETURNED, fresh(people["editor_of_category"]), "Kiểm tra lại số liệu"
        )
        reason = workflow.latest_reason(article)
        assert reason.note == "Kiểm tra lại số liệu"
        assert reason.user == people["editor_of_category"]

    def test_no_reason_is_shown_once_the_article_moved_on(self, cast):
        article = article_at(S.EDITING, cast)
        workflow.transition(article, S.RETURNED, fresh(cast["people"]["secretary"]), "Thiếu ảnh")
        workflow.transition(article, S.SUBMITTED, fresh(cast["people"]["author"]))
        assert workflow.latest_reason(article) is None


class TestPublishing:
    def test_publishing_now_sets_published_at_and_first_published_at(self, cast):
        article = article_at(S.PENDING_APPROVAL, cast)
        before = timezone.now()
        workflow.transition(article, S.PUBLISHED, fresh(cast["people"]["chief"]))
        article.refresh_from_db()
        assert before <= article.published_at <= timezone.now()
        assert article.first_published_at == article.published_at
        assert Article.objects.published().filter(pk=article.pk).exists()

    def test_a_future_time_schedules_the_article(self, cast):
        article = article_at(S.PENDING_APPROVAL, cast)
        when = timezone.now() + timedelta(hours=3)
        workflow.transition(
            article, S.PUBLISHED, fresh(cast["people"]["deputy_chief"]), published_at=when
        )
        article.refresh_from_db()
        assert article.status == S.PUBLISHED and article.published_at == when
        assert article.is_scheduled
        assert not Article.objects.published().filter(pk=article.pk).exists()
        with mock.patch("django.utils.timezone.now", return_value=when + timedelta(seconds=1)):
            assert Article.objects.published().filter(pk=article.pk).exists()

    def test_a_time_proposed_by_the_secretariat_is_kept(self, cast):
        when = timezone.now() + timedelta(days=1)
        article = make_desk_article(
            S.PENDING_APPROVAL, created_by=cast["people"]["author"], category=cast["category"],
            published_at=when,
        )  # fmt: skip
        workflow.transition(article, S.PUBLISHED, fresh(cast["people"]["chief"]))
        assert article.published_at == when and article.is_scheduled

    def test_a_past_time_is_refused_unless_publishing_now_is_asked_for(self, cast):
        article = article_at(S.PENDING_APPROVAL, cast)
        chief = fresh(cast["people"]["chief"])
        past = timezone.now() - timedelta(days=30)
        with pytest.raises(workflow.PublishTimePassed):
            workflow.transition(article, S.PUBLISHED, chief, published_at=past)
        article.refresh_from_db()
        assert article.status == S.PENDING_APPROVAL
        assert not ArticleTransition.objects.filter(article=article).exists()
        workflow.transition(article, S.PUBLISHED, chief, published_at=past, publish_now=True)
        assert article.status == S.PUBLISHED
        assert timezone.now() - article.published_at < timedelta(minutes=1)

    def test_the_secretariat_publishes_only_when_the_setting_delegates_it(self, cast):
        secretary = cast["people"]["secretary"]
        article = article_at(S.PENDING_APPROVAL, cast)
        with pytest.raises(workflow.MoveRefused):
            workflow.transition(article, S.PUBLISHED, fresh(secretary))
        settings = SiteSettings.load()
        settings.tkts_may_publish = True
        settings.save()
        workflow.transition(article, S.PUBLISHED, fresh(secretary))
        assert article.status == S.PUBLISHED

    def test_taking_down_and_bringing_back_keeps_the_first_publication(self, cast):
        chief = cast["people"]["chief"]
        article = article_at(S.PENDING_APPROVAL, cast)
        workflow.transition(article, S.PUBLISHED, fresh(chief))
        first = article.first_published_at
        workflow.transition(article, S.UNPUBLISHED, fresh(chief), "Sai thông tin")
        assert not Article.objects.published().filter(pk=article.pk).exists()
        workflow.transition(article, S.PENDING_APPROVAL, fresh(cast["people"]["secretary"]))
        workflow.transition(article, S.PUBLISHED, fresh(chief))
        article.refresh_from_db()
        assert article.first_published_at == first
        assert list(article.transitions.values_list("to_status", flat=True)) == [
            S.PUBLISHED, S.PENDING_APPROVAL, S.UNPUBLISHED, S.PUBLISHED
        ]  # fmt: skip

    def test_the_move_is_judged_on_the_stored_status_not_a_stale_copy(self, cast):
        """Two editors on one article: the second click meets the status the first left."""
        article = article_at(S.SUBMITTED, cast)
        stale = Article.objects.get(pk=article.pk)
        workflow.transition(article, S.EDITING, fresh(cast["people"]["editor_of_category"]))
        with pytest.raises(workflow.MoveRefused):
            workflow.transition(stale, S.EDITING, fresh(cast["people"]["secretary"]))
        assert ArticleTransition.objects.filter(article=article).count() == 1


class TestSeeingAndEditing:
    def test_reporters_see_only_their_own_articles(self, cast):
        people = cast["people"]
        own = article_at(S.DRAFT, cast)
        someone_elses = make_desk_article(
            S.SUBMITTED, created_by=people["other_reporter"], category=cast["category"]
        )
        author = fresh(people["author"])
        assert list(workflow.visible_articles(author)) == [own]
        assert workflow.can_view(author, own) and not workflow.can_view(author, someone_elses)

    def test_drafts_are_private_to_their_author(self, cast):
        draft = article_at(S.DRAFT, cast)
        for actor in EXPECTED:
            user = fresh(cast["people"][actor])
            assert workflow.can_view(user, draft) is (actor == "author"), actor

    def test_can_view_and_visible_articles_agree(self, cast):
        people = cast["people"]
        articles = [article_at(status, cast) for status in S.values]
        articles.append(
            make_desk_article(
                S.SUBMITTED, created_by=people["other_reporter"], category=make_category()
            )
        )
        for actor in EXPECTED:
            user = fresh(people[actor])
            listed = set(workflow.visible_articles(user))
            assert listed == {a for a in articles if workflow.can_view(user, a)}, actor

    def test_an_editor_sees_their_categories_only(self, cast):
        inside = article_at(S.SUBMITTED, cast)
        outside = make_desk_article(
            S.SUBMITTED, created_by=cast["people"]["author"], category=make_category()
        )
        editor = fresh(cast["people"]["editor_of_category"])
        assert workflow.can_view(editor, inside) and not workflow.can_view(editor, outside)

    def test_a_moderator_sees_live_articles_only(self, cast):
        moderator = fresh(cast["people"]["moderator"])
        assert workflow.can_view(moderator, article_at(S.PUBLISHED, cast))
        assert not workflow.can_view(moderator, article_at(S.PENDING_APPROVAL, cast))

    @pytest.mark.parametrize(
        ("status", "editors"),
        [
            (S.DRAFT, {"author"}),
            (S.RETURNED, {"author"}),
            (S.SUBMITTED, {"secretary", "secretary_delegated", "deputy_chief", "chief"}),
            (
                S.EDITING,
                {"editor_of_category", "secretary", "secretary_delegated", "deputy_chief", "chief"},
            ),  # fmt: skip
            (S.PENDING_APPROVAL, {"secretary", "secretary_delegated", "deputy_chief", "chief"}),
            (S.PUBLISHED, {"secretary", "secretary_delegated", "deputy_chief", "chief"}),
            (S.UNPUBLISHED, {"secretary", "secretary_delegated", "deputy_chief", "chief"}),
        ],
    )
    def test_who_edits_an_article_in_each_status(self, cast, status, editors):
        article = article_at(status, cast)
        may_edit = {a for a in EXPECTED if workflow.can_edit(fresh(cast["people"][a]), article)}
        assert may_edit == editors

    def test_only_the_author_deletes_a_draft_that_never_left_them(self, cast):
        author = fresh(cast["people"]["author"])
        draft = article_at(S.DRAFT, cast)
        assert workflow.can_delete(author, draft)
        assert not workflow.can_delete(fresh(cast["people"]["chief"]), draft)
        workflow.transition(draft, S.SUBMITTED, author)
        workflow.transition(draft, S.EDITING, fresh(cast["people"]["secretary"]))
        workflow.transition(draft, S.RETURNED, fresh(cast["people"]["secretary"]), "Viết lại")
        assert not workflow.can_delete(author, draft)

    def test_only_publishers_move_the_time_of_a_live_article(self, cast):
        live = article_at(S.PUBLISHED, cast)
        pending = article_at(S.PENDING_APPROVAL, cast)
        secretary = fresh(cast["people"]["secretary"])
        assert workflow.can_schedule(secretary, pending)
        assert not workflow.can_schedule(secretary, live)
        assert workflow.can_schedule(fresh(cast["people"]["chief"]), live)
        assert not workflow.can_schedule(fresh(cast["people"]["editor_of_category"]), pending)


class TestGroups:
    def test_each_group_holds_exactly_the_doors_it_needs(self):
        roles.sync_groups()
        from django.contrib.auth.models import Group

        def perms(name):
            return set(Group.objects.get(name=name).permissions.values_list("codename", flat=True))

        assert {"publish_article", "unpublish_article"} <= perms(roles.CHIEF)
        # The chiefs differ only by the royalty rights the Tổng biên tập keeps (and delegates
        # to a named deputy by user permission): approving, reopening, going over the fund.
        assert perms(roles.CHIEF) - roles.CHIEF_ONLY == perms(roles.DEPUTY_CHIEF)
        for name in (roles.REPORTER, roles.EDITOR, roles.SECRETARY, roles.MODERATOR):
            assert not {"publish_article", "unpublish_article"} & perms(name), name
        assert "moderate_comment" in perms(roles.MODERATOR)
        assert "moderate_comment" not in perms(roles.SECRETARY) | perms(roles.REPORTER)
        assert not {"add_article", "change_article"} & perms(roles.MODERATOR)
        assert "change_sitesettings" not in perms(roles.SECRETARY)

    def test_sync_is_idempotent_and_repairs_a_tampered_group(self):
        from django.contrib.auth.models import Group, Permission

        roles.sync_groups()
        reporters = Group.objects.get(name=roles.REPORTER)
        reporters.permissions.add(Permission.objects.get(codename="publish_article"))
        roles.sync_groups()
        assert not reporters.permissions.filter(codename="publish_article").exists()
        assert Group.objects.filter(name__in=roles.GROUPS).count() == len(roles.GROUPS) == 7
