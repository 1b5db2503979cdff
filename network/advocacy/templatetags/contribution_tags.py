"""{% may_write_contribution as flag %}: whether to offer "Write a contribution" to the signed-in member."""

from __future__ import annotations

from typing import Any

from django import template

from network.advocacy.rules import AdvocacyAction
from network.orgs import policy

register = template.Library()


@register.simple_tag(takes_context=True)
def may_write_contribution(context: dict[str, Any]) -> bool:
    request = context.get("request")
    return request is not None and policy.may_on_some_organisation(request.user, AdvocacyAction.CONTRIBUTE_ADVOCACY)
