"""Access rules of the resource library: who publishes, who drafts, who sees a resource page.

A resource page is seen by its visibility (public, network, own organisation; drafts by who writes in the space):
the rule shared by every page of the spaces, in `cms.rules`. Registered by `ResourcesConfig.ready()`.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from cms.rules import PageAction, VisibilityScope, register_page_type, visibility_scope
from network.orgs import policy
from network.orgs.policy import Action, Actor

from .models import ResourceCoAuthorship, ResourcePage


class ResourceAction(Action):
    PUBLISH_RESOURCES = "publish_resources"  # obj: the organisation
    DRAFT_RESOURCES = "draft_resources"  # obj: the organisation
    ANSWER_COAUTHORSHIP = "answer_coauthorship"  # obj: a ResourceCoAuthorship


def visible_resources(user: Actor) -> QuerySet[Any]:
    """Live resource pages (every locale) this user may see. Filter by locale at the call site."""
    return policy.visible(user, PageAction.VIEW_PAGE, ResourcePage)


def resource_visibility_scope(user: Actor) -> VisibilityScope:
    """What decides `visible_resources(user)`: users with the same scope see the same resources."""
    return visibility_scope(user, with_organisation_level=True)


def may_answer_coauthorship(user: Actor, coauthorship: ResourceCoAuthorship) -> bool:
    """Only the named organisation's coordinators confirm or decline that it co-wrote a resource: nobody else,
    not even network administrators, names an organisation."""
    return policy.has_organisation_permission(user, coauthorship.organisation_id, "endorse_positions")


def answerable_coauthorships(user: Actor) -> QuerySet[ResourceCoAuthorship]:
    """Only the named organisation's coordinators confirm or decline that it co-wrote a resource: nobody else,
    not even network administrators, names an organisation."""
    coordinated = policy.organisation_ids_with(user, "endorse_positions")
    return ResourceCoAuthorship.objects.filter(organisation_id__in=coordinated)


def register_rules() -> None:
    policy.register_organisation_permission(ResourceAction.PUBLISH_RESOURCES, "publish_resources")
    policy.register_organisation_permission(ResourceAction.DRAFT_RESOURCES, "draft_resources")
    register_page_type(ResourcePage, with_organisation_level=True)
    policy.register(
        ResourceAction.ANSWER_COAUTHORSHIP,
        ResourceCoAuthorship,
        check=may_answer_coauthorship,
        lister=answerable_coauthorships,
    )
