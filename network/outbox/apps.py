from django.apps import AppConfig


class OutboxConfig(AppConfig):
    name = "network.outbox"
    label = "outbox"
    verbose_name = "Outbox"
