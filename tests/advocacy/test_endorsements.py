"""Endorsements: coordinators sign proposed and adopted messages for their own organisations, once; withdrawing
keeps the history; the message's pages show the signing organisations and their count, never a person's name."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.contrib.auth.models import AnonymousUser

from network.advocacy import services
from network.advocacy.models import Endorsement, MessageStatus
from network.orgs.models import Organisation, Role
from network.orgs.policy import AccessDenied
from tests import factories
from tests.advocacy.factories import advocacy_urls, endorse, make_key_message
from tests.conftest import fresh, rolled_back_after_module

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures(advocacy_urls.__name__)]

ROLES = ["network_admin", Role.COORDINATOR, Role.STAFF, Role.PEER, Role.VOLUNTEER, "anonymous"]


@pytest.fixture(scope="module")
def shared_organisations(django_db_setup, django_db_blocker) -> Iterator[tuple[Organisation, ...]]:
    """The drafting, signing and unrelated organisations, built once for the module (each case's members, messages
    and endorsements are rolled back after it)."""
    with rolled_back_after_module(django_db_blocker):
        yield (
            factories.organisation(name="Droits Devant", slug="droits-devant-test"),
            factories.organisation(name="Pairs en Route", slug="pairs-en-route-test"),
            factories.organisation(name="Centre de santé", slug="centre-sante-test"),
        )


@pytest.fixture
def drafting_org(db, shared_organisations) -> Organisation:
    return fresh(shared_organisations[0])


@pytest.fixture
def signing_org(db, shared_organisations) -> Organisation:
    return fresh(shared_organisations[1])


@pytest.fixture
def unrelated_org(db, shared_organisations) -> Organisation:
    return fresh(shared_organisations[2])


def actor(role: str, org):
    if role == "anonymous":
        return AnonymousUser()
    if role == "network_admin":
        return factories.network_admin()
    return factories.member(org, role)


MATRIX = [
    pytest.param(role, side, role == Role.COORDINATOR and side == "own", id=f"{role}-{side}")
    for role in ROLES
    for side in ("own", "other")
]


@pytest.mark.parametrize(("role", "side", "allowed"), MATRIX)
def test_only_coordinators_sign_and_only_for_their_own_organisation(
    role, side, allowed, drafting_org, signing_org, unrelated_org
):
    # Given a proposed message and a user of the signing organisation ("own") or of another one ("other")
    message = make_key_message(drafting_org, status=MessageStatus.PROPOSED)
    user = actor(role, signing_org if side == "own" else unrelated_org)

    # When they sign it for the signing organisation
    def sign():
        return services.endorsement_sign(message=message, organisation=signing_org, acting_user=user)

    # Then only its coordinators can, and a refusal writes nothing
    if allowed:
        endorsement = sign()
        assert endorsement.organisation == signing_org
        assert endorsement.message_key == message.translation_key
    else:
        with pytest.raises(AccessDenied):
            sign()
        assert not Endorsement.objects.exists()


@pytest.mark.parametrize(("role", "side", "allowed"), MATRIX)
def test_only_coordinators_withdraw_their_own_organisations_signature(
    role, side, allowed, drafting_org, signing_org, unrelated_org
):
    message = make_key_message(drafting_org, status=MessageStatus.ADOPTED)
    endorsement = endorse(message, signing_org)
    user = actor(role, signing_org if side == "own" else unrelated_org)

    def withdraw():
        return services.endorsement_withdraw(message=message, organisation=signing_org, acting_user=user)

    if allowed:
        withdrawn = withdraw()
        assert withdrawn.pk == endorsement.pk
        assert withdrawn.withdrawn_at is not None and withdrawn.withdrawn_by == user
    else:
        with pytest.raises(AccessDenied):
            withdraw()
        endorsement.refresh_from_db()
        assert endorsement.withdrawn_at is None


@pytest.mark.parametrize("status", [MessageStatus.PROPOSED, MessageStatus.ADOPTED])
def test_a_coordinator_signs_proposed_and_adopted_messages(status, drafting_org, signing_org):
    message = make_key_message(drafting_org, status=status)

    assert endorse(message, signing_org).withdrawn_at is None


@pytest.mark.parametrize("status", [MessageStatus.DRAFT, MessageStatus.RETIRED])
def test_drafts_and_retired_messages_cannot_be_signed(status, drafting_org):
    # The drafting organisation's own coordinator sees its draft: the refusal is about the status, not access
    message = make_key_message(drafting_org, status=status)

    with pytest.raises(services.TransitionNotAllowed):
        endorse(message, drafting_org)
    assert not Endorsement.objects.exists()


def test_an_organisation_signs_a_message_once(drafting_org, signing_org):
    message = make_key_message(drafting_org, status=MessageStatus.ADOPTED)
    first = endorse(message, signing_org)
    second_coordinator = factories.member(signing_org, Role.COORDINATOR)

    with pytest.raises(services.AlreadyEndorsed):
        endorse(message, signing_org, by=second_coordinator)

    assert list(Endorsement.objects.all()) == [first]


def test_the_database_refuses_a_second_active_signature():
    from django.db import IntegrityError, transaction

    org = factories.organisation()
    message = make_key_message(org, status=MessageStatus.ADOPTED)
    endorse(message, org)

    with pytest.raises(IntegrityError), transaction.atomic():
        Endorsement.objects.create(message_key=message.translation_key, organisation=org)


def test_withdrawing_keeps_the_history_and_the_organisation_can_sign_again(drafting_org, signing_org):
    message = make_key_message(drafting_org, status=MessageStatus.ADOPTED)
    coordinator = factories.coordinator_of(signing_org)
    endorse(message, signing_org, by=coordinator)
    services.endorsement_withdraw(message=message, organisation=signing_org, acting_user=coordinator)

    with pytest.raises(services.NotEndorsed):
        services.endorsement_withdraw(message=message, organisation=signing_org, acting_user=coordinator)

    endorse(message, signing_org, by=coordinator)
    rows = list(Endorsement.objects.filter(organisation=signing_org).order_by("endorsed_at"))
    assert len(rows) == 2
    assert rows[0].withdrawn_at is not None and rows[1].withdrawn_at is None
    assert [e.organisation for e in services.key_message_signatories(message)] == [signing_org]


def test_a_signature_holds_for_every_translation(drafting_org, signing_org):
    from wagtail.models import Locale

    message = make_key_message(drafting_org, status=MessageStatus.ADOPTED)
    translation = message.copy_for_translation(Locale.objects.get_or_create(language_code="en")[0])
    translation.statement = "Sex work is work."
    translation.save()
    endorse(message, signing_org)

    assert [e.organisation for e in services.key_message_signatories(translation)] == [signing_org]
    with pytest.raises(services.AlreadyEndorsed):
        endorse(translation, signing_org)


# ---------------------------------------------------------------------------------------------------------------
# Screens


def test_the_public_page_shows_the_signing_organisations_and_their_count_but_nobody_s_name(
    client, drafting_org, signing_org, unrelated_org
):
    # Given an adopted message drafted and edited by named people, signed by two organisations
    author = factories.member(
        drafting_org, Role.PEER, username="author-login", public_name="Plume", email="author@example.org"
    )
    signer = factories.member(
        signing_org,
        Role.COORDINATOR,
        username="signer-login",
        public_name="Signataire",
        first_name="Real",
        last_name="Person",
        email="signer@example.org",
    )
    message = make_key_message(drafting_org, status=MessageStatus.PROPOSED, created_by=author)
    services.key_message_update(message=message, acting_user=author, statement="Statement edited after the proposal.")
    message = services.key_message_adopt(message=message, acting_user=factories.network_admin())
    endorse(message, signing_org, by=signer)
    endorse(message, unrelated_org)

    # When a visitor reads its page, the list and the history
    pages = [
        client.get(f"/en/advocacy/messages/{message.pk}/"),
        client.get("/en/advocacy/messages/"),
        client.get(f"/en/advocacy/messages/{message.pk}/history/"),
    ]

    # Then the organisations and their count are shown, and no name of any person appears
    detail = pages[0].content.decode()
    assert pages[0].status_code == 200
    assert "Pairs en Route" in detail and "Centre de santé" in detail
    assert "Signed by 2 organisations" in detail
    assert "Sign this message" not in detail
    for response in pages:
        assert response.status_code == 200
        content = response.content.decode()
        for user in (author, signer):
            for value in (user.username, user.public_name, user.email, user.last_name):
                assert value not in content, value


def test_a_coordinator_signs_and_withdraws_from_the_message_page(signed_in, drafting_org, signing_org, unrelated_org):
    message = make_key_message(drafting_org, status=MessageStatus.PROPOSED)
    coordinator = factories.member(signing_org, Role.COORDINATOR)
    factories.member(unrelated_org, Role.COORDINATOR, user=coordinator)
    client = signed_in(coordinator)
    url = f"/en/advocacy/messages/{message.pk}/"

    # The page offers to sign for either of the two organisations
    page = client.get(url).content.decode()
    assert "Sign this message" in page and "Pairs en Route" in page and "Centre de santé" in page

    # Signing for one of them
    response = client.post(f"{url}sign/", {"organisation": signing_org.pk}, follow=True)
    assert response.status_code == 200
    assert "Pairs en Route now signs this message." in response.content.decode()
    assert "Signed by 1 organisation" in response.content.decode()

    # Signing twice for the same one: a clear error, nothing changes
    response = client.post(f"{url}sign/", {"organisation": signing_org.pk}, follow=True)
    assert "already signs" in response.content.decode()
    assert Endorsement.objects.filter(organisation=signing_org).count() == 1

    # Withdrawing
    response = client.post(f"{url}withdraw-signature/", {"organisation": signing_org.pk}, follow=True)
    assert "no longer signs" in response.content.decode()
    assert Endorsement.objects.get(organisation=signing_org).withdrawn_at is not None


def test_staff_cannot_sign_from_the_message_page(signed_in, drafting_org, signing_org):
    message = make_key_message(drafting_org, status=MessageStatus.PROPOSED)
    staff = factories.member(signing_org, Role.STAFF)
    client = signed_in(staff)

    assert "Sign this message" not in client.get(f"/en/advocacy/messages/{message.pk}/").content.decode()
    response = client.post(f"/en/advocacy/messages/{message.pk}/sign/", {"organisation": signing_org.pk})
    assert response.status_code == 403
    assert not Endorsement.objects.exists()


def test_signing_needs_the_csrf_token(drafting_org, signing_org, enrol_totp):
    from django.test import Client

    message = make_key_message(drafting_org, status=MessageStatus.PROPOSED)
    coordinator = enrol_totp(factories.coordinator_of(signing_org))
    client = Client(enforce_csrf_checks=True)
    client.force_login(coordinator, backend="allauth.account.auth_backends.AuthenticationBackend")

    response = client.post(f"/en/advocacy/messages/{message.pk}/sign/", {"organisation": signing_org.pk})

    assert response.status_code == 403
    assert not Endorsement.objects.exists()
