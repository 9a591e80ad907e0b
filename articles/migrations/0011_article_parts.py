import django.db.models.deletion
from django.db import migrations, models


def rows_for_existing_articles(apps, schema_editor):
    """Every article gets its row, stale: readers render and store the parts (or
    `manage.py render_parts` does, ahead of them)."""
    Article = apps.get_model("articles", "Article")
    ArticleParts = apps.get_model("articles", "ArticleParts")
    ids = Article.objects.order_by().values_list("pk", flat=True)
    batch = []
    for pk in ids.iterator(chunk_size=5000):
        batch.append(ArticleParts(article_id=pk, stamp="stale"))
        if len(batch) == 5000:
            ArticleParts.objects.bulk_create(batch, ignore_conflicts=True)
            batch = []
    ArticleParts.objects.bulk_create(batch, ignore_conflicts=True)


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0010_desk_notifications_audit'),
    ]

    operations = [
        migrations.CreateModel(
            name='ArticleParts',
            fields=[
                ('article', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='stored_parts', serialize=False, to='articles.article')),
                ('stamp', models.CharField(blank=True, default='', max_length=40)),
                ('head', models.TextField(blank=True, default='')),
                ('main', models.TextField(blank=True, default='')),
                ('comments', models.TextField(blank=True, default='')),
                ('rendered_at', models.DateTimeField(blank=True, null=True)),
            ],
            options={
                'verbose_name': 'HTML dựng sẵn của bài',
                'verbose_name_plural': 'HTML dựng sẵn của bài',
            },
        ),
        migrations.RunPython(rows_for_existing_articles, migrations.RunPython.noop),
    ]
