"""The public directory and organisation profiles: public fields only, scoped by the access policy."""

import re
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from network.orgs import services
from network.orgs.models import OrganisationKind, Role
from tests import factories

pytestmark = pytest.mark.django_db

CONFIDENTIAL_ADDRESS = "12 rue du Refuge Secret"
PUBLIC_ADDRESS = "3 place de la Mairie"


def directory_url(lang="fr", **params):
    with translation.override(lang):
        url = reverse("orgs:directory")
    return f"{url}?{urlencode(params)}" if params else url


def detail_url(organisation, language="fr"):
    with translation.override(language):
        return reverse("orgs:detail", args=[organisation.slug])


def deactivate(organisation):
    return services.organisation_set_active(
        organisation=organisation, active=False, acting_user=factories.network_admin()
    )


# --- Organisation profile ---------------------------------------------------------------------------------------


def test_anonymous_visitor_sees_public_fields_and_never_a_confidential_address(client):
    # Given a drop-in centre with a confidential address and public contact details
    organisation = factories.organisation(
        name="Espace Nuit",
        description="Accueil de nuit et réduction des risques.",
        city="Lyon",
        languages=["fr", "ro"],
        public_email="contact@espace-nuit.example",
        public_phone="+33 4 00 00 00 00",
        website="https://espace-nuit.example",
        address=CONFIDENTIAL_ADDRESS,
        address_is_confidential=True,
    )

    # When an anonymous visitor opens its profile
    response = client.get(detail_url(organisation))

    # Then the public fields are there, the address is not
    html = response.content.decode()
    assert response.status_code == 200
    for public_value in ("Espace Nuit", "Accueil de nuit", "Lyon", "contact@espace-nuit.example", "+33 4 00 00 00 00"):
        assert public_value in html
    assert 'href="https://espace-nuit.example"' in html
    assert CONFIDENTIAL_ADDRESS not in html
    assert "Refuge Secret" not in html


def test_confidential_address_shown_to_own_members_only(client, signed_in):
    # Given an organisation with a confidential address, one of its peers and a staff member of another organisation
    organisation = factories.organisation(address=CONFIDENTIAL_ADDRESS, address_is_confidential=True)
    own_peer = factories.member(organisation, Role.PEER)
    outsider = factories.member(factories.organisation(), Role.STAFF)

    # When each of them opens the profile
    signed_in(own_peer)
    own_html = client.get(detail_url(organisation)).content.decode()
    signed_in(outsider)
    outsider_html = client.get(detail_url(organisation)).content.decode()

    # Then only the organisation's own member reads the address
    assert CONFIDENTIAL_ADDRESS in own_html
    assert CONFIDENTIAL_ADDRESS not in outsider_html


def test_members_of_the_network_see_a_non_confidential_address(client, signed_in):
    # Given an organisation whose address is public, and a member of another organisation
    organisation = factories.organisation(address=PUBLIC_ADDRESS, address_is_confidential=False)
    other_member = factories.member(factories.organisation(), Role.VOLUNTEER)

    # When the member opens the profile
    signed_in(other_member)
    response = client.get(detail_url(organisation))

    # Then they read the address
    assert PUBLIC_ADDRESS in response.content.decode()


def test_inactive_organisation_answers_404_except_to_its_members_and_network_admins(client, signed_in):
    # Given a deactivated organisation, one of its members, a member of another organisation and a network admin
    organisation = factories.organisation(name="Ancien Programme")
    own_member = factories.member(organisation, Role.VOLUNTEER)
    outsider = factories.member(factories.organisation(), Role.VOLUNTEER)
    deactivate(organisation)
    admin = factories.network_admin()

    # Then anonymous visitors and outsiders get 404, exactly as for a missing slug
    assert client.get(detail_url(organisation)).status_code == 404
    assert client.get("/fr/organisations/does-not-exist/").status_code == 404
    signed_in(outsider)
    assert client.get(detail_url(organisation)).status_code == 404

    # And its own member and a network admin still reach it
    signed_in(own_member)
    assert client.get(detail_url(organisation)).status_code == 200
    signed_in(admin)
    assert client.get(detail_url(organisation)).status_code == 200


def test_active_partnerships_listed_to_network_members_only(client, signed_in):
    # Given two partner organisations, a member of a third one and a signed-in user with no membership
    first = factories.organisation(name="Premier Pas")
    second = factories.organisation(name="Second Souffle")
    factories.active_partnership(first, second)
    network_member = factories.member(factories.organisation(), Role.VOLUNTEER)
    no_membership = factories.UserFactory()

    # When an anonymous visitor, a user without membership and a network member open the first profile
    anonymous_html = client.get(detail_url(first)).content.decode()
    signed_in(no_membership)
    stranger_html = client.get(detail_url(first)).content.decode()
    signed_in(network_member)
    member_html = client.get(detail_url(first)).content.decode()

    # Then only the network member sees the partner
    assert "Second Souffle" not in anonymous_html
    assert "Second Souffle" not in stranger_html
    assert "Second Souffle" in member_html
    assert detail_url(second) in member_html


def test_coordinators_get_links_to_manage_their_own_organisation_only(client, signed_in):
    # Given an organisation, its coordinator, one of its staff and another organisation
    organisation = factories.organisation()
    other = factories.organisation()
    coordinator = factories.coordinator_of(organisation)
    staff = factories.member(organisation, Role.STAFF)
    edit_url = reverse("orgs:edit_profile", args=[organisation.slug])
    members_url = reverse("orgs:members", args=[organisation.slug])

    # When the coordinator opens their organisation's profile, then the other one's
    signed_in(coordinator)
    own_html = client.get(detail_url(organisation)).content.decode()
    other_html = client.get(detail_url(other)).content.decode()
    signed_in(staff)
    staff_html = client.get(detail_url(organisation)).content.decode()
    client.logout()
    anonymous_html = client.get(detail_url(organisation)).content.decode()

    # Then only the coordinator, on their own organisation, sees the management links
    assert edit_url in own_html and members_url in own_html
    assert "/manage/" not in other_html
    assert "/manage/" not in staff_html
    assert "/manage/" not in anonymous_html


# --- Directory --------------------------------------------------------------------------------------------------


def test_directory_lists_active_organisations_only(client, signed_in):
    # Given an active and a deactivated organisation, and a member of the deactivated one
    factories.organisation(name="Toujours Là")
    gone = factories.organisation(name="Plus Là")
    own_member = factories.member(gone, Role.VOLUNTEER)
    deactivate(gone)

    # When the public and the member open the directory
    public_html = client.get(directory_url()).content.decode()
    signed_in(own_member)
    member_html = client.get(directory_url()).content.decode()

    # Then the deactivated organisation is listed to nobody
    assert "Toujours Là" in public_html and "Plus Là" not in public_html
    assert "Toujours Là" in member_html and "Plus Là" not in member_html


def test_directory_never_shows_addresses(client):
    # Given an organisation with a public address and one with a confidential address
    factories.organisation(address=PUBLIC_ADDRESS, address_is_confidential=False)
    factories.organisation(address=CONFIDENTIAL_ADDRESS, address_is_confidential=True)

    # When the directory is listed, then no address appears in it
    html = client.get(directory_url()).content.decode()
    assert CONFIDENTIAL_ADDRESS not in html
    assert PUBLIC_ADDRESS not in html


def test_directory_filters_by_kind_country_language_and_name(client):
    # Given organisations of different kinds, countries and languages
    factories.organisation(name="Santé Marseille", kind=OrganisationKind.HEALTH_UNIT, country="FR", languages=["fr"])
    factories.organisation(name="Legal Brussels", kind=OrganisationKind.LEGAL_SERVICE, country="BE", languages=["en"])
    factories.organisation(
        name="Peer Bucharest", kind=OrganisationKind.PEER_GROUP, country="RO", languages=["ro", "en"]
    )
    factories.organisation(
        name="Frankly Outreach", kind=OrganisationKind.NGO_PROGRAMME, country="FR", languages=["en-gb"]
    )

    def listed(**params):
        response = client.get(directory_url(**params))
        assert response.status_code == 200
        return {organisation.name for organisation in response.context["organisations"]}

    # Then each filter narrows the list, and filters combine
    assert listed(kind="health_unit") == {"Santé Marseille"}
    assert listed(country="FR") == {"Santé Marseille", "Frankly Outreach"}
    english = listed(language="en")
    assert english == {"Legal Brussels", "Peer Bucharest"}
    assert listed(language="fr") == {"Santé Marseille"}
    assert "Frankly Outreach" not in english  # "en-gb" is another code, not a match
    assert listed(q="bruss") == {"Legal Brussels"}
    assert listed(country="FR", kind="ngo_programme") == {"Frankly Outreach"}
    assert listed() == {"Santé Marseille", "Legal Brussels", "Peer Bucharest", "Frankly Outreach"}
    # And a stale or forged value is ignored rather than failing the page
    assert len(listed(kind="no-such-kind")) == 4


def test_directory_paginates_24_per_page_and_keeps_filters_in_links(client):
    # Given 27 French health units and one Belgian one
    for n in range(27):
        factories.organisation(name=f"Unité {n:02d}", kind=OrganisationKind.HEALTH_UNIT, country="FR")
    factories.organisation(name="Unité belge", kind=OrganisationKind.HEALTH_UNIT, country="BE")

    # When the French ones are listed
    first_page = client.get(directory_url("en", country="FR"))
    second_page = client.get(directory_url("en", country="FR", page=2))

    # Then the count covers every match, 24 come first and 3 on the next page, whose link keeps the filter
    assert first_page.context["result_count"] == 27
    assert len(first_page.context["organisations"]) == 24
    assert len(second_page.context["organisations"]) == 3
    assert "27 organisations" in first_page.content.decode()
    next_link = re.search(r'rel="next" href="([^"]+)"', first_page.content.decode()).group(1)
    assert "country=FR" in next_link and "page=2" in next_link
    assert "Unité belge" not in {o.name for o in second_page.context["organisations"]}
    # And an out-of-range page shows the last one instead of failing
    assert client.get(directory_url(country="FR", page=99)).status_code == 200


# Anonymous: the choice lists, the count and the page. Members add the session, two-factor and policy look-ups.
@pytest.mark.parametrize(("as_member", "at_most"), [(False, 3), (True, 16)], ids=["anonymous", "member"])
def test_directory_query_count_does_not_grow_with_the_number_of_organisations(
    client, signed_in, as_member, at_most, settings
):
    settings.PAGE_CACHE_SECONDS = 0  # what rendering costs is measured here, not the anonymous page cache
    # Given three organisations with partnerships and languages, and the visitor
    organisations = [factories.organisation(languages=["fr", "en"]) for _ in range(3)]
    factories.active_partnership(organisations[0], organisations[1])
    if as_member:
        signed_in(factories.member(organisations[0], Role.STAFF))

    def queries_for_directory() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(directory_url(lang="fr"))
        assert response.status_code == 200
        return len(captured)

    queries_for_directory()  # the first request after signing in also records the session
    few = queries_for_directory()

    # When 27 more organisations join
    for _ in range(27):
        factories.organisation(languages=["es"], country="ES")
    many = queries_for_directory()

    # Then listing them takes the same number of queries, and a small one
    assert many == few
    assert few <= at_most


def test_detail_query_count_does_not_grow_with_partnerships(client, signed_in):
    # Given an organisation with one partner, seen by one of its members
    organisation = factories.organisation()
    factories.active_partnership(organisation, factories.organisation())
    signed_in(factories.member(organisation, Role.STAFF))

    def queries_for_detail() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(detail_url(organisation))
        assert response.status_code == 200
        return len(captured)

    queries_for_detail()  # the first request after signing in also records the session
    few = queries_for_detail()

    # When it enters four more partnerships
    for _ in range(4):
        factories.active_partnership(factories.organisation(), organisation)

    # Then its profile takes the same number of queries
    assert queries_for_detail() == few


# --- Language and direction -------------------------------------------------------------------------------------


def test_arabic_pages_are_right_to_left_and_french_pages_say_so(client):
    factories.organisation()

    arabic = client.get(directory_url(lang="ar")).content.decode()
    french = client.get(directory_url(lang="fr")).content.decode()

    assert re.search(r'<html lang="ar" dir="rtl">', arabic)
    assert re.search(r'<html lang="fr" dir="ltr">', french)


def test_language_switcher_links_anonymous_visitors_to_the_same_page_in_every_language(client):
    html = client.get(directory_url()).content.decode()

    # Links, not a form: a public page carries no CSRF token (it is kept in the page cache)
    switcher = re.search(r'<nav class="language-switcher"[^>]*>(.*?)</nav>', html, re.S)
    assert switcher is not None
    for code in ("fr", "en", "es", "ru", "zh-hans", "ar"):
        assert f'href="{directory_url(code)}" lang="{code}"' in switcher.group(1)
    assert "csrfmiddlewaretoken" not in html


def test_language_switcher_posts_to_set_language_for_members(signed_in):
    client = signed_in(factories.member(factories.organisation(), Role.STAFF))
    html = client.get(directory_url()).content.decode()

    form = re.search(r'<form class="language-switcher" action="/i18n/setlang/" method="post">(.*?)</form>', html, re.S)
    assert form is not None
    for code in ("fr", "en", "es", "ru", "zh-hans", "ar"):
        assert f'value="{code}"' in form.group(1)
    assert 'name="csrfmiddlewaretoken"' in form.group(1)

    # And switching keeps the visitor on the same page, in the chosen language
    response = client.post("/i18n/setlang/", {"language": "en", "next": directory_url("fr")})
    assert response.status_code == 302
    assert response["Location"] == directory_url("en")
