"""The service directory's models left for the `directory` app (see directory/migrations/0001_initial.py).

State only: the tables and their rows stay (`directory.0002` renames them), the content types moved in
`directory.0001`, and the foreign keys that pointed here are repointed before this runs (`referrals.0003` declares
`run_before` this migration).
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("orgs", "0004_language_validators"),
        ("directory", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(model_name="service", name="category"),
                migrations.RemoveField(model_name="service", name="organisation"),
                migrations.RemoveField(model_name="serviceopeninghours", name="service"),
                migrations.DeleteModel(name="ServiceCategory"),
                migrations.DeleteModel(name="Service"),
                migrations.DeleteModel(name="ServiceOpeningHours"),
            ],
            database_operations=[],
        ),
    ]
