"""Documents are served (at /documents/<id>/<filename>) only to visitors who may see a live page of their own
organisation offering them, or to members of the organisation whose collection holds them; everyone else gets the
same 404 as for a missing document. Risky types never open inline."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from wagtail.documents import get_document_model
from wagtail.models import ReferenceIndex

from network.orgs.models import Role
from network.resources.views import serve_document
from tests import factories
from tests.resources import factories as library

pytestmark = pytest.mark.django_db


@pytest.fixture
def lotus():
    return factories.organisation(name="Lotus Outreach")


@pytest.fixture
def etoile():
    return factories.organisation(name="Collectif Étoile")


def body_of(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_document_of_a_public_resource_downloads_for_anyone(client, lotus):
    page = library.make_resource(lotus, visibility="public")
    document = library.attach_document(page)

    response = client.get(document.url)

    assert document.url == f"/documents/{document.pk}/{document.filename}"
    assert response.status_code == 200
    assert body_of(response) == library.PDF_BYTES
    assert response["Content-Type"] == "application/pdf"


def test_document_of_a_network_resource_is_404_for_anonymous_and_served_to_other_members(
    client, signed_in, lotus, etoile
):
    page = library.make_resource(lotus, visibility="network")
    document = library.attach_document(page)

    assert client.get(document.url).status_code == 404
    assert signed_in(factories.member(etoile, Role.VOLUNTEER)).get(document.url).status_code == 200
    assert signed_in(factories.network_admin()).get(document.url).status_code == 200


def test_document_of_an_organisation_resource_is_served_to_its_members_only(client, signed_in, lotus, etoile):
    page = library.make_resource(lotus, visibility="organisation")
    document = library.attach_document(page)

    assert client.get(document.url).status_code == 404
    assert signed_in(factories.member(etoile, Role.COORDINATOR)).get(document.url).status_code == 404
    assert signed_in(factories.network_admin()).get(document.url).status_code == 404
    assert signed_in(factories.member(lotus, Role.VOLUNTEER)).get(document.url).status_code == 200


def test_refused_document_answers_exactly_like_a_missing_one(client, lotus):
    document = library.attach_document(library.make_resource(lotus, visibility="organisation"))

    missing_url = f"/documents/{document.pk + 1000}/{document.filename}"
    refused = client.get(document.url)
    missing = client.get(missing_url)
    wrong_name = client.get(f"/documents/{document.pk}/other.pdf")

    assert refused.status_code == missing.status_code == wrong_name.status_code == 404
    # The 404 page echoes its own address (sign-in link): compare without it
    assert library.page_without(refused, document.url) == library.page_without(missing, missing_url)


def test_document_in_the_organisation_collection_but_on_no_page_is_for_its_members(client, signed_in, lotus, etoile):
    document = library.make_document(lotus)

    assert client.get(document.url).status_code == 404
    assert signed_in(factories.member(etoile, Role.STAFF)).get(document.url).status_code == 404
    assert signed_in(factories.member(lotus, Role.PEER)).get(document.url).status_code == 200


def test_reference_index_records_attachments_and_body_documents_on_publish(lotus):
    page = library.make_resource(lotus)
    attached = library.attach_document(page)
    in_body = library.make_document(lotus)
    page.body = [("document", {"document": in_body, "caption": "Affiche"})]
    page.save_revision().publish()

    for document, path in ((attached, "attachments.item.document"), (in_body, "body.document.document")):
        references = ReferenceIndex.get_references_to(document)
        assert list(references.values_list("object_id", "model_path")) == [(str(page.pk), path)]


def test_document_used_in_the_body_of_a_public_resource_is_served_and_linked(client, lotus):
    document = library.make_document(lotus, title="Affiche")
    page = library.make_resource(lotus, body=[("document", {"document": document, "caption": "L'affiche"})])

    assert client.get(document.url).status_code == 200
    html = client.get(page.url).content.decode()
    assert f'<a href="{document.url}">L&#x27;affiche</a>' in html


def test_document_added_in_an_unpublished_draft_stays_private(client, lotus):
    # Given a published public resource, and a draft (not published) that adds a document to its body
    page = library.make_resource(lotus)
    document = library.make_document(lotus)
    page.body = [("document", {"document": document, "caption": ""})]
    page.save_revision()

    # Then the document is not public until the draft is published
    assert client.get(document.url).status_code == 404
    page.get_latest_revision().publish()
    assert client.get(document.url).status_code == 200


def test_unpublishing_a_resource_withdraws_its_documents(client, lotus):
    page = library.make_resource(lotus)
    document = library.attach_document(page)
    assert client.get(document.url).status_code == 200

    page.unpublish()

    assert client.get(document.url).status_code == 404


def test_html_and_svg_documents_are_downloaded_as_attachments_under_a_blocking_csp(client, lotus):
    page = library.make_resource(lotus)
    for filename, content in (
        ("page.html", b"<script>alert(1)</script>"),
        ("image.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
        ("notes.txt", b"plain"),
    ):
        document = library.attach_document(page, filename=filename, content=content)

        response = client.get(document.url)

        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment"), filename
        assert response["Content-Security-Policy"] == "default-src 'none'"
        assert response["X-Content-Type-Options"] == "nosniff"


def test_pdf_opens_inline_in_the_browser(client, lotus):
    document = library.attach_document(library.make_resource(lotus))

    response = client.get(document.url)

    assert not response["Content-Disposition"].startswith("attachment")
    assert response["Content-Security-Policy"] == "default-src 'none'"


@pytest.mark.parametrize("filename", ["image.svg", "page.html", "page.htm", "script.js"])
def test_upload_of_svg_or_html_documents_is_refused(lotus, filename):
    from django.core.files.uploadedfile import SimpleUploadedFile

    document = get_document_model()(
        title="x", collection=lotus.collection, file=SimpleUploadedFile(filename, b"<svg></svg>")
    )

    with pytest.raises(ValidationError):
        document.full_clean()


def test_document_responses_are_never_kept_by_shared_caches_for_members(lotus):
    document = library.attach_document(library.make_resource(lotus, visibility="organisation"))
    request = RequestFactory().get(document.url)
    request.user = factories.member(lotus, Role.STAFF)

    response = serve_document(request, str(document.pk), document.filename)

    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
