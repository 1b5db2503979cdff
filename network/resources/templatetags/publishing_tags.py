"""{% may_publish_resources as flag %}: whether to offer "Publish a resource" to the signed-in member."""

from __future__ import annotations

from typing import Any

from django import template

from network.resources.publishing import may_publish_somewhere

register = template.Library()


@register.simple_tag(takes_context=True)
def may_publish_resources(context: dict[str, Any]) -> bool:
    request = context.get("request")
    return request is not None and may_publish_somewhere(request.user)
