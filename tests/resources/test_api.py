"""The library in the REST API (/api/v1/resources/): who sees which resource, the filters, search, translations,
the shape of a resource, and a query count that does not grow with the list."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.documents.models import Document
from wagtail.rich_text import RichText

from network import urls as project_urls
from network.orgs.models import Role
from network.resources.models import ResourceAttachment, ResourceKind, ResourcePage, Visibility
from network.themes.models import Theme
from tests import factories
from tests.resources import factories as factories_library

# The API is mounted by network/urls.py; until it is, this module mounts it on top of the project's URLs.
_MOUNTED = any(getattr(p, "urlconf_name", None) == "network.resources.api_urls" for p in project_urls.urlpatterns)
if _MOUNTED:
    urlpatterns = project_urls.urlpatterns
else:
    from django.urls import include, path

    urlpatterns = [path("api/v1/", include("network.resources.api_urls")), *project_urls.urlpatterns]

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__), pytest.mark.usefixtures("api_in_english")]

RESOURCES = "/api/v1/resources/"


# ---------------------------------------------------------------------------------------------------------------
# Given: resources published in organisations' spaces, their translations and attachments


def resource(org, title: str = "", *, themes: tuple[str, ...] = (), co_authors: tuple = (), **fields) -> ResourcePage:
    """A resource published (unless live=False) in the organisation's space; themes given by slug; its co-authors
    confirmed (see test_coauthor_consent for those that are not)."""
    page = factories_library.make_resource(
        org,
        title=title or None,
        themes=list(Theme.objects.filter(slug__in=themes)),
        authoring_organisations=list(co_authors),
        **{"kind": ResourceKind.GUIDE, "visibility": Visibility.PUBLIC, **fields},
    )
    factories_library.confirm_co_authors(page)
    return page


def translate(page: ResourcePage, language: str, title: str, *, live: bool = True, **fields) -> ResourcePage:
    """A real translation in another locale (its parents are copied there), published or left as a draft."""
    return factories_library.translate(page, language, live=live, title=title, **fields)


def document(org, title: str) -> Document:
    doc = factories_library.make_document(org, title=title)
    doc.get_file_size()  # stored on upload by the admin's form, as here
    return doc


def attach(page: ResourcePage, doc: Document, title: str = "") -> ResourceAttachment:
    return ResourceAttachment.objects.create(page=page, document=doc, title=title)


def _ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def _detail(client, page) -> object:
    return client.get(f"{RESOURCES}{page.pk}/")


@pytest.fixture
def network():
    """Two organisations; each publishes one resource at each visibility."""
    lotus, etoile = factories.organisation(name="Lotus", slug="lotus"), factories.organisation(name="Etoile")
    pages = {}
    for org in (lotus, etoile):
        for visibility in Visibility.values:
            pages[(org.slug, visibility)] = resource(org, f"{org.name} {visibility}", visibility=visibility)
    return {"lotus": lotus, "etoile": etoile, "pages": pages}


def _pages(network, *keys):
    return {network["pages"][key].pk for key in keys}


# ---------------------------------------------------------------------------------------------------------------
# Who sees what


def test_anonymous_visitor_sees_only_public_resources(client, network):
    response = client.get(RESOURCES)

    assert _ids(response) == _pages(network, ("lotus", "public"), (network["etoile"].slug, "public"))
    assert _detail(client, network["pages"][("lotus", "public")]).status_code == 200
    assert _detail(client, network["pages"][("lotus", "network")]).status_code == 404
    assert _detail(client, network["pages"][("lotus", "organisation")]).status_code == 404


def test_member_of_another_organisation_sees_network_resources_but_not_organisation_only_ones(signed_in, network):
    client = signed_in(factories.member(network["etoile"], Role.PEER))

    visible = _ids(client.get(RESOURCES))

    assert _pages(network, ("lotus", "public"), ("lotus", "network")) <= visible
    assert network["pages"][("lotus", "organisation")].pk not in visible
    assert _detail(client, network["pages"][("lotus", "network")]).status_code == 200
    assert _detail(client, network["pages"][("lotus", "organisation")]).status_code == 404


def test_own_member_sees_their_organisation_only_resource(signed_in, network):
    client = signed_in(factories.member(network["lotus"], Role.VOLUNTEER))

    visible = _ids(client.get(RESOURCES))

    assert _pages(network, *[("lotus", v) for v in Visibility.values]) <= visible
    assert network["pages"][(network["etoile"].slug, "organisation")].pk not in visible
    assert _detail(client, network["pages"][("lotus", "organisation")]).status_code == 200


def test_another_organisations_restricted_resource_answers_404_exactly_like_a_missing_one(signed_in, network):
    client = signed_in(factories.member(network["etoile"], Role.COORDINATOR))
    hidden = network["pages"][("lotus", "organisation")]

    refused = _detail(client, hidden)
    missing = client.get(f"{RESOURCES}{hidden.pk + 10_000}/")

    assert refused.status_code == missing.status_code == 404
    assert refused.json() == missing.json()


def test_drafts_and_unpublished_resources_are_not_listed_even_for_their_authors(signed_in, network):
    lotus = network["lotus"]
    draft = resource(lotus, "Draft guide", live=False)
    client = signed_in(factories.member(lotus, Role.STAFF))

    assert draft.pk not in _ids(client.get(RESOURCES))
    assert _detail(client, draft).status_code == 404


def test_signed_in_answers_are_not_kept_by_shared_caches(signed_in, client, network):
    anonymous = client.get(RESOURCES)
    assert "Cookie" in anonymous["Vary"]

    member = signed_in(factories.member(network["lotus"], Role.STAFF)).get(RESOURCES)
    assert "private" in member["Cache-Control"] or "no-store" in member["Cache-Control"]


# ---------------------------------------------------------------------------------------------------------------
# The shape of a resource


def test_detail_shows_metadata_links_attachments_and_body(client):
    lotus, amaranthe = factories.organisation(name="Lotus", slug="lotus"), factories.organisation(name="Amaranthe")
    pdf = document(lotus, "Outreach kit (PDF)")
    page = resource(
        lotus,
        "Outreach kit",
        kind=ResourceKind.TOOL,
        themes=("harm-reduction", "hiv-stis"),
        country="FR",
        co_authors=(amaranthe,),
        published_on=datetime.date(2025, 3, 1),
        body=[
            ("heading", "Before going out"),
            ("paragraph", RichText("<p>Carry <b>naloxone</b>.</p>")),
            ("key_takeaways", ["Go in pairs", "Listen first"]),
            ("lesson_learned", {"context": "Night", "what_happened": "Rain", "lesson": "Bring tea"}),
            ("document", {"document": pdf, "caption": "Printable"}),
        ],
    )
    attach(page, pdf)

    data = _detail(client, page).json()

    assert data["title"] == "Outreach kit"
    assert (data["kind"], data["kind_label"]) == ("tool", "Tool")
    assert {theme["slug"] for theme in data["themes"]} == {"harm-reduction", "hiv-stis"}
    assert all(theme["label"] for theme in data["themes"])
    assert data["organisation"] == {"id": str(lotus.pk), "slug": "lotus", "name": "Lotus"}
    assert data["authoring_organisations"] == [{"id": str(amaranthe.pk), "slug": amaranthe.slug, "name": "Amaranthe"}]
    assert (data["country"], data["language"], data["visibility"]) == ("FR", "fr", "public")
    assert data["published_on"] == "2025-03-01"
    assert data["url"] == f"http://testserver/fr/spaces/lotus/{page.slug}/"
    assert data["translations"] == []
    assert data["attachments"] == [
        {"title": "Outreach kit (PDF)", "url": f"http://testserver{pdf.url}", "size": len(factories_library.PDF_BYTES)}
    ]
    blocks = {block["type"]: block["value"] for block in data["body"]}
    assert blocks["heading"] == "Before going out"
    assert "<b>naloxone</b>" in blocks["paragraph"]
    assert blocks["key_takeaways"] == ["Go in pairs", "Listen first"]
    assert blocks["lesson_learned"]["lesson"] == "Bring tea"
    assert blocks["document"]["url"] == f"http://testserver{pdf.url}"
    assert blocks["document"]["caption"] == "Printable"


def test_list_rows_carry_no_body(client):
    page = resource(factories.organisation(), body=[("heading", "Inside")])

    row = client.get(RESOURCES).json()["results"][0]

    assert row["id"] == page.pk
    assert "body" not in row


# ---------------------------------------------------------------------------------------------------------------
# Filters and search


def test_each_filter_narrows_the_list(client):
    lotus, etoile = factories.organisation(name="Lotus", slug="lotus"), factories.organisation(slug="etoile")
    guide_fr = resource(lotus, kind=ResourceKind.GUIDE, themes=("harm-reduction",), country="FR")
    tool_be = resource(lotus, kind=ResourceKind.TOOL, themes=("violence",), country="BE")
    report = resource(etoile, kind=ResourceKind.REPORT, themes=("harm-reduction", "violence"))
    guide_en = translate(guide_fr, "en", "Guide in English")

    def ids(query: str) -> set[int]:
        return _ids(client.get(f"{RESOURCES}?{query}"))

    assert ids("kind=guide") == {guide_fr.pk, guide_en.pk}
    assert ids("kind=tool") == {tool_be.pk}
    assert ids("theme=harm-reduction") == {guide_fr.pk, guide_en.pk, report.pk}
    assert ids("theme=violence&kind=report") == {report.pk}
    assert ids("theme=no-such-theme") == set()
    assert ids("language=en") == {guide_en.pk}
    assert ids("language=fr") == {guide_fr.pk, tool_be.pk, report.pk}
    assert ids("language=not a code") == set()
    assert ids("organisation=etoile") == {report.pk}
    assert ids(f"organisation={lotus.pk}") == {guide_fr.pk, guide_en.pk, tool_be.pk}
    assert ids("organisation=nobody") == set()
    assert ids("country=be") == {tool_be.pk}


def test_an_unknown_kind_is_refused_with_a_reason(client):
    response = client.get(f"{RESOURCES}?kind=poem")

    assert response.status_code == 400
    assert response.json() == {"kind": ["This is not one of the accepted values."]}


def test_search_finds_words_in_title_summary_and_body_among_visible_resources_only(client):
    lotus = factories.organisation()
    by_title = resource(lotus, "Naloxone at night")
    by_summary = resource(lotus, "Kit", summary="How to carry naloxone safely.")
    by_body = resource(lotus, "Handbook", body=[("paragraph", RichText("<p>Naloxone reverses overdoses.</p>"))])
    resource(lotus, "Unrelated", summary="Legal aid for tenants.")
    hidden = resource(lotus, "Naloxone for members", visibility=Visibility.NETWORK)

    found = _ids(client.get(f"{RESOURCES}?q=naloxone"))

    assert found == {by_title.pk, by_summary.pk, by_body.pk}
    assert hidden.pk not in found


def test_search_combines_with_filters(client):
    lotus = factories.organisation()
    guide = resource(lotus, "Naloxone guide", kind=ResourceKind.GUIDE, themes=("harm-reduction",))
    resource(lotus, "Naloxone tool", kind=ResourceKind.TOOL, themes=("harm-reduction",))
    resource(lotus, "Naloxone report", kind=ResourceKind.GUIDE, themes=("violence",))

    response = client.get(f"{RESOURCES}?q=naloxone&kind=guide&theme=harm-reduction")

    assert _ids(response) == {guide.pk}
    assert response.json()["count"] == 1


# ---------------------------------------------------------------------------------------------------------------
# Translations


def test_translations_link_only_to_live_translations_the_caller_may_see(client, signed_in):
    lotus = factories.organisation(name="Lotus", slug="lotus")
    source = resource(lotus, "Guide de terrain")
    english = translate(source, "en", "Field guide")
    translate(source, "es", "Guía de campo", live=False)  # a draft: never offered

    offered = {t["language"]: t for t in _detail(client, source).json()["translations"]}

    assert set(offered) == {"en"}
    assert offered["en"]["id"] == english.pk
    assert offered["en"]["title"] == "Field guide"
    assert offered["en"]["url"] == f"http://testserver/en/spaces/lotus/{english.slug}/"
    english_row = _detail(client, english).json()
    assert [t["language"] for t in english_row["translations"]] == ["fr"]

    # Visibility is the resource's: a Russian copy published as organisation-only makes every copy so
    russian = translate(source, "ru", "Полевое руководство", visibility=Visibility.ORGANISATION)
    assert _detail(client, source).status_code == 404
    member = signed_in(factories.member(lotus, Role.STAFF))
    languages = {t["language"] for t in _detail(member, source).json()["translations"]}
    assert languages == {"en", "ru"}
    assert russian.pk in _ids(member.get(f"{RESOURCES}?language=ru"))


def test_untranslated_aliases_are_neither_listed_nor_offered_as_translations(client):
    source = resource(factories.organisation(), "Guide de terrain")
    alias = factories_library.alias_in(source, "en")

    assert alias.live
    assert _ids(client.get(RESOURCES)) == {source.pk}
    assert _detail(client, alias).status_code == 404
    assert _detail(client, source).json()["translations"] == []


def test_organisation_filter_includes_co_authored_resources(client):
    lotus, amaranthe = factories.organisation(slug="lotus"), factories.organisation(slug="amaranthe")
    own = resource(lotus)
    co_authored = resource(amaranthe, co_authors=(lotus,))
    resource(amaranthe)

    assert _ids(client.get(f"{RESOURCES}?organisation=lotus")) == {own.pk, co_authored.pk}


# ---------------------------------------------------------------------------------------------------------------
# Cost


def _fill(org, partner, count: int) -> None:
    for n in range(count):
        page = resource(org, themes=("harm-reduction", "violence"), co_authors=(partner,))
        attach(page, document(org, f"Document {n}"))
        translate(page, "en", f"Translated {n}")


@pytest.mark.parametrize("who", ["anonymous", "member"])
def test_list_costs_the_same_number_of_queries_at_two_sizes(client, signed_in, who):
    lotus, partner = factories.organisation(), factories.organisation()
    api = signed_in(factories.member(lotus, Role.STAFF)) if who == "member" else client

    def count(query: str = "") -> int:
        with CaptureQueriesContext(connection) as queries:
            response = api.get(f"{RESOURCES}{query}")
            assert response.status_code == 200
        return len(queries)

    _fill(lotus, partner, 2)
    count()  # warm the caches every request shares (site root paths)
    small, small_search = count(), count("?q=resource&theme=violence")
    _fill(lotus, partner, 8)

    assert count() == small
    assert count("?q=resource&theme=violence") == small_search
    assert api.get(RESOURCES).json()["count"] == 20


# ---------------------------------------------------------------------------------------------------------------
# The schema


# The enum names the project settings give (SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"]): "kind" and "visibility"
# are also fields of organisations and advocacy pages, with other values.
RESOURCE_ENUM_NAMES = {
    "ResourceKindEnum": "network.resources.models.ResourceKind",
    "ResourceVisibilityEnum": "network.resources.models.Visibility",
}


def _with_resource_enum_names() -> dict:
    from django.conf import settings

    names = settings.SPECTACULAR_SETTINGS.get("ENUM_NAME_OVERRIDES", {})
    return {"ENUM_NAME_OVERRIDES": {**RESOURCE_ENUM_NAMES, **names}}


SPECTACULAR_WITH_RESOURCE_ENUMS = _with_resource_enum_names()


def test_schema_documents_the_resource_endpoints_filters_and_404(tmp_path):
    import yaml
    from django.core.management import call_command

    target = tmp_path / "schema.yml"
    custom = f"{__name__}.SPECTACULAR_WITH_RESOURCE_ENUMS"
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--urlconf", __name__, "--custom-settings", custom,
        "--file", str(target),
    )  # fmt: skip
    schema = yaml.safe_load(target.read_text())

    listing = schema["paths"]["/api/v1/resources/"]["get"]
    parameters = {parameter["name"] for parameter in listing["parameters"]}
    assert {"kind", "theme", "language", "organisation", "country", "q", "limit", "offset"} <= parameters
    retrieve = schema["paths"]["/api/v1/resources/{id}/"]["get"]
    assert {"200", "404"} <= set(retrieve["responses"])
