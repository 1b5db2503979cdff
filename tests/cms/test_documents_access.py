"""Documents are reachable only through their own organisation's decisions.

A page may only refer to (attach, offer in a download block, link from rich text) documents of its organisation's
collection: another organisation's document id is refused when the page is saved, published or submitted from the
admin form, with a message that never shows the document's title. A document is opened by a page only when that
page belongs to the document's organisation, and the /media/ route never serves documents directly.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.test import RequestFactory, override_settings
from django.urls import clear_url_caches, resolve
from wagtail.models import Collection
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from network.orgs.models import Role
from network.resources import views
from network.resources.models import ResourceAttachment, ResourcePage
from tests import factories
from tests.resources import factories as library

pytestmark = pytest.mark.django_db


@pytest.fixture
def lotus():
    return factories.organisation(name="Lotus Outreach")


@pytest.fixture
def etoile():
    return factories.organisation(name="Collectif Étoile")


@pytest.fixture
def lotus_report(lotus):
    """A document only Lotus's members may read (it is on no page)."""
    return library.make_document(lotus, title="Rapport interne Lotus")


def _messages(error: ValidationError) -> str:
    return " ".join(error.messages)


# ---------------------------------------------------------------------------------------------------------------
# Saving and publishing a page


def test_download_block_naming_another_organisations_document_is_refused_on_save_without_its_title(
    etoile, lotus_report, in_english
):
    page = library.make_resource(etoile)
    page.body = [("document", {"document": lotus_report, "caption": ""})]

    with pytest.raises(ValidationError) as refused:
        page.save_revision()

    assert f"Document {lotus_report.pk} is not in your organisation's collection" in _messages(refused.value)
    assert "Rapport interne" not in _messages(refused.value)


def test_attachment_of_another_organisations_document_is_refused_on_publish(etoile, lotus_report):
    page = ResourcePage.objects.get(pk=library.make_resource(etoile).pk)
    page.attachments = [ResourceAttachment(document=lotus_report)]

    with pytest.raises(ValidationError):
        page.save_revision().publish()

    assert not ResourceAttachment.objects.filter(document=lotus_report).exists()


def test_rich_text_link_to_another_organisations_document_is_refused(etoile, lotus_report):
    page = library.make_resource(etoile)
    page.body = [("paragraph", f'<p>See <a linktype="document" id="{lotus_report.pk}">the report</a></p>')]

    with pytest.raises(ValidationError):
        page.save_revision()


def test_unknown_document_id_is_refused_with_the_same_message(etoile, lotus_report, in_english):
    page = library.make_resource(etoile)
    page.body = [("paragraph", '<p><a linktype="document" id="987654">?</a></p>')]

    with pytest.raises(ValidationError) as refused:
        page.save_revision()

    assert "Document 987654 is not in your organisation's collection" in _messages(refused.value)


def test_own_documents_are_accepted_in_every_form_including_a_sub_collection(etoile):
    sub_collection = etoile.collection.add_child(name="Affiches")
    attached = library.make_document(etoile)
    in_block = library.make_document(etoile, collection=sub_collection)
    linked = library.make_document(etoile)
    page = ResourcePage.objects.get(pk=library.make_resource(etoile).pk)
    page.attachments = [ResourceAttachment(document=attached)]
    page.body = [
        ("document", {"document": in_block, "caption": ""}),
        ("paragraph", f'<p><a linktype="document" id="{linked.pk}">flyer</a></p>'),
    ]

    page.save_revision().publish()

    assert page.attachments.count() == 1


def test_document_of_the_root_collection_belongs_to_no_organisation_and_is_refused(etoile):
    orphan = library.make_document(etoile, collection=Collection.get_first_root_node())
    page = library.make_resource(etoile)
    page.body = [("document", {"document": orphan, "caption": ""})]

    with pytest.raises(ValidationError):
        page.save_revision()


# ---------------------------------------------------------------------------------------------------------------
# The admin page form


def _resource_form(page: ResourcePage, *, attachments: list[dict], body: list | None = None) -> dict:
    return nested_form_data(
        {
            "title": page.title,
            "slug": page.slug,
            "summary": page.summary,
            "body": streamfield(body or [("paragraph", rich_text("<p>Texte.</p>"))]),
            "attachments": inline_formset(attachments),
            "visibility": page.visibility,
            "kind": page.kind,
            "audience": page.audience,
            "licence": page.licence,
            "country": "",
            "programme_context": "",
            "comments": inline_formset([]),
        }
    )


def test_admin_form_refuses_another_organisations_document_and_shows_no_title(client, signed_in, etoile, lotus_report):
    editor = factories.member(etoile, Role.STAFF)
    page = library.make_resource(etoile, title="Guide Étoile")
    signed_in(editor)
    edit_url = f"/admin/pages/{page.pk}/edit/"

    response = client.post(
        edit_url,
        _resource_form(page, attachments=[{"document": lotus_report.pk, "title": ""}]) | {"action-publish": "1"},
    )

    assert response.status_code == 200  # the form again, nothing saved
    html = response.content.decode()
    assert f"Le document {lotus_report.pk} n&#x27;est pas dans la collection de votre organisation" in html
    assert "Rapport interne Lotus" not in html
    assert not ResourceAttachment.objects.filter(document=lotus_report).exists()


def test_admin_form_refuses_another_organisations_document_on_a_new_page(client, signed_in, etoile, lotus_report):
    signed_in(factories.member(etoile, Role.STAFF))
    draft = ResourcePage(title="Nouveau guide", slug="nouveau-guide", summary="Résumé.")
    form = _resource_form(draft, attachments=[{"document": lotus_report.pk, "title": ""}])

    response = client.post(f"/admin/pages/add/resources/resourcepage/{etoile.space_page_id}/", form)

    assert response.status_code == 200
    html = response.content.decode()
    assert f"Le document {lotus_report.pk} n&#x27;est pas dans la collection de votre organisation" in html
    assert "Rapport interne Lotus" not in html
    assert not ResourcePage.objects.filter(slug="nouveau-guide").exists()


def test_admin_form_refuses_a_download_block_with_another_organisations_document(
    client, signed_in, etoile, lotus_report
):
    page = library.make_resource(etoile)
    signed_in(factories.member(etoile, Role.STAFF))
    body = [("document", {"document": lotus_report.pk, "caption": "Affiche"})]

    response = client.post(f"/admin/pages/{page.pk}/edit/", _resource_form(page, attachments=[], body=body))

    assert response.status_code == 200
    html = response.content.decode()
    assert f"Le document {lotus_report.pk} n&#x27;est pas dans la collection de votre organisation" in html
    assert "Rapport interne Lotus" not in html
    assert ResourcePage.objects.get(pk=page.pk).latest_revision_id == page.latest_revision_id  # no draft saved


def test_admin_form_accepts_the_organisations_own_document(client, signed_in, etoile):
    page = library.make_resource(etoile)
    own = library.make_document(etoile, title="Affiche Étoile")
    signed_in(factories.member(etoile, Role.STAFF))

    response = client.post(
        f"/admin/pages/{page.pk}/edit/",
        _resource_form(page, attachments=[{"document": own.pk, "title": ""}]) | {"action-publish": "1"},
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    assert ResourceAttachment.objects.filter(page=page, document=own).exists()


# ---------------------------------------------------------------------------------------------------------------
# Serving


def test_another_organisations_public_page_does_not_open_a_document_it_names(client, signed_in, lotus, etoile):
    # Given Étoile's public resource offers a document, which is then moved into Lotus's collection
    etoile_page = library.make_resource(etoile, visibility="public")
    document = library.attach_document(etoile_page)
    document.collection = lotus.collection
    document.save()

    # Then Étoile's page no longer opens it: only Lotus's own decisions (and members) do
    assert client.get(document.url).status_code == 404
    assert signed_in(factories.member(lotus, Role.VOLUNTEER)).get(document.url).status_code == 200
    client.logout()

    # When Lotus publishes it on a public page of its own, it is public
    lotus_page = ResourcePage.objects.get(pk=library.make_resource(lotus, visibility="public").pk)
    library.attach_document(lotus_page, document=document)
    assert client.get(document.url).status_code == 200


def test_media_route_never_serves_documents_but_serves_images(settings, lotus):
    document = library.make_document(lotus)
    image = Path(settings.MEDIA_ROOT) / "images" / "pixel.txt"
    image.parent.mkdir(parents=True, exist_ok=True)
    image.write_text("ok")
    request = RequestFactory().get("/media/")

    for path in (document.file.name, f"./{document.file.name}", f"images/../{document.file.name}", "Documents/"):
        with pytest.raises(Http404):
            views.serve_media(request, path)
    assert views.serve_media(request, "images/pixel.txt").status_code == 200


def test_development_media_route_is_the_guarded_view(client, lotus):
    import network.urls

    document = library.make_document(lotus)
    try:
        with override_settings(SERVE_MEDIA=True):
            importlib.reload(network.urls)
            clear_url_caches()
            assert resolve(f"/media/{document.file.name}").func is views.serve_media
            assert client.get(f"/media/{document.file.name}").status_code == 404
    finally:
        importlib.reload(network.urls)
        clear_url_caches()


def test_documents_are_served_through_the_view_and_any_other_method_fails_the_system_check(settings):
    from cms.checks import documents_served_through_the_view
    from network.settings import base

    assert base.WAGTAILDOCS_SERVE_METHOD == "serve_view"
    assert documents_served_through_the_view(None) == []
    settings.WAGTAILDOCS_SERVE_METHOD = "direct"
    assert [error.id for error in documents_served_through_the_view(None)] == ["cms.E001"]
