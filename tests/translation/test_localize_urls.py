"""Every wagtail-localize URL asks the access policy: another organisation's draft key message and its own-members
page never reach an editor of organisation A, whichever endpoint they try (404, or a list without them)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.http import Http404, HttpResponse
from django.test import RequestFactory
from django.urls import get_resolver, path, reverse
from wagtail_localize.models import StringSegment, Translation

from network.advocacy.models import KeyMessage
from network.orgs.models import Role
from network.resources.models import ResourcePage
from network.translation import admin_urls, services
from tests.advocacy.factories import make_key_message
from tests.factories import member, network_admin, organisation
from tests.resources.factories import make_resource

pytestmark = pytest.mark.django_db

B_DRAFT = "Bravo's undisclosed draft position"
B_INTERNAL = "Bravo members-only protocol"
A_DRAFT = "Alpha's own draft position"
A_INTERNAL = "Alpha members-only protocol"


@dataclass
class Translated:
    a_message: KeyMessage
    b_message: KeyMessage
    b_page: ResourcePage
    b_message_translation: Translation
    b_page_translation: Translation
    a_page_translation: Translation
    a_coordinator: object
    a_staff: object
    admin: object


@pytest.fixture
def translated() -> Translated:
    """A and B each translate a draft key message and a members-only resource into Arabic."""
    a, b = organisation(name="Alpha"), organisation(name="Bravo")
    a_coordinator, a_staff = member(a, Role.COORDINATOR), member(a, Role.STAFF)
    b_staff = member(b, Role.STAFF)
    a_message = make_key_message(a, statement=A_DRAFT)
    b_message = make_key_message(b, statement=B_DRAFT)
    a_page = make_resource(a, visibility="organisation", title=A_INTERNAL)
    b_page = make_resource(b, visibility="organisation", title=B_INTERNAL)
    services.translation_submit(instance=a_message, locales=["ar"], acting_user=a_staff)
    [a_page_translation] = services.translation_submit(instance=a_page, locales=["ar"], acting_user=a_staff)
    [b_message_translation] = services.translation_submit(instance=b_message, locales=["ar"], acting_user=b_staff)
    [b_page_translation] = services.translation_submit(instance=b_page, locales=["ar"], acting_user=b_staff)
    return Translated(
        a_message=a_message,
        b_message=b_message,
        b_page=b_page,
        b_message_translation=b_message_translation,
        b_page_translation=b_page_translation,
        a_page_translation=a_page_translation,
        a_coordinator=a_coordinator,
        a_staff=a_staff,
        admin=network_admin(),
    )


def _shows_b(response: HttpResponse) -> bool:
    body = response.content.decode(errors="replace")
    return B_DRAFT in body or B_INTERNAL in body


def _url(name: str, **kwargs) -> str:
    return reverse(f"wagtail_localize:{name}", kwargs=kwargs)


# --- the guards cover every URL ----------------------------------------------------------------------------------


def test_every_url_wagtail_localize_registers_has_a_guard():
    # Given the admin URLconf, built from the hooks wagtail-localize registers
    get_resolver().url_patterns  # noqa: B018  (loads the URLconf, and with it every hook)

    # Then every URL name met has a guard, and every guard names a URL that exists
    assert admin_urls.SEEN, "wagtail-localize's URLs were not guarded at all"
    assert not admin_urls.UNGUARDED, f"add a guard in network/translation/admin_urls.py for {admin_urls.UNGUARDED}"
    assert not set(admin_urls.GUARDS) - admin_urls.SEEN, "a guard names a URL wagtail-localize no longer has"


def test_a_url_without_a_guard_answers_404_to_everyone():
    # Given a URL a new wagtail-localize release would add, with no guard for it
    new_url = path("new/", lambda request: HttpResponse("listing of every organisation"), name="new_listing")
    admin_urls.guard_urlpatterns([new_url], "wagtail_localize_test")
    admin_urls.SEEN.discard("wagtail_localize_test:new_listing")
    admin_urls.UNGUARDED.discard("wagtail_localize_test:new_listing")
    request = RequestFactory().get("/admin/localize/new/")
    request.user = network_admin()

    # Then even a network administrator gets 404
    with pytest.raises(Http404):
        new_url.callback(request)


# --- the snippet API ---------------------------------------------------------------------------------------------


def test_snippet_api_lists_only_the_key_messages_the_editor_may_translate(translated, signed_in):
    client = signed_in(translated.a_staff)

    response = client.get(_url("snippets_api_listing", app_label="advocacy", model_name="keymessage"))

    assert response.status_code == 200
    assert A_DRAFT in response.content.decode()
    assert B_DRAFT not in response.content.decode()


def test_snippet_api_answers_404_for_another_organisations_draft(translated, signed_in):
    client = signed_in(translated.a_coordinator)
    url = _url("snippets_api_detail", app_label="advocacy", model_name="keymessage", pk=translated.b_message.pk)

    response = client.get(url)

    assert response.status_code == 404 and not _shows_b(response)


def test_snippet_api_answers_404_for_a_key_that_is_no_key(translated, signed_in):
    client = signed_in(translated.a_staff)

    response = client.get(_url("snippets_api_detail", app_label="advocacy", model_name="keymessage", pk="not-a-uuid"))

    assert response.status_code == 404


def test_network_admin_is_not_listed_an_organisations_draft_key_message(translated, signed_in):
    client = signed_in(translated.admin)

    listing = client.get(_url("snippets_api_listing", app_label="advocacy", model_name="keymessage"))
    report = client.get(_url("translations_report"))

    assert listing.status_code == 200 and B_DRAFT not in listing.content.decode()
    assert report.status_code == 200 and not _shows_b(report)


# --- the translations report -------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["translations_report", "translations_report_results"])
def test_translations_report_lists_only_translations_of_own_content(translated, signed_in, name):
    client = signed_in(translated.a_coordinator)

    response = client.get(_url(name))

    assert response.status_code == 200
    assert A_INTERNAL in response.content.decode()
    assert not _shows_b(response)


def test_volunteers_who_translate_nothing_get_404_from_the_report(translated, signed_in):
    volunteer = member(translated.a_message.drafting_organisation, Role.VOLUNTEER)

    response = signed_in(volunteer).get(_url("translations_report"))

    assert response.status_code in (302, 404)  # volunteers have no admin access at all
    assert not _shows_b(response)


# --- one translation's screens -----------------------------------------------------------------------------------


def _translation_urls(translation: Translation) -> list[tuple[str, str]]:
    segment = StringSegment.objects.filter(source=translation.source).first()
    urls = [
        ("get", _url("download_pofile", translation_id=translation.pk)),
        ("get", _url("preview_translation", translation_id=translation.pk)),
        ("post", _url("upload_pofile", translation_id=translation.pk)),
        ("post", _url("machine_translate", translation_id=translation.pk)),
        ("post", _url("stop_translation", translation_id=translation.pk)),
    ]
    if segment is not None:
        urls.append(
            ("put", _url("edit_string_translation", translation_id=translation.pk, string_segment_id=segment.pk))
        )
    return urls


@pytest.mark.parametrize("victim", ["b_message_translation", "b_page_translation"])
def test_another_organisations_translation_answers_404_on_every_screen(translated, signed_in, victim):
    translation = getattr(translated, victim)
    client = signed_in(translated.a_coordinator)
    enabled = translation.enabled

    for method, url in _translation_urls(translation):
        response = getattr(client, method)(url)

        assert response.status_code == 404, f"{method.upper()} {url}: {response.status_code}"
        assert not _shows_b(response), url
    translation.refresh_from_db()
    assert translation.enabled == enabled


def test_the_translator_still_downloads_the_po_file_of_own_translation(translated, signed_in):
    translation = translated.a_page_translation

    response = signed_in(translated.a_staff).get(_url("download_pofile", translation_id=translation.pk))

    assert response.status_code == 200


def test_converting_another_organisations_translated_page_to_an_alias_answers_404(translated, signed_in):
    arabic = translated.b_page_translation.get_target_instance()

    response = signed_in(translated.a_coordinator).post(_url("convert_to_alias", page_id=arabic.pk))

    assert response.status_code == 404
    arabic.refresh_from_db()
    assert arabic.alias_of_id is None


def test_submit_and_sync_of_another_organisations_content_answer_404(translated, signed_in):
    client = signed_in(translated.a_coordinator)
    b_message = translated.b_message

    responses = [
        client.get(_url("submit_page_translation", page_id=translated.b_page.pk)),
        client.get(_url("submit_snippet_translation", app_label="advocacy", model_name="keymessage", pk=b_message.pk)),
        client.get(_url("update_translations", translation_source_id=translated.b_page_translation.source_id)),
    ]

    assert [response.status_code for response in responses] == [404, 404, 404]
    assert not any(_shows_b(response) for response in responses)


# --- the locales -------------------------------------------------------------------------------------------------


def test_locales_are_managed_by_network_admins_only(translated, signed_in, client):
    superuser = member(translated.a_message.drafting_organisation, Role.COORDINATOR, is_superuser=True)
    coordinator_index = signed_in(translated.a_coordinator).get(reverse("wagtaillocales:index"))
    superuser_index = signed_in(superuser).get(reverse("wagtaillocales:index"))

    assert coordinator_index.status_code == 404
    assert superuser_index.status_code == 200  # a superuser is a network administrator for the policy


def test_locale_usage_lists_nothing_to_anyone(translated, signed_in):
    arabic = translated.b_page_translation.target_locale

    response = signed_in(translated.admin).get(reverse("wagtaillocales:usage", kwargs={"pk": arabic.pk}))

    assert response.status_code == 404 and not _shows_b(response)


def test_the_translator_saves_a_string_as_the_editor_sends_it_while_the_api_still_reads_json_only(
    translated, signed_in
):
    # Given A's own translation and the multipart body wagtail-localize's editor sends for one string
    from django.test.client import encode_multipart
    from wagtail_localize.models import StringTranslation

    translation = translated.a_page_translation
    segment = StringSegment.objects.filter(source=translation.source, context__path="title").get()
    client = signed_in(translated.a_staff)
    body = encode_multipart("BoUnDaRy", {"value": "بروتوكول داخلي"})
    url = _url("edit_string_translation", translation_id=translation.pk, string_segment_id=segment.pk)

    # When it is saved through the editor's endpoint, and the same encoding is sent to the project's API
    saved = client.put(url, body, content_type="multipart/form-data; boundary=BoUnDaRy")
    refused = client.post("/api/v1/referrals/", body, content_type="multipart/form-data; boundary=BoUnDaRy")

    # Then the editor keeps the string (DRF's parsers serve it), and the API refuses the body with 415
    assert saved.status_code == 201, saved.content[:300]
    assert StringTranslation.objects.filter(
        translation_of=segment.string, locale=translation.target_locale, data="بروتوكول داخلي"
    ).exists()
    assert refused.status_code == 415
