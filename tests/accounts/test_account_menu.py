"""The member's own space: the "My account" menu per role, and its pages (names, language, email addresses,
password, two-factor, sessions, API token) in the site's layout and the interface language."""

import re

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.test import Client
from django.urls import reverse
from django.utils import translation

from network.accounts.menu import account_menu
from network.orgs.models import Role
from tests import factories
from tests.factories import UserFactory

from .conftest import PASSWORD

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.accounts.urls")]


@pytest.fixture(autouse=True)
def _in_french():
    """The site's default language, whatever an earlier test left active: addresses are reversed under /fr/."""
    with translation.override("fr"):
        yield


EVERY_ROLE_ITEMS = ["name", "language", "email", "password", "two_factor", "sessions", "notifications"]


def _menu_keys(user) -> list[str]:
    return [item.key for item in account_menu(user)]


def _header_account_links(html: str) -> list[str]:
    """The addresses the header's "My account" disclosure links to."""
    menu = re.search(r'<details class="account-menu">(.*?)</details>', html, re.S)
    assert menu, "no My account menu in the header"
    return re.findall(r'href="([^"]+)"', menu.group(1))


def test_menu_offers_the_api_token_only_to_roles_that_use_the_api():
    # given a member of each role, a network administrator and a member of no organisation
    organisation = factories.organisation()
    with_api = [
        factories.network_admin(),
        factories.coordinator_of(organisation),
        factories.member(organisation, Role.STAFF),
    ]
    without_api = [factories.member(organisation, Role.PEER), factories.member(organisation, Role.VOLUNTEER)]
    without_api.append(UserFactory())

    # then every member has the same account pages, and only coordinators, staff and admins the API token
    for user in with_api:
        assert _menu_keys(user) == [*EVERY_ROLE_ITEMS[:-1], "api_token", "notifications"], user
    for user in without_api:
        assert _menu_keys(user) == EVERY_ROLE_ITEMS, user


@pytest.mark.parametrize(("role", "offers_token"), [(Role.STAFF, True), (Role.PEER, False), (Role.VOLUNTEER, False)])
def test_header_my_account_menu_follows_the_role(signed_in, role, offers_token):
    # given a member signed in
    member = factories.member(factories.organisation(), role)
    client = signed_in(member)

    # when they open their dashboard
    html = client.get(reverse("orgs:dashboard")).content.decode()

    # then the header's "My account" menu lists their account pages, the API token only for an API role
    links = _header_account_links(html)
    assert reverse("account_email") in links and reverse("usersessions_list") in links
    assert reverse("mfa_index") in links and reverse("account_change_password") in links
    assert reverse("accounts:profile") + "#name" in links
    assert (reverse("accounts:api_token") in links) is offers_token
    # and the menu button of phones controls the navigation
    assert 'aria-controls="site-nav"' in html and 'id="site-nav"' in html and 'aria-expanded="false"' in html


def test_header_of_an_api_role_and_of_a_peer_are_not_mixed_up_by_the_cache(signed_in):
    # given a staff member and a peer of the same organisation, opening the same page one after the other
    organisation = factories.organisation()
    staff, peer = factories.member(organisation, Role.STAFF), factories.member(organisation, Role.PEER)
    url = reverse("advocacy:message_list")
    staff_page = signed_in(staff).get(url).content.decode()
    peer_client = Client()
    peer_client.force_login(peer, backend="allauth.account.auth_backends.AuthenticationBackend")
    peer_page = peer_client.get(url).content.decode()

    # then each sees the menu of their own role
    assert reverse("accounts:api_token") in _header_account_links(staff_page)
    assert reverse("accounts:api_token") not in _header_account_links(peer_page)


def test_notification_preferences_lead_to_the_profile_until_notifications_offer_their_own_page():
    member = UserFactory()
    notifications = next(item for item in account_menu(member) if item.key == "notifications")
    try:
        expected = reverse("notifications:preferences")
    except Exception:  # noqa: BLE001  (the notifications app has no preferences page yet)
        expected = reverse("accounts:profile") + "#notifications"
    assert notifications.url == expected


@pytest.mark.parametrize(
    "url_name", ["accounts:profile", "account_email", "account_change_password", "mfa_index", "usersessions_list"]
)
def test_every_account_page_is_in_the_site_layout_with_the_account_navigation(signed_in, url_name):
    # given a peer worker signed in (French is the site's default language)
    client = signed_in(factories.member(factories.organisation(), Role.PEER))

    # when they open one of their account pages
    response = client.get(reverse(url_name))

    # then it answers in the site's layout, in the interface language, with the account's own navigation
    html = response.content.decode()
    assert response.status_code == 200, url_name
    assert '<html lang="fr"' in html and 'class="site-header"' in html
    assert 'class="account-nav"' in html and 'aria-current="page"' in html
    assert "no-store" in response["Cache-Control"]


def test_member_changes_their_public_name_and_chooses_to_show_their_real_name(signed_in):
    # given a peer worker known by a pseudonym
    peer = factories.member(factories.organisation(), Role.PEER)
    peer.public_name, peer.first_name, peer.last_name = "Lune", "", ""
    peer.save()
    client = signed_in(peer)

    # when they change their pseudonym, give their real name without showing it
    saved = client.post(
        reverse("accounts:profile"),
        {
            "section": "names",
            "names-public_name": "  Étoile ",
            "names-first_name": "Ana",
            "names-last_name": "Pop",
        },
    )

    # then others see the new pseudonym, never the real name
    peer.refresh_from_db()
    assert saved.status_code == 302 and saved.url.endswith("#name")
    assert (peer.public_name, peer.real_name(), peer.show_real_name) == ("Étoile", "Ana Pop", False)
    assert peer.display_name == "Étoile"

    # and once they tick "show my real name", the real name is what others see
    client.post(
        reverse("accounts:profile"),
        {
            "section": "names",
            "names-public_name": "Étoile",
            "names-first_name": "Ana",
            "names-last_name": "Pop",
            "names-show_real_name": "on",
        },
    )
    peer.refresh_from_db()
    assert peer.display_name == "Ana Pop"


def test_saving_the_language_does_not_touch_the_name(signed_in):
    member = UserFactory(public_name="Lune")
    client = signed_in(member)
    response = client.post(reverse("accounts:profile"), {"section": "preferences", "language": "en"})
    member.refresh_from_db()
    assert response.status_code == 302 and member.language == "en" and member.public_name == "Lune"


def test_sessions_page_lists_the_current_session_and_ends_the_others(client, password_login):
    # given a member signed in on two devices through the real sign-in page
    member = UserFactory()
    other_device = Client()
    assert other_device.post(reverse("account_login"), {"login": member.username, "password": PASSWORD}).status_code
    password_login(member.username)
    assert UserSession.objects.filter(user=member).count() == 2

    # when they open their sessions page
    page = client.get(reverse("usersessions_list"))

    # then it lists both sessions, this one marked as the current one
    html = page.content.decode()
    assert page.status_code == 200
    assert html.count('class="card"') == 2 and html.count("badge--success") == 1
    assert 'action="{}"'.format(reverse("usersessions_list")) in html

    # when they sign out every other session
    ended = client.post(reverse("usersessions_list"))

    # then only this one remains, and the other device is signed out
    assert ended.status_code == 302
    assert list(UserSession.objects.filter(user=member).values_list("session_key", flat=True)) == [
        client.session.session_key
    ]
    assert other_device.get(reverse("orgs:dashboard")).status_code == 302
    assert client.get(reverse("orgs:dashboard")).status_code == 200


def test_two_factor_page_says_which_address_to_confirm_before_enrolling(signed_in):
    # given a coordinator who must enrol and has added an address not confirmed yet
    coordinator = factories.coordinator_of(factories.organisation())
    EmailAddress.objects.create(user=coordinator, email="new-address@example.org", verified=False, primary=False)
    client = signed_in(coordinator, with_totp=False)

    # when they are sent to enrolment (any page), following every redirect (enrolment asks the password first)
    held = client.get(reverse("orgs:dashboard"), follow=True)
    if held.redirect_chain and "reauthenticate" in held.redirect_chain[-1][0]:
        held = client.post(held.redirect_chain[-1][0], {"password": PASSWORD}, follow=True)

    # then they land on the two-factor page, which says which address waits and where to confirm it
    html = held.content.decode()
    assert held.redirect_chain[-1][0] == reverse("mfa_index")
    assert "new-address@example.org" in html and reverse("account_email") in html
    assert 'role="alert"' in html
    assert not Authenticator.objects.filter(user=coordinator).exists()

    # and once the address is confirmed, the page offers to set up the app
    EmailAddress.objects.filter(user=coordinator).update(verified=True)
    page = client.get(reverse("mfa_index")).content.decode()
    assert reverse("mfa_activate_totp") in page and "new-address@example.org" not in page
