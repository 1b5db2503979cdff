from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True
    dependencies = []

    operations = [
        migrations.CreateModel(
            name="Theme",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("slug", models.SlugField(max_length=60, unique=True, verbose_name="slug")),
                ("name", models.CharField(help_text="In the site's default language.", max_length=120, verbose_name="name")),
                (
                    "name_translations",
                    models.JSONField(
                        blank=True,
                        default=dict,
                        help_text='Language code → name, e.g. {"en": "Harm reduction", "es": "Reducción de daños"}.',
                        verbose_name="name in other languages",
                    ),
                ),
                ("sort_order", models.PositiveSmallIntegerField(default=0, verbose_name="order")),
                ("is_active", models.BooleanField(default=True, verbose_name="active")),
            ],
            options={"verbose_name": "theme", "verbose_name_plural": "themes", "ordering": ["sort_order", "slug"]},
        ),
    ]
