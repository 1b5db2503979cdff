from django.apps import AppConfig


class AdvocacyConfig(AppConfig):
    name = "network.advocacy"
    label = "advocacy"
    verbose_name = "Advocacy"
