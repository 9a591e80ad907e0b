"""Which change bumps which cache generation (see articles/cache.py). Connected in apps.py.

Queryset update() and bulk_create() send no signals: code that uses them on public content
calls articles.cache.bump() itself."""

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

from articles import cache as page_cache
from articles.cache import CONTENT, SITE, article_scope

# Fields of an article that lists and widgets show: a change to one of them bumps CONTENT.
LISTED_FIELDS = ("status", "published_at", "title", "slug", "sapo", "cover_id", "category_id",
                 "is_featured")  # fmt: skip


def _remember_old(sender, instance, **kwargs):
    fields = getattr(sender, "_tracked_fields", ())
    instance._old_values = (
        sender.objects.filter(pk=instance.pk).values(*fields).first() if instance.pk else None
    )


def _was_or_is_listed(article, old) -> bool:
    published = article.Status.PUBLISHED
    return article.status == published or bool(old and old["status"] == published)


def article_saved(sender, instance, created, **kwargs):
    old = getattr(instance, "_old_values", None)
    if not _was_or_is_listed(instance, old):
        return  # drafts and desk work change nothing readers see
    listed_change = (
        created or old is None or any(old[f] != getattr(instance, f) for f in LISTED_FIELDS)
    )
    if listed_change:
        page_cache.bump(CONTENT, article_scope(instance.public_id))
    else:
        page_cache.bump(article_scope(instance.public_id))


def article_deleted(sender, instance, **kwargs):
    if instance.status == instance.Status.PUBLISHED:
        page_cache.bump(CONTENT, article_scope(instance.public_id))


def article_relations_changed(sender, instance, **kwargs):
    article = getattr(instance, "article", instance)
    if getattr(article, "status", None) == "published":
        page_cache.bump(CONTENT, article_scope(article.public_id))


def topics_changed(sender, instance, action, **kwargs):
    if action in {"post_add", "post_remove", "post_clear"}:
        article_relations_changed(sender, instance)


def comment_saved(sender, instance, created, **kwargs):
    """Only approved comments are shown: a decision about one bumps only its article."""
    old = getattr(instance, "_old_values", None)
    shown_now = instance.status == "approved"
    shown_before = bool(old and old["status"] == "approved")
    if shown_now or shown_before:
        page_cache.bump(article_scope(instance.article.public_id))


def comment_deleted(sender, instance, **kwargs):
    if instance.status == "approved":
        page_cache.bump(article_scope(instance.article.public_id))


def site_changed(sender, **kwargs):
    page_cache.bump(SITE, CONTENT)


def image_changed(sender, instance, created=False, **kwargs):
    if not created:
        page_cache.bump(CONTENT)


def connect() -> None:
    from articles.models import (
        Article,
        ArticleByline,
        Byline,
        Category,
        Comment,
        Image,
        SiteSettings,
        Topic,
        WebsiteLink,
    )

    Article._tracked_fields = LISTED_FIELDS
    Comment._tracked_fields = ("status",)
    for model in (Article, Comment):
        pre_save.connect(_remember_old, sender=model, dispatch_uid=f"old-{model.__name__}")
    post_save.connect(article_saved, sender=Article, dispatch_uid="inv-article")
    post_delete.connect(article_deleted, sender=Article, dispatch_uid="inv-article-del")
    for signal in (post_save, post_delete):
        signal.connect(article_relations_changed, sender=ArticleByline,
                       dispatch_uid=f"inv-byline-link-{signal}")  # fmt: skip
    m2m_changed.connect(topics_changed, sender=Article.topics.through, dispatch_uid="inv-topics")
    post_save.connect(comment_saved, sender=Comment, dispatch_uid="inv-comment")
    post_delete.connect(comment_deleted, sender=Comment, dispatch_uid="inv-comment-del")
    for model in (SiteSettings, WebsiteLink, Category, Topic, Byline):
        for signal in (post_save, post_delete):
            signal.connect(
                site_changed, sender=model, dispatch_uid=f"inv-{model.__name__}-{signal}"
            )
    post_save.connect(image_changed, sender=Image, dispatch_uid="inv-image")
