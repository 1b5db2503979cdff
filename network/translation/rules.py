"""Who may submit content for translation, or sync its translations.

Translating publishes in the owner's name: an organisation's pages (resources, advocacy pages, the space
itself) follow the rule for publishing for that organisation; the network's own content (home, library index,
anything without an organisation) its administrators. Content types with a rule of their own register it for
`TranslationAction.TRANSLATE` (key messages: the rule for editing them). Registered by `TranslationConfig.ready()`.
"""

from __future__ import annotations

from typing import Any

from network.orgs import policy
from network.orgs.policy import Action, Actor


class TranslationAction(Action):
    TRANSLATE = "translate"  # obj: a translatable page or snippet


def may_translate(user: Actor, instance: Any) -> bool:
    """Those who publish for the organisation owning the content; the network's own content its administrators."""
    organisation = getattr(instance, "organisation", None)
    if organisation is None and hasattr(instance, "get_organisation"):  # an organisation's space page
        organisation = instance.get_organisation()
    if organisation is None:
        return policy.is_network_admin(user)
    return policy.has_organisation_permission(user, organisation.pk, "publish_resources")


def register_rules() -> None:
    policy.register(TranslationAction.TRANSLATE, object, check=may_translate)
