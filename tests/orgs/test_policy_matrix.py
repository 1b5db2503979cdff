"""The access policy as a matrix: every role × own / partner / unrelated organisation × each action.

The expected table is written out here by hand from DESIGN.md's role table, independently of roles.ROLE_PERMISSIONS,
so a change to the policy that drifts from the design fails here.
"""

import pytest
from django.contrib.auth.models import AnonymousUser, Permission

from network.accounts import two_factor
from network.accounts.rules import AccountAction
from network.advocacy.rules import AdvocacyAction
from network.orgs import policy, services
from network.orgs import selectors as org_selectors
from network.orgs.models import Role
from network.orgs.policy import Action
from network.orgs.rules import OrganisationAction
from network.referrals.rules import ReferralAction
from network.resources.rules import ResourceAction
from tests import factories

OWN, PARTNER, UNRELATED = "own", "partner", "unrelated"
ALL = {OWN, PARTNER, UNRELATED}
NONE: set[str] = set()

# Actions on an organisation: which relations each role may act on.
ORGANISATION_MATRIX: dict[str, dict[Action, set[str]]] = {
    Role.COORDINATOR: {
        OrganisationAction.VIEW_ORGANISATION: ALL,
        OrganisationAction.VIEW_ADDRESS: {OWN},
        OrganisationAction.CHANGE_ORGANISATION: {OWN},
        OrganisationAction.VIEW_MEMBERS: {OWN},
        OrganisationAction.MANAGE_MEMBERS: {OWN},
        OrganisationAction.PROPOSE_PARTNERSHIP: {OWN},
        ReferralAction.SEND_REFERRALS: {OWN},
        ReferralAction.RECEIVE_REFERRALS: {OWN},
        ReferralAction.READ_REFERRAL_PERSONAL_DATA: {OWN},
        ResourceAction.PUBLISH_RESOURCES: {OWN},
        ResourceAction.DRAFT_RESOURCES: {OWN},
        AdvocacyAction.ENDORSE_POSITIONS: {OWN},
        AdvocacyAction.CONTRIBUTE_ADVOCACY: {OWN},
        OrganisationAction.DEACTIVATE_ORGANISATION: NONE,
        OrganisationAction.APPOINT_COORDINATOR: NONE,
    },
    Role.STAFF: {
        OrganisationAction.VIEW_ORGANISATION: ALL,
        OrganisationAction.VIEW_ADDRESS: {OWN},
        OrganisationAction.CHANGE_ORGANISATION: NONE,
        OrganisationAction.VIEW_MEMBERS: {OWN},
        OrganisationAction.MANAGE_MEMBERS: NONE,
        OrganisationAction.PROPOSE_PARTNERSHIP: NONE,
        ReferralAction.SEND_REFERRALS: {OWN},
        ReferralAction.RECEIVE_REFERRALS: {OWN},
        ReferralAction.READ_REFERRAL_PERSONAL_DATA: {OWN},
        ResourceAction.PUBLISH_RESOURCES: {OWN},
        ResourceAction.DRAFT_RESOURCES: {OWN},
        AdvocacyAction.ENDORSE_POSITIONS: NONE,
        AdvocacyAction.CONTRIBUTE_ADVOCACY: {OWN},
        OrganisationAction.DEACTIVATE_ORGANISATION: NONE,
        OrganisationAction.APPOINT_COORDINATOR: NONE,
    },
    Role.PEER: {
        OrganisationAction.VIEW_ORGANISATION: ALL,
        OrganisationAction.VIEW_ADDRESS: {OWN},
        OrganisationAction.CHANGE_ORGANISATION: NONE,
        OrganisationAction.VIEW_MEMBERS: NONE,
        OrganisationAction.MANAGE_MEMBERS: NONE,
        OrganisationAction.PROPOSE_PARTNERSHIP: NONE,
        ReferralAction.SEND_REFERRALS: NONE,
        ReferralAction.RECEIVE_REFERRALS: NONE,
        ReferralAction.READ_REFERRAL_PERSONAL_DATA: NONE,
        ResourceAction.PUBLISH_RESOURCES: NONE,
        ResourceAction.DRAFT_RESOURCES: {OWN},
        AdvocacyAction.ENDORSE_POSITIONS: NONE,
        AdvocacyAction.CONTRIBUTE_ADVOCACY: {OWN},
        OrganisationAction.DEACTIVATE_ORGANISATION: NONE,
        OrganisationAction.APPOINT_COORDINATOR: NONE,
    },
    Role.VOLUNTEER: {
        OrganisationAction.VIEW_ORGANISATION: ALL,
        OrganisationAction.VIEW_ADDRESS: {OWN},
        **dict.fromkeys(
            (
                OrganisationAction.CHANGE_ORGANISATION,
                OrganisationAction.VIEW_MEMBERS,
                OrganisationAction.MANAGE_MEMBERS,
                OrganisationAction.PROPOSE_PARTNERSHIP,
                ReferralAction.SEND_REFERRALS,
                ReferralAction.RECEIVE_REFERRALS,
                ReferralAction.READ_REFERRAL_PERSONAL_DATA,
                ResourceAction.PUBLISH_RESOURCES,
                ResourceAction.DRAFT_RESOURCES,
                AdvocacyAction.ENDORSE_POSITIONS,
                AdvocacyAction.CONTRIBUTE_ADVOCACY,
                OrganisationAction.DEACTIVATE_ORGANISATION,
                OrganisationAction.APPOINT_COORDINATOR,
            ),
            NONE,
        ),
    },
}
NETWORK_ADMIN_MATRIX: dict[Action, set[str]] = {
    OrganisationAction.VIEW_ORGANISATION: ALL,
    OrganisationAction.VIEW_ADDRESS: ALL,
    OrganisationAction.CHANGE_ORGANISATION: ALL,
    OrganisationAction.DEACTIVATE_ORGANISATION: ALL,
    OrganisationAction.APPOINT_COORDINATOR: ALL,
    OrganisationAction.VIEW_MEMBERS: NONE,
    OrganisationAction.MANAGE_MEMBERS: NONE,
    OrganisationAction.PROPOSE_PARTNERSHIP: NONE,
    ReferralAction.SEND_REFERRALS: NONE,
    ReferralAction.RECEIVE_REFERRALS: NONE,
    ReferralAction.READ_REFERRAL_PERSONAL_DATA: NONE,  # never, as rule 7 says
    ResourceAction.PUBLISH_RESOURCES: NONE,
    ResourceAction.DRAFT_RESOURCES: NONE,
    AdvocacyAction.ENDORSE_POSITIONS: NONE,
    AdvocacyAction.CONTRIBUTE_ADVOCACY: NONE,
}
# Actions on the partnership proposed by OWN to PARTNER (a second one links PARTNER and UNRELATED).
PARTNERSHIP_MATRIX: dict[str, dict[Action, bool]] = {
    Role.COORDINATOR: {
        OrganisationAction.VIEW_PARTNERSHIP: True,
        OrganisationAction.ACCEPT_PARTNERSHIP: False,
        OrganisationAction.END_PARTNERSHIP: True,
    },
    Role.STAFF: {
        OrganisationAction.VIEW_PARTNERSHIP: True,
        OrganisationAction.ACCEPT_PARTNERSHIP: False,
        OrganisationAction.END_PARTNERSHIP: False,
    },
    Role.PEER: {
        OrganisationAction.VIEW_PARTNERSHIP: True,
        OrganisationAction.ACCEPT_PARTNERSHIP: False,
        OrganisationAction.END_PARTNERSHIP: False,
    },
    Role.VOLUNTEER: {
        OrganisationAction.VIEW_PARTNERSHIP: True,
        OrganisationAction.ACCEPT_PARTNERSHIP: False,
        OrganisationAction.END_PARTNERSHIP: False,
    },
}


@pytest.fixture
def world(db):
    """Three organisations: ours, a partner (partnership proposed by ours), and an unrelated one."""
    organisations = {
        OWN: factories.organisation(name="Own", address="1 secret street", address_is_confidential=True),
        PARTNER: factories.organisation(name="Partner", address="2 hidden lane", address_is_confidential=True),
        UNRELATED: factories.organisation(name="Unrelated", address="3 quiet road", address_is_confidential=True),
    }
    proposal = services.partnership_propose(
        proposer=organisations[OWN],
        partner=organisations[PARTNER],
        charter="Shared values",
        acting_user=factories.coordinator_of(organisations[OWN]),
    )
    elsewhere = factories.active_partnership(organisations[PARTNER], organisations[UNRELATED])
    return organisations, proposal, elsewhere


def _mismatches(user, organisations, expected: dict[Action, set[str]]) -> list[str]:
    found = []
    for action, allowed_relations in expected.items():
        for relation, organisation in organisations.items():
            allowed = policy.can(user, action, organisation)
            if allowed != (relation in allowed_relations):
                found.append(f"{action} on {relation}: policy says {allowed}")
    return found


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.STAFF, Role.PEER, Role.VOLUNTEER])
def test_each_role_acts_on_its_own_organisation_only(world, role):
    organisations, proposal, elsewhere = world
    user = factories.member(organisations[OWN], role)

    assert _mismatches(user, organisations, ORGANISATION_MATRIX[role]) == []
    for action, allowed in PARTNERSHIP_MATRIX[role].items():
        assert policy.can(user, action, proposal) is allowed, action
        assert policy.can(user, action, elsewhere) is False, action  # unrelated partnership: nothing at all
    assert set(policy.visible(user, OrganisationAction.VIEW_PARTNERSHIP)) == {proposal}


def test_only_the_invited_sides_coordinator_accepts_a_partnership(world):
    organisations, proposal, _elsewhere = world
    partner_coordinator = factories.coordinator_of(organisations[PARTNER])
    partner_staff = factories.member(organisations[PARTNER], Role.STAFF)

    assert policy.can(partner_coordinator, OrganisationAction.ACCEPT_PARTNERSHIP, proposal)
    assert policy.can(partner_coordinator, OrganisationAction.DECLINE_PARTNERSHIP, proposal)
    assert policy.can(partner_coordinator, OrganisationAction.END_PARTNERSHIP, proposal)
    assert not policy.can(partner_staff, OrganisationAction.ACCEPT_PARTNERSHIP, proposal)


def test_network_admin_runs_the_platform_but_never_reads_personal_data(world):
    organisations, proposal, _elsewhere = world
    admin = factories.network_admin()

    assert _mismatches(admin, organisations, NETWORK_ADMIN_MATRIX) == []
    assert policy.can(admin, OrganisationAction.VIEW_PARTNERSHIP, proposal)
    assert not policy.can(admin, OrganisationAction.ACCEPT_PARTNERSHIP, proposal)
    assert policy.can(admin, AccountAction.MANAGE_USERS)
    assert policy.can(admin, OrganisationAction.CREATE_ORGANISATION)
    assert not policy.organisations_where(admin, ReferralAction.READ_REFERRAL_PERSONAL_DATA).exists()


def test_network_admin_who_is_also_staff_still_never_reads_personal_data(world):
    organisations, _proposal, _elsewhere = world
    admin = factories.network_admin()
    factories.member(organisations[OWN], Role.STAFF, user=admin)

    assert policy.can(admin, ReferralAction.SEND_REFERRALS, organisations[OWN])
    assert not policy.can(admin, ReferralAction.READ_REFERRAL_PERSONAL_DATA, organisations[OWN])


def test_user_without_membership_and_anonymous_only_view_public_organisations(world):
    organisations, proposal, _elsewhere = world
    outsider = factories.UserFactory()
    for user in (outsider, AnonymousUser()):
        for relation, organisation in organisations.items():
            assert policy.can(user, OrganisationAction.VIEW_ORGANISATION, organisation), relation
            for action in ORGANISATION_MATRIX[Role.COORDINATOR]:
                if action != OrganisationAction.VIEW_ORGANISATION:
                    assert not policy.can(user, action, organisation), (action, relation)
        assert not policy.can(user, OrganisationAction.VIEW_PARTNERSHIP, proposal)
        assert not policy.visible(user, OrganisationAction.VIEW_PARTNERSHIP).exists()
        assert not policy.can(user, OrganisationAction.CREATE_ORGANISATION)


def test_a_model_wide_permission_never_opens_an_organisation(world):
    """guardian's accept_global_perms trap: a global grant must not count as an object grant."""
    organisations, _proposal, _elsewhere = world
    user = factories.member(organisations[OWN], Role.VOLUNTEER)
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="orgs"))
    policy.forget(user)

    assert not policy.can(user, OrganisationAction.MANAGE_MEMBERS, organisations[UNRELATED])
    assert not policy.can(user, ReferralAction.READ_REFERRAL_PERSONAL_DATA, organisations[OWN])
    assert not policy.organisations_where(user, OrganisationAction.MANAGE_MEMBERS).exists()


def test_superuser_without_membership_cannot_read_personal_data(world):
    organisations, _proposal, _elsewhere = world
    root = factories.UserFactory(is_superuser=True)

    assert policy.is_network_admin(root)
    assert not policy.can(root, ReferralAction.READ_REFERRAL_PERSONAL_DATA, organisations[OWN])
    assert not policy.can(root, OrganisationAction.MANAGE_MEMBERS, organisations[OWN])


def test_members_of_a_deactivated_organisation_lose_its_permissions(world):
    organisations, _proposal, _elsewhere = world
    staff = factories.member(organisations[OWN], Role.STAFF)
    outsider = factories.UserFactory()
    services.organisation_set_active(
        organisation=organisations[OWN], active=False, acting_user=factories.network_admin()
    )
    policy.forget(staff)

    assert not policy.can(staff, ReferralAction.SEND_REFERRALS, organisations[OWN])
    assert policy.can(staff, OrganisationAction.VIEW_ORGANISATION, organisations[OWN])
    assert not policy.can(outsider, OrganisationAction.VIEW_ORGANISATION, organisations[OWN])
    assert organisations[OWN] in policy.visible(staff, OrganisationAction.VIEW_ORGANISATION)
    assert organisations[OWN] not in policy.visible(outsider, OrganisationAction.VIEW_ORGANISATION)


def test_a_removed_member_loses_every_permission_at_once(world):
    organisations, _proposal, _elsewhere = world
    membership = factories.membership(organisations[OWN], Role.STAFF)
    user = membership.user
    assert policy.can(user, ReferralAction.READ_REFERRAL_PERSONAL_DATA, organisations[OWN])

    services.membership_remove(membership=membership, acting_user=factories.coordinator_of(organisations[OWN]))
    policy.forget(user)

    assert not policy.can(user, ReferralAction.READ_REFERRAL_PERSONAL_DATA, organisations[OWN])
    assert not user.groups.filter(pk=organisations[OWN].editors_group_id).exists()


def test_one_person_holds_different_roles_in_two_organisations(world):
    organisations, _proposal, _elsewhere = world
    user = factories.member(organisations[OWN], Role.COORDINATOR)
    factories.member(organisations[UNRELATED], Role.VOLUNTEER, user=user)

    assert policy.can(user, OrganisationAction.MANAGE_MEMBERS, organisations[OWN])
    assert not policy.can(user, OrganisationAction.MANAGE_MEMBERS, organisations[UNRELATED])
    assert policy.can(user, OrganisationAction.VIEW_ADDRESS, organisations[UNRELATED])
    assert policy.roles_by_organisation(user) == {
        organisations[OWN].pk: Role.COORDINATOR,
        organisations[UNRELATED].pk: Role.VOLUNTEER,
    }


def test_two_factor_is_required_exactly_for_roles_that_read_personal_data(world, settings):
    organisations, _proposal, _elsewhere = world
    settings.PASSERELLE_REQUIRE_TWO_FACTOR = True
    expectations = {Role.COORDINATOR: True, Role.STAFF: True, Role.PEER: False, Role.VOLUNTEER: False}
    for role, required in expectations.items():
        user = factories.member(organisations[OWN], role)
        assert two_factor.requires_two_factor(user) is required, role
        assert two_factor.two_factor_missing(user) is required, role
    assert two_factor.requires_two_factor(factories.network_admin())

    settings.PASSERELLE_REQUIRE_TWO_FACTOR = False
    assert not two_factor.two_factor_missing(factories.member(organisations[OWN], Role.STAFF))


def test_users_who_can_lists_holders_and_never_admins_for_personal_data(world):
    organisations, _proposal, _elsewhere = world
    staff = factories.member(organisations[OWN], Role.STAFF)
    peer = factories.member(organisations[OWN], Role.PEER)
    admin = factories.network_admin()

    readers = set(org_selectors.users_who_can(ReferralAction.READ_REFERRAL_PERSONAL_DATA))
    assert staff in readers and peer not in readers and admin not in readers
    assert admin in set(org_selectors.users_who_can(OrganisationAction.CHANGE_ORGANISATION))
    assert staff not in set(org_selectors.users_who_can(OrganisationAction.CHANGE_ORGANISATION))


def test_anonymous_visitors_see_an_address_only_when_it_is_not_confidential(db):
    public = factories.organisation(address="12 rue Publique", address_is_confidential=False)
    hidden = factories.organisation(address="Drop-in centre", address_is_confidential=True)

    assert policy.can(AnonymousUser(), OrganisationAction.VIEW_ADDRESS, public)
    assert not policy.can(AnonymousUser(), OrganisationAction.VIEW_ADDRESS, hidden)


def test_only_staff_and_coordinators_have_the_referral_workspace(world):
    organisations, _proposal, _elsewhere = world
    expectations = {Role.COORDINATOR: True, Role.STAFF: True, Role.PEER: False, Role.VOLUNTEER: False}
    for role, expected in expectations.items():
        assert (
            policy.can(factories.member(organisations[OWN], role), ReferralAction.USE_REFERRAL_WORKSPACE) is expected
        ), role
    assert not policy.can(factories.network_admin(), ReferralAction.USE_REFERRAL_WORKSPACE)
