"""`Referral.service` now points at `directory.Service`: the same table (see directory/migrations/0001_initial.py).

State only: the database's foreign key is unchanged, and follows the table when `directory.0002` renames it.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0001_initial"),
        ("referrals", "0002_inbox_indexes"),
    ]
    # The old model leaves the `orgs` state only once nothing points at it any more.
    run_before = [("orgs", "0005_services_moved_to_directory")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="referral",
                    name="service",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="referrals", to="directory.service"
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
