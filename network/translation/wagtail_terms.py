# ruff: noqa: E501  (the msgids are Wagtail's, word for word)
"""Wagtail's and wagtail-localize's own words that the project says differently, in its own catalogues.

Their French catalogues call a language a "locale" (« région »), and wagtail-localize leaves some of its screens
untranslated. Django reads the project's catalogues (LOCALE_PATHS) before the apps' own, so the msgids listed here,
translated in locale/*/LC_MESSAGES/django.po, replace theirs in every interface language. Never imported: listed
for `makemessages` only. Re-check the list when Wagtail or wagtail-localize is upgraded.
"""

from django.utils.translation import gettext_noop

WAGTAIL_TERMS = (
    gettext_noop("Locales"),
    gettext_noop("{} locales"),
    gettext_noop("This locale cannot be synced into itself."),
    gettext_noop("Synchronise content from another locale"),
    gettext_noop(
        "Choose a locale to synchronise content from. Any existing and future content authored in the selected locale will be automatically copied to this one."
    ),
    gettext_noop("Locale"),
    gettext_noop("Locale: "),
    gettext_noop("Available in %(translations_total)s locales"),
    gettext_noop("Switch locales"),
    gettext_noop("Wagtail locales"),
    gettext_noop("Wagtail locales (Wagtail Localize version)"),
    gettext_noop("Add a locale"),
    gettext_noop("Add locale"),
    gettext_noop("Delete locale"),
    gettext_noop("Are you sure you want to delete this locale?"),
    gettext_noop("Locale '{0}' created."),
    gettext_noop("Locale '{0}' updated."),
    gettext_noop("Locale '{0}' deleted."),
    gettext_noop("The locale could not be saved due to errors."),
    gettext_noop("This locale cannot be deleted because there are pages and/or other objects using it."),
    gettext_noop(
        "This locale's current language code is not supported. Please choose a new language or delete this locale."
    ),
    gettext_noop("This locale's language code is not supported"),
    gettext_noop("Select a new language"),
    gettext_noop(
        'Apply the updates and publish immediately. The changes will use the original language until translated unless you also select "Use machine translation".'
    ),
    gettext_noop(
        "Apply the updates and publish immediately. The changes will use the original language until translated."
    ),
    gettext_noop(
        "The data model for '{model_name}' has been changed since the last translation sync. If any new fields have been added recently, these may not be visible until the next translation sync."
    ),
)
