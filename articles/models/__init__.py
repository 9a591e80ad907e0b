"""The content model. Import from here: `from articles.models import Article`."""

from articles.models.article import (
    Article,
    ArticleByline,
    ArticleQuerySet,
    ArticleTransition,
    ArticleView,
    BodyField,
)
from articles.models.base import SlugRedirect
from articles.models.comments import Comment, ModerationWord
from articles.models.editing import ArticleAutosave, ArticleLock, LiveEditProposal
from articles.models.media import Image, Rendition
from articles.models.site import SiteSettings, WebsiteLink, absolute_url
from articles.models.taxonomy import Byline, Category, Topic

__all__ = [
    "Article",
    "ArticleAutosave",
    "ArticleByline",
    "ArticleLock",
    "ArticleQuerySet",
    "ArticleTransition",
    "ArticleView",
    "BodyField",
    "Byline",
    "Category",
    "Comment",
    "Image",
    "LiveEditProposal",
    "ModerationWord",
    "Rendition",
    "SiteSettings",
    "SlugRedirect",
    "Topic",
    "WebsiteLink",
    "absolute_url",
]
