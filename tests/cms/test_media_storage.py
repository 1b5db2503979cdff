"""Uploaded images and documents go through Django's storage API only, so the store is a setting (MEDIA_STORAGE).

The tests swap the default storage for Django's InMemoryStorage without `path()` (as S3's storage has none): an
upload, a rendition, the guarded document download and the development /media/ route must all still work, and
nothing may land under MEDIA_ROOT. The settings helper turns MEDIA_STORAGE=s3 and the AWS_* variables into
django-storages' S3 backend with a private bucket.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.files.storage import InMemoryStorage, default_storage, storages
from django.test import RequestFactory
from wagtail.images import get_image_model

from network.core.media_storage import media_storage_setting
from network.orgs.models import Role
from network.resources import views
from tests import factories
from tests.advocacy.test_images import CAMERA, _metadata_in, jpeg_with_gps
from tests.resources import factories as library

pytestmark = pytest.mark.django_db


class StorageWithoutPaths(InMemoryStorage):
    """Files in memory, and no filesystem path to reach them by, like django-storages' S3Storage."""

    def path(self, name: str) -> str:
        raise NotImplementedError("This backend doesn't support absolute paths.")

    def _relative_path(self, name: str) -> str:  # InMemoryStorage's own bookkeeping, not a path given out
        return os.path.relpath(InMemoryStorage.path(self, name), self.location)


@pytest.fixture
def storage_without_paths(settings):
    """The default storage is in memory (no `.path()`); MEDIA_ROOT must stay empty however files are handled."""
    backend = f"{__name__}.StorageWithoutPaths"
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": backend}}
    assert isinstance(storages["default"], StorageWithoutPaths)
    with pytest.raises(NotImplementedError):
        default_storage.path("anything")
    yield default_storage
    media_root = Path(settings.MEDIA_ROOT)
    assert not media_root.exists() or not [path for path in media_root.rglob("*") if path.is_file()]


def test_image_uploaded_in_the_admin_is_stored_and_rendered_through_a_storage_without_paths(
    client, signed_in, storage_without_paths
):
    # Given an editor of an organisation, and a storage that has no filesystem path
    organisation = factories.organisation()
    signed_in(factories.member(organisation, Role.STAFF))

    # When they upload a photo through the Wagtail admin
    response = client.post(
        "/admin/images/add/",
        {"title": "Van", "file": jpeg_with_gps(), "collection": organisation.collection.pk, "description": "A van."},
    )

    # Then it is stored in that storage without its metadata, and a rendition is made from it and stored there too
    assert response.status_code == 302, response.content.decode()[:2000]
    image = get_image_model().objects.get(title="Van")
    assert storage_without_paths.exists(image.file.name)
    with storage_without_paths.open(image.file.name, "rb") as stored:
        data = stored.read()
    assert CAMERA.encode() not in data and not _metadata_in(data)
    rendition = image.get_rendition("width-32")
    assert rendition.width == 32
    assert storage_without_paths.exists(rendition.file.name)


def test_document_on_a_storage_without_paths_is_downloaded_only_through_the_guarded_view(
    client, signed_in, storage_without_paths
):
    # Given a document of Lotus's collection (on no page), in a storage that has no filesystem path
    lotus = factories.organisation(name="Lotus Outreach")
    outsider = factories.member(factories.organisation(name="Collectif Étoile"), Role.STAFF)
    content = b"%PDF-1.4\n% internal report\n"
    document = library.make_document(lotus, title="Rapport interne", content=content)
    assert storage_without_paths.exists(document.file.name)

    # Then an anonymous visitor and another organisation's member get nothing
    assert client.get(document.url).status_code == 404
    assert signed_in(outsider).get(document.url).status_code == 404
    client.logout()

    # And a Lotus member downloads it through the view, streamed from the storage, never stored by a cache
    response = signed_in(factories.member(lotus, Role.VOLUNTEER)).get(document.url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == content
    assert response["Cache-Control"] == "private, no-store"

    # And the development /media/ route refuses it, though it serves an image from the same storage
    request = RequestFactory().get("/media/")
    with pytest.raises(views.Http404):
        views.serve_media(request, document.file.name)
    storage_without_paths.save("images/pixel.txt", ContentFile(b"ok"))
    served = views.serve_media(request, "images/pixel.txt")
    assert served.status_code == 200 and b"".join(served.streaming_content) == b"ok"
    with pytest.raises(views.Http404):
        views.serve_media(request, "images/missing.png")


def test_media_storage_setting_is_the_filesystem_by_default_and_a_private_s3_bucket_when_asked():
    # The default keeps uploads under MEDIA_ROOT
    assert media_storage_setting({}) == {"BACKEND": "django.core.files.storage.FileSystemStorage"}

    # MEDIA_STORAGE=s3 with a bucket gives django-storages' S3 backend: private, signed links, no overwrite
    setting = media_storage_setting(
        {
            "MEDIA_STORAGE": "s3",
            "AWS_STORAGE_BUCKET_NAME": "passerelle-media",
            "AWS_S3_ENDPOINT_URL": "https://s3.example.org",
            "AWS_S3_REGION_NAME": "fr-par",
            "AWS_ACCESS_KEY_ID": "key-id",
            "AWS_SECRET_ACCESS_KEY": "secret",
        }
    )
    assert setting["BACKEND"] == "storages.backends.s3.S3Storage"
    options = setting["OPTIONS"]
    assert options["bucket_name"] == "passerelle-media"
    assert options["endpoint_url"] == "https://s3.example.org"
    assert options["default_acl"] is None and options["querystring_auth"] is True
    assert options["file_overwrite"] is False

    # And the backend accepts these options (built without contacting the store)
    from storages.backends.s3 import S3Storage

    storage = S3Storage(**options)
    assert storage.bucket_name == "passerelle-media"
    assert storage.url("images/a.png").startswith("https://s3.example.org/passerelle-media/images/a.png?")

    # A missing bucket or an unknown store fails at start-up
    with pytest.raises(ImproperlyConfigured):
        media_storage_setting({"MEDIA_STORAGE": "s3"})
    with pytest.raises(ImproperlyConfigured):
        media_storage_setting({"MEDIA_STORAGE": "ftp"})
