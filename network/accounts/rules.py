"""Access rules of accounts: managing other people's accounts is the platform's, its network administrators'.

Registered into the policy core by `AccountsConfig.ready()`.
"""

from __future__ import annotations

from network.orgs import policy
from network.orgs.policy import Action


class AccountAction(Action):
    MANAGE_USERS = "manage_users"  # obj: the account


def register_rules() -> None:
    policy.register_network_admin_action(AccountAction.MANAGE_USERS)
