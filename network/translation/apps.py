from django.apps import AppConfig
from django.db.models.signals import post_migrate


class TranslationConfig(AppConfig):
    """Content translation: locales from settings, machine pre-translation, translation services."""

    name = "network.translation"
    label = "translation"
    verbose_name = "Translation"

    def ready(self) -> None:
        from wagtail.signals import copy_for_translation_done

        from network.translation import locales, services

        post_migrate.connect(locales.create_content_locales, sender=self, dispatch_uid="translation-locales")
        copy_for_translation_done.connect(
            services.on_copy_for_translation, dispatch_uid="translation-space-permissions"
        )
