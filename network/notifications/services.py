"""In-app notifications and their emails: one email each, a daily digest, or none, as each member chose.

A member's choice (`User.notification_email`) decides; those who left it on "automatic" get one email each, except
for events whose sender says they come in numbers (`digest_by_default`: referrals received by an organisation
that receives many, decided by network/referrals/notifications.py), which wait for the daily digest.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from network.accounts.languages import language_of, path_in_language
from network.accounts.models import NotificationEmail, User
from network.accounts.services import verified_email_of

from .models import EmailDelivery, Notification


def email_delivery_for(user: User, *, digest_by_default: bool = False) -> EmailDelivery:
    """How a notification reaches `user`'s email: their own choice, else ("automatic") the daily digest for
    events that come in numbers and one email each for the others."""
    choice = user.notification_email
    if choice == NotificationEmail.OFF:
        return EmailDelivery.NONE
    if choice == NotificationEmail.DIGEST:
        return EmailDelivery.DIGEST
    if choice == NotificationEmail.EACH:
        return EmailDelivery.EACH
    return EmailDelivery.DIGEST if digest_by_default else EmailDelivery.EACH


@transaction.atomic
def notify(
    *,
    users: Iterable[User],
    topic: str,
    object_id: str,
    link: str,
    reference: str = "",
    subject: str = "",
    actor_name: str = "",
    digest_by_default: bool = False,
    email: bool = True,
) -> int:
    """Create one notification per user (idempotent per event) and email those whose delivery is one email each.

    `subject` names what the event is about by its public name (a service, a page) and `actor_name` the member who
    acted by their public name: never pass the personal data of a person referred. The email says what happened
    and gives the reference and a link; the details stay on the platform. `digest_by_default` puts the event in
    the daily digest of those who left their choice on "automatic"; `email=False` is for events another channel
    already emails (Wagtail's moderation emails): the notification is then in-app only.
    """
    created = 0
    for user in users:
        delivery = email_delivery_for(user, digest_by_default=digest_by_default) if email else EmailDelivery.NONE
        notification, is_new = Notification.objects.get_or_create(
            user=user,
            topic=topic,
            object_id=str(object_id),
            defaults={
                "reference": reference,
                "link": link,
                "subject": subject[:255],
                "actor_name": actor_name[:160],
                "email_delivery": delivery,
            },
        )
        if not is_new:
            continue
        created += 1
        forget_unread_count(user.pk)
        address = verified_email_of(user) if delivery == EmailDelivery.EACH else None
        if address:  # never to an address its owner did not verify
            _send_one(user, notification, address)
    return created


def forget_unread_count(user_id: Any) -> None:
    """The navigation's cached unread count of this member is out of date: now, and again once the change commits
    (a page rendered in between would otherwise cache the count from before it)."""
    from .navigation import unread_count_cache_key

    key = unread_count_cache_key(user_id)
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key))


def unread_count(user: User) -> int:
    """How many of `user`'s notifications they have not opened (one indexed count)."""
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def notifications_send_digests() -> int:
    """Send each member one email listing their notifications that wait for the digest (not to those who have
    since switched their emails off: theirs stay on the platform)."""
    sent = 0
    waiting = Notification.objects.filter(emailed_at__isnull=True, email_delivery=EmailDelivery.DIGEST)
    user_ids = (
        waiting.filter(user__is_active=True)
        .exclude(user__notification_email=NotificationEmail.OFF)
        .values_list("user_id", flat=True)
        .distinct()
    )
    for user in User.objects.filter(pk__in=list(user_ids)):
        with transaction.atomic():
            pending = list(waiting.select_for_update().filter(user=user).order_by("created_at"))
            address = verified_email_of(user)
            if not pending or not address:  # never to an address its owner did not verify
                continue
            language = language_of(user)
            with translation.override(language):
                subject = render_to_string("notifications/email/digest_subject.txt", {"count": len(pending)}).strip()
                body = render_to_string(
                    "notifications/email/digest_body.txt",
                    {
                        "notifications": [(n, path_in_language(n.link, language)) for n in pending],
                        "base_url": settings.PUBLIC_BASE_URL,
                    },
                )
            EmailMessage(subject=subject, body=body, to=[address]).send()
            Notification.objects.filter(pk__in=[n.pk for n in pending]).update(emailed_at=timezone.now())
            sent += 1
    return sent


def notification_mark_read(*, notification: Notification, acting_user: User) -> None:
    if notification.user_id != acting_user.pk:
        raise Notification.DoesNotExist
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
        forget_unread_count(acting_user.pk)


def _send_one(user: User, notification: Notification, address: str) -> None:
    """One email in the recipient's language (never the language of whoever caused the event), whose link opens
    the platform in that language too."""
    language = language_of(user)
    with translation.override(language):
        context = {
            "notification": notification,
            "link": path_in_language(notification.link, language),
            "base_url": settings.PUBLIC_BASE_URL,
        }
        subject = render_to_string("notifications/email/one_subject.txt", context).strip()
        body = render_to_string("notifications/email/one_body.txt", context)
    EmailMessage(subject=subject, body=body, to=[address]).send()
    notification.emailed_at = timezone.now()
    notification.save(update_fields=["emailed_at"])
