"""What the members' dashboard shows from other apps: buttons under each organisation, and panels.

`orgs` knows no feature: an app registers its link from its `AppConfig.ready()` (the directory registers "Manage
the services"), and the dashboard shows it to those the policy lets do `action` on the organisation.
"""

from __future__ import annotations

from collections.abc import Callable
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


# ---------------------------------------------------------------------------------------------------------------
# Panels: a section of the dashboard registered by a feature app (the referrals' pending work). `context(user)`
# returns the panel's context, or None when the panel is not for this user; it must cost a constant number of
# queries whatever the data size, and show no personal data (counts, statuses, public names).


@dataclass(frozen=True)
class DashboardPanel:
    template: str
    context: Callable[[Any], dict[str, Any] | None]


_PANELS: list[DashboardPanel] = []


def register_dashboard_panel(*, template: str, context: Callable[[Any], dict[str, Any] | None]) -> None:
    panel = DashboardPanel(template=template, context=context)
    if panel not in _PANELS:
        _PANELS.append(panel)


def dashboard_panels(user: Any) -> list[dict[str, Any]]:
    """The registered panels for `user`, each as `template` and `context`, in registration order."""
    panels = []
    for panel in _PANELS:
        context = panel.context(user)
        if context is not None:
            panels.append({"template": panel.template, "context": context})
    return panels
