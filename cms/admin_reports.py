"""Wagtail's page types report names the last edited page of each type, picked among every page of the site:
another organisation's draft included. `scope_page_types_report()` (called once from `CmsConfig.ready()`) makes it
pick among the pages the policy lets the viewer see in the admin (`PageAction.SEE_PAGE_IN_ADMIN`). The report's view
has no hook for its queryset, hence the wrapped method.
"""

from __future__ import annotations

from typing import Any

from django.db.models import F
from wagtail.models import Page

from cms.rules import PageAction
from network.orgs import policy


def last_edited_pages_seen(viewer: Any, content_type_ids: list[int]) -> dict[int, Page]:
    """The most recently edited page of each content type among those the viewer sees in the admin (one query per
    type: a report lists a handful of types)."""
    seen = policy.visible(viewer, PageAction.SEE_PAGE_IN_ADMIN, Page)
    latest: dict[int, Page] = {}
    for content_type_id in content_type_ids:
        page = (
            seen.filter(content_type_id=content_type_id)
            .order_by(F("latest_revision_created_at").desc(nulls_last=True), "title", "-pk")
            .first()
        )
        if page is not None:
            latest[content_type_id] = page.specific
    return latest


def scope_page_types_report() -> None:
    """Wrap the page types report's last-edited pages (idempotent)."""
    from wagtail.admin.views.reports.page_types_usage import PageTypesUsageReportView

    if getattr(PageTypesUsageReportView.decorate_paginated_queryset, "_passerelle_scoped", False):
        return

    def decorate_paginated_queryset(self: Any, page_types: Any) -> Any:
        latest = last_edited_pages_seen(self.request.user, [item.pk for item in page_types])
        for item in page_types:
            item.last_edited_page = latest.get(item.pk)
        return page_types

    decorate_paginated_queryset._passerelle_scoped = True  # type: ignore[attr-defined]
    PageTypesUsageReportView.decorate_paginated_queryset = decorate_paginated_queryset
