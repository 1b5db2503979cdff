import uuid

from django.db import models
from django.utils import timezone


class OutboxMessage(models.Model):
    """A side effect (mail, notification) written in the same transaction as the change that causes it.

    It carries a topic and the id of the object concerned, never a personal value; the handler reads what it
    needs when it runs. Relayed to Celery after commit and again by the periodic relay until delivered.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    topic = models.CharField(max_length=80)
    object_id = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    available_at = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveIntegerField(default=0)
    delivered_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["created_at"]
        indexes = [
            models.Index(
                fields=["available_at"], name="outbox_pending_idx", condition=models.Q(delivered_at__isnull=True)
            )
        ]

    def __str__(self) -> str:
        return f"{self.topic}:{self.object_id}"
