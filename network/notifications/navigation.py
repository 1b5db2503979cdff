"""The unread badge of the navigation: put into the signed-in header on each request (a slot of the cached header,
cms_tags.member_site_header). The count is kept in the cache per member and forgotten whenever one of their
notifications is created or read (services.py), so a new notification shows on the next page at once and a page
costs no query for it otherwise (member pages stay within their query budget)."""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext

from .models import Notification

# Counted up to here: the count stays one cheap query however many a member left unread.
BADGE_LIMIT = 99


# A bound on staleness should a change ever bypass the services (a bulk update in a shell, say).
UNREAD_COUNT_SECONDS = 600


def unread_count_cache_key(user_id: Any) -> str:
    return f"notifications:unread:{user_id}"


def unread_count_capped(user: Any) -> int:
    """How many of `user`'s notifications are unread, counting no further than BADGE_LIMIT + 1 (one query when
    the cache does not have it)."""
    key = unread_count_cache_key(user.pk)
    count = cache.get(key)
    if count is None:
        unread = Notification.objects.filter(user=user, read_at__isnull=True).order_by().values("pk")
        count = unread[: BADGE_LIMIT + 1].count()
        cache.set(key, count, UNREAD_COUNT_SECONDS)
    return count


def unread_badge_html(user: Any) -> SafeString:
    """Nothing when all is read; else a badge with the number, read by screen readers as "3 unread notifications"
    (the number itself is hidden from them: it would be read twice)."""
    if not getattr(user, "is_authenticated", False):
        return mark_safe("")  # noqa: S308  (an empty string)  # nosec B308 B703
    count = unread_count_capped(user)
    if not count:
        return mark_safe("")  # noqa: S308  (an empty string)  # nosec B308 B703
    if count > BADGE_LIMIT:
        shown = f"{BADGE_LIMIT}+"
        spoken = gettext("more than %(count)s unread notifications") % {"count": BADGE_LIMIT}
    else:
        shown = str(count)
        spoken = ngettext("%(count)s unread notification", "%(count)s unread notifications", count) % {"count": count}
    return format_html(
        ' <span class="badge badge--danger" aria-hidden="true">{}</span><span class="visually-hidden"> {}</span>',
        shown,
        spoken,
    )
