"""The OpenAPI schema is valid, complete without warnings, and documents our API only."""

from __future__ import annotations

import pytest
import yaml
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_schema_generates_and_validates_without_warnings(tmp_path):
    # when the schema is generated the way CI does (`manage.py spectacular --validate --fail-on-warn`)
    target = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))

    # then it is a valid OpenAPI document listing only /api/ paths, with our endpoints in it
    schema = yaml.safe_load(target.read_text())
    paths = set(schema["paths"])
    assert paths, "the schema lists no path"
    assert all(path.startswith("/api/") for path in paths), sorted(paths)
    assert {
        "/api/v1/organisations/",
        "/api/v1/organisations/{id}/",
        "/api/v1/partnerships/",
        "/api/v1/partnerships/{id}/accept/",
        "/api/v1/me/",
        "/api/v1/resources/",
        "/api/v1/resources/{id}/",
        "/api/v1/advocacy/messages/",
        "/api/v1/advocacy/messages/{id}/endorse/",
        "/api/v1/advocacy/messages/{id}/withdraw-endorsement/",
        "/api/v1/advocacy/opportunities/",
    } <= paths


def test_schema_documents_refusals_of_partnership_transitions():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)

    accept = schema["paths"]["/api/v1/partnerships/{id}/accept/"]["post"]
    assert {"200", "400", "403", "404"} <= set(accept["responses"])
    retrieve = schema["paths"]["/api/v1/organisations/{id}/"]["get"]
    assert "404" in retrieve["responses"]


def test_schema_endpoint_serves_the_same_paths(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")

    assert response.status_code == 200
    assert all(path.startswith("/api/") for path in response.json()["paths"])


# ---------------------------------------------------------------------------------------------------------------
# The schema and the server agree (what generated clients rely on; tests/test_api_client.py uses one)


@pytest.fixture(scope="module")
def schema(django_db_blocker) -> dict:
    from drf_spectacular.generators import SchemaGenerator

    with django_db_blocker.unblock():
        return SchemaGenerator().get_schema(request=None, public=True)


def _operations(schema: dict):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            yield path, method, operation


def test_schema_offers_json_bodies_only_and_documents_401_404_415_429_where_they_occur(schema):
    wrong = []
    for path, method, operation in _operations(schema):
        responses = set(operation["responses"])
        name = f"{method.upper()} {path}"
        if "requestBody" in operation:
            if set(operation["requestBody"]["content"]) != {"application/json"}:
                wrong.append(f"{name} takes {sorted(operation['requestBody']['content'])}")
            if "415" not in responses:
                wrong.append(f"{name}: no 415")
        if "{" in path and "404" not in responses:
            wrong.append(f"{name}: no 404")
        if not {"401", "429"} <= responses:
            wrong.append(f"{name}: no 401 or 429")
        elif "Retry-After" not in operation["responses"]["429"].get("headers", {}):
            wrong.append(f"{name}: 429 without Retry-After")
    assert not wrong, "\n".join(wrong)


def test_times_of_day_are_described_as_the_server_writes_them(schema):
    from network.api_schema import TIME_OF_DAY_PATTERN

    opening = schema["components"]["schemas"]["OpeningHours"]["properties"]
    assert "format" not in opening["opens_at"] and opening["opens_at"]["pattern"] == TIME_OF_DAY_PATTERN
    assert "format: time" not in yaml.safe_dump(schema)
    # DRF writes a time of day without offset (what `format: time` would require), e.g. 09:30:00
    import datetime
    import re

    from network.directory.serializers import OpeningHoursSerializer

    written = OpeningHoursSerializer().fields["opens_at"].to_representation(datetime.time(9, 30))
    assert re.match(TIME_OF_DAY_PATTERN, written) and written == "09:30:00"


def test_every_enum_has_a_name_of_its_own_and_filters_use_them(schema, settings):
    import re

    components = schema["components"]["schemas"]
    enums = {name for name, component in components.items() if "enum" in component}
    named = set(settings.SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"])

    # no name made from a collision hash, none left to drf-spectacular's guess from a field name
    assert not [name for name in enums if re.search(r"[0-9a-f]{3}Enum$", name)]
    assert enums - {"BlankEnum", "NullEnum"} == named
    assert {"ReferralStatusEnum", "PartnershipStatusEnum", "KeyMessageStatusEnum"} <= enums
    status = schema["paths"]["/api/v1/referrals/"]["get"]["parameters"]
    assert {"$ref": "#/components/schemas/ReferralStatusEnum"} in [parameter["schema"] for parameter in status]
    # an inline enum carries no title (a translated verbose name would name the generated type)
    for _path, _method, operation in _operations(schema):
        for parameter in operation.get("parameters", []):
            assert "title" not in parameter["schema"], parameter


@pytest.fixture
def staff_token(enrol_totp) -> str:
    from rest_framework.authtoken.models import Token

    from tests import factories

    user = enrol_totp(factories.member(factories.organisation(name="Outreach Nord")))
    return Token.objects.create(user=user).key


def test_every_route_with_an_id_answers_a_malformed_id_with_a_json_404(client, schema, staff_token):
    # given a staff member's token (two-factor set up), when every method of every route with an id or key in its
    # path is called with ids no route can hold
    wrong = []
    for path, method, _operation in _operations(schema):
        if "{" not in path:
            continue
        for malformed in ("not-a-uuid", "a.b"):  # a lookup that fails, a path no route matches
            url = path.replace("{id}", malformed).replace("{table}", malformed)
            response = getattr(client, method)(
                url, {}, content_type="application/json", HTTP_AUTHORIZATION=f"Token {staff_token}"
            )
            # then each answers 404 in JSON, with a detail, like a missing object (never the site's HTML page)
            if (
                response.status_code != 404
                or response["Content-Type"] != "application/json"
                or "detail" not in (response.json())
            ):
                wrong.append(f"{method.upper()} {url[:70]}: {response.status_code} {response['Content-Type']}")
    assert not wrong, "\n".join(wrong)


def test_form_and_multipart_bodies_are_refused_with_415_and_json_is_read(client, staff_token):
    from network.referrals.models import Referral

    headers = {"HTTP_AUTHORIZATION": f"Token {staff_token}", "HTTP_ACCEPT_LANGUAGE": "en"}
    body = {"service": "not-a-service"}

    # when a staff member sends a referral's body as a form, as multipart, then as JSON
    form = client.post(
        "/api/v1/referrals/", "service=not-a-service", content_type="application/x-www-form-urlencoded", **headers
    )
    multipart = client.post("/api/v1/referrals/", body, **headers)  # the test client's default: multipart
    json = client.post("/api/v1/referrals/", body, content_type="application/json", **headers)

    # then the form and multipart bodies are refused unread (415, JSON with a detail); the JSON one is read and
    # judged (400: the service and the rest are wrong); nothing was sent
    for refused in (form, multipart):
        assert refused.status_code == 415, refused.content
        assert "detail" in refused.json()
    assert json.status_code == 400 and "service" in json.json()
    assert not Referral.objects.exists()


def test_a_throttled_caller_gets_the_documented_429_with_retry_after(client, schema, monkeypatch):
    from rest_framework.throttling import SimpleRateThrottle

    # given anonymous callers may make one request a minute
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": "1/minute", "user": "1/minute"})

    # when an anonymous caller lists services twice
    first = client.get("/api/v1/services/")
    second = client.get("/api/v1/services/")

    # then the second answer is the 429 the schema describes: JSON with a detail, and when to try again
    assert first.status_code == 200
    assert second.status_code == 429 and "detail" in second.json()
    assert int(second["Retry-After"]) > 0
    documented = schema["paths"]["/api/v1/services/"]["get"]["responses"]["429"]
    assert "Retry-After" in documented["headers"]
    assert documented["content"]["application/json"]["schema"]["$ref"].endswith("/Error")
