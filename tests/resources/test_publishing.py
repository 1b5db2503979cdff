"""Publishing from the site: "Publish a resource" for coordinators and staff, "Write a contribution" for
contributors (peers included), each leading into the right organisation's space with the right page type."""

from __future__ import annotations

import pytest
from django.urls import reverse
from wagtail.models import Page, PageLogEntry
from wagtail.test.utils.form_data import nested_form_data, streamfield

from network.advocacy.models import AdvocacyPage, SignatureKind
from network.orgs.models import Role
from network.resources.models import ResourceKind, ResourcePage
from tests.factories import UserFactory, member, organisation
from tests.resources.factories import library_index, make_resource

pytestmark = pytest.mark.django_db

PUBLISH = "/fr/publish/resource/"
CONTRIBUTE = "/fr/advocacy/contribute/"
DASHBOARD = "/fr/dashboard/"


def _add_url(org, kind: str) -> str:
    url = reverse("wagtailadmin_pages:add", args=["resources", "resourcepage", org.space_page_id])
    return f"{url}?kind={kind}"


# --- who sees the buttons ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "publishes", "contributes"),
    [
        (Role.COORDINATOR, True, True),
        (Role.STAFF, True, True),
        (Role.PEER, False, True),
        (Role.VOLUNTEER, False, False),
    ],
)
def test_dashboard_offers_publishing_buttons_by_role(signed_in, role, publishes, contributes):
    org = organisation()
    client = signed_in(member(org, role))

    body = client.get(DASHBOARD).content.decode()

    assert (PUBLISH in body) is publishes
    assert (CONTRIBUTE in body) is contributes


def test_library_index_offers_publish_button_to_staff_and_not_to_peers_or_visitors(client, signed_in):
    org = organisation()
    library = library_index()
    staff, peer = member(org, Role.STAFF), member(org, Role.PEER)

    anonymous = client.get(library.url).content.decode()
    as_peer = signed_in(peer).get(library.url).content.decode()
    as_staff = signed_in(staff).get(library.url).content.decode()

    assert PUBLISH not in anonymous and CONTRIBUTE not in anonymous
    assert PUBLISH not in as_peer
    assert PUBLISH in as_staff


def test_anonymous_visitor_is_sent_to_sign_in(client):
    assert client.get(PUBLISH).status_code == 302
    assert "/accounts/login/" in client.get(CONTRIBUTE).url


# --- publishing a resource --------------------------------------------------------------------------------------


def test_staff_of_one_organisation_choose_a_kind_and_land_on_wagtail_add_form_in_their_space(signed_in):
    org = organisation()
    client = signed_in(member(org, Role.STAFF))

    chooser = client.get(PUBLISH)
    chosen = client.get(PUBLISH, {"kind": ResourceKind.GUIDE})

    assert chooser.status_code == 200 and str(ResourceKind.GUIDE.label) in chooser.content.decode()
    assert chosen.status_code == 302 and chosen.url == _add_url(org, "guide")


def test_wagtail_add_form_opens_with_the_kind_chosen_on_the_site(signed_in):
    org = organisation()
    client = signed_in(member(org, Role.STAFF))

    response = client.get(_add_url(org, "training_module"))

    assert response.status_code == 200
    form = response.context["form"]
    assert form.instance.kind == ResourceKind.TRAINING_MODULE
    assert form["kind"].value() == ResourceKind.TRAINING_MODULE


def test_member_publishing_for_two_organisations_chooses_which(signed_in):
    first, second = organisation(name="Alpha"), organisation(name="Beta")
    user = member(first, Role.STAFF)
    member(second, Role.COORDINATOR, user=user)
    client = signed_in(user)

    without_organisation = client.get(PUBLISH, {"kind": "tool"})
    with_organisation = client.get(PUBLISH, {"kind": "tool", "organisation": str(second.pk)})

    assert without_organisation.status_code == 200
    assert "Alpha" in without_organisation.content.decode() and "Beta" in without_organisation.content.decode()
    assert with_organisation.url == _add_url(second, "tool")


def test_another_organisation_cannot_be_chosen(signed_in):
    own, other = organisation(), organisation()
    user = member(own, Role.STAFF)
    member(organisation(), Role.STAFF, user=user)  # two organisations: the choice is asked

    response = signed_in(user).get(PUBLISH, {"kind": "tool", "organisation": str(other.pk)})

    assert response.status_code == 200  # the chooser again, never a redirect into the other space


@pytest.mark.parametrize("role", [Role.PEER, Role.VOLUNTEER])
def test_peers_and_volunteers_are_refused_publishing(signed_in, role):
    org = organisation()

    response = signed_in(member(org, role)).get(PUBLISH, {"kind": "tool"})

    assert response.status_code == 403


def test_resource_published_through_the_add_form_lands_in_the_space_with_type_kind_and_owner(signed_in):
    org = organisation()
    staff = member(org, Role.STAFF)
    client = signed_in(staff)

    response = client.post(
        _add_url(org, "guide"),
        {
            "title": "Guide de l'accueil de jour",
            "slug": "guide-accueil",
            "summary": "Comment accueillir.",
            **nested_form_data({"body": streamfield([])}),
            "kind": "guide",
            "audience": "everyone",
            "visibility": "network",
            "licence": "cc-by-4.0",
            "attachments-TOTAL_FORMS": "0",
            "attachments-INITIAL_FORMS": "0",
            "attachments-MIN_NUM_FORMS": "0",
            "attachments-MAX_NUM_FORMS": "1000",
            "comments-TOTAL_FORMS": "0",
            "comments-INITIAL_FORMS": "0",
            "comments-MIN_NUM_FORMS": "0",
            "comments-MAX_NUM_FORMS": "1000",
            "action-publish": "action-publish",
        },
    )

    assert response.status_code == 302, response.context["form"].errors if response.context else response
    page = ResourcePage.objects.get(slug="guide-accueil")
    assert page.get_parent().pk == org.space_page_id
    assert page.kind == ResourceKind.GUIDE and page.owner == staff and page.organisation == org and page.live


# --- one visibility control -------------------------------------------------------------------------------------


def test_wagtail_privacy_setting_is_not_offered_on_resources(signed_in):
    org = organisation()
    coordinator = member(org, Role.COORDINATOR)
    page = make_resource(org, visibility="network")
    client = signed_in(coordinator)

    editor = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
    privacy = client.get(reverse("wagtailadmin_pages:set_privacy", args=[page.pk]))

    assert editor.status_code == 200
    body = editor.content.decode()
    assert reverse("wagtailadmin_pages:set_privacy", args=[page.pk]) not in body
    assert 'id="status-sidebar-visibility"' in body  # the visibility field's choice stands in its place
    assert privacy.status_code in (302, 403)
    assert not page.permissions_for_user(coordinator).can_set_view_restrictions()
    assert Page.objects.get(pk=org.space_page_id).permissions_for_user(coordinator).can_set_view_restrictions()


# --- writing a contribution -------------------------------------------------------------------------------------


def test_peer_writes_a_contribution_under_a_pseudonym_as_a_draft_in_their_space(signed_in):
    org = organisation()
    peer = member(org, Role.PEER)
    client = signed_in(peer)

    response = client.post(
        CONTRIBUTE,
        {
            "organisation": str(org.pk),
            "title": "Nos droits au travail",
            "signature_kind": SignatureKind.PSEUDONYM,
            "signature_pseudonym": "Lina",
        },
    )

    page = AdvocacyPage.objects.get(title="Nos droits au travail")
    assert response.status_code == 302 and response.url == reverse("wagtailadmin_pages:edit", args=[page.pk])
    assert page.get_parent().pk == org.space_page_id and page.organisation == org
    assert page.owner == peer and not page.live
    assert page.signature_kind == SignatureKind.PSEUDONYM and page.public_signature == "Lina"
    assert page.get_latest_revision().user == peer
    assert PageLogEntry.objects.filter(page=page, action="wagtail.create", user=peer).exists()
    editor = client.get(response.url)
    assert editor.status_code == 200
    assert 'name="action-submit"' in editor.content.decode()  # peers submit for moderation
    assert 'name="action-publish"' not in editor.content.decode()  # and cannot publish


def test_pseudonym_signature_needs_a_pseudonym(signed_in):
    org = organisation()
    client = signed_in(member(org, Role.PEER))

    response = client.post(CONTRIBUTE, {"title": "Sans nom", "signature_kind": SignatureKind.PSEUDONYM})

    assert response.status_code == 200
    assert not AdvocacyPage.objects.filter(title="Sans nom").exists()


def test_contribution_cannot_be_written_in_another_organisation_space(signed_in):
    own, other = organisation(), organisation()
    user = member(own, Role.PEER)
    member(organisation(), Role.PEER, user=user)

    response = signed_in(user).post(
        CONTRIBUTE, {"organisation": str(other.pk), "title": "Intrusion", "signature_kind": "collective"}
    )

    assert response.status_code == 200
    assert not AdvocacyPage.objects.filter(title="Intrusion").exists()


def test_volunteers_and_members_without_organisation_are_refused_contributing(signed_in):
    org = organisation()
    volunteer = member(org, Role.VOLUNTEER)

    refused_volunteer = signed_in(volunteer).get(CONTRIBUTE)
    refused_outsider = signed_in(UserFactory()).post(CONTRIBUTE, {"title": "x", "signature_kind": "collective"})

    assert refused_volunteer.status_code == 403 and refused_outsider.status_code == 403
    assert not AdvocacyPage.objects.exists()
