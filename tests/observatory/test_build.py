"""The scheduled build: it runs through Celery, survives erasure and purges, gives organisations their exact
figures, gives medians only for groups at the threshold, and refuses a threshold under 5."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from network.observatory import selectors
from network.observatory.models import ObservatoryCount, ObservatorySettings, Release
from network.observatory.services import observatory_build, observatory_settings_update
from network.observatory.tables import CellFlag, Granularity, Scope
from network.observatory.tasks import observatory_build as observatory_build_task
from network.referrals import services as referral_services
from network.referrals.models import Referral, ReferralEvent, ReferralStatus
from tests import factories
from tests.referrals import factories as referral_factories

from . import world

pytestmark = pytest.mark.django_db

MARCH = datetime.datetime(world.YEAR, 3, 10, 12, 0, tzinfo=datetime.UTC)


def _released() -> dict[tuple, dict]:
    latest: dict[tuple, dict] = {}
    for release in Release.objects.order_by("created_at"):
        key = (release.table, release.scope_key, release.granularity, release.year)
        latest[key] = {"cells": release.cells, "suppressed": release.suppressed}
    return latest


def _counts() -> list[tuple]:
    return sorted(ObservatoryCount.objects.values_list("measure", "month", "organisation_id", "dimension", "value"))


def test_erasure_and_a_purge_that_deletes_rows_leave_the_released_figures_unchanged():
    # given referrals completed and one withdrawn last year, sent through the real services, and a first build
    world.regions()
    sender, receiver, sender_org, receiver_org = referral_factories.sender_and_receiver()
    sender_org.region, receiver_org.region = "Nord", "Sud"
    sender_org.save(), receiver_org.save()
    done = [referral_factories.make_referral(sender, receiver, status=ReferralStatus.COMPLETED) for _ in range(3)]
    withdrawn = referral_factories.make_referral(sender, receiver, status=ReferralStatus.CONSENT_WITHDRAWN)
    ids = [r.pk for r in [*done, withdrawn]]
    Referral.objects.filter(pk__in=ids).update(created_at=MARCH, answered_at=MARCH, closed_at=MARCH)
    ReferralEvent.objects.filter(referral_id__in=ids).update(created_at=MARCH)
    observatory_build()
    counts, released = _counts(), _released()
    assert ("referral_outcomes", datetime.date(world.YEAR, 3, 1), receiver_org.pk, "service_provided", 3) in counts
    # when retention erases their personal data (the real purge) and the build runs again
    erased = referral_services.referrals_erase_personal_data(now=timezone.now())
    assert erased == 4
    observatory_build()
    # then nothing changed
    assert _counts() == counts
    assert _released() == released
    # and when a purge deletes the rows themselves, the frozen month keeps its figures
    Referral.objects.filter(pk__in=ids).delete()
    observatory_build()
    assert _counts() == counts
    assert _released() == released


def test_the_build_runs_as_a_celery_task_and_a_second_run_logs_nothing_new():
    seeded = world.network_with_a_small_region()
    observatory_build_task.delay()
    releases = Release.objects.count()
    assert releases > 0
    assert selectors.available_years() == [world.YEAR]
    observatory_build_task.delay()
    assert Release.objects.count() == releases  # nothing changed: no new release logged
    assert not Release.objects.filter(scope_key=str(seeded["east"].pk)).exists()  # organisations: never released


def test_an_organisation_sees_its_own_figures_exact_beside_the_controlled_network_ones():
    seeded = world.network_with_a_small_region()
    observatory_build()
    east = seeded["east"]
    own = selectors.own_organisation_table(east.pk, "referrals_sent_by_category", Granularity.MONTH, world.YEAR)
    assert own is not None and own.release_id is None and own.scope == Scope.ORGANISATION
    legal = [code for code, _label in own.rows].index("legal-advice")
    assert own.cells[legal][2].value == 3 and own.cells[legal][2].flag == CellFlag.EXACT
    assert own.total.value == 3
    network = selectors.released_table("referrals_sent_by_category", Scope.NETWORK, "", Granularity.MONTH, 2025)
    assert network is not None and network.release_id is not None
    assert all(cell.flag != CellFlag.EXACT for row in network.cells for cell in row)
    # another organisation's figures are its own, not the East one's
    north = selectors.own_organisation_table(
        seeded["north"][0].pk, "referrals_sent_by_category", Granularity.MONTH, world.YEAR
    )
    assert north is not None and north.total.value == 6 * (4 + 5)


def test_medians_and_quartiles_are_given_only_where_the_group_reaches_the_threshold():
    # given 12 referrals answered in the North (two providers), 10 in the South and 3 in the East, known delays
    world.regions()
    sender = world.organisation_in("")
    answered = []
    for region, sizes in (("Nord", (6, 6)), ("Sud", (5, 5)), ("Est", (3,))):
        for size in sizes:
            provider = world.organisation_in(region)
            answered.append(world.referrals(sender, world.service(provider, "legal-advice"), size, month=3))
    delays = [[1, 2, 2, 3, 3, 3], [4, 5, 6, 8, 9, 10], [2] * 5, [2] * 5, [1, 1, 1]]
    for referrals, days in zip(answered, delays, strict=True):
        for referral, day in zip(referrals, days, strict=True):
            Referral.objects.filter(pk=referral.pk).update(
                created_at=MARCH, answered_at=MARCH + datetime.timedelta(days=day)
            )
    east_provider = answered[-1][0].receiver_organisation
    observatory_build()
    north = selectors.released_table("time_to_first_answer", Scope.REGION, "north", Granularity.YEAR, world.YEAR)
    east = selectors.released_table("time_to_first_answer", Scope.REGION, "east", Granularity.YEAR, world.YEAR)
    assert north is not None and east is not None
    assert north.statistics["median"].value == 3.5
    assert north.statistics["q1"].value is not None and north.statistics["q3"].value is not None
    assert all(cell.value is None and cell.suppressed for cell in east.statistics.values())
    # the organisation itself gets its exact median
    own = selectors.own_organisation_table(east_provider.pk, "time_to_first_answer", Granularity.YEAR, world.YEAR)
    assert own is not None and own.statistics["median"].value == 1


def test_a_network_administrator_cannot_set_a_threshold_under_five_and_others_cannot_set_any():
    admin = factories.network_admin()
    with pytest.raises(ValidationError) as refused:
        observatory_settings_update(acting_user=admin, threshold=3, rounding_base=5, dominance_share=85)
    assert "threshold" in refused.value.message_dict
    assert ObservatorySettings.load().threshold == 10
    assert (
        observatory_settings_update(acting_user=admin, threshold=5, rounding_base=5, dominance_share=80).threshold == 5
    )
    coordinator = factories.coordinator_of(factories.organisation())
    with pytest.raises(PermissionDenied):
        observatory_settings_update(acting_user=coordinator, threshold=20, rounding_base=5, dominance_share=85)
