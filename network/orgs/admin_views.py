"""Wagtail admin screens for organisations: a permission policy that asks `network.orgs.policy`, and views whose
object lookups are scoped to the acting user (Wagtail's generic views check permissions per model only, wagtail
issue #13314), and which save through `services` so an organisation gets its page subtree, collection and groups.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.admin.utils import unquote
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.views import generic
from wagtail.permission_policies.base import BasePermissionPolicy

from network.accounts.models import User
from network.core.service_errors import ServiceErrorsMixin
from network.orgs import selectors as org_selectors
from network.orgs.rules import OrganisationAction

from . import policy, services
from .languages import LanguageCodesField
from .models import Organisation, Partnership

# The fields of the profile form; `is_active` is added for those who may deactivate organisations.
PROFILE_FORM_FIELDS = [*services.PROFILE_FIELDS, "logo"]


# ---------------------------------------------------------------------------------------------------------------
# Permission policies: Wagtail's vocabulary ("add", "change", ...) translated into our policy's actions


class OrganisationPermissionPolicy(BasePermissionPolicy):
    """Network admins add and change every organisation; coordinators change their own; nobody deletes one."""

    def user_has_permission(self, user: Any, action: str) -> bool:
        if action == "add":
            return policy.can(user, OrganisationAction.CREATE_ORGANISATION)
        if action == "change":
            return policy.organisations_where(user, OrganisationAction.CHANGE_ORGANISATION).exists()
        return False  # "delete": organisations are deactivated, never deleted; "view": no inspect screen

    def user_has_permission_for_instance(self, user: Any, action: str, instance: Organisation) -> bool:
        if action == "change":
            return policy.can(user, OrganisationAction.CHANGE_ORGANISATION, instance)
        return False

    def instances_user_has_any_permission_for(self, user: Any, actions: list[str]) -> QuerySet[Organisation]:
        if "change" in actions:
            return policy.organisations_where(user, OrganisationAction.CHANGE_ORGANISATION)
        return Organisation.objects.none()

    def users_with_any_permission(self, actions: list[str]) -> QuerySet[User]:
        """Who may act on some organisation (Wagtail asks this only for notifications and reports)."""
        if "change" in actions:
            return org_selectors.users_who_can(OrganisationAction.CHANGE_ORGANISATION)
        if "add" in actions:
            return org_selectors.users_who_can(OrganisationAction.CREATE_ORGANISATION)
        return User.objects.none()


class PartnershipPermissionPolicy(BasePermissionPolicy):
    """A read-only view of partnerships for network administrators; partnerships change through our own screens."""

    def user_has_permission(self, user: Any, action: str) -> bool:
        return action == "view" and policy.is_network_admin(user)

    def user_has_permission_for_instance(self, user: Any, action: str, instance: Partnership) -> bool:
        return action == "view" and policy.can(user, OrganisationAction.VIEW_PARTNERSHIP, instance)

    def instances_user_has_any_permission_for(self, user: Any, actions: list[str]) -> QuerySet[Partnership]:
        if "view" in actions and policy.is_network_admin(user):
            return policy.visible(user, OrganisationAction.VIEW_PARTNERSHIP)
        return Partnership.objects.none()

    def users_with_any_permission(self, actions: list[str]) -> QuerySet[User]:
        if "view" not in actions:
            return User.objects.none()
        return org_selectors.users_who_can(OrganisationAction.VIEW_PARTNERSHIP)


# ---------------------------------------------------------------------------------------------------------------
# Forms


class OrganisationAdminForm(WagtailAdminModelForm):
    """The profile fields; `is_active` only for those the policy lets deactivate the organisation."""

    languages = LanguageCodesField(
        label=_("languages spoken"), required=False, help_text=_("Language codes, separated by commas: fr, en, ro.")
    )

    class Meta:
        model = Organisation
        fields = [*PROFILE_FORM_FIELDS, "is_active"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        instance = self.instance
        creating = instance._state.adding
        if creating or not policy.can(self.for_user, OrganisationAction.DEACTIVATE_ORGANISATION, instance):
            del self.fields["is_active"]


def _profile_values(form: forms.ModelForm) -> tuple[dict[str, Any], UploadedFile | None]:
    """The profile fields as the services take them, and a newly uploaded logo (metadata is stripped there)."""
    values = {name: form.cleaned_data[name] for name in services.PROFILE_FIELDS if name in form.cleaned_data}
    logo = form.cleaned_data.get("logo")
    return values, logo if isinstance(logo, UploadedFile) else None


# ---------------------------------------------------------------------------------------------------------------
# Views, each scoped to the organisations the acting user may change


def _changeable(request: Any) -> QuerySet[Organisation]:
    return policy.organisations_where(request.user, OrganisationAction.CHANGE_ORGANISATION)


class OrganisationIndexView(generic.IndexView):
    def get_base_queryset(self) -> QuerySet[Organisation]:
        return _changeable(self.request).order_by("name")


class OrganisationCreateView(ServiceErrorsMixin, generic.CreateView):
    def save_instance(self) -> Organisation:
        values, logo = _profile_values(self.form)
        return services.organisation_create(acting_user=self.request.user, logo=logo, **values)


class OrganisationEditView(ServiceErrorsMixin, generic.EditView):
    def get_queryset(self) -> QuerySet[Organisation]:
        return _changeable(self.request)

    def save_instance(self) -> Organisation:
        values, logo = _profile_values(self.form)
        # A fresh copy: the form already wrote its values onto self.object, the service decides what is saved.
        organisation = Organisation.objects.get(pk=self.object.pk)
        organisation = services.organisation_update_profile(
            organisation=organisation, acting_user=self.request.user, logo=logo, **values
        )
        active = self.form.cleaned_data.get("is_active")
        if active is not None and active != organisation.is_active:
            organisation = services.organisation_set_active(
                organisation=organisation, active=active, acting_user=self.request.user
            )
        return organisation


class OrganisationDeleteView(generic.DeleteView):
    """Reachable only to answer: 404 outside the user's scope, 403 inside it (organisations are never deleted)."""

    def get_queryset(self) -> QuerySet[Organisation]:
        return _changeable(self.request)


class OrganisationHistoryView(generic.HistoryView):
    def get_base_object_queryset(self) -> QuerySet[Organisation]:
        return _changeable(self.request)


class OrganisationUsageView(generic.UsageView):
    def get_base_object_queryset(self) -> QuerySet[Organisation]:
        return _changeable(self.request)


class PartnershipIndexView(generic.IndexView):
    def get_base_queryset(self) -> QuerySet[Partnership]:
        if not policy.is_network_admin(self.request.user):
            return Partnership.objects.none()
        return policy.visible(self.request.user, OrganisationAction.VIEW_PARTNERSHIP)


class PartnershipInspectView(generic.InspectView):
    def get_object(self, queryset: Any = None) -> Partnership:
        user = self.request.user
        scope = (
            policy.visible(user, OrganisationAction.VIEW_PARTNERSHIP)
            if policy.is_network_admin(user)
            else Partnership.objects.none()
        )
        return get_object_or_404(scope, pk=unquote(str(self.pk)))
