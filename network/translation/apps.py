from django.apps import AppConfig
from django.db.models.signals import post_migrate


class TranslationConfig(AppConfig):
    """Content translation: locales from settings, machine pre-translation, translation services."""

    name = "network.translation"
    label = "translation"
    verbose_name = "Translation"

    def ready(self) -> None:
        from . import rules

        rules.register_rules()  # into the access policy core
        from network.translation import locales

        post_migrate.connect(locales.create_content_locales, sender=self, dispatch_uid="translation-locales")
