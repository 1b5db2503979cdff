"""Whoever disables an account (our service, Wagtail's user admin, the shell), its sessions and tokens end."""

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
