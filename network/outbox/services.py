"""Writing to the outbox and delivering what it holds. Delivery is idempotent: a message is handled once."""

import logging
from datetime import timedelta
from uuid import UUID

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .handlers import handler_for
from .models import OutboxMessage

logger = logging.getLogger(__name__)


def outbox_enqueue(*, topic: str, object_id: UUID | str) -> OutboxMessage:
    """Record a side effect inside the caller's transaction and relay it to Celery once that commits.

    If the broker is unreachable at commit time nothing is lost: the periodic relay sends it later.
    """
    message = OutboxMessage.objects.create(topic=topic, object_id=str(object_id))
    transaction.on_commit(lambda: outbox_dispatch(message_id=message.id))
    return message


def outbox_dispatch(*, message_id: UUID) -> bool:
    """Hand one message to Celery; False (and a log line with the id only) when the broker is unreachable."""
    from .tasks import outbox_deliver

    try:
        outbox_deliver.delay(str(message_id))
    except Exception as error:  # broker down: the relay will pick the message up again
        logger.warning("outbox: could not dispatch %s (%s); the relay will retry", message_id, type(error).__name__)
        return False
    return True


def outbox_deliver_message(*, message_id: UUID | str) -> bool:
    """Run the handler of one message at most once; True when it was delivered by this call."""
    with transaction.atomic():
        message = OutboxMessage.objects.select_for_update().filter(pk=message_id).first()
        if message is None or message.delivered_at is not None:
            return False
        try:
            with transaction.atomic():
                handler_for(message.topic)(message)
        except Exception as error:
            message.attempts += 1
            message.last_error = type(error).__name__[:200]
            message.available_at = timezone.now() + timedelta(seconds=min(3600, 30 * 2**message.attempts))
            message.save(update_fields=["attempts", "last_error", "available_at"])
            logger.warning(
                "outbox: %s %s failed (%s), attempt %d", message.topic, message.id, message.last_error, message.attempts
            )
            return False
        message.attempts += 1
        message.delivered_at = timezone.now()
        message.last_error = ""
        message.save(update_fields=["attempts", "delivered_at", "last_error"])
        return True


def outbox_relay_pending(*, limit: int = 500) -> int:
    """Dispatch messages that are due and not yet delivered; returns how many were handed to Celery."""
    due = OutboxMessage.objects.filter(
        delivered_at__isnull=True,
        available_at__lte=timezone.now(),
        attempts__lt=settings.OUTBOX_MAX_ATTEMPTS,
    ).values_list("id", flat=True)[:limit]
    dispatched = 0
    for message_id in list(due):
        if not outbox_dispatch(message_id=message_id):
            break
        dispatched += 1
    return dispatched
