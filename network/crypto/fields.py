"""Model fields whose values are stored encrypted (Fernet tokens) and never appear in clear in the database."""

from __future__ import annotations

from typing import Any

from cryptography.fernet import InvalidToken
from django.core.exceptions import ImproperlyConfigured
from django.db import models

from .keys import multifernet


class Ciphertext(str):
    """A value that is already a token (key rotation writes these back as they are)."""


class EncryptedTextField(models.TextField):
    """Text encrypted at rest. Empty strings stay empty (nothing to hide, and erasure is visible)."""

    description = "Text encrypted with the field-encryption keys"

    def get_prep_value(self, value: Any) -> Any:
        if isinstance(value, Ciphertext):
            return str(value)
        value = super().get_prep_value(value)
        if value in (None, ""):
            return value
        return multifernet().encrypt(str(value).encode("utf-8")).decode("ascii")

    def from_db_value(self, value: Any, expression, connection) -> Any:
        if value in (None, ""):
            return value
        try:
            return multifernet().decrypt(value.encode("ascii")).decode("utf-8")
        except InvalidToken as error:
            raise ImproperlyConfigured(
                f"{self.model.__name__}.{self.name}: a value cannot be decrypted with FIELD_ENCRYPTION_KEYS."
            ) from error

    def get_lookup(self, lookup_name: str):
        if lookup_name not in {"isnull", "exact"}:
            return None  # comparisons on ciphertext would silently be wrong
        return super().get_lookup(lookup_name)


def rotate_value(token: str) -> Ciphertext:
    """Re-encrypt one stored token with the newest key."""
    return Ciphertext(multifernet().rotate(token.encode("ascii")).decode("ascii"))
