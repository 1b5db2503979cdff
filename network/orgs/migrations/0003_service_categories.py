from django.db import migrations

CATEGORIES = [
    ("sexual-health-testing", "Sexual-health testing"),
    ("hiv-hepatitis-care", "HIV and hepatitis care"),
    ("vaccination", "Vaccination"),
    ("general-medicine", "General medicine"),
    ("dental-care", "Dental care"),
    ("mental-health", "Mental health"),
    ("harm-reduction", "Harm reduction"),
    ("legal-advice", "Legal advice and lawyers"),
    ("asylum-support", "Asylum support"),
    ("residence-documents", "Residence permits and identity documents"),
    ("social-rights", "Social rights and benefits"),
    ("housing", "Housing"),
    ("employment-training", "Employment and training"),
    ("violence-support", "Violence support"),
    ("interpreting", "Interpreting"),
]


def create_categories(apps, schema_editor):
    ServiceCategory = apps.get_model("orgs", "ServiceCategory")
    for order, (code, name) in enumerate(CATEGORIES, start=1):
        ServiceCategory.objects.get_or_create(code=code, defaults={"name": name, "sort_order": order})


class Migration(migrations.Migration):
    dependencies = [("orgs", "0002_services")]

    operations = [migrations.RunPython(create_categories, migrations.RunPython.noop)]
