"""Profile pictures (Wagtail's avatar) lose their metadata like every other image (DESIGN rule 10), whether they
come through Wagtail's account page or are set in code, and are stored under a name that says nothing."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from wagtail.users.models import UserProfile

from network.orgs.models import Role
from tests import factories
from tests.advocacy.test_images import CAMERA, _metadata_in, jpeg_with_gps

pytestmark = pytest.mark.django_db


def _stored(profile: UserProfile) -> bytes:
    profile.refresh_from_db()
    with profile.avatar.open("rb") as stored:
        return stored.read()


def test_an_avatar_uploaded_on_wagtails_account_page_is_stored_without_exif_or_gps(signed_in, settings):
    # Given an editor on Wagtail's account page
    editor = factories.member(factories.organisation(), Role.STAFF, first_name="Jeanne", last_name="Dupont")
    client = signed_in(editor)

    # When they upload a photo carrying GPS coordinates and the camera's name, named after themselves
    response = client.post(
        reverse("wagtailadmin_account"),
        {
            "name_email-first_name": "Jeanne",
            "name_email-last_name": "Dupont",
            "avatar-avatar": jpeg_with_gps("jeanne-dupont.jpg"),
            "locale-preferred_language": "fr",
            "locale-current_time_zone": "",
            "theme-theme": "system",
            "theme-density": "default",
            "theme-contrast": "system",
            "theme-keyboard_shortcuts": "on",
        },
    )

    # Then the stored picture keeps the pixels but no metadata, and its name says nothing of its owner
    assert response.status_code in (200, 302)
    profile = UserProfile.get_for_user(editor)
    assert profile.avatar, "the avatar was saved"
    data = _stored(profile)
    assert not _metadata_in(data)
    assert CAMERA.encode() not in data
    assert "dupont" not in profile.avatar.name.lower()
    for path in Path(settings.MEDIA_ROOT).rglob("*"):
        if path.is_file():
            assert CAMERA.encode() not in path.read_bytes(), path


def test_an_avatar_set_in_code_is_stored_without_metadata_too():
    person = factories.UserFactory()
    profile = UserProfile.get_for_user(person)

    profile.avatar = jpeg_with_gps("portrait.jpg")
    profile.save()

    data = _stored(profile)
    assert not _metadata_in(data)
    with Image.open(io.BytesIO(data)) as image:
        assert image.size == (64, 48)
    # Saving again (another field) keeps the stored picture as it is
    profile.save()
    assert _stored(profile) == data


def test_a_file_that_is_not_an_image_is_refused_as_an_avatar():
    profile = UserProfile.get_for_user(factories.UserFactory())
    profile.avatar = SimpleUploadedFile("notes.jpg", b"not an image", content_type="image/jpeg")

    with pytest.raises(ValidationError):
        profile.save()


def test_avatars_stored_before_stripping_existed_lose_their_metadata():
    # Given a picture stored with its metadata (as before this change), and one that is not an image at all
    from django.core.files.storage import default_storage

    from cms.images import avatars_strip_existing

    old, broken = UserProfile.get_for_user(factories.UserFactory()), UserProfile.get_for_user(factories.UserFactory())
    old_name = default_storage.save("avatar_images/old.jpg", jpeg_with_gps())
    broken_name = default_storage.save("avatar_images/broken.jpg", SimpleUploadedFile("b.jpg", b"not an image"))
    UserProfile.objects.filter(pk=old.pk).update(avatar=old_name)
    UserProfile.objects.filter(pk=broken.pk).update(avatar=broken_name)

    # When the data migration's step runs
    changed = avatars_strip_existing(UserProfile.objects.all())

    # Then the picture is rewritten without metadata, the originals are gone, the unreadable file removed
    assert changed == 2
    assert not _metadata_in(_stored(old))
    assert not default_storage.exists(old_name) and not default_storage.exists(broken_name)
    broken.refresh_from_db()
    assert not broken.avatar
