"""Changes to the service directory: coordinators only, validated as a whole, nothing written when refused."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from wagtail.models import ModelLogEntry

from network.directory import services as directory
from network.directory.models import LocationType, Service, ServiceCategory, Weekday
from network.orgs import policy, services
from network.orgs.models import Role
from tests import factories

pytestmark = pytest.mark.django_db


def category(code: str = "legal-advice") -> ServiceCategory:
    return ServiceCategory.objects.get(code=code)


def slot(weekday: int, opens: str, closes: str, notes: str = "") -> dict:
    return {
        "weekday": weekday,
        "opens_at": datetime.time.fromisoformat(opens),
        "closes_at": datetime.time.fromisoformat(closes),
        "notes": notes,
    }


def fields(**overrides) -> dict:
    values = {
        "category": category(),
        "name": "Permanence juridique",
        "languages": ["fr", "ar"],
        "address": "3 place de la Loi",
        "postal_code": "69001",
        "city": "Lyon",
    }
    values.update(overrides)
    return values


def test_coordinator_declares_a_service_with_opening_hours_verified_today():
    # Given a legal clinic and its coordinator
    clinic = factories.organisation(name="Clinique juridique")
    coordinator = factories.coordinator_of(clinic)

    # When the coordinator declares a service with two opening slots
    service = directory.service_create(
        organisation=clinic,
        acting_user=coordinator,
        opening_hours=[slot(Weekday.TUESDAY, "14:00", "18:00"), slot(Weekday.THURSDAY, "09:00", "12:00", "Sans RDV")],
        **fields(languages=["FR", "ar", "fr"]),
    )

    # Then it is saved with normalised languages, its hours, today's verification, and an audit entry
    service.refresh_from_db()
    assert service.organisation == clinic
    assert service.languages == ["fr", "ar"]
    assert service.last_verified == timezone.localdate()
    assert [(s.weekday, s.opens_at, s.notes) for s in service.opening_hours.all()] == [
        (Weekday.TUESDAY, datetime.time(14), ""),
        (Weekday.THURSDAY, datetime.time(9), "Sans RDV"),
    ]
    assert ModelLogEntry.objects.filter(action="orgs.service.create", object_id=str(service.pk)).exists()


@pytest.mark.parametrize("role", [Role.STAFF, Role.PEER, Role.VOLUNTEER])
def test_only_coordinators_of_the_organisation_manage_its_services(role):
    # Given a clinic with a service, one of its non-coordinator members, and another organisation's coordinator
    clinic = factories.organisation()
    service = directory.service_create(organisation=clinic, acting_user=factories.coordinator_of(clinic), **fields())
    member = factories.member(clinic, role)
    other_coordinator = factories.coordinator_of(factories.organisation())

    # When they try to declare or change services of the clinic, they are refused and nothing changes
    for user in (member, other_coordinator):
        with pytest.raises(policy.AccessDenied):
            directory.service_create(organisation=clinic, acting_user=user, **fields(name="Autre"))
        with pytest.raises(policy.AccessDenied):
            directory.service_update(service=service, acting_user=user, name="Renamed")
        with pytest.raises(policy.AccessDenied):
            directory.service_set_active(service=service, active=False, acting_user=user)
        with pytest.raises(policy.AccessDenied):
            directory.service_mark_verified(service=service, acting_user=user)
    service.refresh_from_db()
    assert (service.name, service.is_active) == ("Permanence juridique", True)
    assert Service.objects.filter(organisation=clinic).count() == 1

    # while the clinic's coordinator may
    directory.service_update(service=service, acting_user=factories.coordinator_of(clinic), name="Renamed")
    service.refresh_from_db()
    assert service.name == "Renamed"


def test_closing_before_opening_is_refused_and_nothing_changes():
    # Given a service open on Monday mornings
    clinic = factories.organisation()
    coordinator = factories.coordinator_of(clinic)
    service = directory.service_create(
        organisation=clinic, acting_user=coordinator, opening_hours=[slot(1, "09:00", "12:00")], **fields()
    )

    # When its coordinator renames it and gives a slot that closes before it opens
    with pytest.raises(ValidationError) as refused:
        directory.service_update(
            service=service,
            acting_user=coordinator,
            name="Nouveau nom",
            opening_hours=[slot(Weekday.WEDNESDAY, "18:00", "10:00")],
        )

    # Then the error names the problem, and neither the name nor the hours changed
    assert "opening_hours" in refused.value.message_dict
    service.refresh_from_db()
    assert service.name == "Permanence juridique"
    assert [(s.weekday, s.opens_at) for s in service.opening_hours.all()] == [(1, datetime.time(9))]


@pytest.mark.parametrize(
    ("overrides", "opening_hours", "field"),
    [
        ({"languages": ["fr", "xx-nope"]}, [], "languages"),
        ({"languages": "fr"}, [], "languages"),
        ({"address": "", "location_type": LocationType.PHYSICAL}, [], "address"),
        ({"email": "not-an-email"}, [], "email"),
        ({"name": ""}, [], "name"),
        ({}, [slot(1, "09:00", "12:00"), slot(1, "11:00", "13:00")], "opening_hours"),
        ({}, [slot(8, "09:00", "12:00")], "opening_hours"),
        ({}, [{"weekday": 1, "opens_at": "nine", "closes_at": "ten"}], "opening_hours"),
    ],
)
def test_bad_input_is_refused_with_a_message_on_the_field_and_nothing_is_created(overrides, opening_hours, field):
    clinic = factories.organisation()

    with pytest.raises(ValidationError) as refused:
        directory.service_create(
            organisation=clinic,
            acting_user=factories.coordinator_of(clinic),
            opening_hours=opening_hours,
            **fields(**overrides),
        )

    assert field in refused.value.message_dict
    assert not Service.objects.filter(organisation=clinic).exists()


def test_fields_outside_the_form_cannot_be_set_through_the_service():
    clinic, other = factories.organisation(), factories.organisation()
    coordinator = factories.coordinator_of(clinic)
    service = directory.service_create(organisation=clinic, acting_user=coordinator, **fields())

    for forbidden in ({"organisation": other}, {"is_active": False}, {"last_verified": datetime.date(2020, 1, 1)}):
        with pytest.raises(ValidationError):
            directory.service_update(service=service, acting_user=coordinator, **forbidden)
    service.refresh_from_db()
    assert (service.organisation, service.is_active, service.last_verified) == (clinic, True, timezone.localdate())


def test_virtual_service_needs_no_address_and_confidential_drop_in_stays_in_person():
    clinic = factories.organisation()
    coordinator = factories.coordinator_of(clinic)

    remote = directory.service_create(
        organisation=clinic, acting_user=coordinator, **fields(location_type=LocationType.VIRTUAL, address="")
    )
    hidden = directory.service_create(
        organisation=clinic, acting_user=coordinator, **fields(name="Local", address_is_confidential=True)
    )

    assert remote.public_location_type == LocationType.VIRTUAL
    assert not remote.address_given_on_referral
    assert hidden.location_type == LocationType.PHYSICAL
    # A confidential drop-in centre is a place people go to: in person, its address given on referral.
    assert hidden.public_location_type == LocationType.PHYSICAL
    assert hidden.address_given_on_referral


def test_coordinator_withdraws_restores_and_verifies_a_service():
    clinic = factories.organisation()
    coordinator = factories.coordinator_of(clinic)
    service = directory.service_create(organisation=clinic, acting_user=coordinator, **fields())
    Service.objects.filter(pk=service.pk).update(last_verified=datetime.date(2024, 1, 1))
    service.refresh_from_db()

    directory.service_set_active(service=service, active=False, acting_user=coordinator)
    assert not Service.objects.get(pk=service.pk).is_active
    directory.service_set_active(service=service, active=True, acting_user=coordinator)
    assert Service.objects.get(pk=service.pk).is_active

    directory.service_mark_verified(service=service, acting_user=coordinator)
    assert Service.objects.get(pk=service.pk).last_verified == timezone.localdate()

    with pytest.raises(ValidationError):
        directory.service_mark_verified(
            service=service, acting_user=coordinator, on=timezone.localdate() + datetime.timedelta(days=1)
        )
    assert Service.objects.get(pk=service.pk).last_verified == timezone.localdate()


def test_inactive_organisation_cannot_declare_services():
    clinic = factories.organisation()
    coordinator = factories.coordinator_of(clinic)
    services.organisation_set_active(organisation=clinic, active=False, acting_user=factories.network_admin())
    policy.forget(coordinator)

    with pytest.raises((ValidationError, policy.AccessDenied)):
        directory.service_create(organisation=clinic, acting_user=coordinator, **fields())
    assert not Service.objects.filter(organisation=clinic).exists()
