"""Scale-out on one machine: two gunicorn web processes (the compose web command, production settings) sharing
PostgreSQL and Redis. A page published through one is served fresh by the other at once (the anonymous page
cache is invalidated across processes), and a session made on one is valid on the other."""

from __future__ import annotations

import re

import pytest
import requests
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value

from network.orgs.models import Role
from tests import factories
from tests.resources import factories as library

from .conftest import services_missing_reason
from .stack import free_port, wait_until

if reason := services_missing_reason():
    pytest.skip(reason, allow_module_level=True)

pytestmark = [pytest.mark.processes, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "correct-horse-battery"  # tests/factories.py


def http() -> requests.Session:
    session = requests.Session()
    session.trust_env = False
    return session


def csrf_token(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def current_code(secret: str) -> str:
    import time

    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def sign_in(session: requests.Session, base: str, *, login: str, secret: str) -> None:
    """allauth's two steps (password, then the TOTP code) through the web process at `base`."""
    page = session.get(f"{base}/fr/accounts/login/", timeout=30)
    step = session.post(
        f"{base}/fr/accounts/login/",
        data={"login": login, "password": PASSWORD, "csrfmiddlewaretoken": csrf_token(page.text)},
        timeout=30,
    )
    assert "/2fa/authenticate/" in step.url, step.url
    done = session.post(
        step.url, data={"code": current_code(secret), "csrfmiddlewaretoken": csrf_token(step.text)}, timeout=30
    )
    assert done.status_code == 200 and "sessionid" in session.cookies, done.url


def test_two_web_processes_share_sessions_and_the_page_cache(start_service, production_static_root, tmp_path):
    # Given a published resource whose next revision waits as a draft, and its organisation's coordinator
    (tmp_path / "static").symlink_to(production_static_root, target_is_directory=True)
    lotus = factories.organisation(name="Lotus Outreach")
    coordinator = factories.member(lotus, Role.COORDINATOR)
    secret = generate_totp_secret()
    TOTP.activate(coordinator, secret)
    page = library.make_resource(lotus, title="Ancien titre")
    page.title = "Nouveau titre"
    page.save_revision()

    # And two gunicorn processes on two ports
    ports = free_port(), free_port()
    first = start_service("web", bind=f"127.0.0.1:{ports[0]}")
    second = start_service("web", bind=f"127.0.0.1:{ports[1]}")
    one, other = (f"http://127.0.0.1:{port}" for port in ports)
    for base, process in ((one, first), (other, second)):
        wait_until(lambda base=base: _answers(f"{base}/healthz/"), timeout=30, what="gunicorn", processes=[process])

    # When an anonymous visitor reads the page through the second process (the second time from the cache)
    visitor = http()
    assert visitor.get(f"{other}{page.url}", timeout=30).headers["X-Page-Cache"] == "miss"
    cached = visitor.get(f"{other}{page.url}", timeout=30)
    assert cached.headers["X-Page-Cache"] == "hit" and "Ancien titre" in cached.text

    # And the coordinator signs in on the first process: the session holds on the second
    coordinator_session = http()
    sign_in(coordinator_session, one, login=coordinator.username, secret=secret)
    dashboard = coordinator_session.get(f"{other}/fr/dashboard/", timeout=30, allow_redirects=False)
    assert dashboard.status_code == 200, second.log()
    assert "no-store" in dashboard.headers["Cache-Control"]

    # And publishes the draft through the first process (Wagtail's publish action)
    action = f"{one}/admin/bulk/wagtailcore/page/publish/?id={page.pk}"
    confirm = coordinator_session.get(action, timeout=30)
    assert confirm.status_code == 200, first.log()
    published = coordinator_session.post(
        action, data={"csrfmiddlewaretoken": csrf_token(confirm.text)}, headers={"Referer": action}, timeout=30
    )
    assert published.status_code == 200, first.log()

    # Then the second process serves the new title at once
    fresh = visitor.get(f"{other}{page.url}", timeout=30)
    assert fresh.headers["X-Page-Cache"] == "miss"
    assert "Nouveau titre" in fresh.text and "Ancien titre" not in fresh.text


def _answers(url: str) -> bool:
    try:
        return http().get(url, timeout=5).status_code == 200
    except requests.RequestException:  # not listening yet, or still starting
        return False
