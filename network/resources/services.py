"""Library services: anonymous usage counters (views counted in Redis, moved into the daily rows by beat), which
page a document download belongs to, and co-authors' answers.

The counters say how much a resource is used, never by whom: one row per page and day with two integers, no user,
no address, no session, no referrer.
"""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from cms.documents import owner_pages_using
from cms.rules import PageAction
from network.accounts.models import User
from network.orgs import policy
from network.orgs.models import Organisation
from network.orgs.policy import Actor
from network.pagecache.generations import CONTENT, public_pages_changed
from network.resources.models import (
    CoAuthorshipStatus,
    ResourceCoAuthorship,
    ResourceDailyCount,
    ResourcePage,
    ResourceViewBatch,
)
from network.resources.rules import ResourceAction

_ATTEMPTS = 3


def _count(page_id: int, field: str, *, amount: int = 1, day: datetime.date | None = None) -> None:
    """Add `amount` to `day`'s (today's) `field` for the page: an UPDATE with F() (atomic in the database), or the
    day's first row.

    Two first requests of the day can race to create the row: the loser gets an IntegrityError (inside its own
    savepoint, so the caller's transaction survives) and retries the UPDATE, which then finds the row.
    """
    day = day or timezone.localdate()
    for _attempt in range(_ATTEMPTS):
        updated = ResourceDailyCount.objects.filter(page_id=page_id, day=day).update(**{field: F(field) + amount})
        if updated:
            return
        try:
            with transaction.atomic():
                ResourceDailyCount.objects.create(page_id=page_id, day=day, **{field: amount})
            return
        except IntegrityError:
            continue


#: The name under which a resource page's views are counted on page cache hits, and the Redis hashes' prefix.
VIEW_COUNTER = "resources.views"
_VIEWS_KEY = "resources:views:"  # + day: a hash page id -> views counted since the last move
_CLAIMED_KEY = "resources:views-claimed:"  # + day:batch id: a hash being moved into the database
_BATCH_RETENTION = datetime.timedelta(days=2)


def resource_count_view(page: ResourcePage) -> None:
    """Record one view of a published resource (called when the page is served to a visitor, not in previews)."""
    resource_count_view_by_id(page.pk)


def resource_count_view_by_id(page_id: int) -> None:
    """Record one view: in today's counter in Redis when there is one (moved into the daily rows by
    `resource_views_flush`), in the database directly otherwise or while Redis does not answer."""
    increment = getattr(cache, "hash_increment", None)
    if increment is not None and increment(_VIEWS_KEY + timezone.localdate().isoformat(), str(page_id)) is not None:
        return
    _count(page_id, "views")


def resource_views_flush() -> int:
    """Move the views counted in Redis into ResourceDailyCount; returns how many views were added.

    Each day's hash is first renamed to a claimed batch (atomic in Redis: views counted meanwhile start a new hash),
    then added in one transaction that also records the batch's id; the claimed hash is deleted after commit. A
    batch left over by an interrupted run is added by the next one, unless its id is already recorded: every view
    is added exactly once. With Redis unreachable nothing moves (and views are counted in the database meanwhile).
    """
    raw_client = getattr(cache, "raw_client", None)
    if raw_client is None:
        return 0
    client = raw_client()
    for key in client.scan_iter(match=cache.make_key(_VIEWS_KEY + "*")):
        day = key.decode().rsplit(":", 1)[1]
        claimed = cache.make_key(f"{_CLAIMED_KEY}{day}:{uuid.uuid4()}")
        client.rename(key, claimed)
    added = 0
    for key in client.scan_iter(match=cache.make_key(_CLAIMED_KEY + "*")):
        day, batch_id = key.decode().rsplit(":", 2)[1:]
        counts = {int(page): int(views) for page, views in client.hgetall(key).items()}
        added += _add_view_batch(uuid.UUID(batch_id), datetime.date.fromisoformat(day), counts)
        client.delete(key)
    ResourceViewBatch.objects.filter(added_at__lt=timezone.now() - _BATCH_RETENTION).delete()
    return added


def _add_view_batch(batch_id: uuid.UUID, day: datetime.date, counts: dict[int, int]) -> int:
    try:
        with transaction.atomic():
            ResourceViewBatch.objects.create(id=batch_id)
            existing = set(ResourcePage.objects.filter(pk__in=counts).values_list("pk", flat=True))
            for page_id, views in sorted(counts.items()):
                if page_id in existing:  # a page deleted since keeps no counters
                    _count(page_id, "views", amount=views, day=day)
    except IntegrityError:
        return 0  # added by an earlier run (or one running now)
    return sum(views for page_id, views in counts.items() if page_id in existing)


def resource_count_download(page: ResourcePage) -> None:
    """Record one download of a document that `page` offers."""
    _count(page.pk, "downloads")


def resource_counts(page: ResourcePage, *, days: int = 30) -> dict[str, int]:
    """Views and downloads of `page` over the last `days` days (for the page's editors and the admin)."""
    since = timezone.localdate() - datetime.timedelta(days=days - 1)
    totals = {"views": 0, "downloads": 0}
    for views, downloads in ResourceDailyCount.objects.filter(page=page, day__gte=since).values_list(
        "views", "downloads"
    ):
        totals["views"] += views
        totals["downloads"] += downloads
    return totals


def resource_pages_offering(document: Any) -> list[ResourcePage]:
    """Live resource pages of the document's own organisation that reference it (attachments, body blocks, links):
    the pages whose decision opens the document (see `cms.documents.owner_pages_using`)."""
    ids = [page.pk for page in owner_pages_using(document) if isinstance(page, ResourcePage)]
    return list(ResourcePage.objects.filter(pk__in=ids).select_related("locale").order_by("pk"))


def download_page_for(user: Actor, document: Any) -> ResourcePage | None:
    """The resource a download is counted for: a page offering the document that the visitor may see, preferring
    the one in the active language (translations usually share their documents)."""
    visible = [page for page in resource_pages_offering(document) if policy.can(user, PageAction.VIEW_PAGE, page)]
    if not visible:
        return None
    language = (get_language() or "").lower()
    for page in visible:
        if page.locale.language_code.lower() == language:
            return page
    return visible[0]


# ---------------------------------------------------------------------------------------------------------------
# Co-authoring organisations: named only with their consent


class NotACoAuthor(ValidationError):
    """The organisation is not listed among the resource's co-authors: there is nothing to answer."""


@transaction.atomic
def coauthorship_answer(
    *, translation_key: uuid.UUID, organisation: Organisation, confirm: bool, acting_user: User
) -> ResourceCoAuthorship:
    """The listed organisation's coordinators confirm that it co-wrote the resource (it is then named on every
    translation, in the API and the library's filters) or decline (it is never named). One answer holds for all
    translations; it can be changed later."""
    if not ResourcePage.authoring_organisations.through.objects.filter(
        resourcepage__translation_key=translation_key, organisation=organisation
    ).exists():
        raise NotACoAuthor(_("This organisation is not listed as a co-author of this resource."))
    coauthorship, _created = ResourceCoAuthorship.objects.select_for_update().get_or_create(
        translation_key=translation_key, organisation=organisation
    )
    policy.require(acting_user, ResourceAction.ANSWER_COAUTHORSHIP, coauthorship)
    coauthorship.status = CoAuthorshipStatus.CONFIRMED if confirm else CoAuthorshipStatus.DECLINED
    coauthorship.answered_by, coauthorship.answered_at = acting_user, timezone.now()
    coauthorship.save(update_fields=["status", "answered_by", "answered_at"])
    page = ResourcePage.objects.filter(translation_key=translation_key).order_by("pk").first()
    if page is not None:
        log(
            instance=page,
            action="resources.coauthorship_" + ("confirm" if confirm else "decline"),
            user=acting_user,
            data={"organisation": str(organisation.pk)},
        )
    public_pages_changed(CONTENT)  # the resource names its confirmed co-authors
    return coauthorship
