from django.apps import AppConfig


class AdvocacyConfig(AppConfig):
    name = "network.advocacy"
    label = "advocacy"
    verbose_name = "Advocacy"

    def ready(self) -> None:
        from . import rules

        rules.register_rules()  # into the access policy core
        from . import notifications  # noqa: F401  (registers outbox handlers)
