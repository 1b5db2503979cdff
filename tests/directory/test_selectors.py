"""Finding the right service: open now (in the network's time zone), search by language name in any language."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.test import override_settings
from django.utils import translation

from network.directory import selectors
from network.directory import services as directory
from network.directory.languages import common_language_codes, language_choices, language_codes_named
from network.directory.models import Service, ServiceCategory, Weekday
from network.orgs import policy
from network.orgs.models import Role
from tests import factories

PARIS = ZoneInfo("Europe/Paris")


def at(year: int, month: int, day: int, hour: int, minute: int = 0, zone: ZoneInfo = PARIS) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=zone)


def slot(weekday: int, opens: str, closes: str) -> dict:
    return {
        "weekday": weekday,
        "opens_at": datetime.time.fromisoformat(opens),
        "closes_at": datetime.time.fromisoformat(closes),
        "notes": "",
    }


def new_service(organisation, **fields) -> Service:
    values = {
        "category": ServiceCategory.objects.get(code="sexual-health-testing"),
        "name": "Dépistage rapide",
        "languages": ["fr"],
        "address": "10 rue Publique",
        "city": "Marseille",
    }
    values.update(fields)
    return directory.service_create(
        organisation=organisation,
        acting_user=factories.coordinator_of(organisation),
        opening_hours=values.pop("opening_hours", ()),
        **values,
    )


def listed(pk) -> Service:
    """The service as the directory reads it (opening hours prefetched)."""
    return selectors.public_services().get(pk=pk)


# --- Open now ---------------------------------------------------------------------------------------------------


@pytest.mark.django_db
@override_settings(TIME_ZONE="Europe/Paris")
def test_open_now_follows_the_opening_hours_in_the_network_time_zone():
    # Given a drop-in open on Tuesdays 19:00–23:30 and Sundays 10:00–12:00 (Paris time)
    service = listed(
        new_service(
            factories.organisation(),
            opening_hours=[slot(Weekday.TUESDAY, "19:00", "23:30"), slot(Weekday.SUNDAY, "10:00", "12:00")],
        ).pk
    )

    # Then it is open inside a slot, closed at its closing minute, before it, and on other days
    assert selectors.service_is_open(service, at(2026, 12, 1, 19, 0)) is True  # Tuesday 19:00
    assert selectors.service_is_open(service, at(2026, 12, 1, 23, 29)) is True
    assert selectors.service_is_open(service, at(2026, 12, 1, 23, 30)) is False  # closes at 23:30
    assert selectors.service_is_open(service, at(2026, 12, 1, 18, 59)) is False
    assert selectors.service_is_open(service, at(2026, 12, 2, 20, 0)) is False  # Wednesday
    assert selectors.service_is_open(service, at(2026, 12, 6, 11, 0)) is True  # Sunday (weekday 7)
    # And the time is read where the network is, not where the caller's clock is: 18:30 UTC is 19:30 in Paris
    assert selectors.service_is_open(service, at(2026, 12, 1, 18, 30, zone=ZoneInfo("UTC"))) is True
    # Past midnight in Paris it is Wednesday, even though it is still Tuesday 23:30 in UTC
    assert selectors.service_is_open(service, at(2026, 12, 1, 23, 30, zone=ZoneInfo("UTC"))) is False
    # In summer time (UTC+2), 17:30 UTC is 19:30 in Paris
    assert selectors.service_is_open(service, at(2026, 7, 7, 17, 30, zone=ZoneInfo("UTC"))) is True


@pytest.mark.django_db
def test_open_now_is_unknown_without_opening_hours_and_costs_no_query(django_assert_num_queries):
    service = listed(new_service(factories.organisation()).pk)
    hours = listed(new_service(factories.organisation(), opening_hours=[slot(1, "09:00", "17:00")]).pk)

    with django_assert_num_queries(0):
        assert selectors.service_is_open(service, at(2026, 11, 30, 10)) is None
        assert selectors.service_is_open(hours, at(2026, 11, 30, 10)) is True


def test_a_slot_ending_at_midnight_is_written_as_23_59_the_model_refuses_overnight_slots():
    # The model keeps closes_at > opens_at (a check constraint), so a night service is two slots: 22:00–23:59 on
    # Friday and 00:00–02:00 on Saturday; each is read on its own day.
    from network.directory.models import ServiceOpeningHours

    friday_night = Service()
    friday_night._prefetched_objects_cache = {
        "opening_hours": [
            ServiceOpeningHours(weekday=5, opens_at=datetime.time(22), closes_at=datetime.time(23, 59)),
            ServiceOpeningHours(weekday=6, opens_at=datetime.time(0), closes_at=datetime.time(2)),
        ]
    }
    with override_settings(TIME_ZONE="Europe/Paris"):
        assert selectors.service_is_open(friday_night, at(2026, 12, 4, 23, 0)) is True  # Friday 23:00
        assert selectors.service_is_open(friday_night, at(2026, 12, 5, 1, 0)) is True  # Saturday 01:00
        assert selectors.service_is_open(friday_night, at(2026, 12, 5, 3, 0)) is False


# --- Language names ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("espagnol", "es"),
        ("español", "es"),
        ("Espanol", "es"),
        ("Spanish", "es"),
        ("испанский", "es"),
        ("西班牙语", "es"),
        ("الإسبانية", "es"),
        ("árabe", "ar"),
        ("arabic", "ar"),
        ("arabe", "ar"),
        ("ARAB", "ar"),
        ("العربية", "ar"),
        ("roumain", "ro"),
        ("română", "ro"),
        ("chinois", "zh"),
        ("tigrinya", None),
    ],
)
def test_a_language_is_found_by_its_name_in_any_interface_language_english_or_itself(typed, code):
    found = language_codes_named(typed)

    if code is None:
        assert found == set()
    else:
        assert code in found


def test_short_or_unrelated_words_name_no_language():
    assert language_codes_named("es") == set()
    assert language_codes_named("santé") == set()
    assert language_codes_named("") == set()


@override_settings(NETWORK_COMMON_LANGUAGES=["fr", "es", "ar", "xx"])
def test_pickers_offer_the_common_languages_first_named_in_the_interface_language():
    with translation.override("en"):
        groups = language_choices(["it", "ar", "fr", "de", "es"])

    (common_label, common), (others_label, others) = groups
    assert common == [("fr", "French"), ("es", "Spanish"), ("ar", "Arabic")]  # the configured order
    assert others == [("de", "German"), ("it", "Italian")]  # then the rest, alphabetically
    assert common_language_codes() == ["fr", "es", "ar"]  # an unknown code is left out


# --- Search -----------------------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("espagnol", {"Consultation en espagnol", "Permanence avec interprète"}),
        ("español", {"Consultation en espagnol", "Permanence avec interprète"}),
        ("Spanish", {"Consultation en espagnol", "Permanence avec interprète"}),
        ("árabe", {"Accueil arabophone"}),
        ("arabic", {"Accueil arabophone"}),
        ("arabe", {"Accueil arabophone"}),
        ("Belleville", {"Consultation en espagnol"}),
        ("Housing", {"Accueil arabophone"}),  # the category's English name
        ("Logement", {"Accueil arabophone"}),
        ("Marseille", {"Accueil arabophone"}),
        ("Goutte", set()),  # the area of a confidential drop-in centre is never searched
    ],
)
def test_directory_search_finds_services_by_language_name_category_city_and_area(typed, expected):
    # Given services speaking Spanish, Arabic, and one with an interpreter for Spanish
    org = factories.organisation(city="Paris")
    new_service(org, name="Consultation en espagnol", languages=["fr", "es"], city="Paris", area="Belleville")
    new_service(
        org,
        name="Accueil arabophone",
        languages=["ar"],
        city="Marseille",
        category=ServiceCategory.objects.get(code="housing"),
    )
    new_service(
        org,
        name="Permanence avec interprète",
        languages=["fr"],
        interpreter_available=True,
        interpreter_languages=["es"],
        city="Paris",
    )
    new_service(org, name="Local", languages=["fr"], city="Paris", area="Goutte d'Or", address_is_confidential=True)

    # When a worker types a word in any of the interface languages
    found = selectors.search_services(selectors.public_services(), typed)

    # Then the services speaking (or interpreting) that language, or in that category, city or area, are found
    assert {service.name for service in found} == expected


@pytest.mark.django_db
def test_referable_ids_ask_the_policy_for_the_whole_page_at_once(django_assert_max_num_queries):
    # Given a service that takes referrals from the whole network
    receiver, sender = factories.organisation(), factories.organisation()
    open_to_all = new_service(receiver, referrals_from="network")
    partners_only = new_service(receiver, name="Partenaires seulement", referrals_from="partners")
    staff = factories.member(sender, Role.STAFF)
    peer = factories.member(sender, Role.PEER)
    policy.organisation_permissions(staff)  # the policy reads the memberships once per user, kept on it

    with django_assert_max_num_queries(2):
        assert selectors.referable_service_ids(staff, [open_to_all, partners_only]) == {open_to_all.pk}
    assert selectors.referable_service_ids(peer, [open_to_all]) == set()
    assert selectors.referable_service_ids(factories.member(receiver, Role.STAFF), [open_to_all]) == set()
