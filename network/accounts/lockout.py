"""Which account a sign-in attempt targets, for django-axes (`AXES_USERNAME_CALLABLE`).

allauth signs in by username or email and hands axes `username=` or `email=` credentials, never the form's
`login` field, so axes' default look-up finds nothing and would count every failure from one address against
everyone behind it (a whole drop-in centre on one connection). This resolves the attempt to the account, so
that "alice" and "alice@example.org" share one counter and another account is never locked with it, and it
stores no typed email address in the failure log: known accounts by id, unknown input as a short hash.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.db.models import Q
from django.http import HttpRequest

LOGIN_FIELDS = ("login", "username", "email")


def _typed_login(request: HttpRequest | None, credentials: dict[str, Any] | None) -> str:
    for source in (credentials or {}, getattr(request, "data", None) or getattr(request, "POST", None) or {}):
        for field in LOGIN_FIELDS:
            value = source.get(field)
            if value:
                return str(value).strip().lower()
    return ""


def lockout_username(request: HttpRequest | None, credentials: dict[str, Any] | None = None) -> str:
    """A stable key for the account an attempt targets ("user:<id>"), or a hash of unknown input."""
    typed = _typed_login(request, credentials)
    if not typed:
        return ""
    from .models import User

    user_id = (
        User.objects.filter(Q(username__iexact=typed) | Q(email__iexact=typed)).values_list("pk", flat=True).first()
    )
    if user_id is not None:
        return f"user:{user_id}"
    return "unknown:" + hashlib.sha256(typed.encode()).hexdigest()[:16]
