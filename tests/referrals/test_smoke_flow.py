import datetime

import pytest
from django.utils import timezone

from network.directory.models import Service, ServiceCategory
from network.orgs.models import Role
from network.referrals import services
from network.referrals.models import AccessLogEntry, ReferralStatus
from tests import factories


@pytest.mark.django_db
def test_referral_goes_from_consent_to_completion(mailoutbox, django_capture_on_commit_callbacks):
    sender, receiver = factories.organisation(), factories.organisation()
    factories.active_partnership(sender, receiver)
    worker = factories.member(sender, Role.STAFF)
    lawyer = factories.member(receiver, Role.STAFF)
    service = Service.objects.create(
        organisation=receiver, category=ServiceCategory.objects.get(code="legal-advice"), name="Legal advice"
    )
    with django_capture_on_commit_callbacks(execute=True):
        referral = services.referral_send(
            acting_user=worker,
            sender=sender,
            service=service,
            person={
                "name": "Zoya",
                "preferred_language": "ru",
                "contact_channel": "phone",
                "contact_detail": "+33 6 11 22 33 44",
                "needs": "residence permit renewal",
            },
            urgency="soon",
            consent={
                "shared_fields": ["name", "contact"],
                "purpose": "legal advice",
                "method": "verbal",
                "explained_in_language": "ru",
                "valid_until": timezone.localdate() + datetime.timedelta(days=30),
            },
        )
    assert referral.status == ReferralStatus.SENT
    assert services.referral_read_personal(referral=referral, acting_user=lawyer, channel="page") == {}
    with django_capture_on_commit_callbacks(execute=True):
        services.referral_accept(referral=referral, acting_user=lawyer)
    referral.refresh_from_db()
    seen = services.referral_read_personal(referral=referral, acting_user=lawyer, channel="page")
    assert seen == {"person_name": "Zoya", "contact_channel": "phone", "contact_detail": "+33 6 11 22 33 44"}
    assert AccessLogEntry.objects.filter(referral=referral, user=lawyer).count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        services.referral_withdraw_consent(referral=referral, acting_user=worker)
    referral.refresh_from_db()
    assert services.referral_read_personal(referral=referral, acting_user=lawyer, channel="page") == {}
    assert all("Zoya" not in m.body and "+33" not in m.body for m in mailoutbox)
    assert len(mailoutbox) >= 3
