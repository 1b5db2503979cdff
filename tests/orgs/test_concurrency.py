"""Two people answering the same proposal at the same moment: exactly one answer wins."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from network.orgs import services
from network.orgs.models import Partnership, PartnershipStatus, Role
from tests import factories


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
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def answer(user, service):
        try:
            barrier.wait(timeout=10)
            service(partnership=Partnership.objects.get(pk=proposal.pk), acting_user=user)
            outcomes.append("won")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=answer, args=(first, services.partnership_accept)),
        threading.Thread(target=answer, args=(second, services.partnership_decline)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == ["refused", "won"]
    proposal.refresh_from_db()
    assert proposal.status in {PartnershipStatus.ACTIVE, PartnershipStatus.DECLINED}
    assert proposal.answered_by_id in {first.pk, second.pk}
