"""A rule written in two forms says the same thing in both.

Some rules give a yes/no check (asked once per row of a page, without a query) beside the list form (a queryset).
For every registered (action, model) with both forms, over the security scenario (organisations A, B, C, every
actor) enriched with objects in every state, `can(user, action, obj)` must hold exactly for the objects in
`visible(user, action)`. Any disagreement is reported at once, naming the actor, the rule and the object.
"""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.utils import timezone

from network.advocacy.models import AdvocacyOpportunity, MessageStatus
from network.orgs import policy, services
from network.orgs.models import Role
from network.resources.models import ResourceCoAuthorship
from tests import factories
from tests.advocacy.factories import make_key_message
from tests.advocacy.test_pages import make_page
from tests.referrals.factories import make_service
from tests.resources.factories import make_resource
from tests.security import decisions
from tests.security.conftest import Scenario, build_scenario


def _enrich(scenario: Scenario) -> None:
    """Objects in every state the dual rules distinguish, owned by A, B and an inactive organisation D."""
    a, b = scenario.a, scenario.b
    d = factories.organisation(name="Delta Closed")
    factories.member(d, Role.STAFF)
    make_service(d, "legal-advice", name="Delta service")
    make_service(a, "legal-advice", name="Alpha members-only", is_public=False)
    make_service(b, "social-rights", name="Bravo paused", is_active=False)
    services.organisation_set_active(organisation=d, active=False, acting_user=factories._system_admin())  # noqa: SLF001
    for status in MessageStatus.values:
        make_key_message(a, status=status, statement=f"A {status}")
        make_key_message(b, status=status, statement=f"B {status}")
    for visibility in ("public", "network", "organisation"):
        make_resource(a, visibility=visibility, title=f"A {visibility}")
        make_resource(b, visibility=visibility, title=f"B {visibility}")
    make_resource(a, visibility="network", title="A draft", live=False)
    make_page(a, visibility="public", title="A campaign", slug="a-campaign")
    make_page(b, visibility="network", title="B dossier", slug="b-dossier")
    AdvocacyOpportunity.objects.create(
        title="World day", starts_at=timezone.now() + datetime.timedelta(days=3), level="international", is_public=True
    )
    decisions.a_members_only_opportunity(scenario)
    decisions.a_managed_opportunity(scenario)
    decisions.a_invitation_to_take_part(scenario)
    for organisation in (a, b):  # invitations to co-author, answered or not: only each side's coordinators answer
        ResourceCoAuthorship.objects.create(translation_key=uuid.uuid4(), organisation=organisation)


def _dual_rules() -> list[policy.Rule]:
    return [rule for rule in policy.rules() if rule.check is not None and rule.lister is not None]


def test_the_dual_rules_cover_the_filters_views_and_services_rely_on():
    covered = {(str(rule.action), policy.subject_name(rule.subject)) for rule in _dual_rules()}  # noqa: SLF001

    assert {
        ("view_organisation", "orgs.Organisation"),
        ("view_partnership", "orgs.Partnership"),
        ("view_service", "directory.Service"),
        ("view_referral", "referrals.Referral"),
        ("view_page", "resources.ResourcePage"),
        ("view_page", "advocacy.AdvocacyPage"),
        ("view_key_message", "advocacy.KeyMessage"),
        ("edit_key_message", "advocacy.KeyMessage"),
        ("view_opportunity", "advocacy.AdvocacyOpportunity"),
        ("send_referrals", "orgs.Organisation"),
        ("change_organisation", "orgs.Organisation"),
    } <= covered


@pytest.mark.django_db
def test_can_holds_exactly_for_what_visible_lists_for_every_actor_and_dual_rule():
    scenario = build_scenario()
    _enrich(scenario)
    mismatches: list[str] = []
    decided = {rule: {True: 0, False: 0} for rule in _dual_rules()}

    for rule in _dual_rules():
        universe = list(rule.scope() if rule.scope is not None else rule.subject._default_manager.all())
        assert universe, f"no {rule.subject} in the scenario to check {rule.action} on"
        for actor, user in scenario.users.items():
            policy.forget(user)
            listed = set(policy.visible(user, rule.action, rule.subject).values_list("pk", flat=True))
            for obj in universe:
                allowed = policy.can(user, rule.action, obj)
                decided[rule][allowed] += 1
                if allowed != (obj.pk in listed):
                    mismatches.append(f"{actor}: {rule.action} on {obj!r}: can={allowed}, listed={obj.pk in listed}")

    assert not mismatches, "\n".join(mismatches)
    one_sided = [f"{rule.action} on {rule.subject}" for rule, counts in decided.items() if not all(counts.values())]
    assert not one_sided, f"rules the scenario never allows or never refuses: {one_sided}"


@pytest.mark.django_db
def test_the_filter_of_every_page_list_agrees_with_each_page_types_own_rule():
    """`VIEW_PAGE` on any page (the filter a space's children, menus and the sitemap use) lists a live page of a
    type with a visibility exactly when that type's own yes/no allows it, for every actor."""
    from wagtail.models import Page

    from cms.rules import PageAction

    scenario = build_scenario()
    _enrich(scenario)
    pages = list(Page.objects.live().specific())
    mismatches: list[str] = []

    for actor, user in scenario.users.items():
        policy.forget(user)
        listed = set(policy.visible(user, PageAction.VIEW_PAGE, Page).values_list("pk", flat=True))
        for page in pages:
            allowed = policy.can(user, PageAction.VIEW_PAGE, page)  # the page's own type's rule when it has one
            if allowed != (page.pk in listed):
                mismatches.append(f"{actor}: {type(page).__name__} {page.title!r}: can={allowed}")

    assert not mismatches, "\n".join(mismatches)
