"""Advocacy opportunities in the Wagtail admin: a snippet whose every screen asks the access policy.

Wagtail's generic views check permissions per model, not per object (wagtail issue #13314), so the listing and
every object lookup are scoped to what the acting user may manage (anything else answers 404, as a missing one
does), the form offers only the key messages the user may see and active organisations, and saving goes through
`network.advocacy.services`' opportunity services (which ask the policy again and write the audit log).

Importing this module registers everything (permission policy, viewset, log actions): `wagtail_hooks.py` imports it.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, ObjectList
from wagtail.permission_policies.base import BasePermissionPolicy
from wagtail.permissions import policy_registry, register_permission_policy
from wagtail.snippets.views.chooser import SnippetChooserViewSet
from wagtail.snippets.views.snippets import (
    CreateView,
    DeleteView,
    EditView,
    HistoryView,
    IndexView,
    SnippetViewSet,
    UsageView,
)

from network.accounts.models import User
from network.advocacy.rules import AdvocacyAction
from network.core.service_errors import ServiceErrorsMixin
from network.orgs import policy
from network.orgs import selectors as org_selectors
from network.orgs.models import Organisation

from . import services
from .admin_messages import NoCreationInChooserView
from .models import AdvocacyOpportunity

RELATION_FIELDS = ("key_messages", "organisations")


class OpportunityPermissionPolicy(BasePermissionPolicy):
    """Contributors to advocacy add opportunities; each one is changed by those the policy lets manage it."""

    def user_has_permission(self, user: Any, action: str) -> bool:
        if action in ("add", "change", "delete"):
            return policy.can(user, AdvocacyAction.ADD_OPPORTUNITY)
        return False  # "view": there is no inspect screen, the calendar is the place to read them

    def user_has_permission_for_instance(self, user: Any, action: str, instance: AdvocacyOpportunity) -> bool:
        if action in ("change", "delete"):
            return policy.can(user, AdvocacyAction.ADD_OPPORTUNITY) and policy.can(
                user, AdvocacyAction.MANAGE_OPPORTUNITY, instance
            )
        return False

    def instances_user_has_any_permission_for(self, user: Any, actions: list[str]) -> QuerySet[AdvocacyOpportunity]:
        if {"change", "delete"} & set(actions) and policy.can(user, AdvocacyAction.ADD_OPPORTUNITY):
            return policy.visible(user, AdvocacyAction.MANAGE_OPPORTUNITY)
        return AdvocacyOpportunity.objects.none()

    def users_with_any_permission(self, actions: list[str]) -> QuerySet[User]:
        if not {"add", "change", "delete"} & set(actions):
            return User.objects.none()
        return org_selectors.users_who_can(AdvocacyAction.CONTRIBUTE_ADVOCACY)


# Registered at import, before anything asks Wagtail for this model's policy (or it would create a fallback one).
if policy_registry.get_by_type(AdvocacyOpportunity, fallback=False) is None:
    register_permission_policy(AdvocacyOpportunity, OpportunityPermissionPolicy(AdvocacyOpportunity), exact_class=True)


class OpportunityAdminForm(WagtailAdminModelForm):
    """Only the key messages the user may see can be linked; only active organisations can take part."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "key_messages" in self.fields:
            self.fields["key_messages"].queryset = policy.visible(
                self.for_user, AdvocacyAction.VIEW_KEY_MESSAGE
            ).order_by("statement")
        if "organisations" in self.fields:
            self.fields["organisations"].queryset = Organisation.objects.filter(is_active=True).order_by("name")


def _service_values(form: OpportunityAdminForm) -> tuple[dict[str, Any], dict[str, Any]]:
    values = {
        name: form.cleaned_data[name] for name in services.OPPORTUNITY_EDITABLE_FIELDS if name in form.cleaned_data
    }
    relations = {name: list(form.cleaned_data[name]) for name in RELATION_FIELDS if name in form.cleaned_data}
    return values, relations


def _manageable(request: Any) -> QuerySet[AdvocacyOpportunity]:
    if not policy.can(request.user, AdvocacyAction.ADD_OPPORTUNITY):
        return AdvocacyOpportunity.objects.none()
    return policy.visible(request.user, AdvocacyAction.MANAGE_OPPORTUNITY)


class OpportunityIndexView(IndexView):
    def get_base_queryset(self) -> QuerySet[AdvocacyOpportunity]:
        return _manageable(self.request).order_by("-starts_at")


class OpportunityCreateView(ServiceErrorsMixin, CreateView):
    def save_instance(self) -> AdvocacyOpportunity:
        values, relations = _service_values(self.form)
        return services.opportunity_create(acting_user=self.request.user, **values, **relations)


class OpportunityEditView(ServiceErrorsMixin, EditView):
    def get_queryset(self) -> QuerySet[AdvocacyOpportunity]:
        return _manageable(self.request)

    def save_instance(self) -> AdvocacyOpportunity:
        values, relations = _service_values(self.form)
        opportunity = AdvocacyOpportunity.objects.get(pk=self.object.pk)  # the form already wrote onto self.object
        return services.opportunity_update(
            opportunity=opportunity, acting_user=self.request.user, **values, **relations
        )


class OpportunityDeleteView(DeleteView):
    def get_queryset(self) -> QuerySet[AdvocacyOpportunity]:
        return _manageable(self.request)

    def delete_action(self) -> None:
        services.opportunity_delete(opportunity=self.object, acting_user=self.request.user)


class OpportunityHistoryView(HistoryView):
    def get_base_object_queryset(self) -> QuerySet[AdvocacyOpportunity]:
        return _manageable(self.request)


class OpportunityUsageView(UsageView):
    def get_base_object_queryset(self) -> QuerySet[AdvocacyOpportunity]:
        return _manageable(self.request)


class OpportunityChooserViewSet(SnippetChooserViewSet):
    create_view_class = NoCreationInChooserView


class OpportunityViewSet(SnippetViewSet):
    model = AdvocacyOpportunity
    chooser_viewset_class = OpportunityChooserViewSet
    icon = "date"
    menu_label = _("Advocacy calendar")
    menu_name = "advocacy-opportunities"
    menu_order = 240
    add_to_admin_menu = True
    copy_view_enabled = False
    inspect_view_enabled = False
    list_display = ["title", "starts_at", "level", "is_public"]
    list_filter = ["level", "is_public"]
    search_fields = ["title", "place"]
    index_view_class = OpportunityIndexView
    add_view_class = OpportunityCreateView
    edit_view_class = OpportunityEditView
    delete_view_class = OpportunityDeleteView
    history_view_class = OpportunityHistoryView
    usage_view_class = OpportunityUsageView
    edit_handler = ObjectList(
        [
            FieldPanel("title"),
            FieldPanel("description"),
            MultiFieldPanel(
                [FieldPanel("starts_at"), FieldPanel("ends_at"), FieldPanel("all_day"), FieldPanel("deadline")],
                heading=_("When"),
            ),
            MultiFieldPanel([FieldPanel("place"), FieldPanel("online_url"), FieldPanel("level")], heading=_("Where")),
            FieldPanel("key_messages"),
            FieldPanel("organisations"),
            FieldPanel("is_public"),
        ],
        base_form_class=OpportunityAdminForm,
    )


@hooks.register("register_admin_viewset")
def register_opportunity_viewset() -> OpportunityViewSet:
    return OpportunityViewSet()


@hooks.register("register_log_actions")
def register_opportunity_log_actions(actions: Any) -> None:
    for action, label in (
        ("advocacy.opportunity.create", _("Add advocacy opportunity")),
        ("advocacy.opportunity.update", _("Change advocacy opportunity")),
        ("advocacy.opportunity.delete", _("Delete advocacy opportunity")),
        ("advocacy.opportunity.participation_confirm", _("Confirm taking part in an advocacy opportunity")),
        ("advocacy.opportunity.participation_decline", _("Decline taking part in an advocacy opportunity")),
    ):
        actions.register_action(action, label, label)
