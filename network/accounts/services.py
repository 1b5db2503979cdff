"""State changes of user accounts."""

from __future__ import annotations

import logging
from importlib import import_module

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.base import SessionBase
from django.db import transaction
from django.utils import timezone
from rest_framework.authtoken.models import Token

from network.orgs import policy

from .models import User
from .rules import AccountAction

logger = logging.getLogger(__name__)

# Session engines whose sessions live in the database and can be listed.
_DATABASE_SESSION_ENGINES = frozenset(
    {"django.contrib.sessions.backends.db", "django.contrib.sessions.backends.cached_db", "network.accounts.sessions"}
)


def user_sessions_end(*, user: User, keep_session_key: str | None = None) -> int:
    """End every session and API token of `user` (but the session `keep_session_key`, the one making the change);
    returns how many sessions were ended.

    allauth's UserSession rows track the sessions it saw (sign-in through allauth, or any request through its
    middleware); a session opened by `django.contrib.auth.login` and not used since has no row yet, so the
    live database sessions are scanned too. Only unexpired sessions are read, and the idle timeout keeps that
    set small. Whatever the session engine, a disabled account no longer authenticates (Django's backends
    refuse inactive users); this makes sure nothing of the session remains either.
    """
    from allauth.usersessions.models import UserSession

    ended: set[str] = set()
    for session in UserSession.objects.filter(user=user).exclude(session_key=keep_session_key or ""):
        ended.add(session.session_key)
        session.end()
    for session_key in _database_session_keys_of(user) - ended - {keep_session_key}:
        _session_store(session_key).delete()
        ended.add(session_key)
    Token.objects.filter(user=user).delete()
    return len(ended)


def user_credentials_changed(*, user: User, current_session_key: str | None = None) -> int:
    """A password or second factor changed: whoever held the old one loses every other session and API token.

    The session that made the change stays signed in (when allauth has not signed it out already); programs
    using an API token need a new one. Returns how many sessions were ended.
    """
    ended = user_sessions_end(user=user, keep_session_key=current_session_key)
    logger.info("accounts: credentials of user %s changed; %d other sessions and the API tokens ended", user.pk, ended)
    return ended


def verified_email_of(user: User) -> str:
    """The address to write to: the user's primary address once its owner verified it, else none ("").

    An address counts only once its owner proved it (DESIGN.md, rule 12): nothing is ever mailed to an address
    someone merely typed into their account.
    """
    from allauth.account.models import EmailAddress

    if not user.email:
        return ""
    verified = EmailAddress.objects.filter(user=user, email__iexact=user.email, verified=True).exists()
    return user.email if verified else ""


def verified_emails_of(user: User) -> set[str]:
    """Every address of `user` that its owner verified, lower-cased."""
    from allauth.account.models import EmailAddress

    return {
        email.lower() for email in EmailAddress.objects.filter(user=user, verified=True).values_list("email", flat=True)
    }


def _session_store(session_key: str | None = None) -> SessionBase:
    return import_module(settings.SESSION_ENGINE).SessionStore(session_key)


def _database_session_keys_of(user: User) -> set[str]:
    if settings.SESSION_ENGINE not in _DATABASE_SESSION_ENGINES:
        return set()
    from django.contrib.sessions.models import Session

    decoder = _session_store()
    user_id = str(user.pk)
    live = Session.objects.filter(expire_date__gt=timezone.now()).values_list("session_key", "session_data")
    return {key for key, data in live.iterator(chunk_size=500) if str(decoder.decode(data).get(SESSION_KEY)) == user_id}


@transaction.atomic
def user_deactivate(*, user: User, acting_user: User) -> None:
    """Disable `user` (network administrators only): they can no longer sign in, and their open sessions and
    API tokens end at once."""
    policy.require(acting_user, AccountAction.MANAGE_USERS, user)
    if user.is_active:
        user.is_active = False
        user.save(update_fields=["is_active"])  # the pre_save hook ends sessions and tokens
    else:
        user_sessions_end(user=user)


def api_token_create(*, user: User) -> str:
    """Give `user` a new API token (replacing any previous one) and return its key, to be shown once."""
    with transaction.atomic():
        Token.objects.filter(user=user).delete()
        return Token.objects.create(user=user).key


def api_token_revoke(*, user: User) -> bool:
    """Revoke `user`'s API token; True if there was one."""
    deleted, _ = Token.objects.filter(user=user).delete()
    return bool(deleted)


def api_tokens_revoke_unused(*, users: list[User]) -> int:
    """Revoke the tokens of those of `users` whose roles no longer use the API (after a role change, a removal or an
    organisation's deactivation), so that a later promotion does not bring an old token back. How many went."""
    holders = User.objects.filter(pk__in=[user.pk for user in users], auth_token__isnull=False)
    unused = []
    for holder in holders:
        policy.forget(holder)
        if not policy.can(holder, AccountAction.USE_API):
            unused.append(holder.pk)
    deleted, _ = Token.objects.filter(user_id__in=unused).delete()
    return deleted


@transaction.atomic
def user_preferences_update(
    *, user: User, language: str, notification_email: str | None = None, notification_digest: bool | None = None
) -> User:
    """Save how `user` wants to be written to: the language of their interface, emails and notifications (also
    Wagtail's admin and moderation emails, kept in step by network/accounts/signals.py), and how notifications
    reach their email (`NotificationEmail`: automatic, each event, a daily digest, or none). A member changes only
    their own preferences. `notification_digest` is the former yes/no choice (True: digest, False: each event),
    kept for callers written before the choice had four answers; `notification_email` wins."""
    from .languages import supported_language
    from .models import NotificationEmail

    user.language = supported_language(language)
    if notification_email is None and notification_digest is not None:
        notification_email = NotificationEmail.DIGEST if notification_digest else NotificationEmail.EACH
    if notification_email is not None:
        user.notification_email = notification_email
    user.full_clean(validate_unique=False, exclude=["password"])
    user.save(update_fields=["language", "notification_email"])
    return user


@transaction.atomic
def user_names_update(*, user: User, public_name: str, first_name: str, last_name: str, show_real_name: bool) -> User:
    """Save how `user` appears to others and signs: their public name (often a pseudonym), their real name, and
    whether the real name is shown instead. A member changes only their own names; public pages that sign with
    the name follow (network/accounts/signals.py)."""
    user.public_name = public_name.strip()
    user.first_name = first_name.strip()
    user.last_name = last_name.strip()
    user.show_real_name = show_real_name
    user.full_clean(validate_unique=False, exclude=["password"])
    user.save(update_fields=["public_name", "first_name", "last_name", "show_real_name"])
    return user
