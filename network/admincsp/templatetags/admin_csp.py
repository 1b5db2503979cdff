"""`{% admin_script_nonce %}`: the nonce attribute value for Wagtail's own inline scripts in the templates this app
overrides (panels and widgets render without the request in their context)."""

from django import template

from ..nonce import script_nonce

register = template.Library()


@register.simple_tag
def admin_script_nonce() -> str:
    return script_nonce()
