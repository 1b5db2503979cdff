from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "network.referrals"
    label = "referrals"
    verbose_name = "Referrals"

    def ready(self) -> None:
        from . import rules

        rules.register_rules()  # into the access policy core
        from . import notifications, slip  # noqa: F401  (register outbox handlers)
        from .erasure import register_erasers

        register_erasers()  # what the erasure ledger's referral entries mean, for backups
        from .dashboard import register_dashboard_panel

        register_dashboard_panel()  # the receiving side's pending work, on the members' dashboard
