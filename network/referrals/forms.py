"""Forms of the referral workspace: they parse input; the referral services decide, validate and write.

Views hand `cleaned_data` to a service and turn its ValidationError back into errors on the named fields with
`network.core.service_errors.add_service_errors`. Field names match the keys the services use in their errors
(`name`, `contact_detail`, `purpose`, `valid_until`, `reason`, `appointment_at`, …), so an error always lands
beside the field it is about.
Personal fields carry `autocomplete="off"`: a shared phone must not offer a person's name to the next user.
"""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.conf import global_settings
from django.db.models import Q, QuerySet
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from network.core.widgets import ListSelect
from network.directory.models import Service, ServiceCategory
from network.orgs.languages import language_name
from network.orgs.models import Organisation
from network.orgs.views.public import speaks_language

from .models import (
    CLOSED_STATUSES,
    OPEN_STATUSES,
    AgeRange,
    ConsentMethod,
    ContactChannel,
    DeclineReason,
    Outcome,
    PersonalField,
    Referral,
    ReferralStatus,
    Urgency,
)
from .selectors import pending_conditions

__all__ = [
    "AcceptForm",
    "AppointmentForm",
    "CancelForm",
    "CompleteForm",
    "DeclineForm",
    "MessageForm",
    "RedirectForm",
    "ReferralFilterForm",
    "ReferralForm",
    "ServiceSearchForm",
    "WithdrawConsentForm",
]

PRIVATE = {"autocomplete": "off", "autocapitalize": "off", "spellcheck": "false"}
EVERY = ("", _("All"))


def language_choices() -> list[tuple[str, str]]:
    """Every language Django knows, by its name in the interface language (people speak more than we ship)."""
    return sorted(
        ((code, language_name(code)) for code, _name in global_settings.LANGUAGES),
        key=lambda choice: str(choice[1]).casefold(),
    )


# ---------------------------------------------------------------------------------------------------------------
# Lists


class ReferralFilterForm(forms.Form):
    """Inbox and sent filters. Only codes and ids: nothing personal ever travels in these URLs."""

    status = forms.ChoiceField(label=_("Status"), required=False, widget=ListSelect)
    service = forms.ChoiceField(label=_("Service"), required=False, widget=ListSelect)
    urgency = forms.ChoiceField(
        label=_("Urgency"), required=False, choices=[EVERY, *Urgency.choices], widget=ListSelect
    )

    def __init__(self, *args: Any, services: list[Service], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [
            EVERY,
            # Translators: filter of the referral lists: referrals still in progress.
            ("open", _("Open")),
            # Translators: filter of the referral lists: referrals that have ended.
            ("closed", _("Closed")),
            # Translators: filter of the referral lists: sent or redirected, not yet accepted or declined.
            ("awaiting", _("Awaiting a decision")),
            # Translators: filter of the referral lists: accepted, the outcome not yet recorded.
            ("in_progress", _("Accepted, awaiting the outcome")),
            # Translators: filter of the referral lists: unanswered too long, or the appointment passed.
            ("overdue", _("Overdue")),
            *ReferralStatus.choices,
        ]
        self.fields["service"].choices = [EVERY] + [
            (str(service.pk), f"{service.name} · {service.organisation.name}") for service in services
        ]

    def filter(self, referrals: QuerySet[Referral]) -> QuerySet[Referral]:
        """Apply the valid filters; a stale or tampered value is ignored rather than failing the page."""
        data = self.cleaned_data if self.is_valid() else {}
        status = data.get("status")
        if status == "open":
            referrals = referrals.filter(status__in=OPEN_STATUSES)
        elif status == "closed":
            referrals = referrals.filter(status__in=CLOSED_STATUSES)
        elif status in (pending := pending_conditions()):
            referrals = referrals.filter(pending[status])
        elif status:
            referrals = referrals.filter(status=status)
        if data.get("service"):
            referrals = referrals.filter(service_id=data["service"])
        if data.get("urgency"):
            referrals = referrals.filter(urgency=data["urgency"])
        return referrals

    @property
    def is_filtered(self) -> bool:
        return self.is_bound and any(self.data.get(name) for name in self.fields)


# ---------------------------------------------------------------------------------------------------------------
# The referral form


class ServiceSearchForm(forms.Form):
    """Narrow the services offered in the referral form by category, language and city (no personal value)."""

    category = forms.ChoiceField(label=_("Category"), required=False)
    language = forms.ChoiceField(label=_("Language spoken"), required=False)
    city = forms.ChoiceField(label=_("City"), required=False)

    def __init__(
        self, *args: Any, categories: list[ServiceCategory], languages: list[str], cities: list[str], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [EVERY] + [(category.code, category.label) for category in categories]
        self.fields["language"].choices = [EVERY] + sorted(
            ((code, language_name(code)) for code in languages), key=lambda choice: str(choice[1]).casefold()
        )
        self.fields["city"].choices = [EVERY] + [(city, city) for city in cities]

    def filter(self, services: QuerySet[Service]) -> QuerySet[Service]:
        data = self.cleaned_data if self.is_valid() else {}
        if data.get("category"):
            services = services.filter(category__code=data["category"])
        if data.get("language"):
            services = services.filter(speaks_language(data["language"]))
        if data.get("city"):
            services = services.filter(Q(city=data["city"]) | Q(city="", organisation__city=data["city"]))
        return services

    def query(self) -> dict[str, str]:
        """The valid search values, to carry over in links (category, language and city only)."""
        data = self.cleaned_data if self.is_valid() else {}
        return {name: data[name] for name in self.fields if data.get(name)}


class ServiceChoiceField(forms.ModelChoiceField):
    """A service, labelled so the worker can tell similar services apart on a small screen."""

    def label_from_instance(self, service: Service) -> str:
        parts = [service.name, service.organisation.name]
        city = service.city or service.organisation.city
        if city:
            parts.append(city)
        if service.languages:
            parts.append(", ".join(str(language_name(code)) for code in service.languages))
        return " · ".join(parts)


# What the person agreed to share, box by box, beside the field it covers: the field(s) it covers on the form,
# the box's label, and what the receiver loses when a filled field is not shared (shown when the box is unticked).
SHARE_BOXES: dict[str, tuple[tuple[str, ...], Any, Any]] = {
    PersonalField.NAME: (
        ("name",),
        _("Share the name with the receiver"),
        _("Not shared: the receiving service will see the referral number only, not the name."),
    ),
    PersonalField.CONTACT: (
        ("contact_channel", "contact_detail"),
        _("Share the contact with the receiver"),
        _("Not shared: the receiving service will not be able to reach the person; they will go through you."),
    ),
    PersonalField.SAFE_TIMES: (
        ("safe_times",),
        _("Share the safe times with the receiver"),
        _("Not shared: the receiving service will not know when it is safe to contact the person."),
    ),
    PersonalField.AGE_RANGE: (
        ("age_range",),
        _("Share the age range with the receiver"),
        _("Not shared: the receiving service will not see the age range."),
    ),
    PersonalField.NEEDS: (
        ("needs",),
        _("Share the needs with the receiver"),
        _("Not shared: the receiving service will not see the person's needs."),
    ),
}
# Boxes the form's script ticks as soon as their field is filled (until the worker touches the box). Not the name:
# it is always typed (the sender's own record needs it), so ticking it by default would share it by default.
TICKED_WHEN_FILLED = (PersonalField.CONTACT, PersonalField.SAFE_TIMES, PersonalField.AGE_RANGE, PersonalField.NEEDS)
CONSENT_DAYS = 60  # the default end of the consent, which the worker changes with the person


class ReferralForm(forms.Form):
    """Consent first, then the person, then the service: one POST to `services.referral_send`.

    Each "share" box of the consent sits beside the field it covers. A field filled while its box is unticked is
    kept for the sending organisation and never shared (`unshared_filled` names them, the page says so): the
    person's "no" is never overridden, and the worker is never pushed to tick a box to get past an error.
    """

    CONSENT_FIELDS = (
        "shared_fields",
        "purpose",
        "method",
        "explained_in_language",
        "interpreter_used",
        "valid_until",
    )
    PERSON_FIELDS = (
        "name",
        "preferred_language",
        "interpreter_needed",
        "contact_channel",
        "contact_detail",
        "safe_times",
        "age_range",
        "needs",
        "urgency",
        "accompaniment",
    )
    OPTIONAL_PERSON_FIELDS = ("safe_times", "age_range", "urgency", "accompaniment")

    # Consent
    shared_fields = forms.MultipleChoiceField(
        label=_("What the person agreed to share with the receiving organisation"),
        choices=PersonalField.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Leave a box unticked and the receiver never sees that field."),
    )
    purpose = forms.CharField(
        label=_("Purpose the person agreed to"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2, **PRIVATE}),
    )
    # Outreach asks for consent by word of mouth far more often than on paper: verbal is offered first, ticked.
    method = forms.ChoiceField(
        label=_("How consent was obtained"),
        choices=ConsentMethod.choices,
        widget=forms.RadioSelect,
        initial=ConsentMethod.VERBAL,
    )
    explained_in_language = forms.ChoiceField(label=_("Language consent was explained in"))
    interpreter_used = forms.BooleanField(label=_("An interpreter was used"), required=False)
    valid_until = forms.DateField(
        label=_("Consent valid until"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("After this date the receiver loses the personal fields and the referral closes."),
        initial=lambda: timezone.localdate() + datetime.timedelta(days=CONSENT_DAYS),
    )
    # The person
    name = forms.CharField(label=_("First name or pseudonym"), max_length=100, widget=forms.TextInput(attrs=PRIVATE))
    preferred_language = forms.ChoiceField(label=_("Preferred language"))
    interpreter_needed = forms.BooleanField(label=_("Needs an interpreter"), required=False)
    contact_channel = forms.ChoiceField(
        label=_("Safe contact channel"),
        choices=ContactChannel.choices,
        widget=forms.RadioSelect,
        initial=ContactChannel.THROUGH_SENDER,
    )
    contact_detail = forms.CharField(
        label=_("Number or handle for this channel"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs=PRIVATE),
    )
    safe_times = forms.CharField(
        label=_("Safe times to contact"), max_length=200, required=False, widget=forms.TextInput(attrs=PRIVATE)
    )
    age_range = forms.ChoiceField(
        label=_("Age range"), choices=[("", _("Not given")), *AgeRange.choices], required=False
    )
    needs = forms.CharField(
        label=_("Needs, in their words"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, **PRIVATE}),
    )
    urgency = forms.ChoiceField(
        label=_("Urgency"), choices=Urgency.choices, widget=forms.RadioSelect, initial=Urgency.ROUTINE
    )
    accompaniment = forms.BooleanField(label=_("Someone from our organisation will come along"), required=False)
    # The service
    sender = forms.ModelChoiceField(label=_("Send on behalf of"), queryset=Organisation.objects.none())
    service = ServiceChoiceField(
        label=_("Service"), queryset=Service.objects.none(), widget=forms.RadioSelect, empty_label=None
    )

    def __init__(self, *args: Any, senders: QuerySet[Organisation], services: QuerySet[Service], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        languages = language_choices()
        self.fields["explained_in_language"].choices = [("", _("Choose a language")), *languages]
        self.fields["preferred_language"].choices = [("", _("Choose a language")), *languages]
        self.fields["sender"].queryset = senders
        self.fields["sender"].empty_label = None
        self.fields["service"].queryset = services
        first_two = list(senders[:2])
        if len(first_two) == 1:
            self.fields["sender"].widget = forms.HiddenInput()
            self.fields["sender"].initial = first_two[0].pk

    def consent_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.CONSENT_FIELDS}

    def person_data(self) -> dict[str, Any]:
        return {
            name: self.cleaned_data[name] for name in self.PERSON_FIELDS if name not in ("urgency", "accompaniment")
        }

    def consent_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.CONSENT_FIELDS]

    def person_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.PERSON_FIELDS]

    def _value(self, name: str) -> Any:
        if self.is_bound:
            return self.data.get(self.add_prefix(name), "")
        return self.initial.get(name, "")

    def _is_filled(self, field: str) -> bool:
        """Whether the worker gave a value the box `field` covers (a channel counts only when it reaches the
        person directly: "through the sending organisation" shares nothing about them)."""
        names = SHARE_BOXES[field][0]
        if field == PersonalField.CONTACT:
            channel = str(self._value("contact_channel") or "")
            return channel in (ContactChannel.PHONE, ContactChannel.MESSAGING) or bool(
                str(self._value("contact_detail") or "").strip()
            )
        return any(str(self._value(name) or "").strip() for name in names)

    def _ticked(self) -> set[str]:
        if self.is_bound:
            return set(self.data.getlist(self.add_prefix("shared_fields")))
        return set(self.initial.get("shared_fields") or ())

    def unshared_filled(self) -> list[str]:
        """The personal fields the worker filled but the person did not agree to share (kept, never shared)."""
        ticked = self._ticked()
        return [field for field in SHARE_BOXES if field not in ticked and self._is_filled(field)]

    def share_boxes(self) -> dict[str, dict[str, Any]]:
        """One box per personal field, to render beside the field it covers (`referrals/_share_box.html`)."""
        ticked, unshared = self._ticked(), set(self.unshared_filled())
        boxes = {}
        for field, (names, label, warning) in SHARE_BOXES.items():
            boxes[field] = {
                "value": field,
                "id": f"{self['shared_fields'].auto_id}_{field}",
                "label": label,
                "warning": warning,
                "checked": field in ticked,
                # Shown by the server on a form shown again (errors, narrowed services), by the script as one types.
                "warn": field in unshared and field != PersonalField.NAME,
                "covers": " ".join(self[name].auto_id for name in names),
                "auto": field in TICKED_WHEN_FILLED,
            }
        return boxes

    def optional_open(self) -> bool:
        """Open the optional part when it holds an error or a value other than the defaults."""
        if any(self[name].errors for name in self.OPTIONAL_PERSON_FIELDS):
            return True
        if not self.is_bound and not self.initial:
            return False
        return bool(
            str(self._value("safe_times") or "").strip()
            or self._value("age_range")
            or self._value("urgency") not in ("", None, Urgency.ROUTINE)
            or self._value("accompaniment") not in ("", None, False, "False")
        )


# ---------------------------------------------------------------------------------------------------------------
# Actions on a referral (each form is prefixed with its action, so several fit on one page)


def _note(required: bool = False) -> forms.CharField:
    return forms.CharField(
        label=_("Note (both organisations see it)"),
        max_length=2000,
        required=required,
        widget=forms.Textarea(attrs={"rows": 2, **PRIVATE}),
    )


class AcceptForm(forms.Form):
    note = _note()


class DeclineForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=DeclineReason.choices, widget=forms.RadioSelect)
    note = _note()


class RedirectForm(forms.Form):
    service = ServiceChoiceField(
        label=_("Another service of your organisation"),
        queryset=Service.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
    )
    note = _note()

    def __init__(self, *args: Any, services: QuerySet[Service], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = services


class AppointmentForm(forms.Form):
    appointment_at = forms.DateTimeField(
        label=_("Date and time of the appointment"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"],
    )
    place = forms.CharField(
        label=_("Where exactly (optional)"),
        help_text=_("A floor, a room, a desk: printed on the person's slip."),
        max_length=200,
        required=False,
    )
    note = forms.CharField(
        label=_("A note for the person (optional)"),
        help_text=_("What to bring, who to ask for: printed on the person's slip as you write it."),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CompleteForm(forms.Form):
    """The outcome. "Service provided" before the appointment's date needs a ticked confirmation (checked here, on
    the server: a typo on the wrong referral would otherwise close it and tell the sender it went well)."""

    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices, widget=forms.RadioSelect)
    confirm_before_appointment = forms.BooleanField(required=False)
    note = _note()

    def __init__(self, *args: Any, referral: Referral | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.appointment_at = self.appointment_ahead(referral)
        if self.appointment_at is None:
            del self.fields["confirm_before_appointment"]
        else:
            when = formats.date_format(timezone.localtime(self.appointment_at), "DATETIME_FORMAT")
            self.fields["confirm_before_appointment"].label = _(
                "The appointment is on %(date)s: I confirm the service was already provided."
            ) % {"date": when}

    @staticmethod
    def appointment_ahead(referral: Referral | None) -> datetime.datetime | None:
        """The referral's appointment when it is still to come (later than now)."""
        if referral is None or referral.appointment_at is None or referral.appointment_at <= timezone.now():
            return None
        return referral.appointment_at

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        early = self.appointment_at is not None and data.get("outcome") == Outcome.SERVICE_PROVIDED
        if early and not data.get("confirm_before_appointment"):
            self.add_error(
                "confirm_before_appointment",
                _("The appointment has not happened yet: tick the box to confirm the service was already provided."),
            )
        data.pop("confirm_before_appointment", None)
        return data


class CancelForm(forms.Form):
    note = _note()


class WithdrawConsentForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("The person withdrew their consent: the receiver loses the personal fields now."),
        error_messages={"required": _("Tick the box to confirm the withdrawal.")},
    )


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Message to the other organisation"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3, **PRIVATE}),
        help_text=_("Share only what the other organisation needs."),
    )
