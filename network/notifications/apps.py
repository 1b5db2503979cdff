from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "network.notifications"
    label = "notifications"
    verbose_name = "Notifications"
