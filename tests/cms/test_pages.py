"""The Wagtail site's pages render for visitors, list only what they may see, and carry no inline script."""

import re

import pytest
from django.urls import reverse
from django.utils import translation
from wagtail.models import Page, PageViewRestriction, Site

from cms.models import HomePage, SpacesIndexPage, StandardPage
from network.orgs import services
from tests import factories

pytestmark = pytest.mark.django_db

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style\b|\sstyle=", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)


def home() -> HomePage:
    return Site.objects.get(is_default_site=True).root_page.specific


def test_home_page_is_the_default_site_root_and_renders_for_any_host(client):
    # Given the home page created by the cms migration for "localhost" (the test client says "testserver")
    page = home()
    page.intro = "Un réseau d'organisations qui travaillent avec et pour les travailleuses du sexe."
    page.body = [("heading", "Nos valeurs"), ("paragraph", "<p>Respect et confidentialité.</p>")]
    page.save_revision().publish()

    # When a visitor opens it
    response = client.get("/fr/")

    # Then Wagtail falls back to the default site and renders our template with the intro, body and directory link
    html = response.content.decode()
    assert response.status_code == 200
    assert "cms/home_page.html" in [template.name for template in response.templates]
    assert "Un réseau d&#x27;organisations" in html or "Un réseau d'organisations" in html
    assert "<h2>Nos valeurs</h2>" in html
    assert "Respect et confidentialité." in html
    with translation.override("fr"):
        assert f'href="{reverse("orgs:directory")}"' in html


def test_home_page_in_french_says_lang_fr_and_in_arabic_is_right_to_left(client):
    french = client.get("/fr/").content.decode()
    arabic = client.get("/ar/").content.decode()

    assert '<html lang="fr" dir="ltr">' in french
    assert '<html lang="ar" dir="rtl">' in arabic


def test_navigation_offers_sign_in_to_visitors_and_members_links_once_signed_in(client, signed_in):
    # Given an anonymous visitor
    anonymous_html = client.get("/fr/").content.decode()
    # When a member signs in
    signed_in(factories.member(factories.organisation(), "volunteer", public_name="Luna"))
    member_html = client.get("/fr/").content.decode()

    with translation.override("fr"):
        login, logout = reverse("account_login"), reverse("account_logout")
        members_only = [reverse("orgs:dashboard"), reverse("orgs:partnerships"), reverse("account_email")]
        api_token = reverse("accounts:api_token")
    # Then the visitor sees "sign in" and none of the members' links
    assert f'href="{login}' in anonymous_html
    assert not any(f'href="{url}"' in anonymous_html for url in members_only)
    # And the member sees their links and a sign-out form (POST), never a sign-out link
    assert all(f'href="{url}"' in member_html for url in members_only)
    # (a volunteer does not use the API: no token page in their menu)
    assert f'href="{api_token}"' not in member_html
    assert re.search(rf'<form method="post" action="{logout}">', member_html)
    assert f'href="{logout}"' not in member_html


def test_standard_page_renders_its_body_and_lists_its_live_children(client):
    # Given a published page with one live and one draft child
    page = home().add_child(
        instance=StandardPage(title="À propos", slug="a-propos", intro="Qui sommes-nous ?", body=[])
    )
    page.add_child(instance=StandardPage(title="Charte", slug="charte"))
    page.add_child(instance=StandardPage(title="Brouillon secret", slug="brouillon", live=False))

    # When a visitor opens it
    response = client.get(page.url)

    # Then it shows its content and only the live child
    html = response.content.decode()
    assert response.status_code == 200
    assert "À propos" in html and "Qui sommes-nous ?" in html
    assert "Charte" in html
    assert "Brouillon secret" not in html


def test_spaces_index_lists_active_organisations_spaces_only(client):
    # Given two organisations (each gets a space under the spaces index), one of them deactivated
    factories.organisation(name="Collectif Étoile")
    gone = factories.organisation(name="Programme Fermé")
    services.organisation_set_active(organisation=gone, active=False, acting_user=factories.network_admin())
    index = SpacesIndexPage.objects.get()

    # When a visitor opens the spaces index
    response = client.get(index.url)

    # Then only the active organisation's space is listed
    html = response.content.decode()
    assert response.status_code == 200
    assert "Collectif Étoile" in html
    assert "Programme Fermé" not in html


def test_spaces_index_leaves_out_private_spaces(client):
    # Given an organisation whose space is restricted to signed-in users
    organisation = factories.organisation(name="Groupe Discret")
    PageViewRestriction.objects.create(page=organisation.space_page, restriction_type=PageViewRestriction.LOGIN)

    # When an anonymous visitor opens the index, then the space is not listed
    html = client.get(SpacesIndexPage.objects.get().url).content.decode()
    assert "Groupe Discret" not in html


def test_organisation_space_page_links_to_the_organisation_profile(client):
    organisation = factories.organisation(name="Santé Plurielle")

    response = client.get(organisation.space_page.url)

    html = response.content.decode()
    assert response.status_code == 200
    with translation.override("fr"):
        assert reverse("orgs:detail", args=[organisation.slug]) in html


def test_missing_page_uses_the_site_404_template(client):
    response = client.get("/fr/cette-page-n-existe-pas/")

    assert response.status_code == 404
    assert "404.html" in [template.name for template in response.templates]


@pytest.mark.parametrize("path_for", ["home", "standard", "spaces", "directory", "detail", "missing"])
def test_public_pages_carry_no_inline_script_style_or_event_handler(client, path_for):
    """The Content-Security-Policy allows scripts from our origin only: no page may rely on inline code."""
    organisation = factories.organisation(description="Outreach")
    standard = home().add_child(instance=StandardPage(title="Ressources", slug="ressources"))
    with translation.override("fr"):
        paths = {
            "home": "/fr/",
            "standard": standard.url,
            "spaces": SpacesIndexPage.objects.get().url,
            "directory": reverse("orgs:directory"),
            "detail": reverse("orgs:detail", args=[organisation.slug]),
            "missing": "/fr/nulle-part/",
        }

    response = client.get(paths[path_for])

    html = response.content.decode()
    assert response.status_code in (200, 404)
    assert "<html" in html
    assert not INLINE_SCRIPT.search(html)
    assert not INLINE_STYLE.search(html)
    assert not EVENT_HANDLER.search(html)
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_home_page_children_are_reachable_from_the_home_page(client):
    page = home().add_child(instance=StandardPage(title="Nos outils", slug="nos-outils"))

    html = client.get("/fr/").content.decode()

    assert f'href="{page.url}"' in html
    assert Page.objects.filter(pk=page.pk, live=True).exists()
