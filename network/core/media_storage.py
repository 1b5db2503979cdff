"""Where uploaded media and documents are stored, read from the environment (imported by network/settings/base.py).

Only the standard library and Django's exceptions here: settings modules import this before apps are loaded.
The code reaches uploaded files only through Django's storage API (`storage.open`, `storage.url`), never through a
filesystem path, so the store is this one setting.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ImproperlyConfigured

FILESYSTEM_BACKEND = "django.core.files.storage.FileSystemStorage"
S3_BACKEND = "storages.backends.s3.S3Storage"
MEDIA_STORAGE_CHOICES = ("filesystem", "s3")


def media_storage_setting(env: Mapping[str, str]) -> dict[str, Any]:
    """STORAGES["default"] from MEDIA_STORAGE (filesystem | s3) and, for s3, the AWS_* variables.

    `filesystem` (the default) keeps files under MEDIA_ROOT. `s3` keeps them in an S3-compatible bucket
    (AWS, MinIO, Garage, Scaleway, OVH…) through django-storages: AWS_STORAGE_BUCKET_NAME is required; the endpoint
    (AWS_S3_ENDPOINT_URL), region and keys are optional (boto3 also finds keys in its own places). The bucket stays
    private: objects are written without an ACL, and links to images are signed and expire
    (AWS_QUERYSTRING_EXPIRE seconds), so documents are read only through the guarded /documents/ view. A typo fails
    at start-up rather than silently writing uploads to the container's disk.
    """
    choice = env.get("MEDIA_STORAGE", "filesystem").strip().lower() or "filesystem"
    if choice not in MEDIA_STORAGE_CHOICES:
        raise ImproperlyConfigured(f"MEDIA_STORAGE={choice!r} is not one of {', '.join(MEDIA_STORAGE_CHOICES)}.")
    if choice == "filesystem":
        return {"BACKEND": FILESYSTEM_BACKEND}
    bucket = env.get("AWS_STORAGE_BUCKET_NAME", "").strip()
    if not bucket:
        raise ImproperlyConfigured("MEDIA_STORAGE=s3 needs AWS_STORAGE_BUCKET_NAME.")
    try:
        expire = int(env.get("AWS_QUERYSTRING_EXPIRE", "3600"))
    except ValueError as error:
        raise ImproperlyConfigured("AWS_QUERYSTRING_EXPIRE must be a number of seconds.") from error
    options: dict[str, Any] = {
        "bucket_name": bucket,
        "default_acl": None,  # the bucket's own policy: private
        "querystring_auth": True,  # signed, expiring links: nothing is readable by guessing its address
        "querystring_expire": expire,
        "file_overwrite": False,  # a second upload of the same name gets a new name, as on the filesystem
        "location": env.get("AWS_LOCATION", "").strip(),
    }
    optional = {
        "endpoint_url": "AWS_S3_ENDPOINT_URL",
        "region_name": "AWS_S3_REGION_NAME",
        "access_key": "AWS_ACCESS_KEY_ID",
        "secret_key": "AWS_SECRET_ACCESS_KEY",
        "addressing_style": "AWS_S3_ADDRESSING_STYLE",
    }
    for option, name in optional.items():
        value = env.get(name, "").strip()
        if value:
            options[option] = value
    return {"BACKEND": S3_BACKEND, "OPTIONS": options}
