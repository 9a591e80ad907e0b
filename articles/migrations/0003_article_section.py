import articles.models.article
from django.db import migrations, models


def fill_sections(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    Category = apps.get_model("articles", "Category")
    for category in Category.objects.all():
        Article.objects.filter(category=category).update(
            section_id=category.parent_id or category.pk
        )


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0002_postgres_search"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="article", name="article_category_idx"),
        migrations.AddField(
            model_name="article",
            name="section",
            field=articles.models.article.SectionField(verbose_name="chuyên mục gốc"),
        ),
        migrations.RunPython(fill_sections, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(
                fields=["category", "status", "-published_at", "-id"],
                name="article_category_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(
                fields=["section", "status", "-published_at", "-id"], name="article_section_idx"
            ),
        ),
    ]
