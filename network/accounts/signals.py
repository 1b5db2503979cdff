"""Account events that end sessions and API tokens.

- Whoever disables an account (our service, Wagtail's user admin, the shell), its sessions and tokens end.
- Whoever changes or resets a password, or adds, removes or regenerates a second factor, every other session of
  the account and its API tokens end: someone who learnt the old secret keeps nothing.
- Whoever changes how a person is named (public name, real name, the choice to show it; Wagtail's account page
  or user admin, the shell), the anonymous pages that sign with it (advocacy pages, key messages) are dropped.
"""

from typing import Any

from allauth.account.signals import password_changed, password_reset, password_set
from allauth.mfa.signals import authenticator_added, authenticator_removed, authenticator_reset
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from network.pagecache.generations import ADVOCACY, CONTENT, public_pages_changed

from .models import User

# The fields a person's name on public pages is made of (network/accounts/names.py).
_NAMING_FIELDS = frozenset({"public_name", "show_real_name", "first_name", "last_name"})


@receiver(pre_save, sender=User, dispatch_uid="accounts.end_sessions_of_disabled_user")
def end_sessions_of_disabled_user(sender, instance: User, raw: bool = False, **kwargs) -> None:
    if raw or instance.pk is None or instance.is_active:
        return
    was_active = User.objects.filter(pk=instance.pk, is_active=True).exists()
    if was_active:
        from .services import user_sessions_end

        user_sessions_end(user=instance)


@receiver(post_save, sender=User, dispatch_uid="accounts.public_pages_follow_names")
def public_pages_follow_names(sender, instance: User, raw: bool = False, update_fields=None, **kwargs) -> None:
    if raw or (update_fields is not None and not _NAMING_FIELDS & set(update_fields)):
        return  # a sign-in's last_login, a deactivation: no name changed
    public_pages_changed(CONTENT, ADVOCACY)


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


@receiver(post_save, sender=User, dispatch_uid="accounts.admin_language_follows_preference")
def admin_language_follows_preference(
    sender, instance: User, created: bool = False, raw: bool = False, update_fields=None, **kwargs
) -> None:
    """One language setting: Wagtail writes its moderation emails and draws its admin in the language of its own
    user profile, which otherwise falls back to the language of whoever triggers the email (the sender's)."""
    if raw or (update_fields is not None and "language" not in update_fields) or (created and not instance.language):
        return
    from wagtail.admin.localization import get_available_admin_languages
    from wagtail.users.models import UserProfile

    from .languages import supported_language

    language = supported_language(instance.language)
    admin_language = language if language in dict(get_available_admin_languages()) else ""
    profile = UserProfile.get_for_user(instance)
    if profile.preferred_language != admin_language:
        UserProfile.objects.filter(pk=profile.pk).update(preferred_language=admin_language)


def _preference_follows_admin_language(sender, instance, raw: bool = False, **kwargs) -> None:
    """A member who picks a language on Wagtail's account page gets their emails and notifications in it too.
    (Wagtail's "use the default" leaves the preference as it was: a profile saved for another reason, a dismissed
    tip, never erases it.)"""
    from .languages import supported_language

    language = supported_language(instance.preferred_language)
    if not raw and language:
        User.objects.filter(pk=instance.user_id).exclude(language=language).update(language=language)


def connect_wagtail_profile() -> None:
    from wagtail.users.models import UserProfile

    post_save.connect(
        _preference_follows_admin_language, sender=UserProfile, dispatch_uid="accounts.preference_follows_admin"
    )
