"""The field-encryption keys. FIELD_ENCRYPTION_KEYS holds comma-separated Fernet keys, newest first.

Rotation: put a new key in front, deploy, run `manage.py rotate_encryption_keys`, then drop the old key.
"""

from functools import lru_cache

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


@lru_cache(maxsize=4)
def _multifernet(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS must hold at least one Fernet key.")
    try:
        return MultiFernet([Fernet(key.encode()) for key in keys])
    except ValueError as error:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS holds a key that is not a valid Fernet key.") from error


def multifernet() -> MultiFernet:
    """The MultiFernet for the keys currently configured (encrypts with the first, decrypts with any)."""
    return _multifernet(tuple(settings.FIELD_ENCRYPTION_KEYS))
