"""The navigation offers the referral workspace to those who send or receive referrals, and to nobody else."""

import pytest

from network.orgs.models import Role
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("role", "shown"), [(Role.STAFF, True), (Role.COORDINATOR, True), (Role.PEER, False)])
def test_referrals_link_is_shown_only_to_referral_roles(client, signed_in, role, shown):
    signed_in(factories.member(factories.organisation(), role))

    html = client.get("/en/organisations/").content.decode()

    assert ('href="/en/referrals/"' in html) is shown
    assert 'href="/en/services/"' in html and 'href="/en/notifications/"' in html
