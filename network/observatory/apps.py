from django.apps import AppConfig


class ObservatoryConfig(AppConfig):
    name = "network.observatory"
    label = "observatory"
    verbose_name = "Observatory"

    def ready(self) -> None:
        from . import rules

        rules.register_rules()  # into the access policy core
