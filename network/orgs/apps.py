from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "network.orgs"
    label = "orgs"
    verbose_name = "Organisations"

    def ready(self) -> None:
        from . import rules

        rules.register_rules()  # into the access policy core
        from . import notifications  # noqa: F401  (registers outbox handlers)
        from .moderation import connect_moderation_notifications

        connect_moderation_notifications()  # requests and decisions of moderation, in the in-app notifications
