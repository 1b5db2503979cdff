"""Token sign-in for the API that keeps the account rules: disabled accounts, missing two-factor and roles that do not
use the API are refused."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from network.accounts.rules import AccountAction
from network.orgs import policy


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
        if not policy.can(token.user, AccountAction.USE_API):
            # A token made while the account's role used the API (a staff member since made a peer worker, an
            # organisation since deactivated): the roles decide at each call, as they do for the token page.
            raise exceptions.PermissionDenied(
                _(
                    "This account's roles no longer work through the API (coordinators, staff and network "
                    "administrators do), so its token does not sign in."
                )
            )
        return token.user, token
