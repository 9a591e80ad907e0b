"""One article, read for a reader page: the row by its public id, with one precompiled
query and its category from the cached map. Reader pages and the comment form's post both
start here."""

import functools
from datetime import datetime

from django.db import connection, connections, router
from django.db.models import F
from django.db.models.query import RawQuerySet
from django.db.models.sql.query import RawQuery
from django.http import Http404

from articles import parts
from articles.models import Article, absolute_url

# What an article page reads of the row when its parts come from the cache (the URL, the
# visibility, the title and description) and, in the same query, its stored HTML
# (articles/parts.py); article.load_relations() reads the rest when a part has to be
# rendered. The category comes from Category.by_id(), not a join.
PAGE_FIELDS = (
    "title", "slug", "public_id", "sapo", "status", "published_at", "first_published_at",
    "created_at", "category", "comments_enabled",
)  # fmt: skip
STORED = ("stamp", *parts.NAMES)


class Compiled:
    """A query compiled by the ORM once per process and run with each call's values: for
    the small queries of an uncached article page, compiling costs more than running them.
    `build(**marks)` returns the queryset; each mark is a value found nowhere else in the
    query, so that it can be found among the compiled parameters and replaced there."""

    def __init__(self, build, **marks):
        self.build, self.marks = build, marks

    @functools.cached_property
    def _compiled(self) -> tuple:
        queryset = self.build(**self.marks)
        sql, params = queryset.query.sql_with_params()
        names = {_as_param(value): name for name, value in self.marks.items()}
        slots = [names.get(param) for param in params]
        if set(filter(None, slots)) != set(self.marks):
            raise ValueError("a mark is missing from the compiled parameters")
        return queryset.model, sql, list(zip(slots, params, strict=True))

    def run(self, **values) -> list:
        model, sql, slots = self._compiled
        params = [_as_param(values[name]) if name else same for name, same in slots]
        using = router.db_for_read(model)
        query = _PreparedRawQuery(sql=sql, using=using, params=params)
        return list(RawQuerySet(sql, model=model, query=query, params=params, using=using))


class _PreparedRawQuery(RawQuery):
    """On PostgreSQL, run as a prepared statement of the connection: the server parses and
    plans the query once per connection instead of once per page (Django binds parameters
    in the client, which never prepares; the pool keeps connections and their statements).
    Elsewhere, and wherever queries are logged (DEBUG, a test counting them: the log shows
    the query with its values), a raw query like any other."""

    def _execute_query(self):
        connection = connections[self.using]
        if connection.vendor != "postgresql" or connection.queries_logged:
            return super()._execute_query()
        connection.ensure_connection()
        # In Django's own wrapper, which translates the driver's errors (an outage is a 503).
        self.cursor = connection.make_cursor(_prepared_cursor_class()(connection.connection))
        self.cursor.execute(self.sql, self.params)
        return None


@functools.cache
def _prepared_cursor_class():
    from django.db.backends.postgresql.base import ServerBindingCursor

    class PreparedCursor(ServerBindingCursor):
        def execute(self, query, params=None, **kwargs):
            if self.connection.prepare_threshold is None:  # Django turns preparing off
                self.connection.prepare_threshold = 5  # (ClientCursor never prepares)
            return super().execute(query, params, prepare=True)

    return PreparedCursor


def _as_param(value):
    """A value as the compiler passes it to the driver (SQLite takes datetimes as text)."""
    if isinstance(value, datetime):
        return connection.ops.adapt_datetimefield_value(value)
    return value


_page = Compiled(
    lambda public_id: (
        Article.objects.only(*PAGE_FIELDS)
        .filter(public_id=public_id)
        .annotate(**{f"parts_{name}": F(f"stored_parts__{name}") for name in STORED})
        .order_by()
    ),
    public_id="(public id)",
)


def load_article(public_id: str) -> Article:
    """The article for `public_id`, public or not (callers decide who may see it); 404 when
    there is none."""
    found = _page.run(public_id=public_id)
    if not found:
        raise Http404("Bài viết không tồn tại.")
    return Article.with_categories(found)[0]


def article_context(article, preview: bool = False) -> dict:
    """What the article page's template needs besides what its tags load."""
    return {
        "article": article,
        "preview": preview,
        "canonical": absolute_url(article.get_absolute_url()),
    }
