"""The language a member reads the platform in: one setting for the interface, emails and notifications.

Mail and notifications are written for their recipient, not for whoever caused them: a French coordinator's action
reaches an Arabic-reading colleague in Arabic. Every sender of mail renders inside
`translation.override(language_of(recipient))`.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import get_language_info, get_supported_language_variant


def interface_languages() -> list[tuple[str, str]]:
    """(code, name) of each language the site offers, each named in its own language (a reader who does not read
    the current one still finds theirs)."""
    return [(code, get_language_info(code)["name_local"]) for code, _name in settings.LANGUAGES]


def supported_language(code: str | None) -> str:
    """`code` as one of the site's languages ("zh_Hans" → "zh-hans", "fr-BE" → "fr"), or "" when it is none."""
    if not code:
        return ""
    normalised = code.strip().replace("_", "-").lower()
    try:
        return get_supported_language_variant(normalised)
    except LookupError:
        return ""


def language_of(user: object, default: str | None = None) -> str:
    """The language to write to `user` in: their preference when the site offers it, else `default` (the site's
    language when none is given)."""
    return supported_language(getattr(user, "language", "")) or default or settings.LANGUAGE_CODE


def path_in_language(path: str, language: str) -> str:
    """A site path (/referrals/…/, without prefix) as the page in `language` (/ar/referrals/…/): the link in an
    email opens in the language the email was written in. Paths outside the language prefix stay as they are."""
    from network.i18n import UNPREFIXED_PATHS

    if not path.startswith("/") or path.startswith(UNPREFIXED_PATHS):
        return path
    prefixes = tuple(f"/{code}/" for code, _name in settings.LANGUAGES)
    if path.startswith(prefixes):
        return path
    return f"/{language}{path}"
