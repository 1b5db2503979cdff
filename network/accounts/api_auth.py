"""Token sign-in for the API that keeps the account rules: disabled accounts and missing two-factor are refused."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication


class ActiveUserTokenAuthentication(TokenAuthentication):
    """`Authorization: Token <key>`; every refusal says why, without saying whose token it was."""

    keyword = "Token"

    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        from network.accounts import two_factor

        model = self.get_model()
        try:
            token = model.objects.select_related("user").get(key=key)
        except model.DoesNotExist:
            # Disabling an account deletes its tokens, so a disabled user's token ends here.
            raise exceptions.AuthenticationFailed(
                _("Invalid token: it was revoked, or its account was disabled.")
            ) from None
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("This account is disabled."))
        if two_factor.two_factor_missing(token.user):
            # Valid credentials, not yet allowed: 403, not 401.
            raise exceptions.PermissionDenied(
                _("Two-factor authentication must be set up for this account before using the API.")
            )
        return token.user, token
