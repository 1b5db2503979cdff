from django.apps import AppConfig


class AdminCspConfig(AppConfig):
    name = "network.admincsp"
    label = "admincsp"
    verbose_name = "Admin content security policy"

    def ready(self) -> None:
        from .choosers import nonce_chooser_scripts

        nonce_chooser_scripts()
