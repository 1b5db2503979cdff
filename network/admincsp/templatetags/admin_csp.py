"""`<script{% admin_script_nonce %}>`: the nonce attribute of Wagtail's own inline scripts in the templates this app
overrides (panels and widgets render without the request in their context); nothing outside an admin request."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from ..nonce import script_nonce

register = template.Library()


@register.simple_tag
def admin_script_nonce() -> SafeString:
    nonce = script_nonce()
    return format_html(' nonce="{}"', nonce) if nonce else SafeString("")
