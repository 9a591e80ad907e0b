"""One article, read for a reader page: the row by its public id, with one precompiled
query and its category from the cached map. Reader pages and the comment form's post both
start here."""

import functools
from dataclasses import dataclass
from datetime import datetime

from django.db import DEFAULT_DB_ALIAS, connection, connections, router
from django.db.models import F
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
    query, so that it can be found among the compiled parameters and replaced there. The
    rows become model instances as a queryset would make them (deferred fields, converters,
    annotations as attributes), by a plan also made once."""

    def __init__(self, build, **marks):
        self.build, self.marks = build, marks

    @functools.cached_property
    def _plan(self) -> "_Plan":
        queryset = self.build(**self.marks)
        compiler = queryset.query.get_compiler(DEFAULT_DB_ALIAS)
        sql, params = compiler.as_sql()
        names = {_as_param(value): name for name, value in self.marks.items()}
        slots = [names.get(param) for param in params]
        if set(filter(None, slots)) != set(self.marks):
            raise ValueError("a mark is missing from the compiled parameters")
        columns = [expression for expression, _sql, _alias in compiler.select]
        fields = compiler.klass_info["select_fields"]
        return _Plan(
            model=queryset.model,
            sql=sql,
            slots=list(zip(slots, params, strict=True)),
            fields=slice(fields[0], fields[-1] + 1),
            names=[column.target.attname for column in columns[fields[0] : fields[-1] + 1]],
            annotations=list(compiler.annotation_col_map.items()),
            compiler=compiler,
            converters=compiler.get_converters(columns),
        )

    def run(self, **values) -> list:
        plan = self._plan
        params = [_as_param(values[name]) if name else same for name, same in plan.slots]
        using = router.db_for_read(plan.model)
        with _cursor(connections[using]) as cursor:
            cursor.execute(plan.sql, params)
            rows = cursor.fetchall()
        if plan.converters:
            rows = plan.compiler.apply_converters(rows, plan.converters)
        found = []
        for row in rows:
            instance = plan.model.from_db(using, plan.names, row[plan.fields])
            for name, position in plan.annotations:
                setattr(instance, name, row[position])
            found.append(instance)
        return found


@dataclass(frozen=True, slots=True)
class _Plan:
    model: type
    sql: str
    slots: list  # (mark name or None, compiled parameter) in the query's order
    fields: slice  # the model's columns among the selected ones
    names: list  # their attribute names
    annotations: list  # (attribute, column position)
    compiler: object  # applies the converters (SQLite's dates, for one)
    converters: dict


def _cursor(connection):
    """On PostgreSQL a cursor whose queries run as prepared statements of the connection:
    the server parses and plans each once per connection instead of once per page (Django
    binds parameters in the client, which never prepares; the pool keeps connections and
    their statements). Elsewhere, and wherever queries are logged (DEBUG, a test counting
    them: the log shows the query with its values), Django's own cursor."""
    if connection.vendor != "postgresql" or connection.queries_logged:
        return connection.cursor()
    connection.ensure_connection()
    # In Django's own wrapper, which translates the driver's errors (an outage is a 503).
    return connection.make_cursor(_prepared_cursor_class()(connection.connection))


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
