from django.utils.translation import gettext_lazy as _
from wagtail import hooks


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
