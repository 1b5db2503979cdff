"""Scale-out on one machine: two gunicorn web processes (the compose web command, production settings) sharing
PostgreSQL and Redis. A page published through one is served fresh by the other at once (the anonymous page
cache is invalidated across processes), and a session made on one is valid on the other."""

from __future__ import annotations

import re

import pytest
import requests
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth.hashers import PBKDF2PasswordHasher

from network.orgs.models import Role
from tests import factories
from tests.resources import factories as library
from tests.totp import code_now

from .conftest import services_missing_reason
from .stack import compose_command, free_port, start_process, wait_until

if reason := services_missing_reason():
    pytest.skip(reason, allow_module_level=True)

pytestmark = [pytest.mark.processes, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "correct-horse-battery"  # tests/factories.py


def http() -> requests.Session:
    session = requests.Session()
    session.trust_env = False
    return session


class Browser:
    """A visitor over plain HTTP to a server with production settings, whose cookies are marked Secure: the
    cookies are sent back anyway (as a TLS proxy in front would let them), and redirects are followed by hand."""

    def __init__(self) -> None:
        self.session = http()

    def get(self, url: str, **kwargs) -> requests.Response:
        return self._call("get", url, **kwargs)

    def post(self, url: str, **kwargs) -> requests.Response:
        return self._call("post", url, **kwargs)

    def _call(self, method: str, url: str, **kwargs) -> requests.Response:
        response = getattr(self.session, method)(url, allow_redirects=False, timeout=30, **kwargs)
        for cookie in self.session.cookies:
            cookie.secure = False
        return response


def csrf_token(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def sign_in(browser: Browser, base: str, *, login: str, secret: str) -> None:
    """allauth's two steps (password, then the TOTP code) through the web process at `base`."""
    page = browser.get(f"{base}/fr/accounts/login/")
    step = browser.post(
        f"{base}/fr/accounts/login/",
        data={"login": login, "password": PASSWORD, "csrfmiddlewaretoken": csrf_token(page.text)},
    )
    assert step.status_code == 302 and "/2fa/authenticate/" in step.headers["Location"], step.status_code
    code_url = base + step.headers["Location"]
    code_page = browser.get(code_url)
    token = csrf_token(code_page.text)
    done = browser.post(code_url, data={"code": code_now(secret), "csrfmiddlewaretoken": token})
    assert done.status_code == 302, done.status_code


@pytest.fixture
def two_web_processes(stack_environment, production_static_root, tmp_path):
    """The compose web command twice, on two ports, with one environment (one SECRET_KEY, as replicas have)."""
    (tmp_path / "static").symlink_to(production_static_root, target_is_directory=True)
    environment = stack_environment("web")
    ports = free_port(), free_port()
    processes = [
        start_process(
            f"web-{port}", compose_command("web", bind=f"127.0.0.1:{port}"), environment=environment, log_dir=tmp_path
        )
        for port in ports
    ]
    yield [(f"http://127.0.0.1:{port}", process) for port, process in zip(ports, processes, strict=True)]
    for process in processes:
        process.terminate()
    for process in processes:
        process.stop()


def test_two_web_processes_share_sessions_and_the_page_cache(two_web_processes):
    # Given a published resource whose next revision waits as a draft, and its organisation's coordinator
    lotus = factories.organisation(name="Lotus Outreach")
    coordinator = factories.member(lotus, Role.COORDINATOR)
    # The web processes have the production password hashers (the tests' MD5 one is not among them)
    coordinator.password = PBKDF2PasswordHasher().encode(PASSWORD, "scale-out-salt", iterations=1000)
    coordinator.save(update_fields=["password"])
    secret = generate_totp_secret()
    TOTP.activate(coordinator, secret)
    page = library.make_resource(lotus, title="Ancien titre")
    page.title = "Nouveau titre"
    page.save_revision()

    # And two gunicorn processes on two ports
    (one, first), (other, second) = two_web_processes
    for base, process in two_web_processes:
        wait_until(lambda base=base: _answers(f"{base}/healthz/"), timeout=30, what="gunicorn", processes=[process])

    # When an anonymous visitor reads the page through the second process (the second time from the cache)
    visitor = http()
    assert visitor.get(f"{other}{page.url}", timeout=30).headers["X-Page-Cache"] == "miss"
    cached = visitor.get(f"{other}{page.url}", timeout=30)
    assert cached.headers["X-Page-Cache"] == "hit" and "Ancien titre" in cached.text

    # And the coordinator signs in on the first process: the session holds on the second
    coordinator_session = Browser()
    sign_in(coordinator_session, one, login=coordinator.username, secret=secret)
    dashboard = coordinator_session.get(f"{other}/fr/dashboard/")
    assert dashboard.status_code == 200, second.log()
    assert "no-store" in dashboard.headers["Cache-Control"]

    # And publishes the draft through the first process (Wagtail's publish action)
    action = f"{one}/admin/bulk/wagtailcore/page/publish/?id={page.pk}"
    confirm = coordinator_session.get(action)
    assert confirm.status_code == 200, first.log()
    published = coordinator_session.post(action, data={"csrfmiddlewaretoken": csrf_token(confirm.text)})
    assert published.status_code in (200, 302), first.log()

    # Then the second process serves the new title at once
    fresh = visitor.get(f"{other}{page.url}", timeout=30)
    assert fresh.headers["X-Page-Cache"] == "miss"
    assert "Nouveau titre" in fresh.text and "Ancien titre" not in fresh.text


def _answers(url: str) -> bool:
    try:
        return http().get(url, timeout=5).status_code == 200
    except requests.RequestException:  # not listening yet, or still starting
        return False
