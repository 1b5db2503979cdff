"""The network-wide theme taxonomy, shared by the resource library and advocacy.

Themes are data that network administrators keep (not code), so their names carry their own translations:
one name per content language, falling back to the default language, then to the slug.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from network.core.translated_names import name_in, reader_language


class Theme(models.Model):
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=120, help_text=_("In the site's default language."))
    name_translations = models.JSONField(
        _("name in other languages"),
        default=dict,
        blank=True,
        help_text=_('Language code → name, e.g. {"en": "Harm reduction", "es": "Reducción de daños"}.'),
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["sort_order", "slug"]
        verbose_name = _("theme")
        verbose_name_plural = _("themes")

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The name in the active language, else the default language's name."""
        return self.label_in(reader_language())

    def label_in(self, language: str) -> str:
        """The name in `language`; in the site's default language always `name` (the one administrators edit)."""
        if language == settings.LANGUAGE_CODE:
            return self.name or self.slug
        return name_in(self.name_translations, language, self.name or self.slug)
