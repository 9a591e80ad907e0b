"""The newsroom admin, one module per desk. Importing a module registers its ModelAdmins
on django.contrib.admin.site; admin.autodiscover() imports this package.

articles: the editor, bylines, cover and workflow buttons; media: the photo library and
its picker; taxonomy: categories, topics, pen names; site: titles, desk index, masthead,
website links; comments: the comment moderation queue. desk.py (the index's queues) is a
template library, loaded by the templates that use it."""

from articles.admin import articles, media, site, taxonomy  # noqa: F401

# Nhuận bút (articles/royalties): references, contributors, the monthly sheet.
from articles.royalties import admin as royalties_admin  # noqa: E402, F401
from articles.royalties import period_admin  # noqa: E402, F401
