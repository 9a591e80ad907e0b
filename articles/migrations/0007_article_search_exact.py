"""search_exact: the article's words with their tones (config `simple`), weighted like
search_vector. Search ranks an exact-tone match above a folded one with it; matching still
uses search_vector. On SQLite the column stays NULL (search reads the text columns)."""

import django.contrib.postgres.search
from django.db import migrations


def backfill(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    table = schema_editor.quote_name(apps.get_model("articles", "Article")._meta.db_table)
    # The same expression as articles.search_index.search_vector("simple").
    schema_editor.execute(
        f"UPDATE {table} SET search_exact ="
        " setweight(to_tsvector('simple', coalesce(title, '')), 'A')"
        " || setweight(to_tsvector('simple', coalesce(sapo, '')), 'B')"
        " || setweight(to_tsvector('simple', coalesce(body, '')), 'C')"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0006_royalties_reference_data"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="search_exact",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=False),
    ]
