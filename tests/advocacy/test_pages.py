"""Advocacy pages on the public site: who may see them, what they show (the chosen byline, the body blocks, only
the messages and resources the visitor may see), and what they never show (who wrote or edited them)."""

from __future__ import annotations

import io

import pytest
from django.contrib.sitemaps.views import sitemap
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from PIL import Image
from wagtail.contrib.sitemaps.sitemap_generator import Sitemap
from wagtail.images import get_image_model

from network.advocacy.models import AdvocacyPage, MessageStatus, PageVisibility, SignatureKind
from network.orgs.models import Role
from network.themes.models import Theme
from tests import factories
from tests.advocacy.factories import make_key_message
from tests.resources.factories import make_resource

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.advocacy.urls")]  # the key messages' pages


def make_page(org, *, owner=None, live: bool = True, **fields) -> AdvocacyPage:
    """An advocacy page in `org`'s space, owned by `owner`, published unless live=False."""
    values = {
        "title": "Decriminalisation now",
        "slug": "decriminalisation-now",
        "kind": "campaign",
        "intro": "Why the law must change.",
        "signature_kind": SignatureKind.COLLECTIVE,
        "live": False,
    }
    values.update(fields)
    page = AdvocacyPage(owner=owner, **values)
    org.space_page.add_child(instance=page)
    revision = page.save_revision(user=owner)
    if live:
        revision.publish()  # as a moderator's approval does
    page.refresh_from_db()
    return page


def url_of(page: AdvocacyPage, language: str = "fr") -> str:
    return f"/{language}{page.url_path.removeprefix('/home')}"


@pytest.fixture
def peer_org():
    organisation = factories.organisation(name="Pairs en Route")
    peer = factories.member(
        organisation,
        Role.PEER,
        username="jdupont",
        email="jeanne.dupont@example.org",
        first_name="Jeanne",
        last_name="Dupont",
        public_name="Iris",
    )
    return organisation, peer


def _names_of(user) -> list[str]:
    return [user.username, user.email, user.first_name, user.last_name, user.get_full_name()]


# ---------------------------------------------------------------------------------------------------------------
# Who sees a page


def test_public_page_is_served_to_everyone_and_network_page_to_members_only_never_cached(client, signed_in, peer_org):
    organisation, peer = peer_org
    public = make_page(organisation, owner=peer, title="Public campaign", slug="public-campaign")
    network = make_page(
        organisation, owner=peer, title="Members dossier", slug="members-dossier", visibility=PageVisibility.NETWORK
    )

    # a visitor reads the public page, and gets 404 for the members-only one, as for a missing page
    assert client.get(url_of(public)).status_code == 200
    assert client.get(url_of(network)).status_code == 404

    # a member of another organisation reads both; the members-only one is never kept by a shared cache
    signed_in(factories.member(factories.organisation(), Role.VOLUNTEER))
    response = client.get(url_of(network))
    assert response.status_code == 200
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    assert 'name="robots" content="noindex' in response.content.decode()


def test_draft_page_is_not_served(client, signed_in, peer_org):
    organisation, peer = peer_org
    page = make_page(organisation, owner=peer, live=False)

    assert client.get(url_of(page)).status_code == 404
    signed_in(peer)
    assert client.get(url_of(page)).status_code == 404  # drafts are read in the admin's preview, not here


# ---------------------------------------------------------------------------------------------------------------
# What a page shows


def test_page_shows_title_kind_intro_themes_and_its_blocks(client, peer_org):
    # given a page with every kind of block, a public resource and an organisation-only resource
    organisation, peer = peer_org
    message = make_key_message(organisation, status=MessageStatus.ADOPTED, statement="Sex work is work.")
    public_resource = make_resource(organisation, title="Safety guide for outreach")
    private_resource = make_resource(organisation, title="Internal safety protocol", visibility="organisation")
    page = make_page(
        organisation,
        owner=peer,
        kind="dossier",
        body=[
            ("heading", "What we ask"),
            ("paragraph", "<p>An end to the penalisation of clients.</p>"),
            ("key_message", message),
            ("testimony", {"text": "They took my phone and my savings.", "signed_as": "Rosa, Lyon"}),
            (
                "call_to_action",
                {
                    "title": "Write to your MP",
                    "text": "A template letter is ready.",
                    "link_url": "https://example.org/letter",
                    "link_label": "Get the letter",
                },
            ),
            ("resource", public_resource),
            ("resource", private_resource),
            ("quote", "Nothing about us without us."),
        ],
    )
    page.themes.set(Theme.objects.filter(slug__in=["decriminalisation", "violence"]))
    page.save_revision().publish()

    # when a visitor opens it
    response = client.get(url_of(page, "en"))
    html = response.content.decode()

    # then everything is there, in the page's template
    assert response.status_code == 200
    assert "advocacy/advocacy_page.html" in [template.name for template in response.templates]
    assert "<h1>Decriminalisation now</h1>" in html
    assert "Dossier" in html and "Why the law must change." in html
    assert Theme.objects.get(slug="violence").label_in("en") in html
    assert "<h2>What we ask</h2>" in html and "An end to the penalisation of clients." in html
    assert "Sex work is work." in html and f'href="/en/advocacy/messages/{message.pk}/"' in html
    assert "They took my phone and my savings." in html and "Rosa, Lyon" in html
    assert "Write to your MP" in html and 'href="https://example.org/letter"' in html and "Get the letter" in html
    assert "Safety guide for outreach" in html
    assert "Nothing about us without us." in html
    # but the resource only the organisation may see is left out entirely
    assert "Internal safety protocol" not in html


def test_key_message_block_is_left_out_while_the_visitor_may_not_see_the_message(client, signed_in, peer_org):
    organisation, peer = peer_org
    draft = make_key_message(organisation, status=MessageStatus.DRAFT, statement="Our draft wording.")
    page = make_page(organisation, owner=peer, body=[("key_message", draft)])

    assert "Our draft wording." not in client.get(url_of(page)).content.decode()
    signed_in(peer)
    assert "Our draft wording." in client.get(url_of(page)).content.decode()


def test_image_block_renders_with_its_alternative_text(client, peer_org):
    organisation, peer = peer_org
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "teal").save(buffer, format="PNG")
    image = get_image_model()(
        title="Banner",
        description="Peer workers marching with a banner",
        file=SimpleUploadedFile("banner.png", buffer.getvalue()),
        collection=organisation.collection,
    )
    image.save()
    page = make_page(organisation, owner=peer, body=[("image", image)])

    html = client.get(url_of(page)).content.decode()

    assert 'alt="Peer workers marching with a banner"' in html
    assert "<img " in html


# ---------------------------------------------------------------------------------------------------------------
# The byline, and who is never named


def test_byline_is_the_pseudonym_the_organisation_or_the_public_name_as_chosen(peer_org):
    organisation, peer = peer_org

    assert make_page(organisation, owner=peer, slug="a", signature_kind="pseudonym", signature_pseudonym="Luna")
    assert AdvocacyPage.objects.get(slug="a").public_signature == "Luna"
    assert make_page(organisation, owner=peer, slug="b", signature_kind="collective").public_signature == (
        "Pairs en Route"
    )
    # "my public name": the public name while the real name is not chosen, never the username or the email
    real = make_page(organisation, owner=peer, slug="c", signature_kind="real_name")
    assert real.public_signature == "Iris"
    peer.show_real_name = True
    peer.save()
    real.refresh_from_db()
    assert real.public_signature == "Jeanne Dupont"


def test_real_name_byline_of_a_person_without_public_name_falls_back_to_the_organisation(peer_org):
    organisation, _peer = peer_org
    nameless = factories.member(organisation, Role.PEER, username="kim87", first_name="Kim", last_name="Nguyen")

    page = make_page(organisation, owner=nameless, signature_kind="real_name")

    assert page.public_signature == "Pairs en Route"


def test_signing_with_a_pseudonym_requires_one(peer_org):
    organisation, peer = peer_org
    unsigned = AdvocacyPage(title="Unsigned", slug="unsigned", signature_kind="pseudonym", signature_pseudonym="  ")

    with pytest.raises(ValidationError) as error:
        organisation.space_page.add_child(instance=unsigned)

    assert "signature_pseudonym" in error.value.message_dict
    assert not AdvocacyPage.objects.filter(slug="unsigned").exists()


def test_page_never_shows_its_owner_editors_or_revision_authors(client, peer_org):
    # given a page written by the peer and last edited and published by the coordinator
    organisation, peer = peer_org
    coordinator = factories.coordinator_of(organisation)
    coordinator.first_name, coordinator.last_name = "Marc", "Lefebvre"
    coordinator.save()
    page = make_page(organisation, owner=peer, signature_kind="pseudonym", signature_pseudonym="Luna")
    page.intro = "Edited by the coordinator."
    page.save_revision(user=coordinator).publish(user=coordinator)

    # when a visitor opens it, then only the chosen pseudonym signs it
    html = client.get(url_of(page)).content.decode()
    assert "Luna" in html and "Edited by the coordinator." in html
    for name in [*_names_of(peer), *_names_of(coordinator), peer.public_name]:
        assert name not in html, name
    assert "wagtail-userbar" not in html and "userbar" not in html


def test_network_only_pages_stay_out_of_the_sitemap(peer_org):
    organisation, peer = peer_org
    make_page(organisation, owner=peer, title="Public campaign", slug="public-campaign")
    make_page(organisation, owner=peer, title="Members", slug="members-only", visibility=PageVisibility.NETWORK)
    request = RequestFactory().get("/sitemap.xml")

    xml = sitemap(request, sitemaps={"wagtail": Sitemap(request)}).render().content.decode()

    assert "public-campaign" in xml
    assert "members-only" not in xml
    assert "jdupont" not in xml and "Dupont" not in xml
