"""Profile pictures stored before they went through metadata stripping lose their metadata now."""

from django.db import migrations


def strip_existing_avatars(apps, schema_editor):
    from cms.images import avatars_strip_existing

    avatars_strip_existing(apps.get_model("wagtailusers", "UserProfile").objects.all())


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0003_safeimage_saferendition"),
        ("wagtailusers", "0015_userprofile_keyboard_shortcuts"),
    ]

    operations = [migrations.RunPython(strip_existing_avatars, migrations.RunPython.noop)]
