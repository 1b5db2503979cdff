"""The demo network loaded by seed_demo: referrals in every state, key messages, advocacy pages through the workflow;
loading each part again adds nothing.

The module reads a copy of the run's seeded demo (tests/demo_database.py: seeded once per run, about 17,000 queries:
organisations with their page trees, resources and their translations, advocacy pages through the workflow, the
observatory's history); each test runs in its own transaction and seeds its part again there.
"""

from __future__ import annotations

import pytest
from django.utils import timezone

from network.advocacy.models import AdvocacyPage, KeyMessage, MessageStatus, PageVisibility
from network.referrals.models import Referral, ReferralStatus
from tests.demo_database import demo_database

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module", autouse=True)
def demo_network(django_db_setup, django_db_blocker, xdist_run_id) -> None:
    with django_db_blocker.unblock(), demo_database(xdist_run_id):
        yield


def test_demo_referrals_cover_every_state_with_fake_persons_and_load_once():
    from network.demo.referrals import seed_demo_referrals

    # Given the demo network (its command may already add the referrals)
    # When the demo referrals are seeded, and seeded again
    seed_demo_referrals()
    # (the observatory's past referrals are long closed and erased: not the ones shown with a person)
    current = Referral.objects.filter(personal_data_erased_at__isnull=True)
    count = current.count()
    assert seed_demo_referrals() == 0

    # Then every state is there once, each person obviously fake, and nothing was added the second time
    assert current.count() == count == len(ReferralStatus.values)
    assert set(current.values_list("status", flat=True)) == set(ReferralStatus.values)
    assert all(referral.person_name.startswith("Demo Person ") for referral in current)


def test_demo_key_messages_cover_every_status_with_versions_and_signatures_and_load_once():
    from network.advocacy.models import Endorsement
    from network.demo.advocacy_messages import DEMO_MESSAGES, seed_demo_key_messages

    seed_demo_key_messages()
    count = KeyMessage.objects.count()
    assert seed_demo_key_messages() == 0

    assert count == KeyMessage.objects.count() == len(DEMO_MESSAGES)
    assert set(KeyMessage.objects.values_list("status", flat=True)) == set(MessageStatus.values)
    assert max(message.revisions.count() for message in KeyMessage.objects.all()) >= 3
    assert Endorsement.objects.filter(withdrawn_at__isnull=True).values("organisation").distinct().count() >= 5
    assert all(message.themes.count() >= 2 for message in KeyMessage.objects.all())


@pytest.mark.urls("tests.advocacy.urls")  # the key messages' pages
def test_demo_advocacy_goes_through_the_workflow_and_adds_nothing_the_second_time(client):
    from wagtail.models import WorkflowState

    from network.advocacy.models import AdvocacyOpportunity, OpportunityParticipation
    from network.demo.advocacy_pages import seed_demo_advocacy

    # given the demo network, which seeds the demo advocacy
    # when the demo advocacy is seeded again, nothing is added
    assert seed_demo_advocacy() == 0

    # then the peer's campaign went through the workflow, approved by a coordinator, signed with a pseudonym
    campaign = AdvocacyPage.objects.get(slug="nos-nuits-nos-droits")
    assert campaign.live and campaign.owner.username == "pairs-peer"
    assert campaign.public_signature == "Nox"
    assert any(block.block_type == "key_message" and block.value for block in campaign.body)  # the demo messages
    state = WorkflowState.objects.get(object_id=str(campaign.pk))
    assert state.status == WorkflowState.STATUS_APPROVED
    assert state.requested_by.username == "pairs-peer"
    # and the coordinator's dossier is for network members
    dossier = AdvocacyPage.objects.get(slug="migrations-et-droits")
    assert dossier.live and dossier.visibility == PageVisibility.NETWORK
    assert client.get(dossier.url).status_code == 404
    assert client.get(campaign.url).status_code == 200

    # and the calendar has 17 December and at least four upcoming opportunities at every level
    titles = list(AdvocacyOpportunity.objects.values_list("title", flat=True))
    assert len(titles) >= 4
    assert any("contre les violences" in title for title in titles)
    day = AdvocacyOpportunity.objects.get(title__contains="contre les violences")
    starts = timezone.localtime(day.starts_at)
    assert (starts.month, starts.day) == (12, 17) and day.all_day
    assert AdvocacyOpportunity.objects.exclude(deadline=None).exists()
    assert set(AdvocacyOpportunity.objects.values_list("level", flat=True)) == {"local", "national", "international"}
    assert all(opportunity.organisations.exists() for opportunity in AdvocacyOpportunity.objects.all())
    # and organisations are named only with their consent: some confirmed, some still invited, one declined
    answers = set(OpportunityParticipation.objects.values_list("status", flat=True))
    assert answers == {"confirmed", "invited", "declined"}
    assert AdvocacyOpportunity.objects.filter(key_messages__isnull=False).exists()
