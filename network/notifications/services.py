"""In-app notifications and their emails: one email each, or a daily digest for those who chose it."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from network.accounts.languages import language_of, path_in_language
from network.accounts.models import User
from network.accounts.services import verified_email_of

from .models import Notification


@transaction.atomic
def notify(*, users: Iterable[User], topic: str, object_id: str, reference: str, link: str) -> int:
    """Create one notification per user (idempotent per event) and email those who want immediate mail.

    The email says what happened and gives the reference and a link; the details stay on the platform.
    """
    created = 0
    for user in users:
        notification, is_new = Notification.objects.get_or_create(
            user=user,
            topic=topic,
            object_id=str(object_id),
            defaults={"reference": reference, "link": link},
        )
        if not is_new:
            continue
        created += 1
        if not user.notification_digest and verified_email_of(user):
            _send_one(user, notification)
    return created


def notifications_send_digests() -> int:
    """Send each digest user one email listing their notifications not yet emailed."""
    sent = 0
    user_ids = (
        Notification.objects.filter(emailed_at__isnull=True, user__notification_digest=True, user__is_active=True)
        .values_list("user_id", flat=True)
        .distinct()
    )
    for user in User.objects.filter(pk__in=list(user_ids)):
        with transaction.atomic():
            pending = list(
                Notification.objects.select_for_update()
                .filter(user=user, emailed_at__isnull=True)
                .order_by("created_at")
            )
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


def _send_one(user: User, notification: Notification) -> None:
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
    EmailMessage(subject=subject, body=body, to=[user.email]).send()
    notification.emailed_at = timezone.now()
    notification.save(update_fields=["emailed_at"])
