import pytest
from django.core.cache import cache
from django.urls import reverse

PASSWORD = "correct-horse-battery"  # tests.factories.UserFactory's password


@pytest.fixture(autouse=True)
def _fresh_cache():
    """allauth keeps its rate limits and used TOTP codes in the cache: each test starts from a clean one."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def password_login(client):
    """Sign in through allauth's real login view (the first step only when the user has TOTP)."""

    def post(login: str, password: str = PASSWORD, *, language: str = "fr", **extra):
        with_language = reverse("account_login").replace("/fr/", f"/{language}/", 1)
        return client.post(with_language, {"login": login, "password": password}, **extra)

    return post


@pytest.fixture
def totp_code():
    """The current code of a user's TOTP authenticator, computed like an authenticator app does."""

    from tests.totp import code_for

    return code_for
