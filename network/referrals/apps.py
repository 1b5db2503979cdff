from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "network.referrals"
    label = "referrals"
    verbose_name = "Referrals"

    def ready(self) -> None:
        from . import notifications  # noqa: F401  (registers outbox handlers)
