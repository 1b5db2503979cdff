"""The name a person shows to others (DESIGN.md, privacy rule 11).

Others see a person's chosen public name (their real name only when they ticked "show my real name"); with no public
name, a neutral label: "member of <organisation>". Never a username (invitations derive it from the email address)
and never an email. `name_shown` adds what the viewer may know beyond that (`AccountAction.KNOW_PERSON`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from network.orgs import policy

if TYPE_CHECKING:
    from network.accounts.models import User


def public_name_of(person: User) -> str:
    """The name anyone may see: the real name if the person chose to show it, their public name, else a neutral
    label naming one of their organisations."""
    real_name = person.real_name()
    if person.show_real_name and real_name:
        return real_name
    if person.public_name:
        return person.public_name
    return neutral_label(person)


def neutral_label(person: User) -> str:
    """ "member of <organisation>" for a person without a public name (the first of their active organisations)."""
    if person.pk is None:
        return _("member of the network")
    cached = getattr(person, "_passerelle_organisation_name", None)
    if cached is None:
        cached = _first_organisation_name(person) or ""
        person._passerelle_organisation_name = cached  # type: ignore[attr-defined]  # one query per person object
    if not cached:
        return _("member of the network")
    return _("member of %(organisation)s") % {"organisation": cached}


def _first_organisation_name(person: User) -> str | None:
    """The first (by name) of the person's active organisations: from memberships prefetched with their
    organisation (`prefetch_related("memberships__organisation")`, no query per row of a list), else one query."""
    read_by_the_policy = policy.active_organisation_names(person)  # the signed-in person: read with their roles
    if read_by_the_policy is not None:
        return read_by_the_policy[0] if read_by_the_policy else None
    prefetched = getattr(person, "_prefetched_objects_cache", {}).get("memberships")
    if prefetched is not None:
        names = sorted(m.organisation.name for m in prefetched if m.organisation.is_active)
        return names[0] if names else None
    return (
        person.memberships.filter(organisation__is_active=True)
        .order_by("organisation__name")
        .values_list("organisation__name", flat=True)
        .first()
    )


def names_prefetch(relation: str) -> tuple[str, ...]:
    """What to `prefetch_related` on a list whose rows show the person at `relation` ("author", "actor"): their
    neutral label then costs no query per row (each row holds its own copy of the person)."""
    return (f"{relation}__memberships__organisation",)


def name_shown(viewer: policy.Actor, person: User) -> str:
    """What `viewer` sees of `person`: their real name too for those the policy lets know them (themselves, those
    who manage or view the members of an organisation the person belongs to, network admins), the public name or
    neutral label for everyone else."""
    from network.accounts.rules import AccountAction

    shown = public_name_of(person)
    if policy.can(viewer, AccountAction.KNOW_PERSON, person):
        real_name = person.real_name()
        if real_name and real_name != shown:
            return f"{shown} ({real_name})"
    return shown
