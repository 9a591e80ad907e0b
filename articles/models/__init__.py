"""The content model. Import from here: `from articles.models import Article`."""

from articles.models.activity import ArticleTransition, ArticleView
from articles.models.article import Article, ArticleByline, ArticleQuerySet, BodyField
from articles.models.base import SlugRedirect
from articles.models.desk import AuditEntry, Notification, NotificationSettings
from articles.models.editing import ArticleAutosave, ArticleLock, LiveEditProposal
from articles.models.media import Image, Rendition
from articles.models.parts import ArticleParts
from articles.models.royalties import (
    BaseSalary,
    BylineOwner,
    Contributor,
    MyRoyalty,
    RoyaltyAllowance,
    RoyaltyGenre,
    RoyaltyGrade,
    RoyaltyLog,
    RoyaltyPeriod,
    TaxRule,
)
from articles.models.site import SiteSettings, WebsiteLink, absolute_url
from articles.models.taxonomy import Byline, Category, Topic

__all__ = [
    "Article",
    "ArticleAutosave",
    "ArticleByline",
    "ArticleLock",
    "ArticleParts",
    "ArticleQuerySet",
    "ArticleTransition",
    "ArticleView",
    "AuditEntry",
    "BaseSalary",
    "BodyField",
    "Byline",
    "BylineOwner",
    "Category",
    "Contributor",
    "Image",
    "LiveEditProposal",
    "MyRoyalty",
    "Notification",
    "NotificationSettings",
    "Rendition",
    "RoyaltyAllowance",
    "RoyaltyGenre",
    "RoyaltyGrade",
    "RoyaltyLog",
    "RoyaltyPeriod",
    "SiteSettings",
    "SlugRedirect",
    "TaxRule",
    "Topic",
    "WebsiteLink",
    "absolute_url",
]
