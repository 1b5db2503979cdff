"""The observatory's Wagtail admin screens (registered by `wagtail_hooks.py` under /admin/observatory/)."""

from django.urls import path

from . import admin_views

app_name = "observatory_admin"

urlpatterns = [
    path("releases/", admin_views.release_log, name="releases"),
    path("settings/", admin_views.observatory_settings, name="settings"),
]
