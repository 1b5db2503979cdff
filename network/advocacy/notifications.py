"""Outbox handlers for advocacy: coordinators are told when a key message is put before the network.

The notification carries the message's reference and a link; the statement itself stays on the platform.
"""

from __future__ import annotations

from network.advocacy.rules import AdvocacyAction
from network.i18n import unprefixed_reverse
from network.notifications.services import notify
from network.orgs import selectors as org_selectors
from network.outbox.handlers import handles
from network.outbox.models import OutboxMessage

from .models import KeyMessage
from .services import TOPIC_MESSAGE_PROPOSED


@handles(TOPIC_MESSAGE_PROPOSED)
def key_message_proposed(message: OutboxMessage) -> None:
    """Every coordinator (those who sign for their organisation) may now read the proposal and sign it."""
    key_message = KeyMessage.objects.get(pk=message.object_id)
    notify(
        users=org_selectors.users_who_can(AdvocacyAction.ENDORSE_POSITIONS),
        topic=message.topic,
        object_id=str(message.pk),  # one outbox message is one event
        reference=key_message.reference,
        link=unprefixed_reverse("advocacy:message_detail", pk=key_message.pk),
    )
