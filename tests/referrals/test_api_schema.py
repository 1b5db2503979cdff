"""The OpenAPI schema documents the referrals API: every path, its request bodies and its refusals."""

from __future__ import annotations

import pytest
from drf_spectacular.generators import SchemaGenerator

pytestmark = pytest.mark.django_db

TRANSITIONS = ["accept", "decline", "redirect", "set-appointment", "complete", "cancel", "withdraw-consent"]


@pytest.fixture(scope="module")
def schema() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


def test_every_referral_path_is_documented(schema):
    paths = set(schema["paths"])

    assert {
        "/api/v1/referrals/",
        "/api/v1/referrals/{id}/",
        "/api/v1/referrals/{id}/messages/",
        "/api/v1/referrals/{id}/events/",
        "/api/v1/referrals/counts/",
        *(f"/api/v1/referrals/{{id}}/{name}/" for name in TRANSITIONS),
    } <= paths


def test_transitions_document_their_body_and_every_refusal(schema):
    for name in TRANSITIONS:
        operation = schema["paths"][f"/api/v1/referrals/{{id}}/{name}/"]["post"]
        expected = {"200", "401", "403", "404", "409"} | ({"400"} if name != "withdraw-consent" else set())
        assert expected <= set(operation["responses"]), name
        assert operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith(
            "/ReferralDetail"
        )
    decline = schema["paths"]["/api/v1/referrals/{id}/decline/"]["post"]
    assert decline["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("/ReferralDeclineRequest")


def test_sending_documents_the_person_and_consent_and_the_list_its_filters(schema):
    create = schema["paths"]["/api/v1/referrals/"]["post"]
    assert {"201", "400", "401", "403"} <= set(create["responses"])
    components = schema["components"]["schemas"]
    body = components["ReferralCreateRequest"]
    assert {"sender", "service", "person", "urgency", "accompaniment", "consent"} <= set(body["properties"])
    assert {"service", "person", "consent"} <= set(body["required"])
    assert {"shared_fields", "purpose", "method", "explained_in_language", "valid_until"} <= set(
        components["ReferralConsentInputRequest"]["properties"]
    )

    listing = schema["paths"]["/api/v1/referrals/"]["get"]
    names = {parameter["name"] for parameter in listing["parameters"]}
    assert {"status", "direction", "service", "urgency", "limit", "offset"} <= names

    detail = components["ReferralDetail"]["properties"]
    assert "person" in detail
    assert "person" not in components["ReferralSummary"]["properties"]


def test_messages_events_and_counts_document_their_answers(schema):
    messages = schema["paths"]["/api/v1/referrals/{id}/messages/"]
    assert {"200", "404"} <= set(messages["get"]["responses"])
    assert {"201", "400", "404", "409"} <= set(messages["post"]["responses"])
    assert "parameters" not in messages["get"] or all(p["in"] == "path" for p in messages["get"]["parameters"])
    events = schema["paths"]["/api/v1/referrals/{id}/events/"]["get"]
    assert {"200", "404"} <= set(events["responses"])
    counts = schema["paths"]["/api/v1/referrals/counts/"]["get"]
    assert {"200", "403"} <= set(counts["responses"])
