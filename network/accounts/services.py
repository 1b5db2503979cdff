"""State changes of user accounts."""

from django.db import transaction
from rest_framework.authtoken.models import Token

from .models import User


def user_sessions_end(*, user: User) -> int:
    """End every session and API token of `user`; returns how many sessions were ended."""
    from allauth.usersessions.models import UserSession

    sessions = list(UserSession.objects.filter(user=user))
    for session in sessions:
        session.end()
    Token.objects.filter(user=user).delete()
    return len(sessions)


@transaction.atomic
def user_deactivate(*, user: User, acting_user: User) -> None:
    """Disable `user`: they can no longer sign in, and their open sessions and API tokens end at once."""
    from network.orgs import policy

    policy.require(acting_user, policy.Action.MANAGE_USERS, user)
    if user.is_active:
        user.is_active = False
        user.save(update_fields=["is_active"])  # the pre_save hook ends sessions and tokens
    else:
        user_sessions_end(user=user)
