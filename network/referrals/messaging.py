"""Pluggable backends that carry a person's slip to their phone (SMS or a messaging app).

`settings.REFERRAL_SLIP_MESSAGING_BACKEND` names the backend class by dotted path; `None` (the default) switches
sending off, and the slip page then offers printing and the calendar file only. A backend gets the number and the
text at send time, from the outbox handler (network/referrals/slip.py): nothing else hands them over.

Backends are given a phone number: they must never log it (the console backend of the local demo prints the message
to the terminal on purpose, as Django's console email backend prints emails).
"""

from __future__ import annotations

import sys
import threading
from dataclasses import dataclass
from typing import TextIO

from django.conf import settings
from django.utils.module_loading import import_string


class MessagingBackend:
    """What every backend offers: send `text` to the number or handle `to`, or raise (the outbox retries)."""

    def send(self, to: str, text: str) -> None:
        raise NotImplementedError


@dataclass(frozen=True)
class SentMessage:
    to: str
    text: str


class ConsoleMessagingBackend(MessagingBackend):
    """The local demo's backend (network/settings/dev.py): the message is written to the terminal, not sent."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stdout

    def send(self, to: str, text: str) -> None:
        with _console_lock:
            self.stream.write(f"--- slip message to {to} ---\n{text}\n--- end ---\n")
            self.stream.flush()


_console_lock = threading.Lock()

# What the in-memory backend was given, oldest first (tests read and clear it, as Django's `mail.outbox`).
sent_messages: list[SentMessage] = []


class MemoryMessagingBackend(MessagingBackend):
    """For tests: keeps each message in `network.referrals.messaging.sent_messages`."""

    def send(self, to: str, text: str) -> None:
        sent_messages.append(SentMessage(to=to, text=text))


def messaging_enabled() -> bool:
    return bool(getattr(settings, "REFERRAL_SLIP_MESSAGING_BACKEND", None))


def get_messaging_backend() -> MessagingBackend | None:
    """The configured backend, or None when sending slips by message is off."""
    path = getattr(settings, "REFERRAL_SLIP_MESSAGING_BACKEND", None)
    if not path:
        return None
    backend_class = import_string(path)
    return backend_class()
