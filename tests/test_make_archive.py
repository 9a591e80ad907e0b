import io
import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from django.utils.html import strip_tags

from articles.models import Article, ArticleByline, Image
from bench.management.commands import make_archive
from comments.models import Comment

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def small_pictures(monkeypatch):
    """Pool pictures at a small size: the same code path, a fraction of the work."""
    monkeypatch.setattr(make_archive, "PICTURE_SIZE", (320, 180))


def make(n=30, **kw):
    call_command("make_archive", articles=n, pictures=6, batch_size=12, stdout=io.StringIO(), **kw)


def test_make_archive_fills_every_derived_column():
    make()
    articles = Article.objects.all()
    assert articles.count() == 30
    assert not articles.filter(search_text="").exists()
    assert not articles.filter(body_html="").exists()
    for article in articles:
        figures = article.body.count("<figure>")
        assert 2 <= figures <= 4
        assert article.body_html.count("srcset=") == figures  # enriched by enrich_figures
        assert 800 <= len(strip_tags(article.body).split()) <= 1500
        assert re.fullmatch(r"[0-9a-f]{7}", article.public_id)
        assert article.cover_id is not None
    assert articles.filter(status=Article.Status.PUBLISHED).count() >= 20
    assert set(ArticleByline.objects.values_list("article", flat=True)) == set(
        articles.values_list("pk", flat=True)
    )
    assert Comment.objects.approved().exists()
    # the times given, not the time of the insert
    for comment in Comment.objects.select_related("article"):
        assert comment.created_at >= comment.article.published_at
    oldest = Article.objects.published().earliest("published_at").published_at
    assert oldest < timezone.now() - timedelta(days=60)
    if connection.vendor == "postgresql":
        assert not articles.filter(search_vector=None).exists()


def test_derived_columns_match_a_normal_save():
    make(8)
    for article in Article.objects.all():
        stored = (article.body, article.body_html, article.search_text, article.slug)
        article.save()
        article.refresh_from_db()
        assert (article.body, article.body_html, article.search_text, article.slug) == stored


def test_a_second_run_adds_articles_and_reuses_the_picture_pool():
    make(5)
    pictures = Image.objects.count()
    make(5)
    assert Article.objects.count() == 10
    assert Image.objects.count() == pictures == 6
    assert Article.objects.values("public_id").distinct().count() == 10


def test_the_rare_word_is_in_twenty_published_articles():
    make(40)
    rare = Article.objects.filter(search_text__contains="yersin")
    assert rare.count() == rare.filter(status=Article.Status.PUBLISHED).count() == 20
