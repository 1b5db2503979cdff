"""The whole HSDS 3.0 read API: every operation of the official openapi.json, its parameters as the specification
says them, JSON errors, time zones, answers in the request's language (and the page cache keeping them apart), and
this deployment's own openapi.json."""

from __future__ import annotations

import datetime
import json
import uuid
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone, translation
from openapi_spec_validator import validate

from network.directory import hsds
from network.directory.models import Service, ServiceCategory, Weekday
from tests import factories
from tests.directory.test_hsds import (
    CONFIDENTIAL_POSTCODE,
    OPENAPI,
    RAW,
    SERVICE,
    assert_valid,
    category,
    new_service,
    slot,
)

pytestmark = pytest.mark.django_db

SERVICE_AT_LOCATION = RAW + "compiled/service_at_location.json"
SERVICE_AT_LOCATION_PAGE = OPENAPI + "#/paths/~1service_at_locations/get/responses/200/content/application~1json/schema"
TAXONOMY = RAW + "taxonomy.json"
TAXONOMY_TERM = RAW + "taxonomy_term.json"
TAXONOMY_PAGE = OPENAPI + "#/paths/~1taxonomies/get/responses/200/content/application~1json/schema"
TAXONOMY_TERM_PAGE = OPENAPI + "#/paths/~1taxonomy_terms/get/responses/200/content/application~1json/schema"
SERVICE_PAGE = OPENAPI + "#/paths/~1services/get/responses/200/content/application~1json/schema"
ORGANIZATION = RAW + "compiled/organization.json"
ORGANIZATION_PAGE = OPENAPI + "#/paths/~1organizations/get/responses/200/content/application~1json/schema"


def ids(page: dict) -> set[str]:
    return {item["id"] for item in page["contents"]}


def test_taxonomy_and_term_by_id_are_the_ones_the_lists_give(client, network):
    taxonomy = client.get("/hsds/taxonomies").json()
    terms = client.get("/hsds/taxonomy_terms", {"per_page": 200}).json()
    assert_valid(taxonomy, TAXONOMY_PAGE)
    assert_valid(terms, TAXONOMY_TERM_PAGE)

    # When each listed id is asked for, it answers that object, valid against its schema
    for item in taxonomy["contents"]:
        one = client.get(f"/hsds/taxonomies/{item['id']}")
        assert one.status_code == 200
        assert_valid(one.json(), TAXONOMY)
        assert one.json() == item
    for item in terms["contents"]:
        one = client.get(f"/hsds/taxonomy_terms/{item['id']}")
        assert one.status_code == 200
        assert_valid(one.json(), TAXONOMY_TERM)
        assert one.json() == item
    assert terms["total_items"] == ServiceCategory.objects.count()


@pytest.mark.parametrize("path", ["services", "organizations", "taxonomies", "taxonomy_terms", "service_at_locations"])
def test_unknown_or_malformed_ids_answer_a_json_404(client, path):
    for unknown in (uuid.uuid4(), "not-a-uuid", "%20", "1"):
        response = client.get(f"/hsds/{path}/{unknown}")
        assert response.status_code == 404, (path, unknown)
        assert response["Content-Type"].startswith("application/json")
        assert set(response.json()) == {"detail"}
    # and a path no route knows under /hsds/ answers JSON too
    assert client.get("/hsds/nothing/here", HTTP_ACCEPT_LANGUAGE="ru").json() == {"detail": "Не найдено."}


def test_service_at_locations_list_and_detail_public_only_and_valid(client, network):
    page = client.get("/hsds/service_at_locations").json()
    assert_valid(page, SERVICE_AT_LOCATION_PAGE)
    assert {item["service_id"] for item in page["contents"]} == {
        str(network["public"].id),
        str(network["confidential"].id),
    }

    for item in page["contents"]:
        detail = client.get(f"/hsds/service_at_locations/{item['id']}")
        assert detail.status_code == 200
        data = detail.json()
        assert_valid(data, SERVICE_AT_LOCATION)
        assert data["id"] == item["id"] and data["location"] == item["location"]
        assert data["service"]["id"] == item["service_id"]

    # A members-only service at its location is unknown, as any id nobody has
    hidden_id = hsds.derived_id(network["members_only"].id, "service_at_location")
    assert client.get(f"/hsds/service_at_locations/{hidden_id}").status_code == 404


def test_postcode_finds_published_addresses_and_never_a_confidential_one(client, network):
    public = client.get("/hsds/service_at_locations", {"postcode": "13001"}).json()
    secret = client.get("/hsds/service_at_locations", {"postcode": CONFIDENTIAL_POSTCODE}).json()

    assert {item["service_id"] for item in public["contents"]} == {str(network["public"].id)}
    assert secret["contents"] == [] and secret["total_items"] == 0


def test_modified_after_keeps_what_changed_since(client, network):
    # Given the public service changed an hour after the other one
    long_ago = timezone.now() - datetime.timedelta(days=10)
    Service.objects.filter(pk=network["confidential"].pk).update(updated_at=long_ago)
    since = (long_ago + datetime.timedelta(hours=1)).astimezone(ZoneInfo("America/New_York"))

    # When a client asks what changed since (with an offset, or as a plain date)
    next_day = (long_ago + datetime.timedelta(days=1)).date().isoformat()  # a plain date: from its midnight, UTC
    for value in (since.isoformat(), since.isoformat().replace("+", " "), next_day):
        services = client.get("/hsds/services", {"modified_after": value}).json()
        at_locations = client.get("/hsds/service_at_locations", {"modified_after": value}).json()
        # Then only the public service is listed
        assert ids(services) == {str(network["public"].id)}, value
        assert {item["service_id"] for item in at_locations["contents"]} == {str(network["public"].id)}
    assert len(client.get("/hsds/services", {"modified_after": "2000-01-01T00:00:00Z"}).json()["contents"]) == 2


def test_minimal_gives_ids_and_dates_and_full_gives_nested_services(client, network):
    minimal = client.get("/hsds/services", {"minimal": "true"}).json()
    full = client.get("/hsds/services", {"full": "true"}).json()
    plain = client.get("/hsds/services", {"full": "false", "minimal": "false"}).json()

    assert_valid(minimal, SERVICE_PAGE)
    assert all(set(item) == {"id", "name", "status", "last_modified"} for item in minimal["contents"])
    for item in full["contents"]:
        assert_valid(item, SERVICE)
        assert "schedules" in item and "service_at_locations" in item
    assert all("schedules" not in item for item in plain["contents"])


def test_full_and_full_service_nest_organizations_and_their_services(client, network):
    full = client.get("/hsds/organizations", {"full": "true"}).json()
    full_service = client.get(f"/hsds/organizations/{network['health'].id}", {"full_service": "true"}).json()
    plain = client.get(f"/hsds/organizations/{network['health'].id}").json()

    assert_valid(full, ORGANIZATION_PAGE)
    health = next(item for item in full["contents"] if item["id"] == str(network["health"].id))
    assert_valid(health, ORGANIZATION)
    assert [service["id"] for service in health["services"]] == [str(network["public"].id)]
    assert_valid(full_service, ORGANIZATION)
    assert full_service["services"][0]["schedules"] and "schedules" not in plain["services"][0]


def test_format_ndjson_streams_every_result_one_a_line_without_pages(client, network):
    response = client.get("/hsds/services", {"format": "ndjson", "per_page": 1})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/x-ndjson")
    lines = [json.loads(line) for line in response.content.decode().splitlines()]
    assert {line["id"] for line in lines} == {str(network["public"].id), str(network["confidential"].id)}
    terms = client.get("/hsds/taxonomy_terms", {"format": "ndjson"}).content.decode().splitlines()
    assert len(terms) == ServiceCategory.objects.count()


def test_opening_hours_carry_their_time_zone_in_winter_and_summer(network):
    service = network["public"]
    winter = datetime.datetime(2026, 1, 15, 12, tzinfo=datetime.UTC)
    summer = datetime.datetime(2026, 7, 15, 12, tzinfo=datetime.UTC)

    # Paris hours are written with Paris's offset of the day: a client never reads them as UTC
    in_winter = hsds.hsds_schedules(service, now=winter)[0]
    in_summer = hsds.hsds_schedules(service, now=summer)[0]
    assert (in_winter["opens_at"], in_winter["closes_at"], in_winter["timezone"]) == ("09:00+01:00", "12:30+01:00", 1)
    assert (in_summer["opens_at"], in_summer["timezone"]) == ("09:00+02:00", 2)
    assert "Europe/Paris" in in_winter["description"]


def test_writes_answer_405_with_allow_never_a_csrf_403(network):
    client = Client(enforce_csrf_checks=True)
    urls = ["/hsds/", "/hsds/services", f"/hsds/services/{network['public'].id}", "/hsds/taxonomy_terms"]
    for url in urls:
        for method in ("post", "put", "patch", "delete"):
            response = getattr(client, method)(url, {}, content_type="application/json")
            assert response.status_code == 405, (method, url)
            assert response["Allow"] == "GET, HEAD"
            assert "detail" in response.json()
        assert client.get(url).status_code == 200
        assert client.head(url).status_code == 200


def test_root_points_to_our_own_valid_openapi_description(client):
    root = client.get("/hsds/").json()
    assert root["openapi_url"] == "http://testserver/hsds/openapi.json"

    response = client.get("/hsds/openapi.json")

    assert response.status_code == 200
    document = response.json()
    validate(document)  # a valid OpenAPI 3.1 document (openapi-spec-validator)
    assert document["servers"] == [{"url": "http://testserver/hsds", "description": "This deployment's HSDS API."}]
    assert "raw.githubusercontent.com" not in response.content.decode()  # stands alone, offline
    paths = document["paths"]
    assert {"/taxonomies/{id}", "/taxonomy_terms/{id}", "/service_at_locations", "/service_at_locations/{id}"} <= set(
        paths
    )
    parameters = [p.get("$ref", "") for p in paths["/service_at_locations"]["get"]["parameters"]]
    assert "#/components/parameters/proximity" not in parameters  # not offered: no coordinates
    assert "CC BY-SA 4.0" == document["info"]["license"]["name"]


def test_answers_are_in_the_request_language_and_say_so(client, network):
    # Given a service speaking French and Romanian, in the category "sexual-health-testing"
    service_url = f"/hsds/services/{network['public'].id}"

    # When a Russian and a French client ask
    russian = client.get(service_url, HTTP_ACCEPT_LANGUAGE="ru")
    french = client.get(service_url, HTTP_ACCEPT_LANGUAGE="fr")

    # Then each reads the names in their language, and the answer says it varies by language
    def names(response):
        data = response.json()
        return (
            {language["code"]: language["name"] for language in data["languages"]},
            data["attributes"][0]["taxonomy_term"]["name"],
            data["attributes"][0]["taxonomy_term"]["language"],
        )

    assert names(russian) == ({"fr": "Французский", "ro": "Румынский"}, "Тестирование на ВИЧ и ИППП", "ru")
    assert names(french) == ({"fr": "Français", "ro": "Roumain"}, "Dépistage en santé sexuelle", "fr")
    for response in (russian, french):
        assert "Accept-Language" in response["Vary"]
    assert (russian["Content-Language"], french["Content-Language"]) == ("ru", "fr")


def test_the_page_cache_never_gives_one_language_the_copy_of_another(client, network):
    url = "/hsds/taxonomy_terms"
    expected = {
        code: category().label_in(code) for code in ("fr", "en", "es", "ru", "zh-hans", "ar")
    }  # six different names

    def first_name(language):
        response = client.get(url, {"search": "sexual-health"}, HTTP_ACCEPT_LANGUAGE=language)
        return response["X-Page-Cache"], response.json()["contents"][0]["name"]

    # When each language asks twice (the first fills the cache, the second is served from it)
    for language, name in expected.items():
        assert first_name(language) == ("miss", name), language
    for language, name in expected.items():
        assert first_name(language) == ("hit", name), language
    assert len(set(expected.values())) == 6


def test_taxonomy_terms_are_named_in_all_six_languages():
    for term in ServiceCategory.objects.all():
        names = {code: term.label_in(code) for code in ("fr", "en", "es", "ru", "zh-hans", "ar")}
        assert all(names.values()), term.code
        with translation.override("ar"):
            assert hsds.hsds_taxonomy_term(term)["name"] == names["ar"]


def test_a_service_made_after_the_first_page_changes_no_query_count_of_full_lists(client, network):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count(url):
        with CaptureQueriesContext(connection) as queries:
            assert Client().get(url).status_code == 200
        return len(queries)

    urls = ["/hsds/services?full=true", "/hsds/organizations?full_service=true", "/hsds/service_at_locations"]
    before = {url: count(url) for url in urls}
    new_service(network["health"], name="Encore", opening_hours=[slot(Weekday.MONDAY, "09:00", "10:00")])
    new_service(factories.organisation(name="Autre"), name="Autre service", category=category())
    after = {url: count(url) for url in urls}  # the new services changed the cache's generation: counted again
    assert after == before
