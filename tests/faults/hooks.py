"""Test-only hooks loaded by settings_faults.py into the worker, to hold a task mid-way so a test can kill it.

FAULTS_SLOW_TOPIC=TOPIC, FAULTS_SLOW_FIRST_DELIVERY_SECONDS=N and FAULTS_MARKER_DIR=DIR: the first time an outbox
message of that topic is delivered, its handler leaves a marker file named after the message in DIR, then waits
N seconds inside the delivery's transaction (the message's row locked) before doing its work. A later delivery
of the same message finds the marker and goes straight on.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from django.apps import AppConfig


class FaultHooksConfig(AppConfig):
    name = "tests.faults"
    label = "fault_hooks"
    verbose_name = "Fault-test hooks"

    def ready(self) -> None:
        seconds = float(os.environ.get("FAULTS_SLOW_FIRST_DELIVERY_SECONDS", "0"))
        marker_dir = os.environ.get("FAULTS_MARKER_DIR", "")
        topic = os.environ.get("FAULTS_SLOW_TOPIC", "")
        if seconds > 0 and marker_dir and topic:
            _slow_first_deliveries(topic, seconds, Path(marker_dir))


def _slow_first_deliveries(topic: str, seconds: float, marker_dir: Path) -> None:
    from network.outbox import handlers

    def slowed(handler):
        def handle(message):
            marker = marker_dir / str(message.pk)
            if not marker.exists():
                marker.write_text(str(os.getpid()))
                time.sleep(seconds)
            return handler(message)

        return handle

    handlers._HANDLERS[topic] = slowed(handlers.handler_for(topic))
