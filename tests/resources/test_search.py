"""Searching the library finds text in titles, summaries and bodies, only among what the visitor may see.

Runs on SQLite and on PostgreSQL (Wagtail's database search backend on each).
"""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from wagtail.models import Locale

from network.orgs.models import Role
from network.resources.models import ResourceKind
from network.resources.search import library_search
from network.themes.models import Theme
from tests import factories
from tests.resources import factories as library
from tests.resources.factories import titles_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def lotus():
    return factories.organisation(name="Lotus Outreach")


@pytest.fixture
def etoile():
    return factories.organisation(name="Collectif Étoile")


def test_search_finds_words_in_titles_summaries_and_bodies(client, lotus):
    index = library.library_index()
    library.make_resource(lotus, title="Kit naloxone", summary="Matériel de prévention.")
    library.make_resource(lotus, title="Guide juridique", summary="Vos droits face à la police.")
    library.make_resource(
        lotus,
        title="Retour d'expérience",
        summary="Une maraude.",
        body=[("paragraph", "<p>Nous avons distribué des préservatifs et du gel.</p>")],
    )

    def found(q, **params):
        return titles_in(client.get(index.url, {"q": q, **params}).content.decode())

    assert found("naloxone") == {"Kit naloxone"}
    assert found("police") == {"Guide juridique"}
    assert found("préservatifs") == {"Retour d'expérience"}
    assert found("introuvable") == set()


def test_search_never_returns_a_resource_the_visitor_may_not_see(client, signed_in, lotus, etoile):
    index = library.library_index()
    library.make_resource(lotus, visibility="public", title="Dépistage public")
    library.make_resource(lotus, visibility="network", title="Dépistage réseau")
    library.make_resource(lotus, visibility="organisation", title="Dépistage interne")

    anonymous = client.get(index.url, {"q": "dépistage"}).content.decode()
    assert titles_in(anonymous) == {"Dépistage public"}
    assert re.search(r"1\s+(resource|ressource)\b", anonymous)

    other = signed_in(factories.member(etoile, Role.STAFF)).get(index.url, {"q": "dépistage"}).content.decode()
    assert titles_in(other) == {"Dépistage public", "Dépistage réseau"}

    own = signed_in(factories.member(lotus, Role.PEER)).get(index.url, {"q": "dépistage"}).content.decode()
    assert titles_in(own) == {"Dépistage public", "Dépistage réseau", "Dépistage interne"}


def test_search_combines_with_every_filter(lotus, etoile):
    violence = Theme.objects.get(slug="violence")
    french = Locale.objects.get(language_code="fr")
    library.make_resource(lotus, title="Violences A", kind=ResourceKind.GUIDE, themes=[violence], country="FR")
    library.make_resource(lotus, title="Violences B", kind=ResourceKind.TOOL, themes=[violence], country="BE")
    library.make_resource(etoile, title="Violences C", kind=ResourceKind.GUIDE, country="FR")
    library.make_resource(lotus, title="Violences D", locale="en", kind=ResourceKind.GUIDE, themes=[violence])
    library.make_resource(lotus, title="Santé", kind=ResourceKind.GUIDE, themes=[violence], country="FR")
    anonymous = AnonymousUser()

    def found(**params):
        results = library_search(anonymous, {"q": "violences", **params}, locale=french)
        return {page.title for page in results.page_obj.object_list}, results.result_count

    assert found() == ({"Violences A", "Violences B", "Violences C"}, 3)
    assert found(kind="guide") == ({"Violences A", "Violences C"}, 2)
    assert found(theme="violence") == ({"Violences A", "Violences B"}, 2)
    assert found(organisation=etoile.slug) == ({"Violences C"}, 1)
    assert found(country="BE") == ({"Violences B"}, 1)
    assert found(language="en") == ({"Violences D"}, 1)
    assert found(language="en", theme="violence", kind="guide") == ({"Violences D"}, 1)
    assert found(theme="violence", country="FR", kind="guide") == ({"Violences A"}, 1)


def test_search_results_are_paginated_with_the_query_kept_in_links(client, lotus):
    index = library.library_index()
    for n in range(26):
        library.make_resource(lotus, title=f"Fiche prévention {n}")
    library.make_resource(lotus, title="Autre chose")

    first = client.get(index.url, {"q": "prévention"}).content.decode()
    second = client.get(index.url, {"q": "prévention", "page": "2"}).content.decode()

    assert len(titles_in(first)) == 25
    assert len(titles_in(second)) == 1
    assert re.search(r"26\s+(resources|ressources)", first)
    assert 'href="?q=pr%C3%A9vention&amp;page=2"' in first
