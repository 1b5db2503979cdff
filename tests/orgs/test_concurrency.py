"""Two people answering the same proposal at the same moment: exactly one answer wins."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from network.orgs import services
from network.orgs.models import Partnership, PartnershipStatus, Role
from tests import factories
from tests.concurrency import at_once


@pytest.mark.django_db(transaction=True)
def test_two_coordinators_answering_at_once_one_wins():
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL (CI runs this against it)")
    proposer, partner = factories.organisation(), factories.organisation()
    first = factories.coordinator_of(partner)
    second = factories.member(partner, Role.COORDINATOR)
    proposal = services.partnership_propose(
        proposer=proposer, partner=partner, charter="Values", acting_user=factories.coordinator_of(proposer)
    )
    outcomes = at_once(
        [
            lambda: services.partnership_accept(partnership=Partnership.objects.get(pk=proposal.pk), acting_user=first),
            lambda: services.partnership_decline(
                partnership=Partnership.objects.get(pk=proposal.pk), acting_user=second
            ),
        ],
        refused=(ValidationError,),
    )

    assert outcomes == ["refused", "won"]
    proposal.refresh_from_db()
    assert proposal.status in {PartnershipStatus.ACTIVE, PartnershipStatus.DECLINED}
    assert proposal.answered_by_id in {first.pk, second.pk}
