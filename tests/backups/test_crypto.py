"""The backup file format: what goes in comes out with the right key, and any change to the file is refused."""

from __future__ import annotations

import io
import os

import pytest
from cryptography.fernet import Fernet

from network.backups.crypto import (
    HEADER_BYTES,
    BackupIntegrityError,
    BackupKeyError,
    decrypt_stream,
    encrypt_stream,
    parse_keys,
)

KEYS = parse_keys(Fernet.generate_key().decode())
CHUNK = 1024


def encrypted(plaintext: bytes, keys=KEYS) -> bytes:
    target = io.BytesIO()
    encrypt_stream(io.BytesIO(plaintext), target, keys=keys, chunk_bytes=CHUNK)
    return target.getvalue()


def decrypted(data: bytes, keys=KEYS) -> bytes:
    return b"".join(decrypt_stream(io.BytesIO(data), keys=keys))


@pytest.mark.parametrize("size", [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 5 * CHUNK + 17])
def test_what_is_encrypted_decrypts_to_the_same_bytes_whatever_its_size(size):
    plaintext = os.urandom(size)
    assert decrypted(encrypted(plaintext)) == plaintext


def test_the_same_dump_encrypts_differently_each_time_and_shows_nothing_in_clear():
    plaintext = b"Zephyrine, +33 6 00 00 00 00 " * 200
    first, second = encrypted(plaintext), encrypted(plaintext)
    assert first != second
    assert b"Zephyrine" not in first


def test_any_key_of_the_list_decrypts_so_keys_can_be_rotated():
    old = parse_keys(Fernet.generate_key().decode())
    data = encrypted(b"dump", keys=old)
    assert decrypted(data, keys=[*KEYS, *old]) == b"dump"


def test_another_key_is_refused_by_name_before_anything_is_decrypted():
    with pytest.raises(BackupKeyError, match="not in BACKUP_ENCRYPTION_KEYS"):
        decrypted(encrypted(b"dump"), keys=parse_keys(Fernet.generate_key().decode()))


@pytest.mark.parametrize(
    "alter",
    [
        pytest.param(lambda data: data[:HEADER_BYTES] + data[HEADER_BYTES:-1] + bytes([data[-1] ^ 1]), id="last byte"),
        pytest.param(lambda data: data[: HEADER_BYTES + 10] + b"\0" + data[HEADER_BYTES + 11 :], id="first frame"),
        pytest.param(lambda data: data[:-40], id="cut short"),
        pytest.param(lambda data: data + b"more", id="data appended"),
        pytest.param(lambda data: b"NOTABKUP" + data[8:], id="header"),
    ],
)
def test_an_altered_file_is_refused(alter):
    with pytest.raises(BackupIntegrityError):
        decrypted(alter(encrypted(os.urandom(3 * CHUNK))))


def test_frames_swapped_or_dropped_are_refused():
    data = encrypted(os.urandom(3 * CHUNK))
    frame = 5 + CHUNK + 16
    frames = [data[HEADER_BYTES + i * frame : HEADER_BYTES + (i + 1) * frame] for i in range(2)]
    swapped = data[:HEADER_BYTES] + frames[1] + frames[0] + data[HEADER_BYTES + 2 * frame :]
    dropped = data[:HEADER_BYTES] + frames[0] + data[HEADER_BYTES + 2 * frame :]
    for altered in (swapped, dropped):
        with pytest.raises(BackupIntegrityError):
            decrypted(altered)


@pytest.mark.parametrize("raw", ["", "not-base64!", "c2hvcnQ="])
def test_a_missing_or_malformed_key_is_refused_with_the_reason(raw):
    with pytest.raises(BackupKeyError):
        parse_keys(raw)
