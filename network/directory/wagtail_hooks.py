"""Wagtail admin of the service directory: the managed taxonomy of services (network administrators), and the
directory's log actions."""

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies.base import BasePermissionPolicy
from wagtail.permissions import register_permission_policy

from network.orgs import policy as access_policy
from network.orgs import selectors as org_selectors
from network.orgs.rules import OrganisationAction

from .forms import ServiceCategoryAdminForm
from .models import ServiceCategory


class ServiceCategoryPermissionPolicy(BasePermissionPolicy):
    """Network administrators keep the taxonomy (MANAGE_TAXONOMIES); a category in use is never deleted."""

    def user_has_permission(self, user, action: str) -> bool:
        return action in ("add", "change", "view") and access_policy.can(user, OrganisationAction.MANAGE_TAXONOMIES)

    def user_has_permission_for_instance(self, user, action: str, instance: ServiceCategory) -> bool:
        return self.user_has_permission(user, action)

    def instances_user_has_any_permission_for(self, user, actions: list[str]) -> QuerySet[ServiceCategory]:
        if any(self.user_has_permission(user, action) for action in actions):
            return ServiceCategory.objects.all()
        return ServiceCategory.objects.none()

    def users_with_any_permission(self, actions: list[str]):
        return org_selectors.users_who_can(OrganisationAction.MANAGE_TAXONOMIES)


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

    def get_form_class(self, for_update: bool = False) -> type[ServiceCategoryAdminForm]:
        """The names in every interface language (see `ServiceCategoryAdminForm`)."""
        return ServiceCategoryAdminForm


@hooks.register("register_admin_viewset")
def register_service_category_viewset():
    return ServiceCategoryViewSet("service-categories")


@hooks.register("register_log_actions")
def register_service_log_actions(actions):
    # The "orgs." prefix predates the directory app: the audit log already holds entries under these names.
    for action, label in (
        ("orgs.service.create", _("Create service")),
        ("orgs.service.update", _("Update service")),
        ("orgs.service.activate", _("Restore service")),
        ("orgs.service.deactivate", _("Withdraw service")),
        ("orgs.service.verify", _("Mark service verified")),
    ):
        actions.register_action(action, label, label)
