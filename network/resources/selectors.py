"""Reads of the library that are not access rules: the co-authoring invitations a coordinator has to answer."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef
from django.utils.translation import get_language

from network.orgs import policy
from network.orgs.models import Organisation
from network.orgs.policy import Actor
from network.resources.models import CoAuthorshipStatus, ResourceCoAuthorship, ResourcePage
from network.resources.rules import ResourceAction


@dataclass(frozen=True)
class CoAuthorshipInvitation:
    """A live resource that lists one of the user's organisations as a co-author, not yet answered."""

    page: ResourcePage  # the translation in the user's language where there is one
    organisation: Organisation


def pending_coauthorship_invitations(user: Actor) -> list[CoAuthorshipInvitation]:
    """Resources listing an organisation this user answers for (`ANSWER_COAUTHORSHIP`) that it has neither
    confirmed nor declined: one row per resource (all translations share the answer) and organisation."""
    organisations = {
        organisation.pk: organisation
        for organisation in Organisation.objects.filter(pk__in=policy.member_organisation_ids(user))
        if policy.can(user, ResourceAction.ANSWER_COAUTHORSHIP, ResourceCoAuthorship(organisation=organisation))
    }
    if not organisations:
        return []
    answered = ResourceCoAuthorship.objects.filter(
        translation_key=OuterRef("resourcepage__translation_key"),
        organisation_id=OuterRef("organisation_id"),
    ).exclude(status=CoAuthorshipStatus.INVITED)
    links = (
        ResourcePage.authoring_organisations.through.objects.filter(
            organisation_id__in=list(organisations), resourcepage__live=True
        )
        .exclude(Exists(answered))
        .values_list("resourcepage__translation_key", "organisation_id", "resourcepage_id")
    )
    pages_by_key: dict[object, set[int]] = {}
    wanted: dict[tuple[object, object], None] = {}
    for key, organisation_id, page_id in links:
        pages_by_key.setdefault(key, set()).add(page_id)
        wanted[(key, organisation_id)] = None
    if not wanted:
        return []
    language = (get_language() or "").split("-")[0]
    chosen: dict[object, ResourcePage] = {}
    for page in ResourcePage.objects.filter(pk__in={pk for ids in pages_by_key.values() for pk in ids}).select_related(
        "locale", "organisation"
    ):
        current = chosen.get(page.translation_key)
        if current is None or (page.locale.language_code == language and current.locale.language_code != language):
            chosen[page.translation_key] = page
    invitations = [
        CoAuthorshipInvitation(page=chosen[key], organisation=organisations[organisation_id])  # type: ignore[index]
        for key, organisation_id in wanted
    ]
    return sorted(invitations, key=lambda item: (item.organisation.name, item.page.title))
