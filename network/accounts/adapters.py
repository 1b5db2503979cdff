"""How allauth behaves on Passerelle: closed sign-up, no mail to unknown addresses, axes owns the lock-out."""

from __future__ import annotations

import time
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest
from django.urls import translate_url
from django.utils import translation

# An email that says "someone asked for a password reset, but you have no account here" tells whoever reads
# that mailbox that the address was typed into a sex-work network's platform: for the people we serve, that
# mail alone can be an exposure. Unknown addresses get the same page as known ones, and no mail at all.
_SILENT_TEMPLATES = frozenset({"account/email/unknown_account", "account/email/account_already_exists"})


# The links allauth puts in its mails (password reset, address confirmation).
_LINKS_IN_MAILS = ("password_reset_url", "activate_url")

# Set by the invitation page for a visitor holding a pending invitation link: the time (a timestamp) it expires.
INVITATION_SIGNUP_SESSION_KEY = "passerelle_invitation_signup_until"


class AccountAdapter(DefaultAccountAdapter):
    """No open sign-up: only someone who opened a pending invitation link may create an account (and must still
    verify its address, then accept, before belonging anywhere)."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        session = getattr(request, "session", None)
        until = session.get(INVITATION_SIGNUP_SESSION_KEY) if session is not None else None
        return isinstance(until, int | float) and until > time.time()

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        """A locked-out account is refused before its password is even checked, with axes' lock-out page.

        allauth keeps its own failed-login counter; asking axes first makes the lock-out one rule with one
        message (the 429 page of `account/lockout.html`) instead of two that disagree.
        """
        from axes.handlers.proxy import AxesProxyHandler

        if not AxesProxyHandler.is_allowed(request, credentials):
            request.axes_locked_out = True  # AxesMiddleware turns the response into the lock-out page
            raise self.validation_error("too_many_login_attempts")
        super().pre_authenticate(request, **credentials)

    def get_login_redirect_url(self, request: HttpRequest) -> str:
        """Signed in without a page to return to: the dashboard in the member's own language, when they chose one
        (an explicit `next` still wins)."""
        from django.urls import translate_url

        from .languages import supported_language

        url = super().get_login_redirect_url(request)
        language = supported_language(getattr(request.user, "language", ""))
        return translate_url(url, language) if language else url

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        """Send in the recipient's language; never send the mails that would reveal an address was tried."""
        if template_prefix in _SILENT_TEMPLATES:
            return
        from .languages import language_of

        # A known user's own preference; otherwise the language of the page they asked from.
        language = language_of(context.get("user"), default=translation.get_language())
        for key in _LINKS_IN_MAILS:  # built in the page's language: they open in the mail's
            if context.get(key):
                context[key] = translate_url(context[key], language)
        with translation.override(language):
            super().send_mail(template_prefix, email, context)

    def send_password_reset_mail(self, user: Any, email: str, context: dict[str, Any]) -> None:
        """The reset mail carries the link and nothing else about the account (not even the username)."""
        context.pop("username", None)
        super().send_password_reset_mail(user, email, context)
