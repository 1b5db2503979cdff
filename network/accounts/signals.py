"""Account events that end sessions and API tokens.

- Whoever disables an account (our service, Wagtail's user admin, the shell), its sessions and tokens end.
- Whoever changes or resets a password, or adds, removes or regenerates a second factor, every other session of
  the account and its API tokens end: someone who learnt the old secret keeps nothing.
"""

from typing import Any

from allauth.account.signals import password_changed, password_reset, password_set
from allauth.mfa.signals import authenticator_added, authenticator_removed, authenticator_reset
from django.db.models.signals import pre_save
from django.dispatch import receiver

from .models import User


@receiver(pre_save, sender=User, dispatch_uid="accounts.end_sessions_of_disabled_user")
def end_sessions_of_disabled_user(sender, instance: User, raw: bool = False, **kwargs) -> None:
    if raw or instance.pk is None or instance.is_active:
        return
    was_active = User.objects.filter(pk=instance.pk, is_active=True).exists()
    if was_active:
        from .services import user_sessions_end

        user_sessions_end(user=instance)


def end_other_sessions_on_credentials_change(sender: Any, request: Any = None, user: User | None = None, **kwargs):
    if user is None:
        return
    from .services import user_credentials_changed

    session = getattr(request, "session", None)
    current = session.session_key if session is not None and getattr(request, "user", None) == user else None
    user_credentials_changed(user=user, current_session_key=current)


_CREDENTIAL_SIGNALS = {
    "password_changed": password_changed,
    "password_set": password_set,
    "password_reset": password_reset,
    "authenticator_added": authenticator_added,
    "authenticator_removed": authenticator_removed,
    "authenticator_reset": authenticator_reset,
}
for _name, _signal in _CREDENTIAL_SIGNALS.items():
    _signal.connect(end_other_sessions_on_credentials_change, dispatch_uid=f"accounts.end_other_sessions.{_name}")
