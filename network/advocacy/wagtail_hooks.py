"""Wagtail admin for advocacy: key messages as snippets (scoped to the acting user), the advocacy calendar, and
the log actions."""

from typing import Any

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.snippets.models import register_snippet

from . import (
    admin_messages,
    admin_opportunities,  # noqa: F401  (registers the calendar's policy, viewset and log actions)
)

# A snippet (not a plain model viewset): the advocacy pages' key message chooser needs it registered as one.
register_snippet(admin_messages.KeyMessageViewSet)


@hooks.register("register_log_actions")
def register_advocacy_log_actions(actions: Any) -> None:
    for action, label in (
        ("advocacy.key_message.create", _("Draft key message")),
        ("advocacy.key_message.propose", _("Propose key message")),
        ("advocacy.key_message.adopt", _("Adopt key message")),
        ("advocacy.key_message.retire", _("Retire key message")),
        ("advocacy.endorsement.sign", _("Sign key message")),
        ("advocacy.endorsement.withdraw", _("Withdraw signature")),
    ):
        actions.register_action(action, label, label)
