"""Deploy check: production must keep an erasure ledger, or a restore could bring erased data back."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def erasure_ledger_configured(app_configs: Any, **kwargs: Any) -> list[Warning]:
    if getattr(settings, "ERASURE_LEDGER_PATH", ""):
        return []
    return [
        Warning(
            "ERASURE_LEDGER_PATH is not set: erasures are not recorded outside the database, so restoring a backup "
            "would bring back personal data erased after it was taken.",
            hint="Point ERASURE_LEDGER_PATH at a file on durable storage outside the database's volume.",
            id="backups.W001",
        )
    ]
