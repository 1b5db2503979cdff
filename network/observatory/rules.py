"""Access rules of the observatory: who sees which released figures. Registered by `ObservatoryConfig.ready()`."""

from __future__ import annotations


def register_rules() -> None:
    """Filled by the observatory views work (network, region, own-organisation and administration scopes)."""
