from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "network.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from . import rules

        rules.register_rules()  # into the access policy core
        from . import signals

        signals.connect_wagtail_profile()
