"""Backups encrypted at rest: AES-256-GCM in authenticated chunks, so a dump is never written in clear.

File layout: a header (magic, the key's id, a random salt), then frames (final flag, length, ciphertext with its
tag). Each file gets its own AES key derived with HKDF from the master key and the salt, so the frame counter is
a safe nonce. The header, the frame's number and its final flag are authenticated with each frame: a frame that
is altered, moved, dropped or cut off fails, and a file that ends without its final frame is refused.

Keys come from BACKUP_ENCRYPTION_KEYS (comma-separated, newest first, each 32 random bytes in URL-safe base64,
the format of `Fernet.generate_key()`): the newest encrypts, any of them decrypts, so keys can be rotated.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import struct
from collections.abc import Iterable, Iterator
from typing import IO, BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

MAGIC = b"PSLBKP01"
KEY_ID_BYTES = 8
SALT_BYTES = 16
HEADER_BYTES = len(MAGIC) + KEY_ID_BYTES + SALT_BYTES
CHUNK_BYTES = 1024 * 1024
_FRAME = struct.Struct(">BI")  # final flag, ciphertext length
_MAX_FRAME = CHUNK_BYTES + 16


class BackupKeyError(Exception):
    """No usable key: missing, malformed, or not the one the backup was made with."""


class BackupIntegrityError(Exception):
    """The file is not a backup of ours, or it was altered or cut short."""


def parse_keys(raw: str | Iterable[str]) -> list[bytes]:
    """32-byte keys from their base64 form (a comma-separated string or a list), in the order given."""
    items = raw.split(",") if isinstance(raw, str) else list(raw)
    keys = []
    for item in (item.strip() for item in items):
        if not item:
            continue
        try:
            key = base64.urlsafe_b64decode(item.encode("ascii"))
        except (binascii.Error, UnicodeEncodeError, ValueError):
            raise BackupKeyError("A backup encryption key is not valid URL-safe base64.") from None
        if len(key) != 32:
            raise BackupKeyError("Each backup encryption key must be 32 bytes (URL-safe base64, 44 characters).")
        keys.append(key)
    if not keys:
        raise BackupKeyError("No backup encryption key: set BACKUP_ENCRYPTION_KEYS (newest first).")
    return keys


def key_id(key: bytes) -> bytes:
    """A short fingerprint of a key, stored in clear so the right key is found without trying each."""
    return hashlib.sha256(b"passerelle-backup-key-id" + key).digest()[:KEY_ID_BYTES]


def _file_key(key: bytes, salt: bytes) -> AESGCM:
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=b"passerelle-backup-v1").derive(key)
    return AESGCM(derived)


def _nonce_and_aad(header: bytes, counter: int, final: bool) -> tuple[bytes, bytes]:
    nonce = struct.pack(">Q", counter) + b"\0\0\0\0"
    return nonce, header + struct.pack(">QB", counter, int(final))


def encrypt_stream(source: IO[bytes], target: BinaryIO, *, keys: list[bytes], chunk_bytes: int = CHUNK_BYTES) -> int:
    """Encrypt everything read from `source` into `target` with the newest key; returns the plaintext size."""
    key = keys[0]
    salt = os.urandom(SALT_BYTES)
    header = MAGIC + key_id(key) + salt
    aead = _file_key(key, salt)
    target.write(header)
    total, counter = 0, 0
    current = source.read(chunk_bytes)
    while True:
        following = source.read(chunk_bytes) if current else b""
        final = not following
        nonce, aad = _nonce_and_aad(header, counter, final)
        ciphertext = aead.encrypt(nonce, current, aad)
        target.write(_FRAME.pack(int(final), len(ciphertext)))
        target.write(ciphertext)
        total += len(current)
        if final:
            return total
        current, counter = following, counter + 1


def decrypt_stream(source: BinaryIO, *, keys: list[bytes]) -> Iterator[bytes]:
    """Yield the plaintext chunk by chunk, each only after its tag checked out.

    Raises BackupKeyError when no key matches, BackupIntegrityError when the file is altered or incomplete (the
    chunks already yielded are authentic, but the whole is not: callers must not keep a partial result).
    """
    header = source.read(HEADER_BYTES)
    if len(header) != HEADER_BYTES or not header.startswith(MAGIC):
        raise BackupIntegrityError("This file is not a Passerelle backup (unknown header).")
    wanted = header[len(MAGIC) : len(MAGIC) + KEY_ID_BYTES]
    key = next((candidate for candidate in keys if key_id(candidate) == wanted), None)
    if key is None:
        raise BackupKeyError(
            f"This backup was encrypted with a key that is not in BACKUP_ENCRYPTION_KEYS (key id {wanted.hex()})."
        )
    aead = _file_key(key, header[len(MAGIC) + KEY_ID_BYTES :])
    counter = 0
    while True:
        frame = source.read(_FRAME.size)
        if len(frame) != _FRAME.size:
            raise BackupIntegrityError("The backup is cut short (its last part is missing).")
        final, length = _FRAME.unpack(frame)
        if final not in (0, 1) or length > _MAX_FRAME:
            raise BackupIntegrityError(f"The backup is damaged (part {counter} is malformed).")
        ciphertext = source.read(length)
        if len(ciphertext) != length:
            raise BackupIntegrityError("The backup is cut short (its last part is missing).")
        nonce, aad = _nonce_and_aad(header, counter, bool(final))
        try:
            plaintext = aead.decrypt(nonce, ciphertext, aad)
        except InvalidTag:
            raise BackupIntegrityError(
                f"The backup is damaged or was altered (part {counter} failed authentication)."
            ) from None
        yield plaintext
        if final:
            if source.read(1):
                raise BackupIntegrityError("The backup has data after its last part.")
            return
        counter += 1


def verify_stream(source: BinaryIO, *, keys: list[bytes]) -> int:
    """Authenticate a whole backup without keeping the plaintext; returns its plaintext size."""
    return sum(len(chunk) for chunk in decrypt_stream(source, keys=keys))
