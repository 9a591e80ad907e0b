"""The search columns an article carries, kept in step with its text on every save.

The reader's search (reader/search.py) queries them; this module only fills them, so the
model can call it without importing anything that imports the model.
"""

from django.contrib.postgres.search import SearchVector
from django.db import connection
from django.db.models import QuerySet

SEARCH_CONFIG = "vi_unaccent"  # created by migration 0002 (simple + unaccent)
# The words as written, tones kept and case folded: ranks what the reader typed first.
EXACT_CONFIG = "simple"


def uses_postgres() -> bool:
    """The one place that decides between the PostgreSQL and the folded-text search."""
    return connection.vendor == "postgresql"


def search_vector(config: str = SEARCH_CONFIG) -> SearchVector:
    """Title weight A, sapo B, body C. to_tsvector skips HTML tags, so the body goes in raw."""
    return (
        SearchVector("title", weight="A", config=config)
        + SearchVector("sapo", weight="B", config=config)
        + SearchVector("body", weight="C", config=config)
    )


def update_search_vectors(rows: QuerySet) -> int:
    """Refresh search_vector (folded: matching) and search_exact (tones kept: ranking) for a
    queryset of articles, in one UPDATE. Article.save() calls
    it for one row; bulk importers call it once for many. A no-op (returning 0) on databases
    other than PostgreSQL, where search_text does the work."""
    if not uses_postgres():
        return 0
    return rows.model.objects.filter(pk__in=rows.values("pk")).update(
        search_vector=search_vector(), search_exact=search_vector(EXACT_CONFIG)
    )
