import uuid

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Greatest, Least
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from .languages import validate_language_codes

country_code_validator = RegexValidator(r"^[A-Z]{2}$", _("Use a two-letter ISO 3166 country code, e.g. FR."))


class OrganisationKind(models.TextChoices):
    NGO_PROGRAMME = "ngo_programme", _("NGO programme")
    COMMUNITY_ASSOCIATION = "community_association", _("Community association")
    PEER_GROUP = "peer_group", _("Peer group")
    HEALTH_UNIT = "health_unit", _("Health unit")
    LEGAL_SERVICE = "legal_service", _("Legal service")
    SOCIAL_SERVICE = "social_service", _("Social service")
    INSTITUTION = "institution", _("Institution")


class Organisation(models.Model):
    """A member organisation of the network. Public fields are shown to anyone; the address only if not confidential."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("kind"), max_length=32, choices=OrganisationKind.choices)
    name = models.CharField(_("name"), max_length=160, unique=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    description = models.TextField(_("description"), blank=True)
    city = models.CharField(_("city"), max_length=120, blank=True)
    region = models.CharField(_("region"), max_length=120, blank=True)
    country = models.CharField(_("country"), max_length=2, validators=[country_code_validator])
    languages = models.JSONField(
        _("languages spoken"),
        default=list,
        blank=True,
        validators=[validate_language_codes],
        help_text=_("Language codes, e.g. fr, en, ro."),
    )
    logo = models.ImageField(_("logo"), upload_to="organisation-logos/", blank=True)
    public_email = models.EmailField(_("public contact email"), blank=True)
    public_phone = models.CharField(_("public contact phone"), max_length=40, blank=True)
    website = models.URLField(_("website"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    address = models.TextField(_("address"), blank=True)
    address_is_confidential = models.BooleanField(
        _("address is confidential"),
        default=True,
        help_text=_("A confidential address (e.g. a drop-in centre) is never shown publicly nor exported."),
    )
    # Each organisation's own part of Wagtail: a page subtree, a document collection, two groups.
    space_page = models.ForeignKey(
        "wagtailcore.Page", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    collection = models.ForeignKey(
        "wagtailcore.Collection", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    editors_group = models.ForeignKey(
        "auth.Group", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    contributors_group = models.ForeignKey(
        "auth.Group", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        # Object-level permissions, granted per organisation through django-guardian from membership roles.
        permissions = [
            ("manage_members", "Manage the organisation's members"),
            ("view_members", "See the organisation's members"),
            ("manage_partnerships", "Propose, accept and end partnerships"),
            ("send_referrals", "Send referrals"),
            ("receive_referrals", "Receive referrals"),
            ("read_referral_personal_data", "Read personal fields of referrals, within consent"),
            ("publish_resources", "Publish resources"),
            ("draft_resources", "Draft resources for moderation"),
            ("endorse_positions", "Endorse advocacy positions for the organisation"),
            ("contribute_advocacy", "Contribute to advocacy pages"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def public_address(self) -> str:
        """The address as the public may see it: empty when confidential."""
        return "" if self.address_is_confidential else self.address


class OrganisationUserObjectPermission(UserObjectPermissionBase):
    """Direct foreign-key table for guardian, so object permission checks join on a real key."""

    content_object = models.ForeignKey(Organisation, on_delete=models.CASCADE)


class OrganisationGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Organisation, on_delete=models.CASCADE)


class Role(models.TextChoices):
    COORDINATOR = "coordinator", _("Coordinator")
    STAFF = "staff", _("Staff")
    PEER = "peer", _("Peer worker")
    VOLUNTEER = "volunteer", _("Volunteer")


class Membership(models.Model):
    """A user's role in one organisation. A user may belong to several organisations with different roles."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["organisation__name", "user__username"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="membership_one_per_user_and_organisation"),
            models.CheckConstraint(condition=Q(role__in=Role.values), name="membership_role_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.organisation} ({self.get_role_display()})"


class PartnershipStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    ACTIVE = "active", _("Active")
    DECLINED = "declined", _("Declined")
    ENDED = "ended", _("Ended")


OPEN_PARTNERSHIP_STATUSES = [PartnershipStatus.PROPOSED, PartnershipStatus.ACTIVE]


class Partnership(models.Model):
    """A partnership proposed by one organisation and accepted by the other: never imposed."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    proposer = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="partnerships_proposed")
    partner = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="partnerships_received")
    status = models.CharField(
        _("status"), max_length=16, choices=PartnershipStatus.choices, default=PartnershipStatus.PROPOSED
    )
    charter = models.TextField(_("charter of shared values"), max_length=4000)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    proposed_at = models.DateTimeField(auto_now_add=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    started_on = models.DateField(_("start date"), null=True, blank=True)
    ended_on = models.DateField(_("end date"), null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-proposed_at"]
        verbose_name = _("partnership")
        verbose_name_plural = _("partnerships")
        constraints = [
            models.CheckConstraint(condition=~Q(proposer=models.F("partner")), name="partnership_not_with_itself"),
            models.CheckConstraint(condition=Q(status__in=PartnershipStatus.values), name="partnership_status_valid"),
            # At most one open (proposed or active) partnership per pair, whichever side proposed it.
            models.UniqueConstraint(
                Least("proposer", "partner"),
                Greatest("proposer", "partner"),
                condition=Q(status__in=OPEN_PARTNERSHIP_STATUSES),
                name="partnership_one_open_per_pair",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.proposer} ↔ {self.partner} ({self.get_status_display()})"

    def other_side(self, organisation: Organisation) -> Organisation:
        return self.partner if organisation.pk == self.proposer_id else self.proposer


class InvitationStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACCEPTED = "accepted", _("Accepted")
    CANCELLED = "cancelled", _("Cancelled")
    EXPIRED = "expired", _("Expired")


class Invitation(models.Model):
    """An invitation to join an organisation with a role, sent to an email address.

    The membership exists only once the owner of that address, verified on their account, accepts it. The
    emailed link is signed over the invitation's id (no token is stored, no address travels in the URL); it works
    once (`accepted_at`, `cancelled_at`) and until `expires_at`.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("email address"), max_length=254)  # normalised: lower-case
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    public_name = models.CharField(
        _("suggested public name"),
        max_length=80,
        blank=True,
        help_text=_("Only used if the person creates a new account to accept."),
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.CheckConstraint(condition=Q(role__in=Role.values), name="invitation_role_valid"),
            models.CheckConstraint(
                condition=Q(accepted_at__isnull=True) | Q(cancelled_at__isnull=True),
                name="invitation_not_both_accepted_and_cancelled",
            ),
            # One pending invitation per organisation and address (expired ones are cancelled before a new one).
            models.UniqueConstraint(
                "organisation",
                "email",
                condition=Q(accepted_at__isnull=True, cancelled_at__isnull=True),
                name="invitation_one_pending_per_organisation_and_email",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.get_role_display()}, {self.status})"

    @property
    def status(self) -> str:
        if self.accepted_at is not None:
            return InvitationStatus.ACCEPTED
        if self.cancelled_at is not None:
            return InvitationStatus.CANCELLED
        if self.expires_at <= timezone.now():
            return InvitationStatus.EXPIRED
        return InvitationStatus.PENDING

    def get_status_display(self) -> str:
        return str(InvitationStatus(self.status).label)
