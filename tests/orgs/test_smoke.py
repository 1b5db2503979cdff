import pytest

from network.orgs import policy
from network.orgs.policy import Action
from tests import factories


@pytest.mark.django_db
def test_coordinator_manages_own_members_and_not_another_organisations():
    own, other = factories.organisation(), factories.organisation()
    coordinator = factories.member(own, "coordinator")
    assert policy.can(coordinator, Action.MANAGE_MEMBERS, own)
    assert not policy.can(coordinator, Action.MANAGE_MEMBERS, other)
