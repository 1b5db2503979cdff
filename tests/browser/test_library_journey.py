"""Journey: a community association publishes a resource in French in the Wagtail admin, has it translated into
Arabic (by hand, in wagtail-localize's translation editor) and Russian (machine pre-translation), and an anonymous
visitor finds it by searching the Arabic library, right-to-left; a resource kept for network members stays
invisible to that visitor (not in the results, 404 at its address)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from wagtail.models import Locale

from network.orgs.models import OrganisationKind, Role
from network.resources.models import ResourcePage, Visibility
from tests import factories

from .conftest import DESKTOP, WAGTAIL_AUTOSAVE_OFF, enrol_authenticator, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE_FR = "Guide de sécurité numérique pour les travailleuses du sexe"
SUMMARY_FR = "Protéger son téléphone, ses comptes et ses échanges avec les clients."
TITLE_AR = "دليل الأمان الرقمي للعاملات في مجال الجنس"
SUMMARY_AR = "حماية الهاتف والحسابات والمحادثات مع الزبائن."
SEARCH_AR = "الرقمي"  # "digital": in both Arabic titles, the public one and the network-only one
SLUG_AR = "dalil-al-aman-al-raqmi"
NETWORK_ONLY_AR = "الأمان الرقمي داخل الشبكة فقط"


@pytest.fixture
def association(settings):
    """A community association with a staff member (authenticator enrolled), the library in French, Arabic and
    Russian, and one network-only resource that already has an Arabic translation."""
    from tests.resources import factories as rf

    settings.WAGTAIL_AUTOSAVE_INTERVAL = WAGTAIL_AUTOSAVE_OFF
    settings.WAGTAILLOCALIZE_MACHINE_TRANSLATOR = {
        "CLASS": "wagtail_localize.machine_translators.dummy.DummyTranslator",
        "OPTIONS": {},
    }
    for code in ("ar", "ru"):
        Locale.objects.get_or_create(language_code=code)
    rf.library_index(title="Bibliothèque")
    for code in ("ar", "ru"):
        rf.library_in(code)
    org = factories.organisation(
        name="Collectif Étoile", slug="collectif-etoile", kind=OrganisationKind.COMMUNITY_ASSOCIATION
    )
    internal = rf.make_resource(
        org, visibility=Visibility.NETWORK, title="Sécurité numérique, notes internes", slug="notes-internes"
    )
    internal_ar = rf.translate(internal, "ar", title=NETWORK_ONLY_AR)
    staff = enrol_authenticator(factories.member(org, Role.STAFF, username="etoile-staff"))
    return {"org": org, "staff": staff, "internal_ar": internal_ar}


def translate_segment(page: Page, source: str, translation: str) -> None:
    """In wagtail-localize's editor: open the string's editor, type the translation, save, wait for the tick."""
    segment = page.locator("li", has_text=source).last
    segment.get_by_role("button", name="Translate").click()
    segment.locator("textarea").fill(translation)
    segment.get_by_role("button", name="Save").click()
    expect(segment).to_contain_text(translation)
    expect(segment.get_by_role("button", name="Edit")).to_be_visible()


def test_association_publishes_a_resource_translated_to_arabic_and_russian_found_by_an_arabic_visitor(
    live_server, new_context, journey, association
):
    org, staff = association["org"], association["staff"]

    # given the association's staff member, signed in with two-factor, in the Wagtail admin
    admin = new_context(viewport=DESKTOP, locale="en-GB").new_page()
    sign_in(admin, live_server, staff, journey=journey)
    admin.goto(f"{live_server.url}/admin/pages/{org.space_page_id}/")
    journey.check(admin, "admin, the association's space")

    # when they add a resource in French under the association's space and publish it
    admin.get_by_role("link", name="Add child page").first.click()
    admin.get_by_role("link", name="Resource", exact=True).click()
    admin.locator("#id_title").fill(TITLE_FR)
    admin.locator("#id_summary").fill(SUMMARY_FR)
    journey.check(admin, "resource editor, content")
    admin.get_by_role("tab", name="Settings").click()
    admin.locator("#id_visibility").select_option(label="Public")
    journey.check(admin, "resource editor, settings")
    admin.locator("footer").get_by_role("button", name="More actions").click()
    admin.locator("button[name=action-publish]").click()
    expect(admin.get_by_role("status")).to_contain_text(re.compile("published", re.I))
    source = ResourcePage.objects.get(locale__language_code="fr", title=TITLE_FR)
    assert source.live and source.organisation_id == org.pk

    # and have it translated into Arabic by hand in the translation editor, and published
    journey.check(admin, "published, the space's pages")
    admin.get_by_role("button", name=f"More options for '{TITLE_FR}'").click()
    admin.get_by_role("link", name="Translate this page").click()
    journey.check(admin, "translate this page")
    admin.get_by_label("Arabic").check()
    admin.get_by_role("button", name="Submit").click()
    expect(admin.get_by_role("button", name="Publish in Arabic")).to_be_visible()
    translate_segment(admin, TITLE_FR, TITLE_AR)
    translate_segment(admin, SUMMARY_FR, SUMMARY_AR)
    admin.get_by_role("tab", name="Promote").click()
    translate_segment(admin, source.slug, SLUG_AR)
    admin.get_by_role("tab", name="Content").click()
    journey.check(admin, "translation editor, Arabic")
    admin.get_by_role("button", name="Publish in Arabic").click()
    expect(admin.get_by_role("status")).to_contain_text(re.compile("published", re.I))
    expect(admin.get_by_role("status")).not_to_contain_text("missing translations")
    arabic = ResourcePage.objects.get(translation_key=source.translation_key, locale__language_code="ar")
    assert arabic.live and arabic.title == TITLE_AR

    # and into Russian with the machine translator, then published
    admin.goto(f"{live_server.url}/admin/pages/{org.space_page_id}/")
    admin.get_by_role("button", name=f"More options for '{TITLE_FR}'").click()
    admin.get_by_role("link", name="Translate this page").click()
    admin.get_by_label("Russian").check()
    admin.get_by_role("button", name="Submit").click()
    admin.get_by_role("button", name=re.compile(r"Translate with ")).click()
    expect(admin.get_by_role("button", name="Publish in Russian")).to_be_visible()
    journey.check(admin, "translation editor, Russian, machine translated")
    admin.get_by_role("button", name="Publish in Russian").click()
    expect(admin.get_by_role("status")).to_contain_text(re.compile("published", re.I))
    russian = ResourcePage.objects.get(translation_key=source.translation_key, locale__language_code="ru")
    assert russian.live and russian.title != TITLE_FR  # the machine's words, not the French ones

    # then an anonymous visitor searching the Arabic library finds it, right-to-left
    visitor = new_context(viewport=DESKTOP, locale="ar").new_page()
    visitor.goto(f"{live_server.url}/ar/library/")
    expect(visitor.locator("html")).to_have_attribute("dir", "rtl")
    search = visitor.get_by_role("search")
    search.locator("input[name=q]").fill(SEARCH_AR)
    search.get_by_role("button").first.click()
    expect(visitor).to_have_url(re.compile(r"/ar/library/\?.*q="))
    results = visitor.locator(".card-grid")
    expect(results.get_by_role("link", name=TITLE_AR)).to_be_visible()
    journey.check(visitor, "Arabic library search")

    # and the network-only resource is not among the results, and its address answers 404
    expect(visitor.get_by_role("link", name=NETWORK_ONLY_AR)).to_have_count(0)
    expect(results.get_by_role("link")).to_have_count(1)
    visitor.get_by_role("link", name=TITLE_AR).click()
    expect(visitor.get_by_role("heading", level=1, name=TITLE_AR)).to_be_visible()
    expect(visitor.locator("html")).to_have_attribute("lang", "ar")
    expect(visitor.locator("html")).to_have_attribute("dir", "rtl")
    expect(visitor.locator(".resource__content")).to_have_attribute("dir", "rtl")
    journey.check(visitor, "Arabic resource page")
    hidden = visitor.goto(f"{live_server.url}{association['internal_ar'].url}")
    assert hidden is not None and hidden.status == 404
    journey.check(visitor, "network-only resource, 404")

    # and the Russian translation is served under /ru/
    visitor.goto(f"{live_server.url}{russian.url}")
    expect(visitor.locator("html")).to_have_attribute("lang", "ru")
    expect(visitor.get_by_role("heading", level=1)).to_have_text(russian.title)

    journey.assert_accessible()
