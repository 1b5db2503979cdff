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
