"""The project's URLs with the advocacy screens and API mounted, for as long as network/urls.py does not mount
them itself (the lead wires them; then this module adds nothing)."""

from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path

from network.urls import urlpatterns as project_urlpatterns


def _mounted(patterns, module: str) -> bool:
    for pattern in patterns:
        name = getattr(pattern, "urlconf_name", None)
        if getattr(name, "__name__", name) == module:
            return True
        if isinstance(name, list) and _mounted(name, module):
            return True
    return False


urlpatterns = []
if not _mounted(project_urlpatterns, "network.advocacy.api_urls"):
    urlpatterns.append(path("api/v1/", include("network.advocacy.api_urls")))
if not _mounted(project_urlpatterns, "network.advocacy.urls"):
    urlpatterns += i18n_patterns(path("advocacy/", include("network.advocacy.urls")), prefix_default_language=True)
if not _mounted(project_urlpatterns, "network.advocacy.calendar_urls"):
    urlpatterns += i18n_patterns(path("", include("network.advocacy.calendar_urls")), prefix_default_language=True)
urlpatterns += project_urlpatterns
