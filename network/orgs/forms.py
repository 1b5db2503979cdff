"""Forms of the members' screens: they parse and check input; the services decide and write.

Forms never save: views hand `cleaned_data` to a service, and turn the service's ValidationError back into
form errors with `network.core.service_errors.add_service_errors`.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from .languages import LanguageCodesField
from .models import Organisation, Role
from .services import PROFILE_FIELDS


class OrganisationProfileForm(forms.ModelForm):
    """The public profile of an organisation, as its coordinators edit it."""

    languages = LanguageCodesField(label=_("Languages spoken"))
    website = forms.URLField(label=_("Website"), max_length=200, required=False, assume_scheme="https")
    logo = forms.ImageField(
        label=_("Logo"),
        required=False,
        help_text=_("JPEG, PNG, GIF or WebP. Location and camera data are removed from the file."),
    )

    class Meta:
        model = Organisation
        # Languages and logo are declared above, outside Meta.fields, so that the form never writes them
        # onto the instance: the service does (and strips the logo's metadata).
        fields = [name for name in PROFILE_FIELDS if name != "languages"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 6}),
            "address": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["languages"] = self.instance.languages

    def clean_country(self) -> str:
        """Accept "fr" as well as "FR": the code is stored in capitals."""
        return (self.cleaned_data.get("country") or "").strip().upper()

    def profile_fields(self) -> dict[str, Any]:
        """The cleaned values the service takes as profile fields."""
        return {name: self.cleaned_data[name] for name in PROFILE_FIELDS}


class MemberInviteForm(forms.Form):
    """Invite someone by email: they join once they accept, signed in with that verified address."""

    email = forms.EmailField(label=_("Email address"), max_length=254)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.STAFF)
    public_name = forms.CharField(
        label=_("Suggested public name or pseudonym"),
        max_length=80,
        required=False,
        help_text=_("Only a suggestion for a new account: an existing account keeps its own name."),
    )

    def __init__(self, *args: Any, roles: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if roles is not None:
            self.fields["role"].choices = roles
            if Role.STAFF not in dict(roles):
                self.fields["role"].initial = roles[0][0] if roles else None


class MembershipRoleForm(forms.Form):
    """Change a member's role."""

    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class PartnershipProposeForm(forms.Form):
    """Propose a partnership on behalf of one of my organisations to another active organisation."""

    proposer = forms.ModelChoiceField(
        label=_("On behalf of"), queryset=Organisation.objects.none(), empty_label=None, to_field_name="slug"
    )
    partner = forms.ModelChoiceField(
        label=_("Partner organisation"), queryset=Organisation.objects.none(), to_field_name="slug"
    )
    charter = forms.CharField(
        label=_("Charter of shared values"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("What both organisations commit to: respect, confidentiality, no judgement…"),
    )

    def __init__(
        self,
        *args: Any,
        proposers: QuerySet[Organisation],
        partners: QuerySet[Organisation],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["proposer"].queryset = proposers
        self.fields["partner"].queryset = partners
