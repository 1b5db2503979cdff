"""Image metadata removal for every Wagtail image upload (admin, multiple upload, chooser, code)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from wagtail.utils.file import hash_filelike

from network.orgs.services import strip_image_metadata

if TYPE_CHECKING:
    from cms.models import SafeImage


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
