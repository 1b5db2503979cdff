"""The observatory in the Wagtail admin: the release log and the settings, for network administrators only."""

from __future__ import annotations

from typing import Any

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem

from network.orgs import policy

from . import admin_urls
from .rules import ObservatoryAction


class PolicyMenuItem(MenuItem):
    """A menu item shown only to those the access policy lets take its action."""

    def __init__(self, *args: Any, action: ObservatoryAction, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.action = action

    def is_shown(self, request: Any) -> bool:
        return policy.can(request.user, self.action)


@hooks.register("register_admin_urls")
def register_observatory_admin_urls() -> list[Any]:
    return [path("observatory/", include(admin_urls, namespace="observatory_admin"))]


observatory_menu = Menu(
    register_hook_name="register_observatory_menu_item",
    construct_hook_name="construct_observatory_menu",
)


@hooks.register("register_observatory_menu_item")
def register_release_log_menu_item() -> MenuItem:
    return PolicyMenuItem(
        _("Release log"),
        reverse("observatory_admin:releases"),
        name="observatory-releases",
        icon_name="table",
        order=100,
        action=ObservatoryAction.VIEW_RELEASE_LOG,
    )


@hooks.register("register_observatory_menu_item")
def register_settings_menu_item() -> MenuItem:
    return PolicyMenuItem(
        _("Settings"),
        reverse("observatory_admin:settings"),
        name="observatory-settings",
        icon_name="cogs",
        order=200,
        action=ObservatoryAction.MANAGE_OBSERVATORY_SETTINGS,
    )


@hooks.register("register_admin_menu_item")
def register_observatory_menu() -> MenuItem:
    return SubmenuMenuItem(_("Observatory"), observatory_menu, name="observatory", icon_name="table", order=260)


@hooks.register("register_log_actions")
def register_observatory_log_actions(actions: Any) -> None:
    label = _("Change observatory settings")
    actions.register_action("observatory.settings.update", label, label)
