# The starting reference tables of nhuận bút (articles/royalties/reference.py).

from django.db import migrations


def load(apps, schema_editor):
    from articles.royalties import reference

    reference.load(
        apps.get_model("articles", "BaseSalary"),
        apps.get_model("articles", "TaxRule"),
        apps.get_model("articles", "RoyaltyGenre"),
        apps.get_model("articles", "RoyaltyAllowance"),
    )


class Migration(migrations.Migration):
    dependencies = [("articles", "0005_royalties_nhuan_but")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
