from django.apps import AppConfig


class CryptoConfig(AppConfig):
    name = "network.crypto"
    label = "crypto"
    verbose_name = "Field encryption"
