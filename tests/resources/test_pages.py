"""Resource pages and the library index show each visitor exactly what the access policy lets them see."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from network.orgs.models import Role
from network.resources.models import Audience, Licence, ResourceKind
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


# ---------------------------------------------------------------------------------------------------------------
# Resource pages


def test_public_resource_page_shows_its_metadata_body_and_documents_to_anonymous_visitors(client, lotus, etoile):
    # Given a public guide co-written by two organisations, with themes, a body and an attachment
    harm_reduction = Theme.objects.get(slug="harm-reduction")
    page = library.make_resource(
        lotus,
        title="Guide de réduction des risques",
        summary="Un guide pratique pour les maraudes.",
        kind=ResourceKind.GUIDE,
        themes=[harm_reduction],
        country="FR",
        audience=Audience.OUTREACH_STAFF,
        programme_context="Maraude de nuit à Marseille.",
        licence=Licence.CC_BY_SA,
        published_on=datetime.date(2026, 3, 8),
        authoring_organisations=[etoile],
        body=[
            ("heading", "Avant de partir"),
            ("paragraph", "<p>Préparer le matériel.</p>"),
            ("key_takeaways", ["Écouter", "Ne pas juger"]),
            ("lesson_learned", {"context": "Hiver", "what_happened": "Froid", "lesson": "Prévoir du thé"}),
        ],
    )
    library.confirm_co_authors(page)  # named only once Étoile confirmed (see test_coauthor_consent)
    document = library.attach_document(page, title="Fiche mémo")

    # When an anonymous visitor opens it
    response = client.get(page.url)

    # Then everything is there, with the organisations' names and a Wagtail document link
    html = response.content.decode()
    assert response.status_code == 200
    for text in (
        "Guide de réduction des risques",
        "Un guide pratique pour les maraudes.",
        str(ResourceKind.GUIDE.label),
        harm_reduction.label,
        "Maraude de nuit à Marseille.",
        "Lotus Outreach",
        "Collectif Étoile",
        "CC BY-SA 4.0",
        "<h2>Avant de partir</h2>",
        "Préparer le matériel.",
        "Ne pas juger",
        "Prévoir du thé",
        "Fiche mémo",
        f'href="{document.url}"',
        'datetime="2026-03-08"',
    ):
        assert text in html, text
    assert "France" in html
    assert "no-store" not in response.get("Cache-Control", "")


def test_resource_page_never_shows_the_name_of_the_person_who_wrote_it(client, lotus):
    author = factories.member(lotus, Role.PEER, first_name="Amandine", last_name="Secret", public_name="Luna")
    page = library.make_resource(lotus, owner=author)

    html = client.get(page.url).content.decode()

    assert "Amandine" not in html and "Secret" not in html and "Luna" not in html
    assert "Lotus Outreach" in html


def test_network_resource_answers_404_to_anonymous_and_opens_for_members_of_any_organisation(
    client, signed_in, lotus, etoile
):
    page = library.make_resource(lotus, visibility="network", title="Note réseau")

    anonymous = client.get(page.url)
    assert anonymous.status_code == 404

    response = signed_in(factories.member(etoile, Role.VOLUNTEER)).get(page.url)
    assert response.status_code == 200
    assert "Note réseau" in response.content.decode()
    assert response["Cache-Control"] == "private, no-store"


def test_organisation_resource_opens_only_for_its_own_members(client, signed_in, lotus, etoile):
    page = library.make_resource(lotus, visibility="organisation", title="Procédure interne")

    assert client.get(page.url).status_code == 404
    assert signed_in(factories.member(etoile, Role.COORDINATOR)).get(page.url).status_code == 404
    assert signed_in(factories.network_admin()).get(page.url).status_code == 404
    own = signed_in(factories.member(lotus, Role.VOLUNTEER)).get(page.url)
    assert own.status_code == 200
    assert own["Cache-Control"] == "private, no-store"


def test_hidden_resource_answers_exactly_like_a_missing_one(client, lotus):
    hidden = library.make_resource(lotus, visibility="organisation")
    missing_url = hidden.url.replace(hidden.slug, "no-such-resource")

    hidden_response = client.get(hidden.url)
    missing_response = client.get(missing_url)

    assert hidden_response.status_code == missing_response.status_code == 404
    # The page echoes its own address (sign-in "next" link, language switcher): compare without it
    assert library.page_without(hidden_response, hidden.slug) == library.page_without(
        missing_response, "no-such-resource"
    )


def test_unpublished_resource_answers_404_even_to_its_organisation(signed_in, lotus):
    page = library.make_resource(lotus, live=False)
    url = f"/fr/spaces/{lotus.slug}/{page.slug}/"

    assert signed_in(factories.member(lotus, Role.COORDINATOR)).get(url).status_code == 404


def test_resource_available_in_other_languages_links_to_live_visible_translations_only(client, lotus):
    # Given a French resource translated to Spanish (published) and to English (draft only)
    page = library.make_resource(lotus, title="Boîte à outils")
    spanish = library.translate(page, "es", title="Caja de herramientas")
    library.translate(page, "en", title="Toolbox", live=False)

    # When a visitor opens the French page
    html = client.get(page.url).content.decode()

    # Then it lists Spanish, linked, and not the unpublished English draft
    assert "Available in" in html or "Disponible en" in html
    assert f'href="{spanish.url}" hreflang="es" lang="es"' in html
    assert 'hreflang="en"' not in html
    assert "shown in" not in html and "affichée en" not in html
    # And the Spanish page points back to the French original
    spanish_html = client.get(spanish.url).content.decode()
    assert f'href="{page.url}" hreflang="fr"' in spanish_html
    assert '<div class="resource__content stack" lang="es" dir="ltr">' in spanish_html


def test_untranslated_resource_says_it_is_shown_in_its_original_language(client, lotus):
    # Given a French resource whose English version is an untranslated copy (alias, as a synced tree has)
    page = library.make_resource(lotus, title="Boîte à outils")
    alias = library.alias_in(page, "en")

    # When a visitor browses in English
    response = client.get(alias.url)

    # Then the French text is shown, marked as French, with a notice in English
    html = response.content.decode()
    assert response.status_code == 200
    assert alias.url.startswith("/en/")
    assert '<html lang="en" dir="ltr">' in html
    assert "This resource is not available in English yet; shown in French." in html
    assert '<div class="resource__content stack" lang="fr" dir="ltr">' in html
    assert "Boîte à outils" in html


def test_resource_reached_under_another_language_prefix_falls_back_with_a_notice(client, lotus):
    # Given an English locale without any English page tree: /en/ routes through the French tree
    library.locale("en")
    page = library.make_resource(lotus, title="Boîte à outils")

    response = client.get("/en" + page.url[len("/fr") :])

    html = response.content.decode()
    assert response.status_code == 200
    assert "This resource is not available in English yet; shown in French." in html
    assert 'lang="fr" dir="ltr"' in html


def test_arabic_resource_renders_right_to_left(client, lotus):
    page = library.make_resource(lotus, title="Boîte à outils")
    arabic = library.translate(page, "ar", title="صندوق الأدوات", summary="دليل عملي")

    response = client.get(arabic.url)

    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="ar" dir="rtl">' in html
    assert '<div class="resource__content stack" lang="ar" dir="rtl">' in html
    assert "صندوق الأدوات" in html
    assert "not available" not in html


# ---------------------------------------------------------------------------------------------------------------
# The library index


def test_library_lists_what_each_visitor_may_see(client, signed_in, lotus, etoile):
    index = library.library_index()
    library.make_resource(lotus, visibility="public", title="Public")
    library.make_resource(lotus, visibility="network", title="Network")
    library.make_resource(lotus, visibility="organisation", title="Lotus only")
    library.make_resource(etoile, visibility="organisation", title="Étoile only")
    library.make_resource(lotus, visibility="public", title="Draft", live=False)

    assert titles_in(client.get(index.url).content.decode()) == {"Public"}
    etoile_member = titles_in(signed_in(factories.member(etoile, Role.PEER)).get(index.url).content.decode())
    assert etoile_member == {"Public", "Network", "Étoile only"}
    lotus_member = titles_in(signed_in(factories.member(lotus, Role.VOLUNTEER)).get(index.url).content.decode())
    assert lotus_member == {"Public", "Network", "Lotus only"}
    admin = titles_in(signed_in(factories.network_admin()).get(index.url).content.decode())
    assert admin == {"Public", "Network"}


def test_library_for_signed_in_members_is_never_stored_by_shared_caches(client, signed_in, lotus):
    index = library.library_index()

    assert "no-store" not in client.get(index.url).get("Cache-Control", "")
    member_response = signed_in(factories.member(lotus, Role.STAFF)).get(index.url)
    assert member_response["Cache-Control"] == "private, no-store"


def test_library_lists_the_resources_of_the_language_being_browsed(client, lotus):
    index = library.library_index()
    english_index = library.library_in("en")
    library.make_resource(lotus, title="Ressource française")
    library.make_resource(lotus, title="English resource", locale="en")

    assert titles_in(client.get(index.url).content.decode()) == {"Ressource française"}
    assert titles_in(client.get(english_index.url).content.decode()) == {"English resource"}
    # The language filter shows another language's resources from here
    chosen = client.get(index.url, {"language": "en"}).content.decode()
    assert titles_in(chosen) == {"English resource"}


def test_library_marks_untranslated_copies_and_the_language_filter_leaves_them_out(client, lotus):
    english_index = library.library_in("en")
    french = library.make_resource(lotus, title="Fiche française")
    library.alias_in(french, "en")
    library.make_resource(lotus, title="English sheet", locale="en")

    listing = client.get(english_index.url).content.decode()
    assert library.titles_in(listing) == {"Fiche française", "English sheet"}
    assert '<article class="card" lang="fr">' in listing
    assert '<article class="card" lang="en">' in listing
    only_english = client.get(english_index.url, {"language": "en"}).content.decode()
    assert library.titles_in(only_english) == {"English sheet"}


def test_library_filters_by_kind_theme_organisation_country_with_counts(client, lotus, etoile):
    index = library.library_index()
    violence = Theme.objects.get(slug="violence")
    hiv = Theme.objects.get(slug="hiv-stis")
    library.make_resource(lotus, title="A", kind=ResourceKind.GUIDE, themes=[violence], country="FR")
    library.make_resource(lotus, title="B", kind=ResourceKind.TOOL, themes=[violence, hiv], country="BE")
    library.make_resource(etoile, title="C", kind=ResourceKind.GUIDE, themes=[hiv], country="FR")
    d = library.make_resource(etoile, title="D", kind=ResourceKind.REPORT, authoring_organisations=[lotus])
    library.confirm_co_authors(d)

    def found(**params):
        html = client.get(index.url, params).content.decode()
        return titles_in(html), html

    assert found(kind="guide")[0] == {"A", "C"}
    assert found(theme="violence")[0] == {"A", "B"}
    assert found(theme="hiv-stis", kind="guide")[0] == {"C"}
    assert found(organisation=lotus.slug)[0] == {"A", "B", "D"}  # D is co-written by Lotus
    assert found(organisation=etoile.slug)[0] == {"C", "D"}
    assert found(country="BE")[0] == {"B"}
    titles, html = found(country="FR", theme="violence")
    assert titles == {"A"}
    assert re.search(r"1\s+(resource|ressource)\b", html)
    titles, html = found()
    assert titles == {"A", "B", "C", "D"}
    assert re.search(r"4\s+(resources|ressources)\b", html)
    # A stale or forged value is ignored rather than failing the page
    assert client.get(index.url, {"kind": "<script>", "theme": "nope"}).status_code == 200


def test_library_filter_form_is_a_labelled_get_form(client, lotus):
    index = library.library_index()
    library.make_resource(lotus, country="BE")

    html = client.get(index.url).content.decode()

    assert '<form class="filters" method="get"' in html
    for name in ("q", "kind", "theme", "language", "organisation", "country"):
        assert f'<label for="id_{name}">' in html
        assert f'name="{name}"' in html
    assert f'<option value="{lotus.slug}">Lotus Outreach</option>' in html
    assert '<option value="BE">' in html


def test_library_paginates_by_25_and_keeps_the_filters_in_page_links(client, lotus):
    index = library.library_index()
    for n in range(27):
        library.make_resource(lotus, title=f"Guide {n:02d}", kind=ResourceKind.GUIDE)
    library.make_resource(lotus, title="A tool", kind=ResourceKind.TOOL)

    first = client.get(index.url, {"kind": "guide"}).content.decode()
    second = client.get(index.url, {"kind": "guide", "page": 2}).content.decode()

    assert len(titles_in(first)) == 25
    assert len(titles_in(second)) == 2
    assert titles_in(first) | titles_in(second) == {f"Guide {n:02d}" for n in range(27)}
    assert "Guide 26" in titles_in(first)  # newest first
    assert 'href="?kind=guide&amp;page=2"' in first
    assert re.search(r"27\s+(resources|ressources)", first)


def _library_queries(client, index, count: int, lotus, etoile) -> tuple[int, int]:
    """Queries for a filtered listing and for a text search, after adding `count` resources."""
    themes = list(Theme.objects.all()[:3])
    for n in range(count):
        page = library.make_resource(
            lotus if n % 2 else etoile,
            title=f"Fiche pratique {n}",
            visibility=("public", "network", "organisation")[n % 3],
            themes=themes,
            country="FR" if n % 2 else "BE",
            authoring_organisations=[etoile],
        )
        if n % 5 == 0:
            library.attach_document(page)
    client.get(index.url)  # warm caches (site root paths) as a running server has them
    counts = []
    for params in ({"theme": themes[0].slug}, {"q": "pratique", "country": "FR"}):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(index.url, params)
        assert response.status_code == 200
        assert library.titles_in(response.content.decode())
        counts.append(len(queries))
    return counts[0], counts[1]


def test_library_runs_the_same_number_of_queries_for_3_or_30_resources(client, signed_in, lotus, etoile):
    index = library.library_index()
    signed_in(factories.member(lotus, Role.STAFF))

    with_three = _library_queries(client, index, 3, lotus, etoile)
    with_thirty = _library_queries(client, index, 27, lotus, etoile)

    assert with_three == with_thirty
    # Session, user, and the user's roles (one query) take 3; Wagtail's routing 7 (site, pages, restrictions); the
    # listing, when not kept in the cache, 5 (locale, themes, count, rows, their themes): the member pages' budget is
    # 15 (a kept listing costs none: tests/resources/test_library_listing_cache.py)
    assert max(with_thirty) <= 15


def test_library_card_shows_a_republished_resource_at_once(client, lotus):
    # given a library whose card of a resource was rendered (and kept) once
    index = library.library_index()
    page = library.make_resource(lotus, title="Fiche ancienne", visibility="public")
    assert library.titles_in(client.get(index.url).content.decode()) == {"Fiche ancienne"}

    # when the resource is published again under another title
    page.title = "Fiche nouvelle"
    page.save_revision().publish()

    # then the next listing shows the new card, not the kept one
    assert library.titles_in(client.get(index.url).content.decode()) == {"Fiche nouvelle"}
