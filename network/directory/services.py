"""The service directory: every change of a service goes through these functions (reads are in `selectors`).

Each change checks the access policy (`MANAGE_SERVICES`), validates everything before writing, writes inside one
transaction and records the action in Wagtail's audit log. Bad input raises a translated ValidationError and
changes nothing.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from network.directory.rules import DirectoryAction
from network.orgs import policy
from network.orgs.languages import normalise_language_codes, unknown_language_codes
from network.orgs.models import Organisation
from network.pagecache.generations import DIRECTORY, public_pages_changed

from .models import LocationType, Service, ServiceOpeningHours, Weekday

if TYPE_CHECKING:
    from network.accounts.models import User

# The fields a coordinator sets on a service (the organisation, activity and verification have their own functions).
SERVICE_FIELDS = (
    "category",
    "name",
    "description",
    "languages",
    "interpreter_available",
    "interpreter_languages",
    "eligibility",
    "is_free",
    "fees_description",
    "access_mode",
    "location_type",
    "address",
    "postal_code",
    "city",
    "area",
    "address_is_confidential",
    "phone",
    "email",
    "url",
    "accepts_referrals",
    "referrals_from",
    "is_public",
)
OPENING_HOURS_FIELDS = ("weekday", "opens_at", "closes_at", "notes")


# ---------------------------------------------------------------------------------------------------------------
# Changes


@transaction.atomic
def service_create(
    *,
    organisation: Organisation,
    acting_user: User,
    opening_hours: Iterable[Mapping[str, Any]] = (),
    **fields: Any,
) -> Service:
    """Declare a new service of `organisation`, verified today, with its opening hours. Coordinators only."""
    policy.require(acting_user, DirectoryAction.MANAGE_SERVICES, organisation)
    if not organisation.is_active:
        raise ValidationError(_("An inactive organisation cannot declare services."))
    _check_field_names(fields)
    service = Service(organisation=organisation, last_verified=timezone.localdate(), **fields)
    slots = _clean_service(service, opening_hours)
    service.save()
    _replace_opening_hours(service, slots)
    _log(acting_user, "orgs.service.create", service)
    public_pages_changed(DIRECTORY)
    return service


@transaction.atomic
def service_update(
    *,
    service: Service,
    acting_user: User,
    opening_hours: Iterable[Mapping[str, Any]] | None = None,
    **fields: Any,
) -> Service:
    """Change a service; `opening_hours` (when given) replaces every slot. Nothing changes if anything is wrong."""
    policy.require(acting_user, DirectoryAction.MANAGE_SERVICES, service)
    _check_field_names(fields)
    for name, value in fields.items():
        setattr(service, name, value)
    slots = _clean_service(service, opening_hours)
    service.save()
    if opening_hours is not None:
        _replace_opening_hours(service, slots)
    _log(acting_user, "orgs.service.update", service)
    public_pages_changed(DIRECTORY)
    return service


@transaction.atomic
def service_set_active(*, service: Service, active: bool, acting_user: User) -> Service:
    """Withdraw a service from the directory (it stops taking referrals), or bring it back."""
    policy.require(acting_user, DirectoryAction.MANAGE_SERVICES, service)
    service.is_active = active
    service.save(update_fields=["is_active", "updated_at"])
    _log(acting_user, "orgs.service.activate" if active else "orgs.service.deactivate", service)
    public_pages_changed(DIRECTORY)
    return service


@transaction.atomic
def service_mark_verified(*, service: Service, acting_user: User, on: datetime.date | None = None) -> Service:
    """Record that someone of the organisation checked the service's information (today unless told otherwise)."""
    policy.require(acting_user, DirectoryAction.MANAGE_SERVICES, service)
    day = on or timezone.localdate()
    if day > timezone.localdate():
        raise ValidationError({"last_verified": _("The verification date cannot be in the future.")})
    service.last_verified = day
    service.save(update_fields=["last_verified", "updated_at"])
    _log(acting_user, "orgs.service.verify", service)
    public_pages_changed(DIRECTORY)
    return service


# ---------------------------------------------------------------------------------------------------------------
# Validation


def _check_field_names(fields: Mapping[str, Any]) -> None:
    unknown = set(fields) - set(SERVICE_FIELDS)
    if unknown:
        raise ValidationError(
            _("These fields cannot be changed here: %(fields)s") % {"fields": ", ".join(sorted(unknown))}
        )


def _clean_service(service: Service, opening_hours: Iterable[Mapping[str, Any]] | None) -> list[ServiceOpeningHours]:
    """Validate the service and its opening hours together, so that one error message covers everything wrong."""
    errors: dict[str, list] = {}
    service.languages = _clean_languages(service.languages, errors)
    service.interpreter_languages = _clean_languages(service.interpreter_languages, errors, "interpreter_languages")
    if service.interpreter_languages:
        service.interpreter_available = True
    if service.location_type == LocationType.PHYSICAL and not (service.address or "").strip():
        errors.setdefault("address", []).append(
            _("A service at an address needs the address (tick “confidential” to keep it from the public).")
        )
    try:
        service.full_clean()
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    slots: list[ServiceOpeningHours] = []
    if opening_hours is not None:
        slots, slot_errors = _clean_opening_hours(opening_hours)
        if slot_errors:
            errors.setdefault("opening_hours", []).extend(slot_errors)
    if errors:
        raise ValidationError(errors)
    return slots


def _clean_languages(value: Any, errors: dict[str, list], field: str = "languages") -> list[str]:
    if not isinstance(value, list | tuple):
        errors.setdefault(field, []).append(_("Give the languages as a list of codes, e.g. fr, en, ro."))
        return []
    codes = normalise_language_codes(value)
    unknown = unknown_language_codes(codes)
    if unknown:
        errors.setdefault(field, []).append(
            _("Unknown language code: %(codes)s. Use codes such as fr, en, ro.") % {"codes": ", ".join(unknown)}
        )
    return codes


def _clean_opening_hours(opening_hours: Iterable[Mapping[str, Any]]) -> tuple[list[ServiceOpeningHours], list[str]]:
    slots: list[ServiceOpeningHours] = []
    errors: list[str] = []
    for slot in opening_hours:
        unknown = set(slot) - set(OPENING_HOURS_FIELDS)
        if unknown:
            errors.append(_("Unknown opening hours fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
            continue
        weekday, opens_at, closes_at = slot.get("weekday"), slot.get("opens_at"), slot.get("closes_at")
        if weekday not in Weekday.values:
            errors.append(_("Choose a day of the week."))
            continue
        if not isinstance(opens_at, datetime.time) or not isinstance(closes_at, datetime.time):
            errors.append(_("Give an opening and a closing time."))
            continue
        day = Weekday(weekday).label
        if closes_at <= opens_at:
            errors.append(
                _("%(day)s: the closing time (%(closes)s) must be after the opening time (%(opens)s).")
                % {"day": day, "closes": f"{closes_at:%H:%M}", "opens": f"{opens_at:%H:%M}"}
            )
            continue
        notes = str(slot.get("notes") or "").strip()
        if len(notes) > 160:
            errors.append(_("%(day)s: the notes are limited to 160 characters.") % {"day": day})
            continue
        slots.append(ServiceOpeningHours(weekday=weekday, opens_at=opens_at, closes_at=closes_at, notes=notes))
    for index, hours in enumerate(slots):
        for other in slots[index + 1 :]:
            if hours.weekday == other.weekday and hours.opens_at < other.closes_at and other.opens_at < hours.closes_at:
                errors.append(_("%(day)s: two opening slots overlap.") % {"day": Weekday(hours.weekday).label})
    return slots, errors


def _replace_opening_hours(service: Service, slots: list[ServiceOpeningHours]) -> None:
    service.opening_hours.all().delete()
    for slot in slots:
        slot.service = service
    ServiceOpeningHours.objects.bulk_create(slots)


def _log(acting_user: User, action: str, instance: Any) -> None:
    """Record the action in Wagtail's audit log (ids and labels only)."""
    from wagtail.log_actions import log

    log(instance=instance, action=action, user=acting_user, content_changed=True)
