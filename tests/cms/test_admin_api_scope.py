"""Wagtail's admin API lists the images and documents of the user's own organisation's collection, not every
organisation's."""

import pytest
from django.core.files.base import ContentFile
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file

from network.orgs.models import Role
from tests.factories import member, organisation

pytestmark = pytest.mark.django_db


def test_admin_api_lists_own_organisation_images_and_not_another_organisations(signed_in):
    # Given an image in A's collection, and editors of A and of an unrelated organisation C
    a, c = organisation(), organisation()
    image = get_image_model().objects.create(
        title="Alpha outreach van", file=get_test_image_file(), collection=a.collection
    )
    a_staff, c_staff = member(a, Role.STAFF), member(c, Role.STAFF)

    # When each asks the admin API for images, and for A's image
    own = signed_in(a_staff).get("/admin/api/main/images/")
    other_listing = signed_in(c_staff).get("/admin/api/main/images/")
    other_detail = signed_in(c_staff).get(f"/admin/api/main/images/{image.pk}/")

    # Then only A's editor is shown it
    assert own.status_code == 200 and "Alpha outreach van" in own.content.decode()
    assert other_listing.status_code == 200 and "Alpha outreach van" not in other_listing.content.decode()
    assert other_detail.status_code == 404


def test_admin_api_lists_own_organisation_documents_and_not_another_organisations(signed_in):
    # Given a document in A's collection, and editors of A and of an unrelated organisation C
    a, c = organisation(), organisation()
    document = get_document_model().objects.create(
        title="Alpha legal aid leaflet",
        file=ContentFile(b"%PDF-1.4 leaflet", name="leaflet.pdf"),
        collection=a.collection,
    )
    a_staff, c_staff = member(a, Role.STAFF), member(c, Role.STAFF)

    # When each asks the admin API for documents, and for A's document
    own = signed_in(a_staff).get("/admin/api/main/documents/")
    other_listing = signed_in(c_staff).get("/admin/api/main/documents/")
    other_detail = signed_in(c_staff).get(f"/admin/api/main/documents/{document.pk}/")

    # Then only A's editor is shown it
    assert own.status_code == 200 and "Alpha legal aid leaflet" in own.content.decode()
    assert other_listing.status_code == 200 and "Alpha legal aid leaflet" not in other_listing.content.decode()
    assert other_detail.status_code == 404
