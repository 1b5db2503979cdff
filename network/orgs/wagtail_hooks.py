"""Wagtail admin for organisations: registered permission policies, the viewsets, and the log actions."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permissions import register_permission_policy

from . import admin_views
from .models import Organisation, Partnership

# Registered first, before anything asks Wagtail for these models' policies (or it creates a fallback).
organisation_permission_policy = admin_views.OrganisationPermissionPolicy(Organisation)
partnership_permission_policy = admin_views.PartnershipPermissionPolicy(Partnership)
register_permission_policy(Organisation, organisation_permission_policy, exact_class=True)
register_permission_policy(Partnership, partnership_permission_policy, exact_class=True)


class OrganisationViewSet(ModelViewSet):
    """Network admins onboard and edit every organisation; coordinators edit their own organisation's profile."""

    model = Organisation
    icon = "group"
    menu_label = _("Organisations")
    menu_order = 210
    add_to_admin_menu = True
    copy_view_enabled = False
    inspect_view_enabled = False
    list_display = ["name", "kind", "city", "country", "is_active"]
    list_filter = ["kind", "country", "is_active"]
    search_fields = ["name", "city"]
    index_view_class = admin_views.OrganisationIndexView
    add_view_class = admin_views.OrganisationCreateView
    edit_view_class = admin_views.OrganisationEditView
    delete_view_class = admin_views.OrganisationDeleteView
    history_view_class = admin_views.OrganisationHistoryView
    usage_view_class = admin_views.OrganisationUsageView

    def get_form_class(self, for_update: bool = False) -> type:
        return admin_views.OrganisationAdminForm


class PartnershipViewSet(ModelViewSet):
    """A read-only list of partnerships for network administrators (they change through their organisations)."""

    model = Partnership
    icon = "link"
    menu_label = _("Partnerships")
    menu_order = 220
    add_to_admin_menu = True
    copy_view_enabled = False
    inspect_view_enabled = True
    inspect_view_fields = ["proposer", "partner", "status", "charter", "proposed_at", "started_on", "ended_on"]
    list_display = ["__str__", "status", "proposed_at", "started_on", "ended_on"]
    list_filter = ["status"]
    index_view_class = admin_views.PartnershipIndexView
    inspect_view_class = admin_views.PartnershipInspectView
    form_fields = ["charter"]  # never used: nobody has "add" or "change" here


@hooks.register("register_admin_viewset")
def register_organisation_viewsets():
    return [OrganisationViewSet("organisations"), PartnershipViewSet("partnerships")]


@hooks.register("register_log_actions")
def register_org_log_actions(actions):
    for action, label in (
        ("orgs.organisation.create", _("Create organisation")),
        ("orgs.organisation.update", _("Update organisation profile")),
        ("orgs.organisation.activate", _("Reactivate organisation")),
        ("orgs.organisation.deactivate", _("Deactivate organisation")),
        ("orgs.membership.add", _("Add member")),
        ("orgs.membership.change_role", _("Change member role")),
        ("orgs.membership.remove", _("Remove member")),
        ("orgs.partnership.propose", _("Propose partnership")),
        ("orgs.partnership.accept", _("Accept partnership")),
        ("orgs.partnership.decline", _("Decline partnership")),
        ("orgs.partnership.end", _("End partnership")),
    ):
        actions.register_action(action, label, label)


# ---------------------------------------------------------------------------------------------------------------
# The managed taxonomy of services (network administrators), and the service directory's log actions

from django.db.models import QuerySet  # noqa: E402
from wagtail.permission_policies.base import BasePermissionPolicy  # noqa: E402

from . import policy as access_policy  # noqa: E402
from .models import ServiceCategory  # noqa: E402


class ServiceCategoryPermissionPolicy(BasePermissionPolicy):
    """Network administrators keep the taxonomy (MANAGE_TAXONOMIES); a category in use is never deleted."""

    def user_has_permission(self, user, action: str) -> bool:
        return action in ("add", "change", "view") and access_policy.can(user, access_policy.Action.MANAGE_TAXONOMIES)

    def user_has_permission_for_instance(self, user, action: str, instance: ServiceCategory) -> bool:
        return self.user_has_permission(user, action)

    def instances_user_has_any_permission_for(self, user, actions: list[str]) -> QuerySet[ServiceCategory]:
        if any(self.user_has_permission(user, action) for action in actions):
            return ServiceCategory.objects.all()
        return ServiceCategory.objects.none()

    def users_with_any_permission(self, actions: list[str]):
        return access_policy.users_who_can(access_policy.Action.MANAGE_TAXONOMIES)


service_category_permission_policy = ServiceCategoryPermissionPolicy(ServiceCategory)
register_permission_policy(ServiceCategory, service_category_permission_policy, exact_class=True)


class ServiceCategoryViewSet(ModelViewSet):
    """The service categories every organisation picks from (HSDS taxonomy terms in the export)."""

    model = ServiceCategory
    icon = "tag"
    menu_label = _("Service categories")
    menu_order = 230
    add_to_admin_menu = True
    copy_view_enabled = False
    inspect_view_enabled = False
    list_display = ["name", "code", "sort_order"]
    search_fields = ["name", "code"]
    form_fields = ["name", "code", "description", "sort_order"]


@hooks.register("register_admin_viewset")
def register_service_category_viewset():
    return ServiceCategoryViewSet("service-categories")


@hooks.register("register_log_actions")
def register_service_log_actions(actions):
    for action, label in (
        ("orgs.service.create", _("Create service")),
        ("orgs.service.update", _("Update service")),
        ("orgs.service.activate", _("Restore service")),
        ("orgs.service.deactivate", _("Withdraw service")),
        ("orgs.service.verify", _("Mark service verified")),
    ):
        actions.register_action(action, label, label)


from . import moderation  # noqa: E402, F401  (registers the orgs.moderation.* log actions)
