from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from network.orgs import policy


class ActiveUserTokenAuthentication(TokenAuthentication):
    """Token sign-in that also keeps the two-factor rule: roles that read personal data must have enrolled."""

    keyword = "Token"

    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if policy.two_factor_missing(user):
            raise exceptions.AuthenticationFailed(
                "Two-factor authentication must be set up for this account before using the API."
            )
        return user, token
