"""People appear to other organisations by their public name only, in our screens and in Wagtail's admin.

Invitations derive a username from the email address ("luna.martin"): neither it, nor the address, nor the real
name may reach another organisation. Without a public name, a person shows as "member of <organisation>".
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from wagtail.admin.utils import get_user_display_name
from wagtail.log_actions import log
from wagtail.models import Page

from network.accounts.names import name_shown, public_name_of
from network.accounts.rules import AccountAction
from network.orgs import policy
from network.orgs.models import Role
from network.orgs.moderation import moderation_enable
from tests import factories
from tests.resources.factories import make_resource

pytestmark = pytest.mark.django_db

LUNA = {"username": "luna.martin", "email": "luna.martin@example.org", "first_name": "Lunaria", "last_name": "Martinez"}


def identity_of(person) -> list[str]:
    return [person.username, person.email, person.first_name, person.last_name]


@pytest.fixture
def two_organisations():
    org_a, org_b = factories.organisation(name="Alpha"), factories.organisation(name="Beta")
    editor_a = factories.member(org_a, Role.STAFF, username="editor-a", public_name="Ada")
    luna = factories.member(org_b, Role.PEER, **LUNA)  # no public name
    return org_a, org_b, editor_a, luna


def test_a_person_without_public_name_shows_as_member_of_their_organisation_never_their_username(
    two_organisations, in_english
):
    _org_a, _org_b, _editor_a, luna = two_organisations

    # Wagtail's own display (reports, history, workflow, filters) and Django's str() (form choices)
    shown = {luna.display_name, luna.get_full_name(), get_user_display_name(luna), str(luna), public_name_of(luna)}

    assert shown == {"member of Beta"}


def test_a_public_name_is_what_everyone_sees_and_the_real_name_only_when_chosen(two_organisations):
    _org_a, org_b, _editor_a, luna = two_organisations
    luna.public_name = "Iris"
    luna.save()
    assert luna.get_full_name() == "Iris"
    luna.show_real_name = True
    luna.save()
    assert luna.get_full_name() == "Lunaria Martinez"


def test_know_person_allows_themselves_and_who_views_their_organisations_members_only(two_organisations):
    org_a, org_b, editor_a, luna = two_organisations
    coordinator_b = factories.coordinator_of(org_b)
    admin = factories.network_admin()

    assert policy.can(luna, AccountAction.KNOW_PERSON, luna)
    assert policy.can(coordinator_b, AccountAction.KNOW_PERSON, luna)
    assert policy.can(admin, AccountAction.KNOW_PERSON, luna)
    assert not policy.can(editor_a, AccountAction.KNOW_PERSON, luna)
    assert not policy.can(factories.coordinator_of(org_a), AccountAction.KNOW_PERSON, luna)


def test_name_shown_gives_the_real_name_to_colleagues_who_manage_members_and_the_label_to_others(
    two_organisations, in_english
):
    _org_a, org_b, editor_a, luna = two_organisations
    coordinator_b = factories.coordinator_of(org_b)

    assert name_shown(editor_a, luna) == "member of Beta"
    assert name_shown(coordinator_b, luna) == "member of Beta (Lunaria Martinez)"


def test_see_person_lists_colleagues_never_another_organisations_people(two_organisations):
    _org_a, _org_b, editor_a, luna = two_organisations

    seen = set(policy.visible(editor_a, AccountAction.SEE_PERSON).values_list("pk", flat=True))

    assert editor_a.pk in seen
    assert luna.pk not in seen


def _leave_traces_in_b(org_b, luna) -> Page:
    """Luna owns, edits and locks a page of B; a workflow she started waits there."""
    page = make_resource(org_b, title="Beta page", visibility="public")
    Page.objects.filter(pk=page.pk).update(owner=luna, locked=True, locked_by=luna)
    log(instance=page, action="wagtail.edit", user=luna)
    workflow = moderation_enable(organisation=org_b, acting_user=factories.coordinator_of(org_b))
    workflow.start(make_resource(org_b, title="Beta submission", live=False), luna)
    return page


ADMIN_SCREENS = {
    "explorer of A's space": lambda org_a: reverse("wagtailadmin_explore", args=[org_a.space_page_id]),
    "admin search": lambda org_a: reverse("wagtailadmin_pages:search") + "?q=page",
    "page type usage": lambda org_a: reverse("wagtailadmin_pages:type_use", args=["resources", "resourcepage"]),
    "locked pages report": lambda org_a: reverse("wagtailadmin_reports:locked_pages"),
    "site history report": lambda org_a: reverse("wagtailadmin_reports:site_history"),
    "workflow report": lambda org_a: reverse("wagtailadmin_reports:workflow"),
    "aging pages report": lambda org_a: reverse("wagtailadmin_reports:aging_pages"),
}


@pytest.mark.parametrize("screen", ADMIN_SCREENS)
def test_another_organisations_person_never_appears_in_wagtails_people_filters(two_organisations, signed_in, screen):
    # Given Luna (B) owning, editing and locking a page of B, and A's editor in the admin
    org_a, org_b, editor_a, luna = two_organisations
    _leave_traces_in_b(org_b, luna)
    make_resource(org_a, title="Alpha page")
    client = signed_in(editor_a)

    # When A's editor opens a screen with people filters
    response = client.get(ADMIN_SCREENS[screen](org_a))

    # Then Luna is not listed: not by username, email, real name, nor even as "member of Beta"
    html = response.content.decode()
    assert response.status_code == 200
    for trace in [*identity_of(luna), "membre de Beta", "member of Beta"]:
        assert trace not in html, f"{trace!r} in {screen}"


def test_a_colleague_appears_in_the_filters_under_their_public_name(two_organisations, signed_in):
    org_a, _org_b, editor_a, _luna = two_organisations
    colleague = factories.member(org_a, Role.STAFF, username="bob.colleague", public_name="Bobbi")
    page = make_resource(org_a, title="Alpha page")
    Page.objects.filter(pk=page.pk).update(owner=colleague)

    html = signed_in(editor_a).get(reverse("wagtailadmin_explore", args=[org_a.space_page_id])).content.decode()

    assert "Bobbi" in html
    assert "bob.colleague" not in html
