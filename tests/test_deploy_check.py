"""Production settings: they pass Django's deploy check at warning level, and refuse to start without a real key.

Run as subprocesses with the production environment, because the test process has already loaded test settings.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

from cryptography.fernet import Fernet

REPOSITORY = Path(__file__).resolve().parents[1]
# Variables of the developer's shell that would change what production settings read.
_NOT_INHERITED = (
    "DJANGO_",
    "SECRET_KEY",
    "FIELD_ENCRYPTION_KEYS",
    "ALLOWED_HOSTS",
    "SECURE_",
    "SESSION_",
    "CSRF_",
    "DEBUG",
)


def strong_keys() -> dict[str, str]:
    return {
        "SECRET_KEY": secrets.token_urlsafe(60),
        "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "ERASURE_LEDGER_PATH": "/tmp/erasures.jsonl",  # noqa: S108
    }


def production_environment(**variables: str) -> dict[str, str]:
    environment = {key: value for key, value in os.environ.items() if not key.startswith(_NOT_INHERITED)}
    environment.update(DJANGO_SETTINGS_MODULE="network.settings.production", ALLOWED_HOSTS="example.org")
    environment.update(variables)
    return environment


def run(argv: list[str], environment: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *argv], cwd=REPOSITORY, env=environment, capture_output=True, text=True, timeout=120
    )


def test_production_settings_pass_the_deploy_check_at_warning_level():
    # Given production settings with strong keys and nothing relaxed
    environment = production_environment(**strong_keys())

    # When Django's deploy check runs and fails on any warning
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], environment)

    # Then it finds nothing
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_settings_refuse_to_start_without_a_strong_secret_key_or_encryption_keys():
    # Given production settings without SECRET_KEY, with a short one, without encryption keys, and with both keys
    keys = strong_keys()
    missing_secret = production_environment(FIELD_ENCRYPTION_KEYS=keys["FIELD_ENCRYPTION_KEYS"])
    short_secret = production_environment(SECRET_KEY="too-short", FIELD_ENCRYPTION_KEYS=keys["FIELD_ENCRYPTION_KEYS"])
    missing_encryption_keys = production_environment(SECRET_KEY=keys["SECRET_KEY"])
    complete = production_environment(**keys)
    load_settings = ["-c", "from django.conf import settings; print(settings.DEBUG)"]

    # When Django starts with each
    without_secret = run(["manage.py", "check"], missing_secret)
    with_short_secret = run(load_settings, short_secret)
    without_encryption_keys = run(load_settings, missing_encryption_keys)
    with_both = run(load_settings, complete)

    # Then it refuses the first three with a clear error, and starts (without debug) with both keys
    assert without_secret.returncode != 0
    assert "SECRET_KEY must be set (50 characters or more) in production." in without_secret.stderr
    assert with_short_secret.returncode != 0
    assert "SECRET_KEY must be set" in with_short_secret.stderr
    assert without_encryption_keys.returncode != 0
    assert "FIELD_ENCRYPTION_KEYS must be set in production" in without_encryption_keys.stderr
    assert with_both.returncode == 0, with_both.stderr
    assert with_both.stdout.strip() == "False"
