"""Images uploaded through the Wagtail admin lose their metadata (EXIF, GPS) before anything is stored (DESIGN rule
10): through the single upload form, the multiple upload, and the renditions made from them."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image
from wagtail.images import get_image_model

from network.orgs.models import Role
from tests import factories

pytestmark = pytest.mark.django_db

LATITUDE = (48.0, 51.0, 24.0)  # somewhere in Paris: where a photo was taken is exactly what must not leak
CAMERA = "PasserelleTestCam"


def jpeg_with_gps(name: str = "outreach.jpg") -> SimpleUploadedFile:
    image = Image.new("RGB", (64, 48), (200, 40, 90))
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = CAMERA
    exif[ExifTags.Base.Artist] = "Jeanne Dupont"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = LATITUDE
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (2.0, 20.0, 48.0)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    data = buffer.getvalue()
    assert _metadata_in(data), "the test file must carry GPS data to begin with"
    return SimpleUploadedFile(name, data, content_type="image/jpeg")


def _metadata_in(data: bytes) -> bool:
    with Image.open(io.BytesIO(data)) as image:
        exif = image.getexif()
        has_gps = bool(exif.get_ifd(ExifTags.IFD.GPSInfo))
        return bool(exif) or has_gps or "exif" in image.info
    return False


def _no_file_under_media_keeps_metadata(media_root: str) -> None:
    """Every stored file (originals, renditions, pending uploads) is free of metadata and of the camera's name."""
    files = [path for path in Path(media_root).rglob("*") if path.is_file()]
    assert files
    for path in files:
        data = path.read_bytes()
        assert CAMERA.encode() not in data, path
        assert b"Jeanne Dupont" not in data, path
        if path.suffix.lower() in {".jpg", ".jpeg", ".png", ".webp", ".gif"}:
            assert not _metadata_in(data), path


@pytest.fixture
def editor_and_collection():
    organisation = factories.organisation()
    return factories.member(organisation, Role.STAFF), organisation.collection


def test_single_upload_in_the_admin_stores_the_image_without_exif_or_gps(
    client, signed_in, editor_and_collection, settings
):
    editor, collection = editor_and_collection
    signed_in(editor)

    response = client.post(
        "/admin/images/add/",
        {"title": "Outreach van", "file": jpeg_with_gps(), "collection": collection.pk, "description": "A van."},
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    image = get_image_model().objects.get(title="Outreach van")
    with image.open_file() as stored:
        assert not _metadata_in(stored.read())
    assert (image.width, image.height) == (64, 48)
    # and the renditions, made from the stored file, carry nothing either
    image.get_rendition("width-32")
    _no_file_under_media_keeps_metadata(settings.MEDIA_ROOT)


def test_multiple_upload_in_the_admin_stores_the_image_without_exif_or_gps(
    client, signed_in, editor_and_collection, settings
):
    editor, collection = editor_and_collection
    signed_in(editor)

    response = client.post(
        "/admin/images/multiple/add/",
        {"files[]": jpeg_with_gps("drop-in.jpg"), "collection": collection.pk},
        headers={"x-requested-with": "XMLHttpRequest"},
    )

    assert response.status_code == 200
    assert response.json()["success"], response.json()
    image = get_image_model().objects.get()
    with image.open_file() as stored:
        assert not _metadata_in(stored.read())
    image.get_rendition("fill-20x20")
    _no_file_under_media_keeps_metadata(settings.MEDIA_ROOT)


def test_multiple_upload_completed_later_also_loses_its_metadata(client, signed_in, editor_and_collection, settings):
    editor, collection = editor_and_collection
    signed_in(editor)

    # given a multiple upload whose metadata fields fail validation (here an over-long title)
    response = client.post(
        "/admin/images/multiple/add/",
        {"files[]": jpeg_with_gps("long.jpg"), "collection": collection.pk, "title": "x" * 300},
        headers={"x-requested-with": "XMLHttpRequest"},
    )
    payload = response.json()
    assert payload["success"] and "uploaded_file_id" in payload, payload

    # when the editor completes it with a valid title
    response = client.post(
        f"/admin/images/multiple/create_from_uploaded_image/{payload['uploaded_file_id']}/",
        {
            f"uploaded-image-{payload['uploaded_file_id']}-title": "Completed later",
            f"uploaded-image-{payload['uploaded_file_id']}-collection": collection.pk,
        },
        headers={"x-requested-with": "XMLHttpRequest"},
    )
    assert response.json()["success"], response.json()

    # then neither the image nor anything left under the media root carries the metadata
    image = get_image_model().objects.get(title="Completed later")
    with image.open_file() as stored:
        assert not _metadata_in(stored.read())
    _no_file_under_media_keeps_metadata(settings.MEDIA_ROOT)
