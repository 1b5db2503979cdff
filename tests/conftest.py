import pytest
from allauth.mfa.models import Authenticator


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def enrol_totp():
    """Give a user a TOTP authenticator, as if they had completed allauth's enrolment."""

    def enrol(user):
        from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

        TOTP.activate(user, generate_totp_secret())
        return user

    return enrol


@pytest.fixture
def signed_in(client, enrol_totp):
    """Sign a user in through Django's session (with TOTP enrolled so the two-factor rule lets them through)."""

    def sign_in(user, *, with_totp: bool = True):
        if with_totp and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
            enrol_totp(user)
        client.force_login(user, backend="allauth.account.auth_backends.AuthenticationBackend")
        return client

    return sign_in
