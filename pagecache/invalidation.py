"""Which change bumps which cache generation (see pagecache/generations.py).

Listeners hear the domain signals of the content and comment rooms (articles/signals.py,
comments/signals.py) and the model signals they still need for plain admin saves. None of
them bumps at once: scopes wait in a per-thread set and are bumped together when the
transaction commits. A reader request made while a save is still in its transaction
therefore finds the old generation and the old rows, and the commit then moves every page
past both. Several signals about one change (an approval is a saved comment and a
comments_changed) make one bump.
"""

import threading

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import Signal

from articles import signals as content
from articles.models import (
    Article,
    ArticleByline,
    Byline,
    Category,
    Image,
    SiteSettings,
    Topic,
    WebsiteLink,
)
from comments import signals as comment_signals
from comments.models import Comment
from pagecache import generations
from pagecache.generations import CONTENT, SITE, article_scope

# Fields of an article that lists and widgets show: a change to one of them bumps CONTENT.
LISTED_FIELDS = ("status", "published_at", "title", "slug", "sapo", "cover_id", "category_id",
                 "is_featured")  # fmt: skip

_pending = threading.local()

# Sent after a change to what readers see has moved the site-wide lists past their cached
# copies (CONTENT bumped), in the process that made the change: the reader room builds the
# widgets every page shows again there, so that the first reader after a publish does not.
content_moved = Signal()


def bump_after_commit(*scopes: str) -> None:
    """Bump `scopes` once the current transaction commits (at once outside one). Scopes
    asked for by several signals of one transaction are bumped once, in one call."""
    waiting = getattr(_pending, "scopes", None)
    if waiting is None:
        waiting = _pending.scopes = {}
    waiting.update(dict.fromkeys(scopes))
    # Registered every time: a callback registered inside a savepoint that is rolled back
    # is dropped, and the first one that runs takes every waiting scope.
    transaction.on_commit(_flush)


def _flush() -> None:
    waiting = getattr(_pending, "scopes", None)
    if waiting:
        _pending.scopes = {}
        generations.bump(*waiting)
        if CONTENT in waiting:
            content_moved.send(sender=None)


def _public_scopes(article_ids) -> list[str]:
    public_ids = Article.objects.filter(pk__in=set(article_ids)).values_list("public_id", flat=True)
    return [article_scope(public_id) for public_id in public_ids]


# -- articles ------------------------------------------------------------------------------


def _was_or_is_listed(article, old) -> bool:
    published = Article.Status.PUBLISHED
    return article.status == published or bool(old and old["status"] == published)


def article_saved(sender, instance, created, **kwargs):
    old = content.old_values(instance)
    if not _was_or_is_listed(instance, old):
        return  # drafts and desk work change nothing readers see
    listed_change = (
        created or old is None or any(old[f] != getattr(instance, f) for f in LISTED_FIELDS)
    )
    if listed_change:
        bump_after_commit(CONTENT, article_scope(instance.public_id))
    else:
        bump_after_commit(article_scope(instance.public_id))


def article_deleted(sender, instance, **kwargs):
    if instance.status == Article.Status.PUBLISHED:
        bump_after_commit(CONTENT, article_scope(instance.public_id))


def article_status_moved(sender, article, **kwargs):
    bump_after_commit(CONTENT, article_scope(article.public_id))


def articles_changed(sender, article_ids, **kwargs):
    bump_after_commit(CONTENT, *_public_scopes(article_ids))


def byline_link_changed(sender, instance, **kwargs):
    """An article's byline added, removed or reordered (from the article's inline)."""
    article = instance.article
    if article.status == Article.Status.PUBLISHED:
        bump_after_commit(CONTENT, article_scope(article.public_id))


def relation_changed(sender, instance, action, reverse, pk_set, **kwargs):
    """Topics and bylines added or removed, from either side: article.topics.add(topic) and
    topic.articles.add(article) both land here."""
    ids = content.m2m_article_ids(instance, action, reverse, pk_set)
    if not ids:
        return
    listed = Article.objects.filter(pk__in=ids, status=Article.Status.PUBLISHED)
    if published := list(listed.values_list("pk", flat=True)):
        bump_after_commit(CONTENT, *_public_scopes(published))


def site_changed(sender, **kwargs):
    bump_after_commit(SITE, CONTENT)


def image_changed(sender, created=False, **kwargs):
    """A photo's file or text changed or it was deleted (articles.signals.image_changed, and
    a plain admin save): every page may show it (covers, cards, bodies, pen-name photos)."""
    if not created:
        bump_after_commit(SITE, CONTENT)


# -- comments ------------------------------------------------------------------------------


def comment_saved(sender, instance, created, **kwargs):
    """Only approved comments are shown: a change to one bumps only its article."""
    old = content.old_values(instance)
    shown_now = instance.status == Comment.Status.APPROVED
    shown_before = bool(old and old["status"] == Comment.Status.APPROVED)
    if shown_now or shown_before:
        bump_after_commit(*_public_scopes([instance.article_id]))


def comment_deleted(sender, instance, **kwargs):
    if instance.status == Comment.Status.APPROVED:
        bump_after_commit(*_public_scopes([instance.article_id]))


def comments_changed(sender, article_ids, **kwargs):
    bump_after_commit(*_public_scopes(article_ids))


def connect() -> None:
    content.track_old_values(Article, LISTED_FIELDS)
    content.track_old_values(Comment, ("status",))
    post_save.connect(article_saved, sender=Article, dispatch_uid="inv-article")
    post_delete.connect(article_deleted, sender=Article, dispatch_uid="inv-article-del")
    content.article_published.connect(article_status_moved, dispatch_uid="inv-published")
    content.article_unpublished.connect(article_status_moved, dispatch_uid="inv-unpublished")
    content.articles_changed.connect(articles_changed, dispatch_uid="inv-articles-changed")
    content.category_moved.connect(site_changed, dispatch_uid="inv-category-moved")
    content.image_changed.connect(image_changed, dispatch_uid="inv-image-signal")
    content.media_moved.connect(site_changed, dispatch_uid="inv-media-moved")
    for signal in (post_save, post_delete):
        signal.connect(byline_link_changed, sender=ArticleByline,
                       dispatch_uid=f"inv-byline-link-{signal}")  # fmt: skip
    m2m_changed.connect(relation_changed, sender=Article.topics.through, dispatch_uid="inv-topics")
    m2m_changed.connect(
        relation_changed, sender=Article.bylines.through, dispatch_uid="inv-bylines"
    )
    for model in (SiteSettings, WebsiteLink, Category, Topic, Byline):
        for signal in (post_save, post_delete):
            signal.connect(
                site_changed, sender=model, dispatch_uid=f"inv-{model.__name__}-{signal}"
            )
    post_save.connect(image_changed, sender=Image, dispatch_uid="inv-image")
    post_save.connect(comment_saved, sender=Comment, dispatch_uid="inv-comment")
    post_delete.connect(comment_deleted, sender=Comment, dispatch_uid="inv-comment-del")
    comment_signals.comments_changed.connect(comments_changed, dispatch_uid="inv-comments")
