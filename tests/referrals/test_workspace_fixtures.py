"""Shared data for the workspace tests: three organisations, every role, a service, and referrals sent for real.

(Named test_workspace_* so it stays among the workspace test files; it holds fixtures, not tests.)
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone, translation

from network.accounts.models import User
from network.directory.models import Service, ServiceCategory
from network.orgs.models import Organisation, Role
from network.referrals import services
from network.referrals.models import Referral
from tests import factories
from tests.conftest import fresh, rolled_back_after_module

PERSON_NAME = "Zoya-Canary"
CONTACT_DETAIL = "+33 6 99 88 77 66"
NEEDS = "renew the residence permit before March"


@dataclass
class Network:
    sender: Organisation
    receiver: Organisation
    unrelated: Organisation
    service: Service
    other_service: Service
    sender_staff: User
    sender_coordinator: User
    receiver_staff: User
    receiver_coordinator: User
    peer: User
    volunteer: User
    admin: User
    unrelated_staff: User


def make_service(organisation: Organisation, name: str, code: str = "legal-advice", **fields: Any) -> Service:
    return Service.objects.create(
        organisation=organisation, category=ServiceCategory.objects.get(code=code), name=name, **fields
    )


@pytest.fixture(autouse=True)
def in_english():
    """Assertions read the English interface: URLs reversed here carry the /en/ prefix the pages then use."""
    with translation.override("en"):
        yield


@pytest.fixture(scope="module")
def shared_network(django_db_setup, django_db_blocker) -> Iterator[Network]:
    """Built once per test module (three organisations with their page trees, services and eight people), in English
    as each test runs; what a test writes is rolled back after it."""
    with rolled_back_after_module(django_db_blocker), translation.override("en"):
        yield build_network()


@pytest.fixture
def network(db, shared_network) -> Network:
    """The module's network for one test, as fresh objects."""
    return fresh(shared_network)


def build_network() -> Network:
    sender = factories.organisation(name="Street Outreach", city="Marseille")
    receiver = factories.organisation(name="Legal Clinic", city="Lyon")
    unrelated = factories.organisation(name="Far Away", city="Lille")
    factories.active_partnership(sender, receiver)
    return Network(
        sender=sender,
        receiver=receiver,
        unrelated=unrelated,
        service=make_service(receiver, "Lawyer on call", languages=["fr", "ru"], city="Lyon"),
        other_service=make_service(receiver, "Housing desk", code="housing", city="Lyon"),
        sender_staff=factories.member(sender, Role.STAFF, public_name="Outreach worker"),
        sender_coordinator=factories.coordinator_of(sender),
        receiver_staff=factories.member(receiver, Role.STAFF, public_name="Clinic lawyer"),
        receiver_coordinator=factories.coordinator_of(receiver),
        peer=factories.member(sender, Role.PEER),
        volunteer=factories.member(sender, Role.VOLUNTEER),
        admin=factories.network_admin(),
        unrelated_staff=factories.member(unrelated, Role.STAFF),
    )


def send(net: Network, *, shared_fields: list[str] | None = None, **overrides: Any) -> Referral:
    """A referral sent through the real service by the sender's staff."""
    kwargs: dict[str, Any] = {
        "acting_user": net.sender_staff,
        "sender": net.sender,
        "service": net.service,
        "person": {
            "name": PERSON_NAME,
            "preferred_language": "ru",
            "contact_channel": "phone",
            "contact_detail": CONTACT_DETAIL,
            "needs": NEEDS,
        },
        "urgency": "soon",
        "consent": {
            "shared_fields": ["name", "contact"] if shared_fields is None else shared_fields,
            "purpose": "legal advice",
            "method": "verbal",
            "explained_in_language": "ru",
            "valid_until": timezone.localdate() + datetime.timedelta(days=30),
        },
    }
    kwargs.update(overrides)
    return services.referral_send(**kwargs)


def form_data(net: Network, **overrides: Any) -> dict[str, Any]:
    """A complete POST of the referral form."""
    data: dict[str, Any] = {
        "shared_fields": ["name", "contact"],
        "purpose": "legal advice",
        "method": "verbal",
        "explained_in_language": "ru",
        "valid_until": (timezone.localdate() + datetime.timedelta(days=30)).isoformat(),
        "name": PERSON_NAME,
        "preferred_language": "ru",
        "contact_channel": "phone",
        "contact_detail": CONTACT_DETAIL,
        "safe_times": "after 6 pm",
        "age_range": "26_40",
        "needs": NEEDS,
        "urgency": "soon",
        "sender": str(net.sender.pk),
        "service": str(net.service.pk),
    }
    data.update(overrides)
    return data


__all__ = ["CONTACT_DETAIL", "NEEDS", "PERSON_NAME", "form_data", "in_english", "make_service", "network", "send"]
