"""The site's own 404 and 500 pages, in the language of the address, with the site's layout and no debug detail;
the 500 page renders without a database or a request context. And `make run`'s settings: no debug pages unless a
developer asks for them, static files and uploaded images still served."""

from __future__ import annotations

import json
import runpy

import pytest
from django.conf.urls.i18n import i18n_patterns
from django.http import HttpRequest
from django.test import RequestFactory
from django.urls import path
from django.utils import translation

from network import urls as site_urls
from network.core.errors import server_error

SECRET_DETAIL = "crash-detail-that-must-not-show"
LANGUAGES = ["fr", "en", "es", "ru", "zh-hans", "ar"]


def crash(request: HttpRequest):
    raise RuntimeError(SECRET_DETAIL)


# The site's URLs with one view that crashes (before Wagtail's catch-all), and the site's error handlers.
urlpatterns = [*i18n_patterns(path("crash/", crash), prefix_default_language=True), *site_urls.urlpatterns]
handler404 = site_urls.handler404
handler500 = site_urls.handler500


def assert_site_page(html: str, language: str) -> None:
    """The site's layout (header, main, footer) in `language`, and nothing of Django's debug pages."""
    assert f'<html lang="{language}" dir="{"rtl" if language == "ar" else "ltr"}">' in html
    for landmark in ('<header class="site-header">', '<main id="main"', '<footer class="site-footer">'):
        assert landmark in html
    assert f'href="/{language}/"' in html  # home, in the same language
    for debug in ("Traceback", "DEBUG = True", "technical_500", "Request Method", SECRET_DETAIL):
        assert debug not in html


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_an_unknown_address_answers_the_sites_404_page_in_the_language_of_its_prefix(client, language):
    response = client.get(f"/{language}/no-such-page/")

    assert response.status_code == 404
    html = response.content.decode()
    assert_site_page(html, language)
    if language == "fr":
        assert "Page introuvable" in html


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_a_crash_answers_the_sites_500_page_in_the_language_of_its_prefix(client, settings, language):
    # Given a view that raises, and a client that gets the answer a visitor would (not the exception)
    settings.ROOT_URLCONF = __name__
    client.raise_request_exception = False

    # When a visitor opens it
    response = client.get(f"/{language}/crash/")

    # Then they get the site's 500 page in the address's language, never kept by a cache
    assert response.status_code == 500
    assert response["Cache-Control"] == "no-store"
    html = response.content.decode()
    assert_site_page(html, language)
    if language == "fr":
        assert "Un problème est survenu" in html


def test_the_500_page_needs_neither_a_database_nor_a_request_context():
    # Given no database access at all (this test is not allowed one) and a bare request
    request = RequestFactory().get("/ar/anything/")

    # When the handler answers
    response = server_error(request)

    # Then it is the site's full page (not the last-resort text), in Arabic
    assert response.status_code == 500
    assert_site_page(response.content.decode(), "ar")


def test_a_crash_under_the_api_answers_json_in_the_callers_language():
    with translation.override("es"):
        response = server_error(RequestFactory().get("/api/v1/services/"))

    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content) == {"detail": "Se ha producido un error en el servidor."}


def test_make_run_settings_have_no_debug_pages_unless_a_developer_opts_in(monkeypatch):
    monkeypatch.delenv("DEBUG", raising=False)
    monkeypatch.delenv("EMAIL_BACKEND", raising=False)
    default = runpy.run_module("network.settings.dev")
    monkeypatch.setenv("DEBUG", "1")
    opted_in = runpy.run_module("network.settings.dev")

    assert default["DEBUG"] is False
    assert opted_in["DEBUG"] is True
    for settings_of_make_run in (default, opted_in):
        # Static files through WhiteNoise (no collectstatic), images from /media/, mail on the console
        assert settings_of_make_run["WHITENOISE_USE_FINDERS"] is True
        assert settings_of_make_run["SERVE_MEDIA"] is True
        assert settings_of_make_run["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"
        assert {"localhost", "127.0.0.1"} <= set(settings_of_make_run["ALLOWED_HOSTS"])
