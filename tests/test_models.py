from datetime import timedelta
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.urls import get_resolver
from django.utils import timezone

from articles.models import Article, Category, SlugRedirect, Topic
from articles.models import article as article_module
from articles.models.taxonomy import route_prefixes
from tests.factories import make_article, make_byline, make_category, make_topic

pytestmark = pytest.mark.django_db
Status = Article.Status


class TestPublished:
    def test_only_published_articles_whose_time_has_come(self):
        now = timezone.now()
        past = make_article(published_at=now - timedelta(minutes=1))
        make_article(published_at=now + timedelta(minutes=5))  # scheduled
        make_article(status=Status.DRAFT)
        make_article(status=Status.PENDING_APPROVAL)
        make_article(status=Status.UNPUBLISHED, published_at=now - timedelta(days=1))
        assert list(Article.objects.published()) == [past]

    def test_scheduled_article_becomes_public_when_its_time_comes_without_a_job(self):
        start = timezone.now()
        scheduled = make_article(published_at=start + timedelta(minutes=10))
        assert not Article.objects.published().filter(pk=scheduled.pk).exists()
        with mock.patch("django.utils.timezone.now", return_value=start + timedelta(minutes=11)):
            assert Article.objects.published().filter(pk=scheduled.pk).exists()


class TestPublicId:
    def test_is_seven_lowercase_hex_and_never_changes(self):
        article = make_article()
        assert len(article.public_id) == 7
        assert int(article.public_id, 16) >= 0 and article.public_id == article.public_id.lower()
        original = article.public_id
        article.title = "Tiêu đề mới"
        article.save()
        article.refresh_from_db()
        assert article.public_id == original

    def test_collision_draws_again_inside_a_savepoint(self):
        taken = make_article()
        draws = iter([taken.public_id, "0badc0d"])
        with mock.patch.object(article_module, "new_public_id", lambda: next(draws)):
            fresh = Article(title="Bài mới", category=taken.category)
            fresh.public_id = article_module.new_public_id()
            fresh.save()
        assert fresh.public_id == "0badc0d"
        assert Article.objects.count() == 2


class TestArticleUrlAndSlug:
    def test_url_has_category_month_of_first_publication_slug_and_id(self):
        parent = make_category(name="Chính trị", slug="chinh-tri")
        child = make_category(name="Đối ngoại", parent=parent)
        when = timezone.make_aware(timezone.datetime(2026, 11, 30, 23, 30))  # local time
        article = make_article(title="Lan tỏa việc học", category=child, published_at=when)
        assert article.get_absolute_url() == (
            f"/chinh-tri/doi-ngoai/202611/lan-toa-viec-hoc-{article.public_id}/"
        )

    def test_slug_follows_title_until_first_publication_then_freezes(self):
        draft = make_article(title="Bản nháp đầu", status=Status.DRAFT)
        draft.title = "Bản nháp thứ hai"
        draft.save()
        assert draft.slug == "ban-nhap-thu-hai"
        draft.status = Status.PUBLISHED
        draft.published_at = timezone.now()
        draft.save()
        draft.title = "Tiêu đề sửa sau khi đăng"
        draft.save()
        assert draft.slug == "ban-nhap-thu-hai"

    def test_editor_may_change_a_published_slug(self):
        article = make_article(title="Tiêu đề cũ")
        article.slug = "Tiêu đề mới hơn"
        article.save()
        assert article.slug == "tieu-de-moi-hon"

    def test_article_slugs_need_not_be_unique(self):
        a = make_article(title="Trùng tên")
        b = make_article(title="Trùng tên", category=a.category)
        assert a.slug == b.slug and a.public_id != b.public_id


class TestTaxonomySlugs:
    def test_slug_from_vietnamese_name(self):
        assert make_category(name="Đời sống").slug == "doi-song"

    def test_taken_slug_gets_a_suffix_not_an_error(self):
        make_topic(name="Chuyển đổi số")
        assert make_topic(name="Chuyển đổi số").slug == "chuyen-doi-so-2"
        assert make_topic(name="Chuyển Đổi Số").slug == "chuyen-doi-so-3"

    def test_rename_moves_the_slug_and_keeps_a_redirect(self):
        byline = make_byline(name="Xuân Thành")
        byline.name = "X. Thành"
        byline.save()
        assert byline.slug == "x-thanh"
        found, moved = type(byline).by_slug_or_redirect("xuan-thanh")
        assert found == byline and moved
        assert SlugRedirect.objects.filter(old_slug="xuan-thanh").exists()

    @pytest.mark.parametrize("slug", ["admin", "tac-gia", "chu-de", "print", "api", "static",
                                      "media", "home", "rss", "tim-kiem"])  # fmt: skip
    def test_category_slug_that_would_shadow_a_route_is_refused(self, slug):
        category = Category(name="Thử", slug=slug)
        with pytest.raises(ValidationError) as error:
            category.full_clean()
        assert "trùng với một địa chỉ của hệ thống" in str(error.value)
        with pytest.raises(ValidationError):
            category.save()

    def test_reserved_list_comes_from_walking_the_urlconf(self):
        heads = set()
        for pattern in get_resolver().url_patterns:
            head = str(pattern.pattern).split("/", 1)[0]
            if head and "<" not in head and "^" not in head:
                heads.add(head)
        assert heads <= route_prefixes()
        assert {"tac-gia", "chu-de", "print", "admin"} <= route_prefixes()

    def test_category_named_like_a_route_gets_a_free_slug(self):
        assert make_category(name="Print").slug == "print-2"

    def test_categories_have_two_levels_at_most(self):
        top = make_category()
        child = make_category(parent=top)
        with pytest.raises(ValidationError):
            Category(name="Cháu", parent=child).full_clean()


def test_every_text_field_is_stored_nfc():
    import unicodedata

    decomposed = unicodedata.normalize("NFD", "Khánh Hòa")
    topic = Topic.objects.create(name=decomposed)
    article = make_article(title=decomposed, sapo=decomposed, body=f"<p>{decomposed}</p>")
    topic.refresh_from_db()
    article.refresh_from_db()
    assert topic.name == "Khánh Hòa"
    assert article.title == "Khánh Hòa" and article.sapo == "Khánh Hòa"
    assert "Khánh Hòa" in article.body
    assert "khanh hoa" in article.search_text


def test_byline_display_shows_role_and_capital_name():
    article = make_article(bylines=[(make_byline(name="Hoàng Việt"), "tin_anh"),
                                    make_byline(name="Thu Hà")])  # fmt: skip
    assert [link.display for link in article.ordered_bylines()] == [
        "Tin, ảnh: HOÀNG VIỆT",
        "THU HÀ",
    ]
