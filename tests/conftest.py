import pytest
from allauth.mfa.models import Authenticator


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache (library filter choices, navigation links, throttles)."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture
def api_in_english(client):
    """The API follows Accept-Language (the site's default is French); tests asserting messages ask for English."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def in_english():
    """Messages of services called directly by a test, in English (the site's default language is French)."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def enrol_totp():
    """Give a user a TOTP authenticator, as if they had completed allauth's enrolment."""

    def enrol(user):
        from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

        TOTP.activate(user, generate_totp_secret())
        return user

    return enrol


@pytest.fixture
def signed_in(client, enrol_totp):
    """Sign a user in through Django's session (with TOTP enrolled so the two-factor rule lets them through)."""

    def sign_in(user, *, with_totp: bool = True):
        if with_totp and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
            enrol_totp(user)
        client.force_login(user, backend="allauth.account.auth_backends.AuthenticationBackend")
        return client

    return sign_in


def pytest_collection_modifyitems(items):
    """Transactional tests flush the database; reload what the migrations wrote (Wagtail's root and home pages,
    locales, site, service categories) after each of them, so the tests that follow start from the same state."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        if marker and marker.kwargs.get("transaction") and "serialized_rollback" not in marker.kwargs:
            item.add_marker(
                pytest.mark.django_db(*marker.args, **marker.kwargs, serialized_rollback=True), append=False
            )
