"""The "My account" menu: every page where members look after their own account, in one list.

The header's menu, the side navigation of every account page (ours and allauth's) and the tests read this one list,
so a page cannot be in one and missing from the other. An item a role has no use for (the API token) is not listed,
and its page answers 404 to that role.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from network.orgs import policy
from network.orgs.policy import Actor

from .rules import AccountAction

# Owned by the notifications app once it offers its own preferences page; until then the email rhythm on the
# profile page is the member's notification preference.
NOTIFICATION_PREFERENCES_URL_NAME = "notifications:preferences"


@dataclass(frozen=True)
class AccountMenuItem:
    key: str
    label: str | Promise
    url: str

    @property
    def path(self) -> str:
        """The page's address without its fragment (what `aria-current` compares with the address being read)."""
        return self.url.split("#", 1)[0]


def _notification_preferences_url() -> str:
    try:
        return reverse(NOTIFICATION_PREFERENCES_URL_NAME)
    except NoReverseMatch:
        return reverse("accounts:profile") + "#notifications"


def account_menu(user: Actor) -> list[AccountMenuItem]:
    """The member's account pages, in the order of the menu, in the active language (none for a visitor)."""
    if not policy.is_signed_in(user):
        return []
    profile = reverse("accounts:profile")
    items = [
        AccountMenuItem("name", _("Name and signature"), profile + "#name"),
        AccountMenuItem("language", _("Language"), profile + "#language"),
        AccountMenuItem("email", _("Email addresses"), reverse("account_email")),
        AccountMenuItem("password", _("Password"), reverse("account_change_password")),
        AccountMenuItem("two_factor", _("Two-factor authentication"), reverse("mfa_index")),
        AccountMenuItem("sessions", _("Sessions"), reverse("usersessions_list")),
    ]
    if policy.can(user, AccountAction.USE_API):
        items.append(AccountMenuItem("api_token", _("API token"), reverse("accounts:api_token")))
    items.append(AccountMenuItem("notifications", _("Notification preferences"), _notification_preferences_url()))
    return items


def uses_api(user: Actor) -> bool:
    """Whether the member's roles work through the API (the API token page is theirs)."""
    return policy.can(user, AccountAction.USE_API)
