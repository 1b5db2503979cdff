import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class EmailDelivery(models.TextChoices):
    """How a notification reaches its recipient's email, decided when it is created (see services.notify)."""

    EACH = "each", _("One email")
    DIGEST = "digest", _("In the daily digest")
    NONE = "none", _("No email")


class Notification(models.Model):
    """An in-app notification. Its text is rendered from the topic, the public name of what it is about (a
    service, a page), a reference number and, for some topics, the public name of the member who acted: never the
    personal data of a person referred."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    topic = models.CharField(max_length=80)
    object_id = models.CharField(max_length=64)
    reference = models.CharField(max_length=40, blank=True, help_text=_("A reference number, e.g. R-1A2B3C4D."))
    link = models.CharField(max_length=255)
    subject = models.CharField(
        max_length=255, blank=True, help_text=_("What it is about, by its public name: a service, a page.")
    )
    actor_name = models.CharField(
        max_length=160, blank=True, help_text=_("The public name of the member who acted, for the topics that say it.")
    )
    email_delivery = models.CharField(max_length=8, choices=EmailDelivery.choices, default=EmailDelivery.EACH)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="notification_user_idx"),
            models.Index(
                fields=["user"],
                name="notification_digest_idx",
                condition=models.Q(emailed_at__isnull=True, email_delivery="digest"),
            ),
            # The unread badge in the navigation counts these on every signed-in page.
            models.Index(fields=["user"], name="notification_unread_idx", condition=models.Q(read_at__isnull=True)),
        ]
        constraints = [
            # The outbox may deliver a message twice after a crash: one notification per user and event.
            models.UniqueConstraint(fields=["user", "topic", "object_id"], name="notification_once_per_event")
        ]

    def __str__(self) -> str:
        return f"{self.topic} {self.reference}"
