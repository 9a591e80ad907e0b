import pytest
from django.core.management import call_command

from articles.models import (
    Article,
    ArticleByline,
    Category,
    Image,
    SiteSettings,
    Topic,
    WebsiteLink,
)
from comments.models import Comment
from demo.management.commands import seed_demo

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def small_pictures(monkeypatch):
    """Demo pictures at a small size: the same code path, a fraction of the work."""
    monkeypatch.setattr(seed_demo, "PICTURE_SIZE", (320, 180))


def counts():
    models = [Article, ArticleByline, Category, Comment, Image, Topic, WebsiteLink]
    return {m.__name__: m.objects.count() for m in models}


def test_seed_demo_twice_gives_the_same_counts(capsys):
    call_command("seed_demo")
    first = counts()
    call_command("seed_demo")
    assert counts() == first
    assert first["Article"] >= 40
    assert first["WebsiteLink"] >= 10
    assert set(Comment.objects.values_list("status", flat=True)) == {
        "pending", "approved", "rejected", "spam"
    }  # fmt: skip


def test_demo_content_looks_like_a_provincial_paper():
    call_command("seed_demo")
    published = Article.objects.published()
    assert published.count() >= 40
    biggest = max(
        published.filter(category__in=[c, *c.children.all()]).count()
        for c in Category.objects.filter(parent=None)
    )
    assert biggest >= 21  # pagination shows on that category's page
    assert Category.objects.filter(parent__isnull=False).exists()
    assert all(a.cover_id for a in published)
    assert ArticleByline.objects.exclude(role="").exists()
    site = SiteSettings.load()
    assert "DEMO" in site.license_no and "mẫu" in site.editor_in_chief


def test_passwords_printed_only_in_debug(settings, capsys):
    settings.DEBUG = False
    call_command("seed_demo")
    assert "demo-" not in capsys.readouterr().out


def test_demo_royalties_last_month_approved_this_month_in_grading():
    import datetime

    from django.utils import timezone

    from articles.models import Contributor, RoyaltyGrade, RoyaltyPeriod

    call_command("seed_demo")
    this_month = timezone.localdate().replace(day=1)
    last_month = (this_month - datetime.timedelta(days=1)).replace(day=1)
    last = RoyaltyPeriod.objects.get(month=last_month)
    assert last.status == RoyaltyPeriod.Status.APPROVED and last.grades.count() >= 10
    assert last.budget >= sum(last.grades.filter(excluded=False).values_list("amount", flat=True))
    assert RoyaltyPeriod.objects.get(month=this_month).status == RoyaltyPeriod.Status.DRAFT
    before = (RoyaltyGrade.objects.count(), Contributor.objects.count())
    call_command("seed_demo")
    assert (RoyaltyGrade.objects.count(), Contributor.objects.count()) == before
