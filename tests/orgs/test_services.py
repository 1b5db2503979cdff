"""Services: bad input gets a clear error and changes nothing; good input changes exactly what it says."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from wagtail.models import Collection, GroupPagePermission

from cms.models import OrganisationSpacePage
from network.orgs import policy, services
from network.orgs.models import Membership, Organisation, Partnership, PartnershipStatus, Role
from network.referrals.rules import ReferralAction
from network.resources.rules import ResourceAction
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]


def _jpeg_with_gps() -> SimpleUploadedFile:
    image = Image.new("RGB", (8, 8), "purple")
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # camera make
    exif[0x8825] = {1: "N", 2: (48.0, 51.0, 24.0), 3: "E", 4: (2.0, 21.0, 3.0)}  # GPS IFD
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    return SimpleUploadedFile("photo.jpg", buffer.getvalue(), content_type="image/jpeg")


def test_creating_an_organisation_gives_it_a_page_subtree_a_collection_and_groups():
    organisation = factories.organisation(name="Cabiria", slug="cabiria")

    space = OrganisationSpacePage.objects.get(pk=organisation.space_page_id)
    assert space.slug == "cabiria"
    assert Collection.objects.filter(pk=organisation.collection_id, name="Cabiria").exists()
    editor_perms = set(
        GroupPagePermission.objects.filter(group=organisation.editors_group, page=space).values_list(
            "permission__codename", flat=True
        )
    )
    contributor_perms = set(
        GroupPagePermission.objects.filter(group=organisation.contributors_group, page=space).values_list(
            "permission__codename", flat=True
        )
    )
    assert {"add_page", "change_page", "publish_page"} <= editor_perms
    assert contributor_perms == {"add_page", "change_page"}  # peers submit for moderation, never publish


def test_only_network_admins_create_organisations():
    coordinator = factories.coordinator_of(factories.organisation())
    count = Organisation.objects.count()

    with pytest.raises(policy.AccessDenied):
        services.organisation_create(acting_user=coordinator, name="Sneaky", kind="peer_group", country="FR")
    assert Organisation.objects.count() == count


def test_invalid_organisation_fields_are_refused_with_a_message():
    admin = factories.network_admin()
    with pytest.raises(ValidationError) as error:
        services.organisation_create(acting_user=admin, name="Bad country", kind="peer_group", country="France")
    assert "country" in error.value.message_dict
    assert not Organisation.objects.filter(name="Bad country").exists()


def test_coordinator_cannot_edit_another_organisations_profile():
    own, other = factories.organisation(), factories.organisation(description="Original")
    coordinator = factories.coordinator_of(own)

    with pytest.raises(policy.AccessDenied):
        services.organisation_update_profile(organisation=other, acting_user=coordinator, description="Hijacked")
    other.refresh_from_db()
    assert other.description == "Original"


def test_coordinator_edits_own_profile_and_logo_loses_its_gps_metadata():
    organisation = factories.organisation()
    coordinator = factories.coordinator_of(organisation)

    services.organisation_update_profile(
        organisation=organisation, acting_user=coordinator, description="Night outreach", logo=_jpeg_with_gps()
    )
    organisation.refresh_from_db()
    assert organisation.description == "Night outreach"
    with Image.open(organisation.logo.path) as stored:
        assert not stored.getexif()
        assert "exif" not in stored.info
    assert "photo" not in organisation.logo.name  # the uploader's file name is not kept either


def test_profile_update_refuses_fields_outside_the_profile():
    organisation = factories.organisation()
    with pytest.raises(ValidationError):
        services.organisation_update_profile(
            organisation=organisation, acting_user=factories.coordinator_of(organisation), is_active=False
        )
    organisation.refresh_from_db()
    assert organisation.is_active


def test_a_non_image_logo_is_refused():
    organisation = factories.organisation()
    fake = SimpleUploadedFile("logo.png", b"not an image", content_type="image/png")
    with pytest.raises(ValidationError):
        services.organisation_update_profile(
            organisation=organisation, acting_user=factories.coordinator_of(organisation), logo=fake
        )


def test_duplicate_membership_is_refused_and_changes_nothing():
    organisation = factories.organisation()
    user = factories.member(organisation, Role.PEER)
    coordinator = factories.coordinator_of(organisation)

    with pytest.raises(ValidationError, match="already a member"):
        services.membership_add(organisation=organisation, user=user, role=Role.STAFF, acting_user=coordinator)
    assert Membership.objects.get(user=user, organisation=organisation).role == Role.PEER
    assert not policy.can(user, ReferralAction.SEND_REFERRALS, organisation)


def test_coordinator_cannot_add_members_to_another_organisation():
    own, other = factories.organisation(), factories.organisation()
    coordinator = factories.coordinator_of(own)
    newcomer = factories.UserFactory()

    with pytest.raises(policy.AccessDenied):
        services.membership_add(organisation=other, user=newcomer, role=Role.STAFF, acting_user=coordinator)
    assert not Membership.objects.filter(user=newcomer).exists()


def test_network_admin_appoints_coordinators_but_does_not_manage_the_team():
    organisation = factories.organisation()
    admin = factories.network_admin()

    services.membership_add(
        organisation=organisation, user=factories.UserFactory(), role=Role.COORDINATOR, acting_user=admin
    )
    with pytest.raises(policy.AccessDenied):
        services.membership_add(
            organisation=organisation, user=factories.UserFactory(), role=Role.STAFF, acting_user=admin
        )


def test_unknown_role_is_refused():
    organisation = factories.organisation()
    with pytest.raises(ValidationError, match="Unknown role"):
        services.membership_add(
            organisation=organisation,
            user=factories.UserFactory(),
            role="owner",
            acting_user=factories.coordinator_of(organisation),
        )


def test_last_coordinator_can_be_neither_removed_nor_demoted():
    organisation = factories.organisation()
    coordinator = factories.coordinator_of(organisation)
    membership = Membership.objects.get(user=coordinator, organisation=organisation)

    with pytest.raises(ValidationError, match="at least one coordinator"):
        services.membership_change_role(membership=membership, role=Role.STAFF, acting_user=coordinator)
    with pytest.raises(ValidationError, match="at least one coordinator"):
        services.membership_remove(membership=membership, acting_user=coordinator)
    membership.refresh_from_db()
    assert membership.role == Role.COORDINATOR

    second = factories.member(organisation, Role.COORDINATOR)
    services.membership_change_role(membership=membership, role=Role.STAFF, acting_user=second)
    membership.refresh_from_db()
    assert membership.role == Role.STAFF


def test_role_change_updates_permissions_and_wagtail_groups():
    organisation = factories.organisation()
    membership = factories.membership(organisation, Role.STAFF)
    user = membership.user
    assert user.groups.filter(pk=organisation.editors_group_id).exists()

    services.membership_change_role(
        membership=membership, role=Role.PEER, acting_user=factories.coordinator_of(organisation)
    )
    policy.forget(user)
    assert not policy.can(user, ResourceAction.PUBLISH_RESOURCES, organisation)
    assert policy.can(user, ResourceAction.DRAFT_RESOURCES, organisation)
    assert not user.groups.filter(pk=organisation.editors_group_id).exists()
    assert user.groups.filter(pk=organisation.contributors_group_id).exists()


def test_partnership_with_itself_is_refused():
    organisation = factories.organisation()
    with pytest.raises(ValidationError, match="itself"):
        services.partnership_propose(
            proposer=organisation,
            partner=organisation,
            charter="x",
            acting_user=factories.coordinator_of(organisation),
        )
    assert not Partnership.objects.exists()


def test_partnership_needs_a_charter_and_an_active_partner():
    own, partner = factories.organisation(), factories.organisation()
    coordinator = factories.coordinator_of(own)
    with pytest.raises(ValidationError, match="charter"):
        services.partnership_propose(proposer=own, partner=partner, charter="  ", acting_user=coordinator)
    services.organisation_set_active(organisation=partner, active=False, acting_user=factories.network_admin())
    with pytest.raises(ValidationError, match="not active"):
        services.partnership_propose(proposer=own, partner=partner, charter="Values", acting_user=coordinator)
    assert not Partnership.objects.exists()


def test_a_pair_has_at_most_one_open_partnership_whoever_proposes():
    a, b = factories.organisation(), factories.organisation()
    factories.active_partnership(a, b)
    with pytest.raises(ValidationError, match="already proposed or active"):
        services.partnership_propose(proposer=b, partner=a, charter="Again", acting_user=factories.coordinator_of(b))
    assert Partnership.objects.count() == 1


def test_partnership_is_never_imposed_the_proposer_cannot_accept_it():
    a, b = factories.organisation(), factories.organisation()
    proposal = services.partnership_propose(
        proposer=a, partner=b, charter="Values", acting_user=factories.coordinator_of(a)
    )
    with pytest.raises(policy.AccessDenied):
        services.partnership_accept(partnership=proposal, acting_user=factories.coordinator_of(a))
    proposal.refresh_from_db()
    assert proposal.status == PartnershipStatus.PROPOSED


def test_partnership_lifecycle_and_wrong_state_transitions(mailoutbox, django_capture_on_commit_callbacks):
    a, b = factories.organisation(name="Alpha"), factories.organisation(name="Beta")
    a_coordinator, b_coordinator = factories.coordinator_of(a), factories.coordinator_of(b)

    with django_capture_on_commit_callbacks(execute=True):
        proposal = services.partnership_propose(proposer=a, partner=b, charter="Values", acting_user=a_coordinator)
    assert [m.to for m in mailoutbox] == [[b_coordinator.email]]

    with django_capture_on_commit_callbacks(execute=True):
        active = services.partnership_accept(partnership=proposal, acting_user=b_coordinator)
    assert active.status == PartnershipStatus.ACTIVE and active.started_on is not None
    assert mailoutbox[-1].to == [a_coordinator.email]

    with pytest.raises(ValidationError, match="not possible"):
        services.partnership_decline(partnership=active, acting_user=b_coordinator)

    with django_capture_on_commit_callbacks(execute=True):
        ended = services.partnership_end(partnership=active, acting_user=b_coordinator)
    assert ended.status == PartnershipStatus.ENDED and ended.ended_on is not None
    assert mailoutbox[-1].to == [a_coordinator.email]  # the other side is told
    with pytest.raises(ValidationError):
        services.partnership_accept(partnership=ended, acting_user=b_coordinator)
    ended.refresh_from_db()
    assert ended.status == PartnershipStatus.ENDED


def test_partnership_emails_name_organisations_and_link_to_the_platform_only(
    mailoutbox, django_capture_on_commit_callbacks
):
    a, b = factories.organisation(name="Alpha"), factories.organisation(name="Beta")
    proposer = factories.coordinator_of(a)
    factories.coordinator_of(b)
    with django_capture_on_commit_callbacks(execute=True):
        services.partnership_propose(proposer=a, partner=b, charter="Secret charter text", acting_user=proposer)
    body = mailoutbox[0].body
    assert "Alpha" in body and "/partnerships/" in body
    assert "Secret charter text" not in body
    assert proposer.username not in body and proposer.email not in body


def test_deactivating_an_organisation_takes_its_pages_off_the_public_site_and_back(client):
    organisation = factories.organisation(slug="cabiria")
    admin = factories.network_admin()
    assert client.get("/fr/spaces/cabiria/").status_code == 200

    services.organisation_set_active(organisation=organisation, active=False, acting_user=admin)
    assert client.get("/fr/spaces/cabiria/").status_code == 404

    services.organisation_set_active(organisation=organisation, active=True, acting_user=admin)
    assert client.get("/fr/spaces/cabiria/").status_code == 200


def test_only_network_admins_deactivate_organisations():
    organisation = factories.organisation()
    with pytest.raises(policy.AccessDenied):
        services.organisation_set_active(
            organisation=organisation, active=False, acting_user=factories.coordinator_of(organisation)
        )
    organisation.refresh_from_db()
    assert organisation.is_active
