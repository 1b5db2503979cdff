"""Print, as JSON, what a restored database holds: run against it with DATABASE_URL pointing there.

    DATABASE_URL=postgres://.../restored python -m tests.backups.restored_state

The tests compare it with what the backed-up database held. Personal fields are printed decrypted on purpose:
this runs in tests only, on test data, to prove the restored values decrypt with the field-encryption keys.
"""

from __future__ import annotations

import json
import os


def restored_state() -> dict:
    from network.orgs import policy
    from network.orgs.models import Membership, Organisation
    from network.referrals import rules as referral_rules
    from network.referrals.models import Referral
    from network.resources.models import ResourcePage

    referrals = {}
    for referral in Referral.objects.select_related("consent"):
        receivers = [m.user for m in Membership.objects.filter(organisation=referral.receiver_organisation_id)]
        receiver_fields = set()
        for user in receivers:
            policy.forget(user)
            receiver_fields |= referral_rules.personal_fields_visible_to(user, referral)
        referrals[str(referral.pk)] = {
            "status": referral.status,
            "person_name": referral.person_name,
            "contact_detail": referral.contact_detail,
            "needs": referral.needs,
            "consent_purpose": referral.consent.purpose,
            "erased": referral.personal_data_erased_at is not None,
            "consent_withdrawn": referral.consent.withdrawn_at is not None,
            "receiver_fields": sorted(receiver_fields),
        }
    return {
        "organisations": sorted(str(pk) for pk in Organisation.objects.values_list("pk", flat=True)),
        "memberships": sorted(
            [str(user), str(org), role]
            for user, org, role in Membership.objects.values_list("user_id", "organisation_id", "role")
        ),
        "resources": sorted([page.pk, page.title, page.live] for page in ResourcePage.objects.all()),
        "referrals": referrals,
    }


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "network.settings.test")
    import django

    django.setup()
    print(json.dumps(restored_state()))  # noqa: T201
