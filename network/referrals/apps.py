from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "network.referrals"
    label = "referrals"
    verbose_name = "Referrals"
