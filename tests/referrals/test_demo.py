"""The demo network carries referrals in every state, and loading it again adds nothing."""

import pytest
from django.core.management import call_command

from network.demo.referrals import seed_demo_referrals
from network.referrals.models import Referral, ReferralStatus

pytestmark = pytest.mark.django_db


def test_demo_referrals_cover_every_state_with_fake_persons_and_load_once(settings):
    # Given the demo network (its command may already add the referrals)
    settings.SETTINGS_MODULE = "network.settings.test"  # seed_demo refuses production settings
    call_command("seed_demo", quiet_logins=True, without_observatory=True)

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
