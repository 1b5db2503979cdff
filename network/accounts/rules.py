"""Access rules of accounts: managing other people's accounts is the platform's, its network administrators'.
Knowing a person beyond their public name (real name, username, email) is for themselves, the people who view
the members of an organisation they belong to, and network administrators; seeing a person at all (their public
name in a list, a filter of the Wagtail admin) is for the members of an organisation they share.

Registered into the policy core by `AccountsConfig.ready()`.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from network.accounts.models import User
from network.orgs import policy
from network.orgs.policy import Action, Actor

# The role permissions whose work the API serves (docs/api.md): sending and receiving referrals, managing
# partnerships and an organisation, publishing. Coordinators and staff hold them; peers (drafts and advocacy, done
# on the site) and volunteers do not, and a token would only widen what a stolen credential opens.
API_PERMISSIONS = (
    "send_referrals",
    "receive_referrals",
    "manage_partnerships",
    "change_organisation",
    "publish_resources",
)


class AccountAction(Action):
    USE_API = "use_api"  # no obj: may hold an API token (the "API token" page and menu item)
    MANAGE_USERS = "manage_users"  # obj: the account
    KNOW_PERSON = "know_person"  # obj: a person (their identity beyond the public name)
    SEE_PERSON = "see_person"  # obj: a person (listed at all, under their public name)


def people_known_to(user: Actor) -> QuerySet[User]:
    """Themselves, and the members of the organisations where they view members (network admins: everyone)."""
    if not policy.is_signed_in(user):
        return User.objects.none()
    if policy.is_network_admin(user):
        return User.objects.all()
    organisation_ids = policy.organisation_ids_with(user, "view_members")
    return User.objects.filter(Q(pk=user.pk) | Q(memberships__organisation_id__in=organisation_ids)).distinct()


def people_seen_by(user: Actor) -> QuerySet[User]:
    """Themselves, and the members of the (active) organisations they belong to (network admins: everyone).
    Another organisation's people are never listed, not even under a public name."""
    if not policy.is_signed_in(user):
        return User.objects.none()
    if policy.is_network_admin(user):
        return User.objects.all()
    organisation_ids = policy.member_organisation_ids(user)
    return User.objects.filter(Q(pk=user.pk) | Q(memberships__organisation_id__in=organisation_ids)).distinct()


def uses_api(user: Actor, obj: object = None) -> bool:
    """Members whose role in some organisation works through the API (coordinators and staff); network
    administrators too (by the rule)."""
    return bool(policy.organisation_ids_with(user, *API_PERMISSIONS))


def register_rules() -> None:
    policy.register(AccountAction.USE_API, None, check=uses_api, network_admins=True)
    policy.register_network_admin_action(AccountAction.MANAGE_USERS)
    policy.register(AccountAction.KNOW_PERSON, User, lister=people_known_to, network_admins=True)
    policy.register(AccountAction.SEE_PERSON, User, lister=people_seen_by, network_admins=True)
