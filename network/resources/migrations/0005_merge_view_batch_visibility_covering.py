# Joins main's covering visibility index (lean) and the view batches (cache), both numbered 0004.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("resources", "0004_resource_view_batch"),
        ("resources", "0004_resource_visibility_covering"),
    ]

    operations: list = []
