"""The service directory: what each organisation offers, in a managed taxonomy, and when it is open.

The tables were created by the `orgs` app and moved here with their rows (see migrations/0001_initial.py).
"""

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from network.core.translated_names import name_in, reader_language
from network.orgs.languages import validate_language_codes
from network.orgs.models import Organisation


class ServiceCategory(models.Model):
    """The managed taxonomy of services (sexual-health testing, legal advice, housing…), kept by network admins.

    Categories are data, not code, so their names carry their own translations (as `themes.Theme` does): one name
    per interface language in `name_translations`, edited in the Wagtail admin; `name` is the name in the site's
    default language and the fallback for a language without a name of its own.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=120, help_text=_("In the site's default language."))
    name_translations = models.JSONField(_("name in other languages"), default=dict, blank=True)
    description = models.TextField(_("description"), blank=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("service category")
        verbose_name_plural = _("service categories")

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The name in the active language (what every screen, the API and HSDS show)."""
        return self.label_in(reader_language())

    def label_in(self, language: str) -> str:
        """The name in `language`, else in its base language (zh-hans → zh), else the default name."""
        return name_in(self.name_translations, language, self.name or self.code)


class AccessMode(models.TextChoices):
    WALK_IN = "walk_in", _("Walk-in")
    APPOINTMENT = "appointment", _("By appointment")
    BOTH = "both", _("Walk-in or appointment")


class LocationType(models.TextChoices):
    PHYSICAL = "physical", _("At an address")
    VIRTUAL = "virtual", _("Remote (phone, video, messaging)")


class ReferralsFrom(models.TextChoices):
    PARTNERS = "partners", _("Partner organisations only")
    NETWORK = "network", _("Any organisation of the network")


class Service(models.Model):
    """A service an organisation offers, and whether (and from whom) it accepts referrals."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="services")
    category = models.ForeignKey(ServiceCategory, on_delete=models.PROTECT, related_name="services")
    name = models.CharField(_("name"), max_length=160)
    description = models.TextField(_("description"), blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True, validators=[validate_language_codes])
    interpreter_available = models.BooleanField(
        _("interpreter available"),
        default=False,
        help_text=_("An interpreter can be arranged for a person who speaks none of the service's languages."),
    )
    interpreter_languages = models.JSONField(
        _("languages interpreted"),
        default=list,
        blank=True,
        validators=[validate_language_codes],
        help_text=_("Leave empty if the interpreter can be found for any language."),
    )
    eligibility = models.TextField(_("eligibility notes"), blank=True)
    is_free = models.BooleanField(_("free of charge"), default=True)
    fees_description = models.CharField(_("fees"), max_length=255, blank=True)
    access_mode = models.CharField(_("access"), max_length=16, choices=AccessMode.choices, default=AccessMode.BOTH)
    location_type = models.CharField(
        _("location"), max_length=16, choices=LocationType.choices, default=LocationType.PHYSICAL
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    city = models.CharField(_("city"), max_length=120, blank=True)
    area = models.CharField(
        _("area"),
        max_length=120,
        blank=True,
        help_text=_(
            "Neighbourhood or district, e.g. Belleville. With a confidential address, only your organisation sees it."
        ),
    )
    address_is_confidential = models.BooleanField(
        _("address is confidential"),
        default=False,
        help_text=_(
            "A confidential address is never shown publicly nor exported: the service is shown as a place to go to, "
            "and the address is given to the person when they are referred."
        ),
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("email"), blank=True)
    url = models.URLField(_("web page"), blank=True)
    accepts_referrals = models.BooleanField(_("accepts referrals"), default=True)
    referrals_from = models.CharField(
        _("referrals accepted from"), max_length=16, choices=ReferralsFrom.choices, default=ReferralsFrom.PARTNERS
    )
    is_public = models.BooleanField(
        _("shown in the public directory"), default=True, help_text=_("Otherwise only network members see it.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    last_verified = models.DateField(_("last verified"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["organisation__name", "name"]
        verbose_name = _("service")
        verbose_name_plural = _("services")
        indexes = [models.Index(fields=["organisation", "is_active"], name="service_org_active_idx")]

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation})"

    @property
    def public_location_type(self) -> str:
        """Where the service happens, as anyone may know it: a confidential drop-in centre is still a place people
        go to (physical), only its address is withheld (see `address_given_on_referral`)."""
        return self.location_type

    @property
    def address_given_on_referral(self) -> bool:
        """An in-person service whose address is not published: the person learns it when they are referred."""
        return self.address_is_confidential and self.location_type == LocationType.PHYSICAL


class Weekday(models.IntegerChoices):
    MONDAY = 1, _("Monday")
    TUESDAY = 2, _("Tuesday")
    WEDNESDAY = 3, _("Wednesday")
    THURSDAY = 4, _("Thursday")
    FRIDAY = 5, _("Friday")
    SATURDAY = 6, _("Saturday")
    SUNDAY = 7, _("Sunday")


class ServiceOpeningHours(models.Model):
    """One opening slot of a service on a weekday (exported as an HSDS weekly schedule)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="opening_hours")
    weekday = models.PositiveSmallIntegerField(_("day"), choices=Weekday.choices)
    opens_at = models.TimeField(_("opens at"))
    closes_at = models.TimeField(_("closes at"))
    notes = models.CharField(_("notes"), max_length=160, blank=True)

    class Meta:
        ordering = ["weekday", "opens_at"]
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        constraints = [
            models.CheckConstraint(condition=Q(closes_at__gt=models.F("opens_at")), name="opening_hours_closes_after"),
            models.CheckConstraint(condition=Q(weekday__gte=1, weekday__lte=7), name="opening_hours_weekday_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens_at:%H:%M}–{self.closes_at:%H:%M}"
