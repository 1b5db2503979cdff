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
        ("orgs.invitation.create", _("Invite member")),
        ("orgs.invitation.cancel", _("Cancel invitation")),
        ("orgs.invitation.accept", _("Accept invitation")),
        ("orgs.partnership.propose", _("Propose partnership")),
        ("orgs.partnership.accept", _("Accept partnership")),
        ("orgs.partnership.decline", _("Decline partnership")),
        ("orgs.partnership.end", _("End partnership")),
    ):
        actions.register_action(action, label, label)


from . import moderation  # noqa: E402, F401  (registers the orgs.moderation.* log actions)
