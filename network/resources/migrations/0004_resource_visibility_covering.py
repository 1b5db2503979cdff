# The visibility index also carries the page id (PostgreSQL INCLUDE; other databases build it without): the
# library counts what a visitor may see from the index alone, without reading the wide resource rows.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("resources", "0003_resource_coauthorship"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="resourcepage",
            name="resource_visibility_org",
        ),
        migrations.AddIndex(
            model_name="resourcepage",
            index=models.Index(
                fields=["visibility", "organisation"], include=("page_ptr",), name="resource_visibility_org"
            ),
        ),
    ]
