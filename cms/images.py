"""Image metadata removal: every Wagtail image upload (admin, multiple upload, chooser, code) and organisation logos.

`strip_image_metadata` re-encodes any uploaded image without its metadata; `strip_file_metadata` applies it to a
Wagtail image before it is stored.
"""

from __future__ import annotations

import io
import secrets
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps
from wagtail.utils.file import hash_filelike

if TYPE_CHECKING:
    from cms.models import SafeImage


def strip_image_metadata(upload: Any) -> SimpleUploadedFile:
    """Re-encode an uploaded image without its metadata (EXIF, GPS, camera data).

    Raises ValidationError for a file Pillow cannot read or a format other than JPEG, PNG, GIF and WebP.
    """
    upload.seek(0)
    try:
        with Image.open(upload) as original:
            original.load()
            image_format = original.format or "PNG"
            if image_format not in {"JPEG", "PNG", "GIF", "WEBP"}:
                raise ValidationError(_("Upload a JPEG, PNG, GIF or WebP image."))
            upright = ImageOps.exif_transpose(original)  # keep the orientation the EXIF tag described
            clean = Image.frombytes(upright.mode, upright.size, upright.tobytes())  # pixels only, no metadata
            if upright.mode == "P" and upright.getpalette():
                clean.putpalette(upright.getpalette())
    except (OSError, SyntaxError) as error:
        raise ValidationError(_("This file is not an image we can read.")) from error
    buffer = io.BytesIO()
    clean.save(buffer, format=image_format)
    extension = {"JPEG": "jpg"}.get(image_format, image_format.lower())
    name = f"{secrets.token_hex(8)}.{extension}"
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{extension}")


def strip_file_metadata(image: SafeImage) -> None:
    """Replace the uploaded file by a re-encoded copy without metadata, and refresh size and hash to match.

    Raises ValidationError for a file Pillow cannot read (Wagtail's form has already refused anything else).
    Width and height do not change: only metadata goes, the pixels stay (orientation applied).
    """
    original_name = image.file.name or "image"
    already_stored = getattr(image.file, "_committed", False)
    stored_name = image.file.name
    image.file.open("rb")  # a file already in storage (a completed multiple upload) is opened first
    clean = strip_image_metadata(image.file)
    image.file.close()
    if already_stored and stored_name:
        image.file.storage.delete(stored_name)  # the original, metadata included, must not stay behind
    extension = clean.name.rsplit(".", 1)[-1]
    stem = original_name.rsplit("/", 1)[-1].rsplit(".", 1)[0] or "image"
    clean.name = f"{stem}.{extension}"
    image.file = clean
    image.file_size = clean.size
    clean.seek(0)
    image.file_hash = hash_filelike(clean)  # as Wagtail computes it, so duplicate detection keeps working
    clean.seek(0)


def strip_avatar_metadata(sender: Any, instance: Any, **kwargs: Any) -> None:
    """Wagtail's profile picture (`UserProfile.avatar`) goes through the same re-encoding as every image: a new
    upload is stored without its metadata, under a random name (the uploaded file name may carry a real name).

    Connected to `pre_save` of Wagtail's UserProfile in `CmsConfig.ready()`; raises ValidationError for a file
    Pillow cannot read.
    """
    avatar = instance.avatar
    if not avatar or getattr(avatar, "_committed", True):
        return  # no picture, or the one already stored (and stripped) when it was uploaded
    avatar.open("rb")
    clean = strip_image_metadata(avatar)
    instance.avatar = clean


def avatars_strip_existing(profiles: Any) -> int:
    """Re-encode the profile pictures stored before avatars went through `strip_avatar_metadata` (a data
    migration calls it). Pictures Pillow cannot read are removed. Returns how many were rewritten or removed."""
    changed = 0
    for profile in profiles.exclude(avatar=""):
        stored_name = profile.avatar.name
        try:
            with profile.avatar.open("rb") as stored:
                clean = strip_image_metadata(stored)
        except (OSError, ValidationError):
            profile.avatar = None
        else:
            profile.avatar.save(clean.name, clean, save=False)
        profile.save(update_fields=["avatar"])
        if stored_name:
            profile.avatar.storage.delete(stored_name)
        changed += 1
    return changed
