from django.apps import AppConfig


class ResourcesConfig(AppConfig):
    name = "network.resources"
    label = "resources"
    verbose_name = "Resources"

    def ready(self) -> None:
        from . import rules

        rules.register_rules()  # into the access policy core
