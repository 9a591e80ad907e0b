"""An article's derived columns: `body_html`, `search_text` and `search_vector` are computed
from title, sapo and body, and nothing else writes them.

Every way into the table comes through here: Article.save(), the queryset's bulk_create()
and update() (articles/models/article.py), loaddata (the raw pre_save/post_save receivers
below, connected in apps.py) and a photo's replacement (`refresh`). A value written past all
of them (raw SQL) is still never served as it is: Article.body_markup cleans again on the
way out.
"""

from django.apps import apps
from django.db import models, transaction
from django.utils.html import strip_tags

from articles import signals
from articles.images import enrich_figures, figure_ids
from articles.sanitize import clean_html
from articles.search_index import update_search_vectors
from articles.vietnamese import fold, nfc

DERIVED = frozenset({"body_html", "search_text", "search_vector", "search_exact"})
SOURCES = frozenset({"title", "sapo", "body"})
REFUSED = "body_html, search_text, search_vector và search_exact được tính từ nội dung bài, không ghi trực tiếp."


def images_for(bodies) -> dict:
    """The library photos shown in several bodies, in one query (bulk_create, refresh)."""
    ids = set().union(*(figure_ids(body) for body in bodies)) if bodies else set()
    if not ids:
        return {}
    Image = apps.get_model("articles", "Image")  # noqa: N806  (models import this module)
    return {i.pk: i for i in Image.objects.filter(pk__in=ids).prefetch_related("renditions")}


def compute(title: str, sapo: str, body: str, images: dict | None = None) -> dict:
    """The cleaned body and the columns derived from it."""
    body = clean_html(body)
    enriched = enrich_figures(body, images)
    return {
        "body": body,
        # Clean again only what enrich_figures changed (clean_html is idempotent).
        "body_html": body if enriched == body else clean_html(enriched),
        "search_text": fold(" ".join([nfc(title or ""), nfc(sapo or ""), strip_tags(body)])),
        # Filled from the stored words right after (update_search_vectors).
        "search_vector": None,
        "search_exact": None,
    }


def fill(article, images: dict | None = None) -> None:
    """Set the derived attributes of an unsaved (or about to be saved) article."""
    for field, value in compute(article.title, article.sapo, article.body, images).items():
        setattr(article, field, value)


def refresh(queryset) -> int:
    """Compute the derived columns again for every row of `queryset` (after an update() of
    its words, after a photo it shows was replaced). Returns the rows written."""
    rows = list(queryset.values_list("pk", "title", "sapo", "body"))
    images = images_for([body for *_rest, body in rows])
    model = queryset.model
    for pk, title, sapo, body in rows:
        # The plain QuerySet.update: the article's own update() refuses derived columns.
        models.QuerySet.update(model.objects.filter(pk=pk), **compute(title, sapo, body, images))
    if rows:
        update_search_vectors(model.objects.filter(pk__in=[row[0] for row in rows]))
    return len(rows)


def before_raw_save(sender, instance, raw=False, **kwargs):
    """loaddata saves with raw=True, skipping Article.save(): derive here instead."""
    if raw:
        fill(instance)


def after_raw_save(sender, instance, raw=False, **kwargs):
    if raw:
        update_search_vectors(sender.objects.filter(pk=instance.pk))


class DerivedColumnsQuerySet(models.QuerySet):
    """Article.objects' bulk_create() and update() keep the derived columns derived."""

    def bulk_create(self, objs, *args, defer_vectors: bool = False, **kwargs):
        """Rows inserted in bulk get their derived columns like a save (one photo query).
        With `defer_vectors` the search vectors stay NULL until the caller runs
        update_search_vectors() on the new ids (the archive generator does, in parallel)."""
        objs = list(objs)
        images = images_for([obj.body for obj in objs])
        for obj in objs:
            fill(obj, images)
        created = super().bulk_create(objs, *args, **kwargs)
        ids = [obj.pk for obj in created if obj.pk is not None]
        if ids:
            if not defer_vectors:
                update_search_vectors(self.model.objects.filter(pk__in=ids))
            signals.articles_changed.send(sender=self.model, article_ids=ids)
        return created

    def update(self, **kwargs):
        """Derived columns are refused; new words are written, then derived again, so a
        page never shows an old body."""
        if DERIVED & kwargs.keys():
            raise ValueError(REFUSED)
        if not SOURCES & kwargs.keys():
            return super().update(**kwargs)
        with transaction.atomic():
            ids = list(self.values_list("pk", flat=True))
            count = super().update(**kwargs)
            refresh(self.model.objects.filter(pk__in=ids))
            signals.articles_changed.send(sender=self.model, article_ids=ids)
        return count
