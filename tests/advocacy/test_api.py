"""The advocacy API under /api/v1/advocacy/: key messages with their signatories, endorsing and withdrawing
(status codes and reasons), and the opportunities calendar. No person's name or id is ever in an answer."""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterator

import pytest
from django.utils import timezone

from network.advocacy import services
from network.advocacy.models import (
    AdvocacyOpportunity,
    Endorsement,
    MessageStatus,
    OpportunityParticipation,
    ParticipationStatus,
)
from network.orgs.models import Role
from tests import factories
from tests.advocacy.factories import advocacy_urls, endorse, make_key_message
from tests.conftest import fresh, rolled_back_after_module

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures(advocacy_urls.__name__)]

MESSAGES = "/api/v1/advocacy/messages/"
OPPORTUNITIES = "/api/v1/advocacy/opportunities/"


@pytest.fixture(scope="module")
def shared_network(django_db_setup, django_db_blocker) -> Iterator[dict]:
    """Built once for the module; each test's writes are rolled back after it."""
    with rolled_back_after_module(django_db_blocker):
        yield build_network()


@pytest.fixture
def network(db, shared_network) -> dict:
    return fresh(shared_network)


def build_network() -> dict:
    """Three organisations; one message in each status drafted by the first; the adopted one signed by two."""
    drafting = factories.organisation(name="Lotus Outreach", slug="lotus-outreach-api")
    signing = factories.organisation(name="Collectif Étoile", slug="collectif-etoile-api")
    other = factories.organisation(name="Amaranthe", slug="amaranthe-api")
    author = factories.member(drafting, Role.PEER, username="canary-author", public_name="Canary Pseudonym")
    messages = {
        status: make_key_message(
            drafting,
            status=status,
            statement=f"Message {status}",
            themes=("harm-reduction", "hiv-stis") if status == MessageStatus.ADOPTED else ("violence",),
            created_by=author,
        )
        for status in MessageStatus.values
    }
    signer = factories.member(signing, Role.COORDINATOR, username="canary-signer", email="canary-signer@example.org")
    endorse(messages[MessageStatus.ADOPTED], signing, by=signer)
    endorse(messages[MessageStatus.ADOPTED], other)
    return {"drafting": drafting, "signing": signing, "other": other, "messages": messages, "people": [author, signer]}


def _statements(response) -> set[str]:
    return {row["statement"] for row in response.json()["results"]}


# ---------------------------------------------------------------------------------------------------------------
# Reading


def test_the_public_reads_adopted_messages_with_their_signatories_and_no_person(client, network):
    response = client.get(MESSAGES)

    assert response.status_code == 200
    assert _statements(response) == {"Message adopted"}
    (row,) = response.json()["results"]
    assert row["signatory_count"] == 2
    assert [(s["slug"], s["name"]) for s in row["signatories"]] == [
        ("collectif-etoile-api", "Collectif Étoile"),
        ("amaranthe-api", "Amaranthe"),
    ]
    assert set(row["signatories"][0]) == {"id", "slug", "name", "endorsed_at"}
    assert row["signatories"][0]["id"] == str(network["signing"].pk)
    assert {theme["slug"] for theme in row["themes"]} == {"harm-reduction", "hiv-stis"}
    body = response.content.decode()
    for person in network["people"]:
        for value in filter(None, (person.username, person.public_name, person.email)):
            assert value not in body
    assert "created_by" not in body and "endorsed_by" not in body


def test_members_also_read_proposed_and_retired_messages_and_their_own_drafts(client, signed_in, network):
    outsider = factories.member(network["other"], Role.PEER)
    insider = factories.member(network["drafting"], Role.PEER)

    assert _statements(signed_in(outsider).get(MESSAGES)) == {
        "Message proposed",
        "Message adopted",
        "Message retired",
    }
    client.logout()
    assert "Message draft" in _statements(signed_in(insider).get(MESSAGES))


def test_messages_filter_by_theme_status_and_language(client, signed_in, network):
    client = signed_in(factories.member(network["other"], Role.PEER))

    assert _statements(client.get(MESSAGES, {"theme": "hiv-stis"})) == {"Message adopted"}
    assert _statements(client.get(MESSAGES, {"status": "retired"})) == {"Message retired"}
    assert _statements(client.get(MESSAGES, {"language": "fr"})) == {
        "Message proposed",
        "Message adopted",
        "Message retired",
    }
    assert _statements(client.get(MESSAGES, {"language": "en"})) == set()
    assert client.get(MESSAGES, {"status": "secret"}).status_code == 400
    assert client.get(MESSAGES, {"language": "xx"}).status_code == 400


def test_a_message_list_runs_a_constant_number_of_queries(client, network, django_assert_max_num_queries):
    client.get(MESSAGES)  # warm caches (locales, content types)
    with django_assert_max_num_queries(12):
        small = client.get(MESSAGES)
    for _ in range(5):
        message = make_key_message(network["drafting"], status=MessageStatus.ADOPTED, themes=("violence",))
        endorse(message, network["signing"])
    with django_assert_max_num_queries(12):
        large = client.get(MESSAGES)
    assert len(large.json()["results"]) == len(small.json()["results"]) + 5


def test_a_message_one_may_not_see_answers_404_like_a_missing_one(client, signed_in, network):
    draft = network["messages"][MessageStatus.DRAFT]
    proposed = network["messages"][MessageStatus.PROPOSED]

    assert client.get(f"{MESSAGES}{proposed.pk}/").status_code == 404  # members only
    assert client.get(f"{MESSAGES}{draft.pk}/").status_code == 404
    outsider = signed_in(factories.member(network["other"], Role.COORDINATOR))
    assert outsider.get(f"{MESSAGES}{draft.pk}/").status_code == 404
    assert outsider.get(f"{MESSAGES}00000000-0000-0000-0000-000000000000/").status_code == 404
    assert outsider.get(f"{MESSAGES}{proposed.pk}/").status_code == 200


# ---------------------------------------------------------------------------------------------------------------
# Endorsing


def _post(client, message, action, organisation):
    return client.post(
        f"{MESSAGES}{message.pk}/{action}/",
        data=json.dumps({"organisation": organisation}),
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )


def test_a_coordinator_endorses_by_id_or_slug_and_withdraws(signed_in, network):
    message = network["messages"][MessageStatus.PROPOSED]
    client = signed_in(factories.coordinator_of(network["other"]))

    response = _post(client, message, "endorse", str(network["other"].pk))
    assert response.status_code == 200
    assert [s["slug"] for s in response.json()["signatories"]] == ["amaranthe-api"]
    assert response.json()["signatory_count"] == 1

    response = _post(client, message, "withdraw-endorsement", "amaranthe-api")
    assert response.status_code == 200
    assert response.json()["signatory_count"] == 0
    assert Endorsement.objects.get(organisation=network["other"], message_key=message.translation_key).withdrawn_at


@pytest.mark.parametrize(
    ("who", "message_status", "organisation", "action", "expected"),
    [
        pytest.param("anonymous", "adopted", "other", "endorse", 401, id="anonymous"),
        pytest.param("other-staff", "adopted", "other", "endorse", 403, id="staff-of-the-organisation"),
        pytest.param("other-peer", "adopted", "other", "endorse", 403, id="peer-of-the-organisation"),
        pytest.param("other-coordinator", "adopted", "signing", "endorse", 403, id="coordinator-of-another-org"),
        pytest.param("network-admin", "adopted", "other", "endorse", 403, id="network-admin"),
        pytest.param("other-coordinator", "adopted", "nowhere", "endorse", 400, id="unknown-organisation"),
        pytest.param("other-coordinator", "draft", "other", "endorse", 404, id="invisible-draft"),
        pytest.param("drafting-coordinator", "draft", "drafting", "endorse", 409, id="own-draft"),
        pytest.param("other-coordinator", "retired", "other", "endorse", 409, id="retired"),
        pytest.param("signing-coordinator", "adopted", "signing", "endorse", 409, id="already-signed"),
        pytest.param("other-coordinator", "proposed", "other", "withdraw-endorsement", 409, id="not-signed"),
        pytest.param("other-staff", "adopted", "other", "withdraw-endorsement", 403, id="staff-withdraws"),
    ],
)
def test_refused_endorsements_answer_with_a_reason_and_change_nothing(
    client, signed_in, network, who, message_status, organisation, action, expected
):
    users = {
        "other-staff": lambda: factories.member(network["other"], Role.STAFF),
        "other-peer": lambda: factories.member(network["other"], Role.PEER),
        "other-coordinator": lambda: factories.coordinator_of(network["other"]),
        "signing-coordinator": lambda: factories.coordinator_of(network["signing"]),
        "drafting-coordinator": lambda: factories.coordinator_of(network["drafting"]),
        "network-admin": factories.network_admin,
    }
    if who != "anonymous":
        client = signed_in(users[who]())
    target = {"nowhere": "no-such-organisation"}.get(organisation) or network[organisation].slug
    before = list(Endorsement.objects.values_list("pk", "withdrawn_at"))

    response = _post(client, network["messages"][message_status], action, target)

    assert response.status_code == expected
    assert response.json()  # a reason, always
    if expected == 403:
        assert "coordinator" in json.dumps(response.json())
    assert list(Endorsement.objects.values_list("pk", "withdrawn_at")) == before


def test_an_endorsement_without_an_organisation_is_a_bad_request(signed_in, network):
    client = signed_in(factories.coordinator_of(network["other"]))

    response = client.post(
        f"{MESSAGES}{network['messages'][MessageStatus.ADOPTED].pk}/endorse/", {}, content_type="application/json"
    )

    assert response.status_code == 400
    assert "organisation" in response.json()


# ---------------------------------------------------------------------------------------------------------------
# Opportunities


def test_opportunities_list_what_the_visitor_may_see_with_visible_messages_only(client, signed_in, network):
    starts = timezone.now() + datetime.timedelta(days=10)
    public = AdvocacyOpportunity(
        title="Consultation publique",
        starts_at=starts,
        level="national",
        place="Paris",
        created_by=network["people"][0],
    )
    public.key_messages.set([network["messages"][MessageStatus.ADOPTED], network["messages"][MessageStatus.DRAFT]])
    public.organisations.set([network["signing"]])
    public.save()  # parental relations are written when the cluster is saved
    # Named only once the organisation confirmed it takes part (see test_participation).
    OpportunityParticipation.objects.create(
        opportunity=public, organisation=network["signing"], status=ParticipationStatus.CONFIRMED
    )
    AdvocacyOpportunity.objects.create(title="Réunion interne", starts_at=starts, level="local", is_public=False)

    anonymous = client.get(OPPORTUNITIES)
    assert anonymous.status_code == 200
    (row,) = anonymous.json()["results"]
    assert row["title"] == "Consultation publique"
    assert row["key_messages"] == [
        {"id": str(network["messages"][MessageStatus.ADOPTED].pk), "statement": "Message adopted"}
    ]
    assert [org["slug"] for org in row["organisations"]] == ["collectif-etoile-api"]
    assert row["calendar_url"].endswith(f"#opportunity-{public.pk}")
    assert "created_by" not in row and network["people"][0].username not in anonymous.content.decode()

    member = signed_in(factories.member(network["other"], Role.PEER))
    assert {row["title"] for row in member.get(OPPORTUNITIES).json()["results"]} == {
        "Consultation publique",
        "Réunion interne",
    }


def test_the_schema_documents_the_advocacy_endpoints_and_their_refusals(advocacy_urls, settings):
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)

    endorse_schema = schema["paths"]["/api/v1/advocacy/messages/{id}/endorse/"]["post"]
    assert {"200", "400", "401", "403", "404", "409"} <= set(endorse_schema["responses"])
    assert "/api/v1/advocacy/messages/{id}/withdraw-endorsement/" in schema["paths"]
    assert "/api/v1/advocacy/opportunities/" in schema["paths"]
    assert "404" in schema["paths"]["/api/v1/advocacy/messages/{id}/"]["get"]["responses"]


def test_services_keep_working_for_the_api_after_a_withdrawal(network):
    # A withdrawn signature is history: the message's signatories no longer list it
    message = network["messages"][MessageStatus.ADOPTED]
    services.endorsement_withdraw(
        message=message, organisation=network["other"], acting_user=factories.coordinator_of(network["other"])
    )
    assert [e.organisation.slug for e in services.key_message_signatories(message)] == ["collectif-etoile-api"]
