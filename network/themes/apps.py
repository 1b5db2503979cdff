from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


def on_theme_changed(sender: Any, **kwargs: Any) -> None:
    """A theme's name shows on resource cards, filters and directory entries: cached pages and listings built with
    the old one are not served again."""
    from network.pagecache.generations import everything_changed

    everything_changed()


class ThemesConfig(AppConfig):
    name = "network.themes"
    label = "themes"
    verbose_name = _("Themes")

    def ready(self) -> None:
        from .models import Theme

        post_save.connect(on_theme_changed, sender=Theme, dispatch_uid="themes.theme_saved")
        post_delete.connect(on_theme_changed, sender=Theme, dispatch_uid="themes.theme_deleted")
