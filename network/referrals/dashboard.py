"""The receiving side on the members' dashboard: how many referrals wait for a decision, for an outcome, or are
overdue, each linking to the received list filtered the same way. Counts only: nothing personal."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from .selectors import received_pending_counts

PENDING_LABELS = {
    "awaiting": _("Received, awaiting a decision"),
    "in_progress": _("Accepted, awaiting the outcome"),
    "overdue": _("Overdue"),
}


def pending_referrals_panel(user: Any) -> dict[str, Any] | None:
    """The panel's context for those who receive referrals for some organisation (one query), else None."""
    counts = received_pending_counts(user)
    if counts is None:
        return None
    inbox = reverse("referrals:inbox")
    return {
        "pending": [
            {
                "key": key,
                "label": label,
                "count": counts[key],
                "url": f"{inbox}?{urlencode({'status': key})}",
            }
            for key, label in PENDING_LABELS.items()
        ],
        "inbox_url": inbox,
    }


def register_dashboard_panel() -> None:
    from network.orgs.dashboard import register_dashboard_panel as register

    register(template="referrals/_dashboard_pending.html", context=pending_referrals_panel)
