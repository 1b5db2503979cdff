"""Who sees what, across three organisations and every role.

Members of the sending and receiving organisations with the staff or coordinator role see a referral; peers and
volunteers see neither the lists nor the personal fields; network administrators see counts only; everyone else
finds nothing (the views turn that into 404).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import AnonymousUser

from network.orgs import policy
from network.orgs.models import Role
from network.referrals import rules as referral_rules
from network.referrals import services
from network.referrals.models import AccessLogEntry, PersonalField, Referral, ReferralStatus
from network.referrals.rules import ReferralAction
from tests import factories
from tests.conftest import fresh, rolled_back_after_module
from tests.referrals.factories import make_referral, make_service, send

pytestmark = pytest.mark.django_db

ROLES = [Role.COORDINATOR, Role.STAFF, Role.PEER, Role.VOLUNTEER]
REFERRAL_ACTIONS = [
    ReferralAction.VIEW_REFERRAL,
    ReferralAction.ANSWER_REFERRAL,
    ReferralAction.MANAGE_SENT_REFERRAL,
    ReferralAction.POST_REFERRAL_MESSAGE,
    ReferralAction.VIEW_REFERRAL_ACCESS_LOG,
    ReferralAction.READ_REFERRAL_PERSONAL_DATA,
]
ALL_FIELDS = frozenset(PersonalField.values)
NOTHING: dict = {"visible": False, "actions": set(), "fields": frozenset()}


@dataclass
class Network:
    sender_org: object
    receiver_org: object
    unrelated_org: object
    users: dict[str, object]
    referral: Referral
    unrelated_referral: Referral


def _expected(who: str) -> dict:
    """The expected answers for one person: 'side:role', 'network_admin' or 'anonymous'."""
    side, _, role = who.partition(":")
    reads = role in (Role.COORDINATOR, Role.STAFF)
    if side == "sender" and reads:
        actions = {
            ReferralAction.VIEW_REFERRAL,
            ReferralAction.MANAGE_SENT_REFERRAL,
            ReferralAction.POST_REFERRAL_MESSAGE,
            ReferralAction.READ_REFERRAL_PERSONAL_DATA,
        }
        if role == Role.COORDINATOR:
            actions.add(ReferralAction.VIEW_REFERRAL_ACCESS_LOG)
        return {"visible": True, "actions": actions, "fields": ALL_FIELDS}
    if side == "receiver" and reads:
        actions = {
            ReferralAction.VIEW_REFERRAL,
            ReferralAction.ANSWER_REFERRAL,
            ReferralAction.POST_REFERRAL_MESSAGE,
            ReferralAction.READ_REFERRAL_PERSONAL_DATA,
        }
        return {"visible": True, "actions": actions, "fields": frozenset({"name", "needs"})}
    return NOTHING


PEOPLE = [f"{side}:{role}" for side in ("sender", "receiver", "unrelated") for role in ROLES] + [
    "network_admin",
    "anonymous",
]


@pytest.fixture(scope="module")
def shared_network(django_db_setup, django_db_blocker) -> Iterator[Network]:
    """Built once for the module's cases (each test's writes are rolled back after it)."""
    with rolled_back_after_module(django_db_blocker):
        yield build_network()


@pytest.fixture
def network(db, shared_network) -> Network:
    """The module's network for one test, as fresh objects (the policy caches roles on the user objects)."""
    return fresh(shared_network)


def build_network() -> Network:
    """Three organisations: A sends to B (accepted, consent: name and needs); C is a partner of B, unrelated to A."""
    sender_org, receiver_org, unrelated_org = (factories.organisation(name=n) for n in ("Alpha", "Beta", "Gamma"))
    users: dict[str, object] = {}
    for side, org in (("sender", sender_org), ("receiver", receiver_org), ("unrelated", unrelated_org)):
        for role in ROLES:
            users[f"{side}:{role}"] = (
                factories.coordinator_of(org) if role == Role.COORDINATOR else factories.member(org, role)
            )
    users["network_admin"] = factories.network_admin()
    users["anonymous"] = AnonymousUser()
    referral = make_referral(
        users["sender:staff"],
        users["receiver:staff"],
        status=ReferralStatus.ACCEPTED,
        shared_fields=["name", "needs"],
    )
    # C also refers someone to B: A must never see it
    factories.active_partnership(unrelated_org, receiver_org)
    unrelated_referral = send(users["unrelated:staff"], service=make_service(receiver_org, "housing"))
    for user in users.values():
        policy.forget(user)
    return Network(sender_org, receiver_org, unrelated_org, users, referral, unrelated_referral)


@pytest.mark.parametrize("who", PEOPLE)
def test_who_sees_lists_acts_on_and_reads_a_referral(network, who):
    # Given a referral from A to B, accepted, and a person of one side, role or none
    user = network.users[who]
    expected = _expected(who)
    referral = Referral.objects.select_related("consent").get(pk=network.referral.pk)

    # Then the list, each action and the personal fields follow the roles table of the design
    assert referral_rules.visible_referrals(user).filter(pk=referral.pk).exists() is expected["visible"]
    allowed = {action for action in REFERRAL_ACTIONS if policy.can(user, action, referral)}
    assert allowed == expected["actions"]
    assert referral_rules.personal_fields_visible_to(user, referral) == expected["fields"]

    # When they read the referral, then they get only those fields, and the read is logged only if there was one
    values = services.referral_read_personal(referral=referral, acting_user=user, channel="api")
    assert bool(values) is bool(expected["fields"])
    logged = AccessLogEntry.objects.filter(referral=referral)
    if expected["fields"]:
        assert (logged.get().fields, logged.get().channel) == (sorted(expected["fields"]), "api")
    else:
        assert not logged.exists()


@pytest.mark.parametrize("who", [p for p in PEOPLE if not _expected(p)["visible"] and p != "anonymous"])
def test_people_who_do_not_see_a_referral_cannot_act_on_it_or_post_a_message(network, who):
    user = network.users[who]
    referral = network.referral

    with pytest.raises(policy.AccessDenied):
        services.referral_message_post(referral=referral, acting_user=user, body="hello")
    with pytest.raises(policy.AccessDenied):
        services.referral_complete(referral=referral, acting_user=user, outcome="service_provided")
    with pytest.raises(policy.AccessDenied):
        services.referral_cancel(referral=referral, acting_user=user)

    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED
    assert not referral.messages.exists()


def test_each_organisation_lists_only_its_own_referrals(network):
    # A's staff see A→B, not C→B; B's staff see both; C's staff see C→B only
    ids = {network.referral.pk, network.unrelated_referral.pk}

    def listed(who: str) -> set:
        return set(referral_rules.visible_referrals(network.users[who]).filter(pk__in=ids).values_list("pk", flat=True))

    assert listed("sender:staff") == {network.referral.pk}
    assert listed("receiver:coordinator") == ids
    assert listed("unrelated:staff") == {network.unrelated_referral.pk}
    assert listed("sender:peer") == listed("receiver:volunteer") == listed("network_admin") == set()


def test_network_admins_see_counts_only_even_when_they_are_also_staff_of_the_receiver(network):
    # Given a network administrator who is also staff of the receiving organisation
    admin = network.users["network_admin"]
    factories.member(network.receiver_org, Role.STAFF, user=admin)
    policy.forget(admin)
    referral = Referral.objects.select_related("consent").get(pk=network.referral.pk)

    # Then they may count referrals but never read a personal field, and their read is not logged
    assert policy.can(admin, ReferralAction.VIEW_REFERRAL_COUNTS)
    assert not policy.can(admin, ReferralAction.READ_REFERRAL_PERSONAL_DATA, referral)
    assert referral_rules.personal_fields_visible_to(admin, referral) == frozenset()
    assert services.referral_read_personal(referral=referral, acting_user=admin, channel="page") == {}
    assert not AccessLogEntry.objects.exists()
    # and a staff member who is not an administrator may not count the network's referrals
    assert not policy.can(network.users["receiver:staff"], ReferralAction.VIEW_REFERRAL_COUNTS)


def test_a_member_who_changes_role_to_peer_loses_the_referral(network):
    from network.orgs import services as org_services
    from network.orgs.models import Membership

    staff = network.users["receiver:staff"]
    membership = Membership.objects.get(user=staff, organisation=network.receiver_org)
    org_services.membership_change_role(
        membership=membership, role=Role.PEER, acting_user=network.users["receiver:coordinator"]
    )
    policy.forget(staff)

    referral = Referral.objects.select_related("consent").get(pk=network.referral.pk)
    assert not referral_rules.visible_referrals(staff).filter(pk=referral.pk).exists()
    assert referral_rules.personal_fields_visible_to(staff, referral) == frozenset()
