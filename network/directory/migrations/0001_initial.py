"""The service directory takes over its three tables from `orgs`, rows included; nothing is dropped or copied.

The tables were created by `orgs` (0002_services). The move keeps the migration state equal to the database at
every step, whatever order a fresh database applies the apps' migrations in:

1. here, the models enter this app's state only, on their `orgs_*` tables (`db_table`), and their content types
   move to this app, so permissions, admin history, the reference index and object permissions follow them;
2. `referrals.0003` repoints `Referral.service` in the state (the database's foreign key is already right);
3. `orgs.0005` drops the old models from the state only;
4. `directory.0002` renames the tables to `directory_*` (a rename keeps every row, key, index and constraint, and
   the foreign keys from other tables follow it), once nothing in the state points at the old models any more.
"""

import uuid

import django.db.models.deletion
from django.db import migrations, models

import network.orgs.languages

MOVED_MODELS = ("servicecategory", "service", "serviceopeninghours")


def _move_content_types(apps, from_label: str, to_label: str) -> None:
    # The rows keep their ids, so what points at them (permissions, log entries…) follows. `migrate` clears the
    # content type cache itself once the migrations have run (post_migrate).
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MOVED_MODELS:
        if ContentType.objects.filter(app_label=to_label, model=model).exists():
            continue  # already there (never the case after a plain `migrate`): keep both rather than fail
        ContentType.objects.filter(app_label=from_label, model=model).update(app_label=to_label)


def content_types_to_directory(apps, schema_editor):
    _move_content_types(apps, "orgs", "directory")


def content_types_to_orgs(apps, schema_editor):
    _move_content_types(apps, "directory", "orgs")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("orgs", "0004_language_validators"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ServiceCategory",
                    fields=[
                        ("id", models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                        ("code", models.SlugField(max_length=60, unique=True, verbose_name="code")),
                        ("name", models.CharField(max_length=120, verbose_name="name")),
                        ("description", models.TextField(blank=True, verbose_name="description")),
                        ("sort_order", models.PositiveSmallIntegerField(default=0)),
                    ],
                    options={
                        "db_table": "orgs_servicecategory",
                        "verbose_name": "service category",
                        "verbose_name_plural": "service categories",
                        "ordering": ["sort_order", "name"],
                    },
                ),
                migrations.CreateModel(
                    name="Service",
                    fields=[
                        ("id", models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                        ("name", models.CharField(max_length=160, verbose_name="name")),
                        ("description", models.TextField(blank=True, verbose_name="description")),
                        (
                            "languages",
                            models.JSONField(
                                blank=True,
                                default=list,
                                validators=[network.orgs.languages.validate_language_codes],
                                verbose_name="languages",
                            ),
                        ),
                        ("eligibility", models.TextField(blank=True, verbose_name="eligibility notes")),
                        ("is_free", models.BooleanField(default=True, verbose_name="free of charge")),
                        ("fees_description", models.CharField(blank=True, max_length=255, verbose_name="fees")),
                        (
                            "access_mode",
                            models.CharField(
                                choices=[
                                    ("walk_in", "Walk-in"),
                                    ("appointment", "By appointment"),
                                    ("both", "Walk-in or appointment"),
                                ],
                                default="both",
                                max_length=16,
                                verbose_name="access",
                            ),
                        ),
                        (
                            "location_type",
                            models.CharField(
                                choices=[("physical", "At an address"), ("virtual", "Remote (phone, video, messaging)")],
                                default="physical",
                                max_length=16,
                                verbose_name="location",
                            ),
                        ),
                        ("address", models.CharField(blank=True, max_length=255, verbose_name="address")),
                        ("postal_code", models.CharField(blank=True, max_length=20, verbose_name="postal code")),
                        ("city", models.CharField(blank=True, max_length=120, verbose_name="city")),
                        (
                            "address_is_confidential",
                            models.BooleanField(
                                default=False,
                                help_text=(
                                    "A confidential address is never shown publicly nor exported; the service then "
                                    "appears as remote."
                                ),
                                verbose_name="address is confidential",
                            ),
                        ),
                        ("phone", models.CharField(blank=True, max_length=40, verbose_name="phone")),
                        ("email", models.EmailField(blank=True, max_length=254, verbose_name="email")),
                        ("url", models.URLField(blank=True, verbose_name="web page")),
                        ("accepts_referrals", models.BooleanField(default=True, verbose_name="accepts referrals")),
                        (
                            "referrals_from",
                            models.CharField(
                                choices=[
                                    ("partners", "Partner organisations only"),
                                    ("network", "Any organisation of the network"),
                                ],
                                default="partners",
                                max_length=16,
                                verbose_name="referrals accepted from",
                            ),
                        ),
                        (
                            "is_public",
                            models.BooleanField(
                                default=True,
                                help_text="Otherwise only network members see it.",
                                verbose_name="shown in the public directory",
                            ),
                        ),
                        ("is_active", models.BooleanField(default=True, verbose_name="active")),
                        ("last_verified", models.DateField(blank=True, null=True, verbose_name="last verified")),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        (
                            "organisation",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="services",
                                to="orgs.organisation",
                            ),
                        ),
                        (
                            "category",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="services",
                                to="directory.servicecategory",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "orgs_service",
                        "verbose_name": "service",
                        "verbose_name_plural": "services",
                        "ordering": ["organisation__name", "name"],
                        "indexes": [models.Index(fields=["organisation", "is_active"], name="service_org_active_idx")],
                    },
                ),
                migrations.CreateModel(
                    name="ServiceOpeningHours",
                    fields=[
                        ("id", models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                        (
                            "weekday",
                            models.PositiveSmallIntegerField(
                                choices=[
                                    (1, "Monday"),
                                    (2, "Tuesday"),
                                    (3, "Wednesday"),
                                    (4, "Thursday"),
                                    (5, "Friday"),
                                    (6, "Saturday"),
                                    (7, "Sunday"),
                                ],
                                verbose_name="day",
                            ),
                        ),
                        ("opens_at", models.TimeField(verbose_name="opens at")),
                        ("closes_at", models.TimeField(verbose_name="closes at")),
                        ("notes", models.CharField(blank=True, max_length=160, verbose_name="notes")),
                        (
                            "service",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="opening_hours",
                                to="directory.service",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "orgs_serviceopeninghours",
                        "verbose_name": "opening hours",
                        "verbose_name_plural": "opening hours",
                        "ordering": ["weekday", "opens_at"],
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(("closes_at__gt", models.F("opens_at"))),
                                name="opening_hours_closes_after",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(("weekday__gte", 1), ("weekday__lte", 7)),
                                name="opening_hours_weekday_valid",
                            ),
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_types_to_directory, content_types_to_orgs),
    ]
