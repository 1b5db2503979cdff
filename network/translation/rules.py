"""Who may submit content for translation, or sync its translations.

Translating publishes in the owner's name: an organisation's pages (resources, advocacy pages, the space
itself) follow the rule for publishing for that organisation; the network's own content (home, library index,
anything without an organisation) its administrators. Content types with a rule of their own register it for
`TranslationAction.TRANSLATE` (key messages: the rule for editing them). wagtail-localize's report and snippet
listing are opened to those who translate something and list only what they may translate; the locales are the
network's. Registered by `TranslationConfig.ready()`; asked by every wagtail-localize URL (`admin_urls.py`).
"""

from __future__ import annotations

from typing import Any

from network.orgs import policy
from network.orgs.policy import Action, Actor


class TranslationAction(Action):
    TRANSLATE = "translate"  # obj: a translatable page or snippet
    VIEW_TRANSLATIONS_REPORT = "view_translations_report"  # no obj; the report lists what TRANSLATE allows
    LIST_TRANSLATABLE_SNIPPETS = "list_translatable_snippets"  # no obj; the listing holds what TRANSLATE allows
    MANAGE_LOCALES = "manage_locales"  # no obj: the network's content languages


def may_translate(user: Actor, instance: Any) -> bool:
    """Those who publish for the organisation owning the content; the network's own content its administrators."""
    organisation = getattr(instance, "organisation", None)
    if organisation is None and hasattr(instance, "get_organisation"):  # an organisation's space page
        organisation = instance.get_organisation()
    if organisation is None:
        return policy.is_network_admin(user)
    return policy.has_organisation_permission(user, organisation.pk, "publish_resources")


def translates_something(user: Actor, obj: Any = None) -> bool:
    """Those whose role publishes or contributes to advocacy somewhere (and network admins); lists are scoped."""
    return policy.is_network_admin(user) or bool(
        policy.organisation_ids_with(user, "publish_resources", "contribute_advocacy")
    )


def register_rules() -> None:
    policy.register(TranslationAction.TRANSLATE, object, check=may_translate)
    for action in (TranslationAction.VIEW_TRANSLATIONS_REPORT, TranslationAction.LIST_TRANSLATABLE_SNIPPETS):
        policy.register(action, object, check=translates_something)
    policy.register_network_admin_action(
        TranslationAction.MANAGE_LOCALES, "network administrators only: the network's content languages"
    )
