"""The starting service categories named in the six interface languages (network administrators edit them after).

Written with care for the people these services are for: the plain words the field uses, nothing stigmatising.
A name an administrator already gave is kept; `name` (the site's default language) changes only where it is still
the English name the first migration seeded.
"""

from django.conf import settings
from django.db import migrations

NAMES = {
    "sexual-health-testing": {
        "fr": "Dépistage en santé sexuelle",
        "en": "Sexual-health testing",
        "es": "Pruebas de salud sexual",
        "ru": "Тестирование на ВИЧ и ИППП",
        "zh-hans": "性健康检测",
        "ar": "فحوصات الصحة الجنسية",
    },
    "hiv-hepatitis-care": {
        "fr": "Prise en charge VIH et hépatites",
        "en": "HIV and hepatitis care",
        "es": "Atención del VIH y las hepatitis",
        "ru": "Лечение и помощь при ВИЧ и гепатитах",
        "zh-hans": "艾滋病毒和肝炎治疗与关怀",
        "ar": "رعاية فيروس نقص المناعة البشرية والتهاب الكبد",
    },
    "vaccination": {
        "fr": "Vaccination",
        "en": "Vaccination",
        "es": "Vacunación",
        "ru": "Вакцинация",
        "zh-hans": "疫苗接种",
        "ar": "التطعيم",
    },
    "general-medicine": {
        "fr": "Médecine générale",
        "en": "General medicine",
        "es": "Medicina general",
        "ru": "Общая медицинская помощь",
        "zh-hans": "全科医疗",
        "ar": "الطب العام",
    },
    "dental-care": {
        "fr": "Soins dentaires",
        "en": "Dental care",
        "es": "Atención dental",
        "ru": "Стоматологическая помощь",
        "zh-hans": "牙科服务",
        "ar": "رعاية الأسنان",
    },
    "mental-health": {
        "fr": "Santé mentale",
        "en": "Mental health",
        "es": "Salud mental",
        "ru": "Психическое здоровье",
        "zh-hans": "心理健康",
        "ar": "الصحة النفسية",
    },
    "harm-reduction": {
        "fr": "Réduction des risques",
        "en": "Harm reduction",
        "es": "Reducción de daños",
        "ru": "Снижение вреда",
        "zh-hans": "减少伤害",
        "ar": "الحد من الضرر",
    },
    "legal-advice": {
        "fr": "Conseil juridique et avocats",
        "en": "Legal advice and lawyers",
        "es": "Asesoría jurídica y abogados",
        "ru": "Юридическая консультация и адвокаты",
        "zh-hans": "法律咨询与律师",
        "ar": "الاستشارة القانونية والمحامون",
    },
    "asylum-support": {
        "fr": "Accompagnement de la demande d'asile",
        "en": "Asylum support",
        "es": "Apoyo en la solicitud de asilo",
        "ru": "Помощь в получении убежища",
        "zh-hans": "庇护申请支持",
        "ar": "دعم طلبات اللجوء",
    },
    "residence-documents": {
        "fr": "Titres de séjour et papiers d'identité",
        "en": "Residence permits and identity documents",
        "es": "Permisos de residencia y documentos de identidad",
        "ru": "Вид на жительство и документы",
        "zh-hans": "居留许可与身份证件",
        "ar": "تصاريح الإقامة ووثائق الهوية",
    },
    "social-rights": {
        "fr": "Droits sociaux et prestations",
        "en": "Social rights and benefits",
        "es": "Derechos sociales y prestaciones",
        "ru": "Социальные права и пособия",
        "zh-hans": "社会权利与福利",
        "ar": "الحقوق الاجتماعية والإعانات",
    },
    "housing": {
        "fr": "Hébergement et logement",
        "en": "Housing",
        "es": "Alojamiento y vivienda",
        "ru": "Жильё",
        "zh-hans": "住房",
        "ar": "السكن",
    },
    "employment-training": {
        "fr": "Emploi et formation",
        "en": "Employment and training",
        "es": "Empleo y formación",
        "ru": "Работа и обучение",
        "zh-hans": "就业与培训",
        "ar": "العمل والتدريب",
    },
    "violence-support": {
        "fr": "Accompagnement face aux violences",
        "en": "Violence support",
        "es": "Apoyo frente a la violencia",
        "ru": "Помощь при насилии",
        "zh-hans": "反暴力支持",
        "ar": "الدعم في مواجهة العنف",
    },
    "interpreting": {
        "fr": "Interprétariat",
        "en": "Interpreting",
        "es": "Interpretación",
        "ru": "Устный перевод",
        "zh-hans": "口译服务",
        "ar": "الترجمة الشفوية",
    },
}


def name_categories(apps, schema_editor):
    ServiceCategory = apps.get_model("directory", "ServiceCategory")
    for category in ServiceCategory.objects.filter(code__in=NAMES):
        names = NAMES[category.code]
        category.name_translations = {**names, **(category.name_translations or {})}
        if category.name == names["en"]:  # still the seeded English name: the default language's instead
            category.name = names.get(settings.LANGUAGE_CODE, category.name)
        category.save(update_fields=["name", "name_translations"])


def back_to_english(apps, schema_editor):
    ServiceCategory = apps.get_model("directory", "ServiceCategory")
    for category in ServiceCategory.objects.filter(code__in=NAMES):
        names = NAMES[category.code]
        if category.name == names.get(settings.LANGUAGE_CODE):
            category.name = names["en"]
        category.name_translations = {}
        category.save(update_fields=["name", "name_translations"])


class Migration(migrations.Migration):
    dependencies = [("directory", "0003_servicecategory_name_translations")]
    operations = [migrations.RunPython(name_categories, back_to_english)]
