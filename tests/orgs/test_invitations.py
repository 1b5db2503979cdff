"""Invitations: a membership exists only once the owner of the invited, verified address accepts the emailed link."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from network.accounts.models import User
from network.orgs import policy, services
from network.orgs.models import Invitation, Membership, Role
from network.orgs.rules import OrganisationAction
from network.outbox.models import OutboxMessage
from network.referrals.rules import ReferralAction
from tests import factories
from tests.referrals.factories import make_referral, sender_and_receiver

pytestmark = [pytest.mark.django_db]


def _invite(organisation, email: str, role: str = Role.STAFF, **extra) -> Invitation:
    return services.invitation_create(
        organisation=organisation,
        email=email,
        role=role,
        acting_user=factories.coordinator_of(organisation),
        **extra,
    )


def _link(invitation: Invitation) -> str:
    return reverse("orgs:invitation", kwargs={"token": services.invitation_token(invitation)})


def _link_in(mail) -> str:
    found = re.search(r"https?://[^\s]+(/\w\w/invitations/[^\s/]+/)", mail.body)
    assert found, mail.body
    return found.group(1)


# ---------------------------------------------------------------------------------------------------------------
# Inviting


def test_inviting_creates_a_pending_invitation_and_mails_a_link_without_the_address_nor_a_membership(
    mailoutbox, django_capture_on_commit_callbacks
):
    # given a coordinator of Cabiria
    organisation = factories.organisation(name="Cabiria")
    coordinator = factories.coordinator_of(organisation)

    # when they invite an address
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.invitation_create(
            organisation=organisation, email=" New.Worker@Example.org", role=Role.STAFF, acting_user=coordinator
        )

    # then an invitation is pending (address normalised), no account and no membership exist yet
    assert invitation.status == "pending"
    assert invitation.email == "new.worker@example.org"
    assert invitation.expires_at > timezone.now() + timedelta(days=13)
    assert not User.objects.filter(email__iexact="new.worker@example.org").exists()
    assert Membership.objects.filter(organisation=organisation).count() == 1  # the coordinator alone
    # and the outbox carries the id only, and the mail a link that names no address
    assert OutboxMessage.objects.get(topic="orgs.invitation.created").object_id == str(invitation.pk)
    assert [mail.to for mail in mailoutbox] == [["new.worker@example.org"]]
    assert "Cabiria" in mailoutbox[0].subject
    assert "example.org" not in _link_in(mailoutbox[0])
    assert "new.worker" not in _link_in(mailoutbox[0])


def test_one_pending_invitation_per_organisation_and_address_is_kept_by_the_database():
    # given a pending invitation
    organisation = factories.organisation()
    first = _invite(organisation, "twice@example.org")

    # then a second one for the same address is refused, by the service and by the database
    with pytest.raises(ValidationError):
        _invite(organisation, "TWICE@example.org")
    with pytest.raises(IntegrityError), transaction.atomic():
        Invitation.objects.create(
            organisation=organisation, email=first.email, role=Role.PEER, expires_at=first.expires_at
        )


def test_network_admin_invites_a_first_coordinator_and_nothing_else():
    # given a newly onboarded organisation and a network administrator
    organisation = factories.organisation()
    admin = factories.network_admin()

    # when the admin invites a coordinator, it is a pending invitation like any other
    invitation = services.invitation_create(
        organisation=organisation, email="lead@example.org", role=Role.COORDINATOR, acting_user=admin
    )
    assert invitation.status == "pending"

    # and the admin may not invite another role
    with pytest.raises(policy.AccessDenied):
        services.invitation_create(organisation=organisation, email="x@example.org", role=Role.STAFF, acting_user=admin)


# ---------------------------------------------------------------------------------------------------------------
# Accepting


def test_the_owner_of_the_verified_address_accepts_and_becomes_a_member_with_the_role(client, signed_in):
    # given an invitation to an address verified on an existing account (with its own public name)
    organisation = factories.organisation()
    invited = factories.UserFactory(email="known@example.org", public_name="Kim")
    invitation = _invite(organisation, "Known@example.org", Role.PEER, public_name="Someone else")
    client = signed_in(invited)

    # when its owner opens the link, signed in, and accepts
    page = client.get(_link(invitation))
    response = client.post(_link(invitation))

    # then they are a member with the invited role, the invitation is used, and their name is theirs still
    assert page.status_code == 200
    assert response.status_code == 302
    assert Membership.objects.get(user=invited, organisation=organisation).role == Role.PEER
    invitation.refresh_from_db()
    assert invitation.accepted_by == invited and invitation.accepted_at is not None
    invited.refresh_from_db()
    assert invited.public_name == "Kim"
    policy.forget(invited)
    assert organisation.pk in policy.member_organisation_ids(invited)


def test_a_new_account_takes_the_suggested_public_name_on_accepting():
    # given an invitation suggesting a name, and an account created after it with that verified address
    organisation = factories.organisation()
    invitation = _invite(organisation, "newcomer@example.org", public_name="Nina")
    newcomer = factories.UserFactory(email="newcomer@example.org", public_name="")

    # when they accept
    services.invitation_accept(invitation=invitation, acting_user=newcomer)

    # then the suggestion becomes their public name
    newcomer.refresh_from_db()
    assert newcomer.public_name == "Nina"


def test_an_unverified_address_does_not_match_an_invitation(client, signed_in):
    # given an invitation, and an account that holds the invited address without having verified it
    organisation = factories.organisation()
    holder = factories.UserFactory(email="claimed@example.org", verified_email=False)
    invitation = _invite(organisation, "claimed@example.org")
    client = signed_in(holder)

    # when they try to accept
    response = client.post(_link(invitation))

    # then they are refused, and nothing changed
    assert response.status_code == 403
    assert not Membership.objects.filter(user=holder).exists()
    invitation.refresh_from_db()
    assert invitation.status == "pending"
    with pytest.raises(policy.AccessDenied):
        services.invitation_accept(invitation=invitation, acting_user=holder)


def test_a_signed_in_user_whose_addresses_do_not_match_is_refused_without_learning_the_address(
    client, signed_in, in_english
):
    # given an invitation to someone else's address
    organisation = factories.organisation()
    invitation = _invite(organisation, "secret.person@example.org")
    stranger = factories.UserFactory(email="stranger@example.org")
    client = signed_in(stranger)

    # when the stranger opens the link and posts an acceptance
    page = client.get(_link(invitation), HTTP_ACCEPT_LANGUAGE="en")
    response = client.post(_link(invitation), HTTP_ACCEPT_LANGUAGE="en")

    # then a clear refusal that says nothing of the invited address
    for answer in (page, response):
        body = answer.content.decode()
        assert answer.status_code == 403
        assert "not for this account" in body
        assert "secret.person" not in body and "example.org" not in body.replace("stranger@example.org", "")
    assert not Membership.objects.filter(user=stranger).exists()


@pytest.mark.parametrize("state", ["expired", "cancelled", "accepted"])
def test_an_expired_cancelled_or_used_link_is_refused_with_a_clear_message(client, signed_in, state, in_english):
    # given the owner of the address, and an invitation that is expired, cancelled or already used
    organisation = factories.organisation()
    owner = factories.UserFactory(email="owner@example.org")
    invitation = _invite(organisation, "owner@example.org")
    coordinator = factories.coordinator_of(organisation)
    if state == "expired":
        Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    elif state == "cancelled":
        services.invitation_cancel(invitation=invitation, acting_user=coordinator)
    else:
        services.invitation_accept(invitation=invitation, acting_user=owner)
        services.membership_remove(
            membership=Membership.objects.get(user=owner, organisation=organisation), acting_user=coordinator
        )
    client = signed_in(owner)

    # when the link is opened and posted again
    page = client.get(_link(invitation), HTTP_ACCEPT_LANGUAGE="en")
    response = client.post(_link(invitation), HTTP_ACCEPT_LANGUAGE="en")

    # then it is refused with a message saying why, and no membership comes of it
    assert page.status_code == response.status_code == 410
    assert "cannot be used" in page.content.decode()
    assert not Membership.objects.filter(user=owner, organisation=organisation).exists()


def test_a_forged_or_altered_link_answers_404(client):
    organisation = factories.organisation()
    invitation = _invite(organisation, "someone@example.org")
    token = services.invitation_token(invitation)

    assert client.get(reverse("orgs:invitation", kwargs={"token": token[:-2] + "xx"})).status_code == 404
    assert client.get(reverse("orgs:invitation", kwargs={"token": "not-a-token"})).status_code == 404


def test_a_link_older_than_its_validity_is_refused_even_if_the_row_says_otherwise(client, settings):
    # given a link signed longer ago than invitations last
    organisation = factories.organisation()
    invitation = _invite(organisation, "late@example.org")
    token = services.invitation_token(invitation)
    settings.INVITATION_EXPIRY_DAYS = 0

    # then the signature's age alone refuses it
    assert services.invitation_from_token(token) is None or invitation.status != "pending"


def test_a_visitor_holding_a_link_is_asked_to_sign_in_and_may_then_create_an_account(client):
    # given a visitor (sign-up is closed to everyone else)
    organisation = factories.organisation(name="Rues Solidaires")
    invitation = _invite(organisation, "visitor@example.org")
    closed = client.get(reverse("account_signup"))
    assert "account/signup_closed.html" in [template.name for template in closed.templates]

    # when they open the link
    page = client.get(_link(invitation))

    # then they are asked to sign in or create an account, which the sign-up page now allows
    assert page.status_code == 200
    assert "Rues Solidaires" in page.content.decode()
    assert "visitor@example.org" not in page.content.decode()
    signup = client.get(reverse("account_signup"))
    assert signup.status_code == 200
    assert "account/signup_closed.html" not in [template.name for template in signup.templates]
    assert not Membership.objects.filter(organisation=organisation, role=Role.STAFF).exists()


# ---------------------------------------------------------------------------------------------------------------
# The takeover that used to work


def test_a_volunteer_who_adds_an_address_a_coordinator_then_invites_gets_no_seat_and_no_referral(client, signed_in):
    # given organisation A (sending referrals to its partner) and a volunteer of unrelated organisation C
    a_staff, partner_staff, a, _b = sender_and_receiver()
    referral = make_referral(a_staff, partner_staff, sender_org=a)
    volunteer = factories.member(factories.organisation(), Role.VOLUNTEER)
    client = signed_in(volunteer, with_totp=False)  # volunteers need no second factor; allauth lets them add

    # when the volunteer adds the address of a staff member A is about to invite, and tries to make it primary
    client.post(reverse("account_email"), {"email": "new.staff@example.org", "action_add": ""})
    client.post(reverse("account_email"), {"email": "new.staff@example.org", "action_primary": ""})

    # then the address is not verified and not primary, and the account's address is unchanged
    added = EmailAddress.objects.get(user=volunteer, email="new.staff@example.org")
    assert not added.verified and not added.primary
    volunteer.refresh_from_db()
    assert volunteer.email != "new.staff@example.org"

    # when A's coordinator invites that address as staff, and the volunteer gets hold of the link and accepts
    invitation = _invite(a, "new.staff@example.org", Role.STAFF)
    response = client.post(_link(invitation))

    # then no membership, no access to A's referrals
    assert response.status_code == 403
    assert not Membership.objects.filter(user=volunteer, organisation=a).exists()
    policy.forget(volunteer)
    assert not policy.visible(volunteer, ReferralAction.VIEW_REFERRAL).filter(pk=referral.pk).exists()
    assert client.get(reverse("referrals:detail", kwargs={"pk": referral.pk})).status_code == 404


# ---------------------------------------------------------------------------------------------------------------
# The coordinator's screen


def test_coordinator_sees_pending_invitations_and_cancels_one(client, signed_in, mailoutbox):
    # given two pending invitations of A and one of another organisation
    a, other = factories.organisation(), factories.organisation()
    kept = _invite(a, "kept@example.org", Role.PEER)
    cancelled = _invite(a, "gone@example.org", Role.STAFF)
    foreign = _invite(other, "foreign@example.org")
    client = signed_in(factories.coordinator_of(a))

    # when the coordinator opens the members screen
    page = client.get(reverse("orgs:members", kwargs={"slug": a.slug}))

    # then both of A's invitations are listed, not the other organisation's
    assert set(page.context["invitations"]) == {kept, cancelled}
    assert "foreign@example.org" not in page.content.decode()

    # when they cancel one
    response = client.post(reverse("orgs:invitation_cancel", kwargs={"slug": a.slug, "invitation_id": cancelled.pk}))

    # then it is cancelled, its link refused, and the other one still pending
    assert response.status_code == 302
    cancelled.refresh_from_db()
    kept.refresh_from_db()
    assert cancelled.status == "cancelled" and kept.status == "pending"
    assert client.get(_link(cancelled)).status_code == 410
    assert not policy.can(factories.coordinator_of(a), OrganisationAction.CANCEL_INVITATION, foreign)

    # and another organisation's invitation answers 404 to them
    other_cancel = reverse("orgs:invitation_cancel", kwargs={"slug": a.slug, "invitation_id": foreign.pk})
    assert client.post(other_cancel).status_code == 404
    foreign.refresh_from_db()
    assert foreign.status == "pending"


def test_only_the_organisations_coordinators_cancel_its_invitations(client, signed_in):
    a = factories.organisation()
    invitation = _invite(a, "pending@example.org")
    url = reverse("orgs:invitation_cancel", kwargs={"slug": a.slug, "invitation_id": invitation.pk})

    for who in (factories.member(a, Role.STAFF), factories.coordinator_of(factories.organisation())):
        assert signed_in(who).post(url).status_code == 404
    invitation.refresh_from_db()
    assert invitation.status == "pending"


def test_inviting_answers_the_same_whether_or_not_the_address_has_an_account(client, signed_in, mailoutbox):
    # given a coordinator of A, an address used by an account with a pseudonym and another organisation,
    # and an address nobody uses
    a = factories.organisation()
    elsewhere = factories.organisation(name="Elsewhere Collective")
    factories.member(elsewhere, Role.PEER, email="known@example.org", public_name="Pseudo Known")
    client = signed_in(factories.coordinator_of(a))
    url = reverse("orgs:member_invite", kwargs={"slug": a.slug})

    # when the coordinator invites each of them and reads the members screen after each
    answers = []
    for email in ("known@example.org", "unknown@example.org"):
        response = client.post(url, {"email": email, "role": Role.STAFF, "public_name": "Suggested"}, follow=True)
        body = response.content.decode().replace(email, "EMAIL")
        body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", body)
        body = re.sub(r"/invitations/[0-9a-f-]{36}/", "/invitations/ID/", body)
        answers.append((response.status_code, response.redirect_chain, body))

    # then the two answers are identical (but for the address typed), and nothing about the account shows
    assert answers[0][0] == answers[1][0] == 200
    assert answers[0][1] == answers[1][1]
    assert "Pseudo Known" not in answers[0][2] and "Elsewhere Collective" not in answers[0][2]
    assert Invitation.objects.filter(organisation=a).count() == 2
    assert not Membership.objects.filter(organisation=a, user__email="known@example.org").exists()
    assert User.objects.get(email="known@example.org").public_name == "Pseudo Known"


def test_network_admin_invites_a_first_coordinator_from_the_invite_screen(client, signed_in):
    # given a network administrator and a newly onboarded organisation
    organisation = factories.organisation()
    client = signed_in(factories.network_admin())
    url = reverse("orgs:member_invite", kwargs={"slug": organisation.slug})

    # when they open the invite screen, only the coordinator role is offered; inviting one makes it pending
    page = client.get(url)
    response = client.post(url, {"email": "first.lead@example.org", "role": Role.COORDINATOR})

    # then they are sent to the organisation's profile (they do not see its members), and nobody joined yet
    assert [value for value, _label in page.context["form"].fields["role"].choices] == [Role.COORDINATOR]
    assert response.status_code == 302
    assert response.url == reverse("orgs:edit_profile", kwargs={"slug": organisation.slug})
    assert Invitation.objects.get(organisation=organisation).role == Role.COORDINATOR
    assert not Membership.objects.filter(organisation=organisation, user__email="first.lead@example.org").exists()
