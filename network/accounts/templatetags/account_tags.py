"""The "My account" menu in templates: `{% account_menu as items %}` (see network/accounts/menu.py)."""

from __future__ import annotations

from typing import Any

from django import template

from network.accounts.menu import account_menu as menu_of

register = template.Library()


@register.simple_tag(takes_context=True)
def account_menu(context: dict[str, Any]) -> list[dict[str, Any]]:
    """The account pages of the signed-in member, each with `current` on the first one at the address being read
    (the name and language items are two sections of one page: only the first is marked)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    path = request.path if request is not None else ""
    items: list[dict[str, Any]] = []
    marked = False
    for item in menu_of(user):
        current = not marked and item.path == path
        marked = marked or current
        items.append({"key": item.key, "label": item.label, "url": item.url, "current": current})
    return items


@register.simple_tag(takes_context=True)
def unverified_email_addresses(context: dict[str, Any]) -> list[str]:
    """The member's addresses still waiting for confirmation: allauth refuses to add a second factor while there
    is one (whoever added an address they do not own could otherwise lock its owner out), so the two-factor page
    says which and what to do."""
    from allauth.account.models import EmailAddress

    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    return list(
        EmailAddress.objects.filter(user=user, verified=False).order_by("email").values_list("email", flat=True)
    )


@register.simple_tag(takes_context=True)
def two_factor_required(context: dict[str, Any]) -> bool:
    """Whether the member's role requires a second factor at sign-in."""
    from network.accounts import two_factor

    request = context.get("request")
    return two_factor.requires_two_factor(getattr(request, "user", None))
