"""What the referrals' entries in the erasure ledger mean, registered with backups (see backups/erasure.py).

A referral records two kinds of entry: its consent was withdrawn (or expired), or its personal data was erased.
After a restore, `backups` replays each entry by calling the function registered here for its kind, then runs the
retention purge registered here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from network.backups.erasure import register_eraser, register_purge

from .models import OPEN_STATUSES, EventKind, Referral, ReferralEvent, ReferralStatus
from .services import referral_erase_personal_data, referrals_erase_personal_data

if TYPE_CHECKING:
    from network.backups.ledger import LedgerEntry

# The kinds the referral services write to the ledger (`erasure_ledger_record(kind=...)`).
CONSENT_WITHDRAWN = "consent_withdrawn"
ERASED = "erased"
UNKNOWN_REFERRAL = "unknown_referrals"  # a referral sent after the backup was taken is not in the restored copy


def erasure_replay_consent_withdrawn(entry: LedgerEntry) -> str | None:
    """Re-apply a withdrawal as the live system applied it (consent withdrawn, the referral closed, the receiver
    loses the personal fields), without notifying anyone again."""
    referral = _locked(entry)
    if referral is None:
        return UNKNOWN_REFERRAL
    changed = False
    consent = getattr(referral, "consent", None)
    if consent is not None and consent.withdrawn_at is None:
        consent.withdrawn_at = entry.at
        consent.save(update_fields=["withdrawn_at"])
        changed = True
    if referral.status in OPEN_STATUSES:
        previous = referral.status
        referral.status = ReferralStatus.CONSENT_WITHDRAWN
        referral.closed_at = referral.closed_at or entry.at
        referral.save()
        ReferralEvent.objects.create(
            referral=referral,
            kind=EventKind.CONSENT_WITHDRAWN,
            from_status=previous,
            to_status=ReferralStatus.CONSENT_WITHDRAWN,
        )
        changed = True
    return "withdrawn" if changed else None


def erasure_replay_erased(entry: LedgerEntry) -> str | None:
    """Blank the referral's personal values again, as of the original erasure's date."""
    referral = _locked(entry)
    if referral is None:
        return UNKNOWN_REFERRAL
    if referral.personal_data_erased_at is not None:
        return None
    referral_erase_personal_data(referral=referral, now=entry.at)
    return "erased"


def _locked(entry: LedgerEntry) -> Referral | None:
    locked = Referral.objects.select_for_update(of=("self",)).select_related("consent")
    return locked.filter(pk=entry.referral_id).first()


def register_erasers() -> None:
    """Called from ReferralsConfig.ready()."""
    register_eraser(
        kind=CONSENT_WITHDRAWN, replay=erasure_replay_consent_withdrawn, outcomes=("withdrawn", UNKNOWN_REFERRAL)
    )
    register_eraser(kind=ERASED, replay=erasure_replay_erased, outcomes=("erased", UNKNOWN_REFERRAL))
    register_purge(name="retention_erased", run=referrals_erase_personal_data)
