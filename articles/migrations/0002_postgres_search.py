"""PostgreSQL search objects: unaccent and pg_trgm, the vi_unaccent text-search configuration,
the IMMUTABLE f_unaccent() wrapper, two GIN indexes, and a backfill of search_vector.

Every step checks the database vendor, so on SQLite (development, the default test run) this
migration does nothing and search uses the folded search_text column instead.
"""

from django.db import migrations

# Token types that can carry Vietnamese letters; pure-ASCII types have nothing to unaccent.
WORD_TOKENS = "word, hword, hword_part, numword, numhword, hword_numpart"


def _schema_of(schema_editor, extension: str) -> str:
    """The quoted schema an extension lives in (usually "public"), so the objects below
    keep working whatever the search_path of the connection using them."""
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace"
            " WHERE e.extname = %s",
            [extension],
        )
        return schema_editor.quote_name(cursor.fetchone()[0])


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    table = schema_editor.quote_name(apps.get_model("articles", "Article")._meta.db_table)
    run = schema_editor.execute
    # Both are trusted extensions (PostgreSQL 13+): the database owner may install them.
    run("CREATE EXTENSION IF NOT EXISTS unaccent")
    run("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema, trgm_schema = (
        _schema_of(schema_editor, "unaccent"),
        _schema_of(schema_editor, "pg_trgm"),
    )
    # A copy of `simple` whose word tokens go through unaccent first: "Đảng" -> "dang".
    # Inside to_tsvector(regconfig, text) it is IMMUTABLE, which a stored/indexed vector needs.
    run(
        "DO $$ BEGIN"
        " IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'vi_unaccent') THEN"
        " CREATE TEXT SEARCH CONFIGURATION vi_unaccent (COPY = simple);"
        f" ALTER TEXT SEARCH CONFIGURATION vi_unaccent ALTER MAPPING FOR {WORD_TOKENS}"
        f" WITH {schema}.unaccent, simple;"
        " END IF; END $$"
    )
    # unaccent() is only STABLE (its dictionary could change), so an index cannot use it.
    # This wrapper names the dictionary explicitly and promises IMMUTABLE.
    run(
        "CREATE OR REPLACE FUNCTION f_unaccent(text) RETURNS text"
        " LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS"
        f" $func$ SELECT {schema}.unaccent('{schema}.unaccent'::regdictionary, $1) $func$"
    )
    # search: search_vector @@ plainto_tsquery('vi_unaccent', ...) and its phrase variant
    run(
        f"CREATE INDEX IF NOT EXISTS article_search_vector_idx ON {table} USING gin (search_vector)"
    )
    # search typo fallback: f_unaccent(title) %> 'khanh hao' (pg_trgm word similarity)
    run(
        f"CREATE INDEX IF NOT EXISTS article_title_trgm_idx ON {table}"
        f" USING gin (f_unaccent(title) {trgm_schema}.gin_trgm_ops)"
    )
    # Rows saved before this migration: the same expression as articles.search_index.search_vector().
    run(
        f"UPDATE {table} SET search_vector ="
        " setweight(to_tsvector('vi_unaccent', coalesce(title, '')), 'A')"
        " || setweight(to_tsvector('vi_unaccent', coalesce(sapo, '')), 'B')"
        " || setweight(to_tsvector('vi_unaccent', coalesce(body, '')), 'C')"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    table = schema_editor.quote_name(apps.get_model("articles", "Article")._meta.db_table)
    run = schema_editor.execute
    run("DROP INDEX IF EXISTS article_title_trgm_idx")
    run("DROP INDEX IF EXISTS article_search_vector_idx")
    run(f"UPDATE {table} SET search_vector = NULL")
    run("DROP FUNCTION IF EXISTS f_unaccent(text)")
    run("DROP TEXT SEARCH CONFIGURATION IF EXISTS vi_unaccent")
    # The extensions stay: other objects in the database may use them.


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
