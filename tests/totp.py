"""The code a member's authenticator app shows, for the tests that sign in through the real two-factor step."""

from __future__ import annotations

import time

# A code read this close to the end of its window may reach the server in the next one, where allauth refuses it
# (MFA_TOTP_TOLERANCE is 0: only the current window counts). The tests then wait for the next window instead.
MARGIN_SECONDS = 5.0


def code_now(secret: str) -> str:
    """The current TOTP code of `secret` (allauth's own implementation), at least MARGIN_SECONDS before it expires."""
    from allauth.mfa import app_settings
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    period = app_settings.TOTP_PERIOD
    remaining = period - time.time() % period
    if remaining < MARGIN_SECONDS:
        time.sleep(remaining + 0.05)
    return format_hotp_value(hotp_value(secret, int(time.time()) // period))


def code_for(user) -> str:
    """The current code of the user's TOTP authenticator (see `code_now`)."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.utils import decrypt

    authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    return code_now(decrypt(authenticator.data["secret"]))
