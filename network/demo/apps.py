from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "network.demo"
    label = "demo"
    verbose_name = "Demo network"
