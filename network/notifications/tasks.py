from celery import shared_task

from .services import notifications_send_digests


@shared_task(acks_late=True, ignore_result=True)
def notifications_digest() -> int:
    return notifications_send_digests()
