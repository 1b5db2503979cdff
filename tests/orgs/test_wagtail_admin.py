"""The Wagtail admin: organisations managed through our policy and services, each user kept to their own scope,
and each organisation's part of the page tree editable by its own members only."""

from __future__ import annotations

import pytest
from wagtail.models import Collection, Page, PageLogEntry
from wagtail.models.audit_log import ModelLogEntry

from network.orgs.models import Organisation, OrganisationKind, Partnership, Role
from tests import factories

pytestmark = pytest.mark.django_db

ADMIN_ORGS = "/admin/organisations/"


def _denied(response) -> bool:
    """Wagtail answers a permission refusal with 403, or a redirect to the dashboard with a message."""
    return response.status_code == 403 or (response.status_code == 302 and "/login" not in response.url)


def _profile_form(organisation: Organisation, **changes) -> dict:
    data = {
        "kind": organisation.kind,
        "name": organisation.name,
        "description": organisation.description,
        "city": organisation.city,
        "region": organisation.region,
        "country": organisation.country,
        "languages": ", ".join(organisation.languages),
        "public_email": organisation.public_email,
        "public_phone": organisation.public_phone,
        "website": organisation.website,
        "address": organisation.address,
        "is_active": "on" if organisation.is_active else "",
    }
    if organisation.address_is_confidential:
        data["address_is_confidential"] = "on"
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def _logged(organisation: Organisation, action: str) -> bool:
    return ModelLogEntry.objects.filter(object_id=str(organisation.pk), action=action).exists()


# ---------------------------------------------------------------------------------------------------------------
# Who sees which organisations


def test_network_admin_lists_every_organisation_and_coordinator_only_their_own(client, signed_in):
    # given two organisations, one of them inactive
    own, _other = factories.organisation(name="Own Org"), factories.organisation(name="Other Org")
    coordinator = factories.coordinator_of(own)
    closed = factories.organisation(name="Closed Org")
    factories.services.organisation_set_active(organisation=closed, active=False, acting_user=factories._system_admin())

    # when a network admin opens the organisations listing, then all three are there
    signed_in(factories.network_admin())
    listing = client.get(ADMIN_ORGS).content.decode()
    assert "Own Org" in listing and "Other Org" in listing and "Closed Org" in listing

    # when the coordinator opens it, then only their organisation is listed
    signed_in(coordinator)
    response = client.get(ADMIN_ORGS)
    assert response.status_code == 200
    listing = response.content.decode()
    assert "Own Org" in listing
    assert "Other Org" not in listing and "Closed Org" not in listing
    assert f"{ADMIN_ORGS}new/" not in listing


def test_staff_and_peers_cannot_open_the_organisations_admin(client, signed_in):
    organisation = factories.organisation()
    for role in (Role.STAFF, Role.PEER):
        signed_in(factories.member(organisation, role))
        assert _denied(client.get(ADMIN_ORGS))
        assert _denied(client.get(f"{ADMIN_ORGS}edit/{organisation.pk}/"))


# ---------------------------------------------------------------------------------------------------------------
# Coordinators: their own profile, nothing else


def test_coordinator_edits_own_profile_through_the_service_but_not_its_active_flag(client, signed_in):
    # given a coordinator of an organisation
    organisation = factories.organisation(name="Rue Libre", city="Lyon")
    signed_in(factories.coordinator_of(organisation))
    url = f"{ADMIN_ORGS}edit/{organisation.pk}/"

    # when they open the edit form, then the profile fields are there and the active flag is not
    form = client.get(url)
    assert form.status_code == 200
    assert 'name="city"' in form.content.decode()
    assert 'name="is_active"' not in form.content.decode()

    # when they save a new city and languages, and try to deactivate the organisation on the way
    response = client.post(url, _profile_form(organisation, city="Lille", languages="fr, EN", is_active=""))

    # then the profile changed, through the service (logged), and the organisation is still active
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.city == "Lille"
    assert organisation.languages == ["fr", "en"]
    assert organisation.is_active
    assert _logged(organisation, "orgs.organisation.update")


def test_coordinator_gets_404_for_another_organisations_admin_screens(client, signed_in):
    # given a coordinator of A, and organisation B
    own, other = factories.organisation(), factories.organisation(name="Other", city="Paris")
    signed_in(factories.coordinator_of(own))

    # then every screen of B answers 404, as for an organisation that does not exist
    for screen in ("edit", "delete", "history", "usage"):
        assert client.get(f"{ADMIN_ORGS}{screen}/{other.pk}/").status_code == 404, screen
    assert client.get(f"{ADMIN_ORGS}edit/00000000-0000-0000-0000-000000000000/").status_code == 404

    # and a crafted POST changes nothing
    response = client.post(f"{ADMIN_ORGS}edit/{other.pk}/", _profile_form(other, city="Nowhere"))
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.city == "Paris"
    # while their own organisation's screens open
    assert client.get(f"{ADMIN_ORGS}edit/{own.pk}/").status_code == 200
    assert client.get(f"{ADMIN_ORGS}history/{own.pk}/").status_code == 200


def test_coordinator_cannot_create_or_delete_organisations(client, signed_in):
    organisation = factories.organisation()
    signed_in(factories.coordinator_of(organisation))

    assert _denied(client.get(f"{ADMIN_ORGS}new/"))
    refused = client.post(f"{ADMIN_ORGS}new/", {"name": "Sneaky", "kind": OrganisationKind.PEER_GROUP, "country": "FR"})
    assert _denied(refused)
    assert _denied(client.post(f"{ADMIN_ORGS}delete/{organisation.pk}/"))
    assert not Organisation.objects.filter(name="Sneaky").exists()
    assert Organisation.objects.filter(pk=organisation.pk).exists()


def test_coordinator_cannot_reach_wagtail_user_management(client, signed_in):
    # given a coordinator, who has access to the Wagtail admin through their organisation's editors group
    organisation = factories.organisation()
    coordinator = factories.coordinator_of(organisation)
    signed_in(coordinator)
    assert coordinator.has_perm("wagtailadmin.access_admin")
    assert client.get("/admin/").status_code == 200

    # then Wagtail's user and group management is closed to them
    assert _denied(client.get("/admin/users/"))
    assert _denied(client.get("/admin/users/new/"))
    assert _denied(client.get("/admin/groups/"))
    assert client.get(f"/admin/users/edit/{coordinator.pk}/").status_code != 200


# ---------------------------------------------------------------------------------------------------------------
# Network administrators: onboard, edit, deactivate


def test_network_admin_creates_an_organisation_with_its_wagtail_parts(client, signed_in):
    # given a network admin
    signed_in(factories.network_admin())

    # when they create an organisation in the admin
    response = client.post(
        f"{ADMIN_ORGS}new/",
        {
            "name": "Santé Nuit",
            "kind": OrganisationKind.HEALTH_UNIT,
            "country": "FR",
            "city": "Marseille",
            "languages": "fr, ar",
            "address": "3 rue du port",
            "address_is_confidential": "on",
        },
    )

    # then it exists with its page subtree, collection and groups, created by the service
    assert response.status_code == 302, response.content.decode()[:2000]
    organisation = Organisation.objects.get(name="Santé Nuit")
    assert organisation.slug == "sante-nuit"
    assert organisation.languages == ["fr", "ar"]
    assert organisation.space_page is not None
    assert Collection.objects.filter(pk=organisation.collection_id, name="Santé Nuit").exists()
    assert organisation.editors_group.name == "sante-nuit · editors"
    assert organisation.contributors_group is not None
    assert _logged(organisation, "orgs.organisation.create")


def test_a_service_refusal_is_shown_on_the_form_and_nothing_is_created(client, signed_in):
    # given an organisation whose slug the new name would take
    factories.organisation(name="Abc Def")
    signed_in(factories.network_admin())

    # when a network admin creates "Abc-Def" (a different name, the same slug)
    response = client.post(
        f"{ADMIN_ORGS}new/", {"name": "Abc-Def", "kind": OrganisationKind.PEER_GROUP, "country": "FR"}
    )

    # then the form is shown again with the reason, and nothing was created
    assert response.status_code == 200
    assert "slug" in response.content.decode().lower()
    assert not Organisation.objects.filter(name="Abc-Def").exists()

    # and a bad language code is refused by the form
    response = client.post(
        f"{ADMIN_ORGS}new/",
        {"name": "Langues", "kind": OrganisationKind.PEER_GROUP, "country": "FR", "languages": "français"},
    )
    assert response.status_code == 200
    assert not Organisation.objects.filter(name="Langues").exists()


def test_network_admin_deactivates_and_reactivates_an_organisation(client, signed_in):
    organisation = factories.organisation()
    signed_in(factories.network_admin())
    url = f"{ADMIN_ORGS}edit/{organisation.pk}/"
    assert 'name="is_active"' in client.get(url).content.decode()

    assert client.post(url, _profile_form(organisation, is_active="")).status_code == 302
    organisation.refresh_from_db()
    assert not organisation.is_active
    assert _logged(organisation, "orgs.organisation.deactivate")

    assert client.post(url, _profile_form(organisation, is_active="on")).status_code == 302
    organisation.refresh_from_db()
    assert organisation.is_active


def test_network_admin_cannot_delete_an_organisation(client, signed_in):
    organisation = factories.organisation()
    signed_in(factories.network_admin())

    assert _denied(client.post(f"{ADMIN_ORGS}delete/{organisation.pk}/"))
    assert Organisation.objects.filter(pk=organisation.pk).exists()


# ---------------------------------------------------------------------------------------------------------------
# Partnerships: a read-only list for network administrators


def test_partnership_listing_is_for_network_admins_only(client, signed_in):
    a, b = factories.organisation(name="Alpha"), factories.organisation(name="Beta")
    partnership = factories.active_partnership(a, b)

    signed_in(factories.coordinator_of(a))
    assert _denied(client.get("/admin/partnerships/"))
    inspect = client.get(f"/admin/partnerships/inspect/{partnership.pk}/")
    assert _denied(inspect) or inspect.status_code == 404

    signed_in(factories.network_admin())
    listing = client.get("/admin/partnerships/")
    assert listing.status_code == 200
    assert "Alpha" in listing.content.decode()
    assert client.get(f"/admin/partnerships/inspect/{partnership.pk}/").status_code == 200
    assert _denied(client.get(f"/admin/partnerships/edit/{partnership.pk}/"))
    assert _denied(client.post(f"/admin/partnerships/delete/{partnership.pk}/"))
    assert Partnership.objects.filter(pk=partnership.pk).exists()


def test_network_admin_menu_offers_no_referral_data(client, signed_in):
    signed_in(factories.network_admin())

    dashboard = client.get("/admin/").content.decode().lower()

    assert "organisations" in dashboard
    assert "referral" not in dashboard


# ---------------------------------------------------------------------------------------------------------------
# Each organisation's part of the page tree


def test_editors_of_an_organisation_edit_and_publish_under_its_space_only(client, signed_in):
    # given organisations A and B, and a staff member of A (in A's editors group)
    a, b = factories.organisation(), factories.organisation()
    staff = factories.member(a, Role.STAFF)
    space_a = Page.objects.get(pk=a.space_page_id)
    space_b = Page.objects.get(pk=b.space_page_id)

    # then Wagtail's page permissions let them edit and publish A's pages, and not B's
    on_a, on_b = space_a.permissions_for_user(staff), space_b.permissions_for_user(staff)
    assert on_a.can_edit() and on_a.can_publish() and on_a.can_add_subpage()
    assert not on_b.can_edit() and not on_b.can_publish() and not on_b.can_add_subpage()

    # and the admin's page editor agrees
    signed_in(staff)
    assert client.get(f"/admin/pages/{space_a.pk}/edit/").status_code == 200
    # (another organisation's page answers 404, like a missing one: cms.middleware.AdminPageScopeMiddleware)
    assert client.get(f"/admin/pages/{space_b.pk}/edit/").status_code == 404
    assert (
        client.post(f"/admin/pages/{space_b.pk}/edit/", {"title": "Taken over", "slug": space_b.slug}).status_code
        == 404
    )
    space_b.refresh_from_db()
    assert space_b.title != "Taken over"
    assert not PageLogEntry.objects.filter(page=space_b, user=staff).exists()


def test_peers_edit_their_organisations_pages_but_submit_them_for_moderation(client, signed_in):
    # given a peer worker of A (in A's contributors group) and organisation B
    a, b = factories.organisation(), factories.organisation()
    peer = factories.member(a, Role.PEER)
    space_a = Page.objects.get(pk=a.space_page_id)
    space_b = Page.objects.get(pk=b.space_page_id)

    # then they can edit and add pages under A without publishing, and submit them for moderation
    on_a = space_a.permissions_for_user(peer)
    assert on_a.can_edit() and on_a.can_add_subpage()
    assert not on_a.can_publish()
    assert on_a.can_submit_for_moderation()
    # and nothing under B
    assert not space_b.permissions_for_user(peer).can_edit()

    signed_in(peer)
    editor = client.get(f"/admin/pages/{space_a.pk}/edit/")
    assert editor.status_code == 200
    assert 'name="action-publish"' not in editor.content.decode()
    assert client.get(f"/admin/pages/{space_b.pk}/edit/").status_code == 404


def test_a_volunteer_has_no_page_permissions(client):
    organisation = factories.organisation()
    volunteer = factories.member(organisation, Role.VOLUNTEER)

    space = Page.objects.get(pk=organisation.space_page_id)

    assert not space.permissions_for_user(volunteer).can_edit()
    assert not volunteer.has_perm("wagtailadmin.access_admin")
