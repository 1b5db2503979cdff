import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """An in-app notification. Its text is rendered from the topic and a reference number: never personal data."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    topic = models.CharField(max_length=80)
    object_id = models.CharField(max_length=64)
    reference = models.CharField(max_length=40, blank=True, help_text=_("A reference number, e.g. R-1A2B3C4D."))
    link = models.CharField(max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="notification_user_idx"),
            models.Index(fields=["user"], name="notification_digest_idx", condition=models.Q(emailed_at__isnull=True)),
        ]
        constraints = [
            # The outbox may deliver a message twice after a crash: one notification per user and event.
            models.UniqueConstraint(fields=["user", "topic", "object_id"], name="notification_once_per_event")
        ]

    def __str__(self) -> str:
        return f"{self.topic} {self.reference}"
