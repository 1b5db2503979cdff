"""The directory's tables take its name: orgs_* → directory_* (ALTER TABLE … RENAME: rows and keys stay as they are).

After `orgs.0005`, so that no migration still to run creates a foreign key to the old names (see 0001).
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0001_initial"),
        ("orgs", "0005_services_moved_to_directory"),
    ]

    operations = [
        migrations.AlterModelTable(name="servicecategory", table=None),
        migrations.AlterModelTable(name="service", table=None),
        migrations.AlterModelTable(name="serviceopeninghours", table=None),
    ]
