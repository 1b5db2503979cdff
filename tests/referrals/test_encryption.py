"""Personal fields are encrypted at rest with rotatable keys."""

import datetime
import io

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from network.crypto.keys import multifernet
from network.directory.models import Service, ServiceCategory
from network.orgs.models import Role
from network.referrals import services
from network.referrals.models import Referral
from tests import factories

pytestmark = pytest.mark.django_db


def _referral():
    sender, receiver = factories.organisation(), factories.organisation()
    factories.active_partnership(sender, receiver)
    service = Service.objects.create(
        organisation=receiver, category=ServiceCategory.objects.get(code="housing"), name="Emergency housing"
    )
    return services.referral_send(
        acting_user=factories.member(sender, Role.STAFF),
        sender=sender,
        service=service,
        person={
            "name": "Maribel-Canary",
            "preferred_language": "es",
            "contact_channel": "messaging",
            "contact_detail": "@maribel_canary",
            "needs": "a safe place tonight",
        },
        urgency="urgent",
        consent={
            "shared_fields": ["name"],
            "purpose": "housing",
            "method": "verbal",
            "explained_in_language": "es",
            "valid_until": timezone.localdate() + datetime.timedelta(days=7),
        },
    )


def _stored(referral, column):
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {column} FROM referrals_referral WHERE id = %s",  # noqa: S608 (a column name from the test)
            [referral.pk.hex if connection.vendor == "sqlite" else referral.pk],
        )
        return cursor.fetchone()[0]


def test_personal_fields_are_not_stored_in_clear():
    referral = _referral()
    raw_name, raw_contact = _stored(referral, "person_name"), _stored(referral, "contact_detail")

    assert "Maribel" not in raw_name and "maribel" not in raw_contact
    assert Referral.objects.get(pk=referral.pk).person_name == "Maribel-Canary"


def test_rotating_keys_re_encrypts_every_row_and_old_key_can_then_be_dropped(settings):
    referral = _referral()
    old_key = settings.FIELD_ENCRYPTION_KEYS[0]
    before = _stored(referral, "person_name")
    new_key = Fernet.generate_key().decode()

    settings.FIELD_ENCRYPTION_KEYS = [new_key, old_key]
    call_command("rotate_encryption_keys", stdout=io.StringIO())
    after = _stored(referral, "person_name")
    assert after != before

    settings.FIELD_ENCRYPTION_KEYS = [new_key]  # the old key is gone
    assert multifernet().decrypt(after.encode()).decode() == "Maribel-Canary"
    assert Referral.objects.get(pk=referral.pk).person_name == "Maribel-Canary"
