"""Buttons the members' dashboard shows under each organisation, registered by the apps that own the screens.

`orgs` knows no feature: an app registers its link from its `AppConfig.ready()` (the directory registers "Manage
the services"), and the dashboard shows it to those the policy lets do `action` on the organisation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.urls import reverse

from . import policy

if TYPE_CHECKING:
    from django.utils.functional import Promise

    from .models import Organisation
    from .policy import Action


@dataclass(frozen=True)
class OrganisationLink:
    label: str | Promise
    url_name: str  # reversed with the organisation's slug
    action: Action


_LINKS: list[OrganisationLink] = []


def register_organisation_link(*, label: str | Promise, url_name: str, action: Action) -> None:
    link = OrganisationLink(label=label, url_name=url_name, action=action)
    if link not in _LINKS:
        _LINKS.append(link)


def organisation_links(user: Any, organisation: Organisation) -> list[dict[str, Any]]:
    """The registered links `user` may follow for `organisation`, as `label` and `url`, in registration order."""
    return [
        {"label": link.label, "url": reverse(link.url_name, args=[organisation.slug])}
        for link in _LINKS
        if policy.can(user, link.action, organisation)
    ]
