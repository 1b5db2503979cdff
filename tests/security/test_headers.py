"""Headers and brakes as an attacker meets them: CSP and friends on every kind of response, HSTS in production,
sign-in and reset that never say whether an account exists, and rate limits on sign-in and on the API.

tests/test_security_headers.py already checks the headers of one public page; this file extends the check to
every kind of response, and to what production serves. `Cache-Control: no-store` on personal data is checked
endpoint by endpoint in test_permission_matrix.py.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.contrib.auth import SESSION_KEY
from django.core.cache import cache
from django.test import Client
from rest_framework import throttling

from network.orgs.models import Role
from tests import factories
from tests.factories import UserFactory
from tests.security.conftest import token_for

REPOSITORY = Path(__file__).resolve().parents[2]
PASSWORD = "correct-horse-battery"  # UserFactory's password
LOGIN_URL = "/en/accounts/login/"
RESET_URL = "/en/accounts/password/reset/"


@pytest.fixture(autouse=True)
def _fresh_cache():
    """allauth's rate limits and DRF's throttles count in the cache: each test starts from an empty one."""
    cache.clear()
    yield
    cache.clear()


def _script_sources(csp: str) -> list[str]:
    directives = dict((part.strip().split(" ", 1) + [""])[:2] for part in csp.split(";") if part.strip())
    return directives.get("script-src", "").split()


# ---------------------------------------------------------------------------------------------------------------
# Security headers on every kind of response


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/fr/",  # a Wagtail page
        "/en/accounts/login/",  # allauth
        "/api/v1/organisations/",  # the API (JSON)
        "/api/schema/",  # the OpenAPI schema
        "/api/docs/",  # ReDoc: its script must come from us, not a CDN
        "/hsds/services",  # the HSDS export
        "/en/no-such-page/",  # a 404
        "/admin/",  # the Wagtail admin (a redirect to sign in)
    ],
)
def test_every_kind_of_response_carries_csp_frame_referrer_and_nosniff_headers(client, path):
    # When anyone requests it
    response = client.get(path)

    # Then scripts only come from us, nothing may frame it, referrers stay on the site, types are not sniffed
    csp = response["Content-Security-Policy"]
    assert _script_sources(csp) == ["'self'"], csp
    assert "frame-ancestors 'none'" in csp
    assert "object-src 'none'" in csp and "base-uri 'self'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_api_docs_page_loads_nothing_from_another_site(client):
    # ReDoc's default template pulls its script from a CDN and its fonts from Google: our CSP blocks both (the page
    # stays blank), and each load would tell those sites who reads our API documentation
    body = client.get("/api/docs/").content.decode()

    external = re.findall(r'<(?:script|link)[^>]+(?:src|href)="((?:https?:)?//[^"]+)"', body)
    assert external == [], f"/api/docs/ loads {external}: serve them from /static/"


def _production(script: str) -> dict:
    """Run `script` under the production settings (a fresh process: this one has loaded the test settings)."""
    keep = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "SECURE_", "DATABASE"))}
    environment = {
        **keep,
        "DJANGO_SETTINGS_MODULE": "network.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "ALLOWED_HOSTS": "example.org",
        "DATABASE_URL": "sqlite:///:memory:",
        "PYTHONPATH": str(REPOSITORY),
    }
    program = "import json, django\ndjango.setup()\nfrom django.conf import settings\nfrom django.test import Client\n"
    result = subprocess.run(
        [sys.executable, "-c", program + script],
        cwd=REPOSITORY,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_sends_browsers_to_https_and_pins_it_with_hsts():
    # Given the production settings, when a browser asks over plain HTTP and then over HTTPS
    seen = _production(
        "client = Client(SERVER_NAME='example.org')\n"
        "plain = client.get('/api/v1/')\n"
        "secure = client.get('/api/schema/', secure=True)\n"
        "print(json.dumps({'plain': plain.status_code, 'location': plain.get('Location'),"
        " 'secure': secure.status_code, 'hsts': secure.get('Strict-Transport-Security'),"
        " 'csp': secure.get('Content-Security-Policy'), 'referrer': secure.get('Referrer-Policy'),"
        " 'session_cookie_secure': settings.SESSION_COOKIE_SECURE, 'csrf_cookie_secure': settings.CSRF_COOKIE_SECURE,"
        " 'session_cookie_httponly': settings.SESSION_COOKIE_HTTPONLY}))\n"
    )

    # Then plain HTTP is sent to HTTPS for good
    assert seen["plain"] == 301 and seen["location"] == "https://example.org/api/v1/"

    # And HTTPS answers carry HSTS for a year, subdomains included, preload-ready, with the same CSP
    assert seen["secure"] == 200
    hsts = seen["hsts"]
    max_age = int(re.search(r"max-age=(\d+)", hsts).group(1))
    assert max_age >= 365 * 24 * 3600
    assert "includeSubDomains" in hsts and "preload" in hsts
    assert _script_sources(seen["csp"]) == ["'self'"] and "frame-ancestors 'none'" in seen["csp"]
    assert seen["referrer"] == "same-origin"

    # And cookies only travel over HTTPS, out of scripts' reach
    assert seen["session_cookie_secure"] and seen["csrf_cookie_secure"] and seen["session_cookie_httponly"]


# ---------------------------------------------------------------------------------------------------------------
# Sign-in and reset never say whether an account exists


def _normalised(body: bytes, *typed: str) -> str:
    """The page without what legitimately differs: the CSRF token and the login the visitor typed."""
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', 'name="csrfmiddlewaretoken" value=""', body.decode())
    for value in typed:
        text = text.replace(value, "TYPED")
    return text


@pytest.mark.django_db
@pytest.mark.parametrize("existing, unknown", [("karim", "nobody-here"), ("karim@example.org", "nobody@example.org")])
def test_failed_sign_in_reads_the_same_for_an_existing_and_an_unknown_account(existing, unknown):
    # Given one account, and two visitors on separate connections
    UserFactory(username="karim", email="karim@example.org")
    first, second = Client(REMOTE_ADDR="192.0.2.1"), Client(REMOTE_ADDR="192.0.2.2")

    # When one tries a wrong password for the account, the other any password for a login nobody has
    known = first.post(LOGIN_URL, {"login": existing, "password": "wrong-password"})
    missing = second.post(LOGIN_URL, {"login": unknown, "password": "wrong-password"})

    # Then both get the same status and the same page, word for word
    assert known.status_code == missing.status_code == 200
    assert _normalised(known.content, existing) == _normalised(missing.content, unknown)


@pytest.mark.django_db
def test_lock_out_comes_after_the_same_number_of_failures_whether_or_not_the_account_exists(settings):
    # Given one account, and two visitors on separate connections
    UserFactory(username="karim", email="karim@example.org")
    first, second = Client(REMOTE_ADDR="192.0.2.1"), Client(REMOTE_ADDR="192.0.2.2")
    attempts = settings.AXES_FAILURE_LIMIT + 1

    # When each fails repeatedly, one on the real account, one on a login nobody has
    known = [first.post(LOGIN_URL, {"login": "karim", "password": f"x{n}"}) for n in range(attempts)]
    missing = [second.post(LOGIN_URL, {"login": "nobody-here", "password": f"x{n}"}) for n in range(attempts)]

    # Then the answers follow the same sequence (a lock-out only for real accounts would reveal them)
    assert [r.status_code for r in known] == [r.status_code for r in missing]
    assert known[-1].status_code == 429
    assert _normalised(known[-1].content, "karim") == _normalised(missing[-1].content, "nobody-here")


@pytest.mark.django_db
def test_password_reset_is_braked_the_same_for_a_known_and_an_unknown_address(mailoutbox):
    # Given one account, and two visitors on separate connections
    UserFactory(username="karim", email="karim@example.org")
    first, second = Client(REMOTE_ADDR="192.0.2.1"), Client(REMOTE_ADDR="192.0.2.2")

    # When each asks for resets again and again, for the known address and for an unknown one
    known = [first.post(RESET_URL, {"email": "karim@example.org"}).status_code for _ in range(7)]
    missing = [second.post(RESET_URL, {"email": "nobody@example.org"}).status_code for _ in range(7)]

    # Then both get the same answers, and the brake (allauth: 5 a minute per address) stops both alike
    assert known == missing
    assert 429 in known and known.index(429) <= 5
    # And the known address was not flooded: at most five mails went out
    assert len(mailoutbox) <= 5


# ---------------------------------------------------------------------------------------------------------------
# Rate limits: sign-in and the API


def test_login_brakes_are_configured_per_account_and_per_address(settings):
    # django-axes locks an account (+ address) after a few failures; allauth brakes one address across accounts
    assert settings.AXES_FAILURE_LIMIT <= 10 and settings.AXES_COOLOFF_TIME
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    assert settings.ACCOUNT_RATE_LIMITS["login_failed"].endswith("/ip")
    assert "axes.middleware.AxesMiddleware" in settings.MIDDLEWARE
    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"


@pytest.mark.django_db
def test_one_address_trying_many_accounts_is_braked_while_another_address_signs_in():
    # Given an account, and an address that tries a different login every time (spraying passwords)
    user = UserFactory(username="karim", email="karim@example.org")
    sprayer, colleague = Client(REMOTE_ADDR="198.51.100.7"), Client(REMOTE_ADDR="198.51.100.8")
    for n in range(10):
        sprayer.post(LOGIN_URL, {"login": f"guess{n}", "password": "Winter2026!"})

    # When that address then tries the right password of a real account
    braked = sprayer.post(LOGIN_URL, {"login": "karim", "password": PASSWORD})

    # Then it is refused with the reason, while the same account from another address signs in
    assert SESSION_KEY not in sprayer.session
    assert "Too many failed login attempts" in braked.content.decode()
    signed_in = colleague.post(LOGIN_URL, {"login": "karim", "password": PASSWORD})
    assert signed_in.status_code == 302 and colleague.session[SESSION_KEY] == str(user.pk)


def test_the_api_throttles_anonymous_callers_and_members_in_every_environment(settings):
    # The throttles are on for every view (the test settings only raise the rates)
    classes = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"]
    assert "rest_framework.throttling.AnonRateThrottle" in classes
    assert "rest_framework.throttling.UserRateThrottle" in classes
    from network.settings import base

    assert base.REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"] == classes
    assert set(base.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]) == {"anon", "user"}


@pytest.fixture
def small_api_rates(monkeypatch):
    """Rates small enough to reach in a test. DRF copies the rates onto the throttle class when it is imported,
    so the class attribute is what changes here."""
    rates = {"anon": "3/minute", "user": "5/minute"}
    monkeypatch.setattr(throttling.SimpleRateThrottle, "THROTTLE_RATES", rates)
    return rates


@pytest.mark.django_db
def test_anonymous_api_callers_get_429_with_retry_after_past_their_rate(small_api_rates):
    # Given an anonymous caller
    client = Client(REMOTE_ADDR="203.0.113.5")

    # When it calls the API more often than its rate allows
    answers = [client.get("/api/v1/organisations/") for _ in range(4)]

    # Then the calls within the rate pass, the next is refused with 429 and says when to come back
    assert [answer.status_code for answer in answers] == [200, 200, 200, 429]
    assert int(answers[-1]["Retry-After"]) > 0


@pytest.mark.django_db
def test_members_api_calls_get_429_with_retry_after_past_their_rate_and_others_are_not_affected(
    small_api_rates, enrol_totp
):
    # Given two members with API tokens
    organisation = factories.organisation()
    busy, other = (enrol_totp(factories.member(organisation, Role.STAFF)) for _ in range(2))
    busy_client = Client(HTTP_AUTHORIZATION=f"Token {token_for(busy)}", REMOTE_ADDR="203.0.113.6")
    other_client = Client(HTTP_AUTHORIZATION=f"Token {token_for(other)}", REMOTE_ADDR="203.0.113.6")

    # When one calls more often than the member rate allows
    answers = [busy_client.get("/api/v1/me/") for _ in range(6)]

    # Then the sixth call is refused with 429 and a Retry-After; the other member, same address, still passes
    assert [answer.status_code for answer in answers] == [200] * 5 + [429]
    assert int(answers[-1]["Retry-After"]) > 0
    assert other_client.get("/api/v1/me/").status_code == 200
