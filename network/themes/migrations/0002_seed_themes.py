"""The starting theme taxonomy (network administrators edit it afterwards), named in the six content languages."""

from django.db import migrations

THEMES = [
    ("sexual-reproductive-health", "Santé sexuelle et reproductive", {
        "en": "Sexual and reproductive health", "es": "Salud sexual y reproductiva",
        "ru": "Сексуальное и репродуктивное здоровье", "zh-hans": "性与生殖健康", "ar": "الصحة الجنسية والإنجابية"}),
    ("hiv-stis", "VIH et IST", {
        "en": "HIV and STIs", "es": "VIH e ITS", "ru": "ВИЧ и ИППП", "zh-hans": "艾滋病毒与性传播感染",
        "ar": "فيروس نقص المناعة البشرية والأمراض المنقولة جنسياً"}),
    ("harm-reduction", "Réduction des risques et usage de drogues", {
        "en": "Harm reduction and drug use", "es": "Reducción de daños y uso de drogas",
        "ru": "Снижение вреда и употребление наркотиков", "zh-hans": "减少伤害与药物使用",
        "ar": "الحد من الضرر وتعاطي المخدرات"}),
    ("violence", "Violences", {
        "en": "Violence", "es": "Violencia", "ru": "Насилие", "zh-hans": "暴力", "ar": "العنف"}),
    ("migration-rights", "Migration et droits", {
        "en": "Migration and rights", "es": "Migración y derechos", "ru": "Миграция и права",
        "zh-hans": "移民与权利", "ar": "الهجرة والحقوق"}),
    ("decriminalisation", "Décriminalisation", {
        "en": "Decriminalisation", "es": "Despenalización", "ru": "Декриминализация", "zh-hans": "去罪化",
        "ar": "إلغاء التجريم"}),
    ("legal", "Droit et accès à la justice", {
        "en": "Legal and access to justice", "es": "Derecho y acceso a la justicia",
        "ru": "Право и доступ к правосудию", "zh-hans": "法律与诉诸司法", "ar": "القانون والوصول إلى العدالة"}),
    ("peer-work", "Travail par les pairs", {
        "en": "Peer work", "es": "Trabajo entre pares", "ru": "Работа равных", "zh-hans": "同伴工作",
        "ar": "العمل بين الأقران"}),
    ("partnerships", "Partenariats", {
        "en": "Partnerships", "es": "Alianzas", "ru": "Партнёрства", "zh-hans": "伙伴关系", "ar": "الشراكات"}),
    ("digital-safety", "Sécurité numérique", {
        "en": "Digital safety", "es": "Seguridad digital", "ru": "Цифровая безопасность", "zh-hans": "数字安全",
        "ar": "الأمان الرقمي"}),
    ("advocacy", "Plaidoyer", {
        "en": "Advocacy", "es": "Incidencia política", "ru": "Адвокация", "zh-hans": "倡导", "ar": "المناصرة"}),
]


def seed(apps, schema_editor):
    Theme = apps.get_model("themes", "Theme")
    for order, (slug, name, translations) in enumerate(THEMES):
        Theme.objects.update_or_create(
            slug=slug, defaults={"name": name, "name_translations": translations, "sort_order": order * 10}
        )


class Migration(migrations.Migration):
    dependencies = [("themes", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
