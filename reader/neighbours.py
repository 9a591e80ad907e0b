"""Các tin khác (the older articles of an article's category) stored with the article's own
HTML (articles/parts.py registers it), so an uncached article page reads it with the row.

The list of a public article holds the ten articles published in its category just before
it, and nothing newer, so publishing a new article never changes an old one's list. It
changes only when one of those ten changes what the list shows: it is published or
withdrawn, retitled, moved in time or to another category, or deleted. Such a change marks
stale the copies of the (at most ten) articles after it in its category, at its old place
and at its new one; articles/parts.py renders them again after the commit."""

from django.db.models import Q
from django.db.models.signals import post_delete, post_save
from django.template.loader import render_to_string

from articles import parts, signals
from articles.models import Article
from reader import widgets

TEMPLATE = "widgets/other_articles.html"
CODE = ("reader/neighbours.py", "reader/widgets.py", f"templates/{TEMPLATE}")
# What of an article the lists beside it show, or where it stands among them.
SHOWN = ("status", "category_id", "published_at", "title", "slug", "public_id")
# More articles changed at once than this: every public article of their categories is
# marked, rather than one query per article.
ONE_BY_ONE_LIMIT = 50


def lists(articles) -> dict[int, str]:
    """{article id: the HTML of its Các tin khác} (one query per article)."""
    return {
        article.pk: render_to_string(
            TEMPLATE, widgets.other_articles(article, widgets.OTHER_ARTICLES_MAX)
        )
        for article in articles
    }


def _place(values: dict | None) -> tuple | None:
    """Where an article (its SHOWN values) stands in the lists: None when it is in none."""
    if not values or values["status"] != Article.Status.PUBLISHED:
        return None
    if values["category_id"] is None or values["published_at"] is None:
        return None
    return values["category_id"], values["published_at"], values["pk"]


def _listing(place) -> list[int]:
    """The articles whose list shows an article standing at `place`: the ten after it."""
    if place is None:
        return []
    category_id, published_at, pk = place
    after = Q(published_at__gt=published_at) | Q(published_at=published_at, pk__gt=pk)
    found = (
        Article.objects.filter(status=Article.Status.PUBLISHED, category_id=category_id)
        .filter(published_at__gte=published_at)  # the index range, as in widgets._older
        .filter(after)
        .order_by("published_at", "pk")
        .values_list("pk", flat=True)
    )
    return list(found[: widgets.OTHER_ARTICLES_MAX])


def _values(article) -> dict:
    return {"pk": article.pk, **{field: getattr(article, field) for field in SHOWN}}


def _saved(sender, instance, created=False, **kwargs):
    old, new = signals.old_values(instance), _values(instance)
    if not created and old is not None and all(old[f] == new[f] for f in SHOWN):
        return
    parts.mark_stale([*_listing(_place(old)), *_listing(_place(new))])


def _deleted(sender, instance, **kwargs):
    parts.mark_stale(_listing(_place(_values(instance))))


def _changed(sender, article_ids, **kwargs):
    """Articles changed in bulk (created, or their words updated): marked where they stand
    now (a bulk change moves none of them)."""
    rows = list(Article.objects.filter(pk__in=article_ids).values("pk", *SHOWN))
    if len(rows) <= ONE_BY_ONE_LIMIT:
        parts.mark_stale([pk for row in rows for pk in _listing(_place(row))])
        return
    categories = {row["category_id"] for row in rows if _place(row)}
    public = Article.objects.filter(status=Article.Status.PUBLISHED)
    parts.mark_stale(public.filter(category_id__in=categories).values_list("pk", flat=True))


def connect() -> None:
    parts.register("others", lists, CODE)
    signals.track_old_values(Article, SHOWN)
    post_save.connect(_saved, sender=Article, dispatch_uid="reader.others-saved")
    post_delete.connect(_deleted, sender=Article, dispatch_uid="reader.others-deleted")
    signals.articles_changed.connect(_changed, dispatch_uid="reader.others-changed")
