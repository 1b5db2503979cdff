"""Thin Celery tasks: ids in, services do the work."""

from celery import shared_task

from .services import outbox_deliver_message, outbox_relay_pending


@shared_task(acks_late=True, ignore_result=True)
def outbox_deliver(message_id: str) -> bool:
    return outbox_deliver_message(message_id=message_id)


@shared_task(ignore_result=True)
def outbox_relay() -> int:
    return outbox_relay_pending()
