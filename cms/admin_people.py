"""People in Wagtail's admin follow our people rules (DESIGN.md, privacy rules 11 and 12).

Wagtail lists people in its filters ("owner", "edited by", "locked by", "requested by", a history's "user") drawn
from the whole site, and its aging-pages report names the last publisher by username. Its filtersets take their
person querysets from class-level callables with no hook, so `scope_wagtail_people()` (called once from
`CmsConfig.ready()`) wraps each of them: a filter lists only the people the policy lets the viewer see
(`AccountAction.SEE_PERSON`), under the name they show (`names.name_shown`), never a username or an email.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet

from network.accounts.models import User
from network.accounts.names import name_shown
from network.accounts.rules import AccountAction
from network.orgs import policy


def people_seen(viewer: Any, people: QuerySet[User]) -> QuerySet[User]:
    """`people` narrowed to those the viewer may see (one subquery)."""
    return people.filter(pk__in=policy.visible(viewer, AccountAction.SEE_PERSON, User).values("pk"))


def _scoped_queryset(original: Any) -> Callable[[Any], QuerySet[User]]:
    def people(request: Any) -> QuerySet[User]:
        queryset = original(request) if callable(original) else original
        return people_seen(getattr(request, "user", None), queryset)

    people._passerelle_scoped = True  # type: ignore[attr-defined]
    return people


def _scope_filter(filterset: Any, name: str) -> None:
    for filters in (filterset.base_filters, getattr(filterset, "declared_filters", {})):
        person_filter = filters.get(name)
        if person_filter is not None and not getattr(person_filter.queryset, "_passerelle_scoped", False):
            person_filter.queryset = _scoped_queryset(person_filter.queryset)


def scope_wagtail_people() -> None:
    """Wrap Wagtail's person filters and the aging-pages report's publisher names (idempotent)."""
    from wagtail.admin.views.generic.history import HistoryFilterSet
    from wagtail.admin.views.pages.listing import GenericPageFilterSet, PageFilterSet
    from wagtail.admin.views.reports.aging_pages import AgingPagesView
    from wagtail.admin.views.reports.locked_pages import LockedPagesReportFilterSet
    from wagtail.admin.views.reports.workflows import WorkflowReportFilterSet

    for filterset in (PageFilterSet, GenericPageFilterSet):
        _scope_filter(filterset, "owner")
        _scope_filter(filterset, "edited_by")
    _scope_filter(LockedPagesReportFilterSet, "locked_by")
    _scope_filter(WorkflowReportFilterSet, "requested_by")

    if not getattr(HistoryFilterSet.get_users_queryset, "_passerelle_scoped", False):
        original_users = HistoryFilterSet.get_users_queryset

        def get_users_queryset(self: Any) -> QuerySet[User]:
            return people_seen(getattr(self.request, "user", None), original_users(self))

        get_users_queryset._passerelle_scoped = True  # type: ignore[attr-defined]
        HistoryFilterSet.get_users_queryset = get_users_queryset

    if not getattr(AgingPagesView.decorate_paginated_queryset, "_passerelle_scoped", False):

        def decorate_paginated_queryset(self: Any, queryset: Any) -> Any:
            user_ids = set(queryset.values_list("last_published_by", flat=True))
            publishers = User.objects.filter(pk__in=user_ids).prefetch_related("memberships__organisation")
            names = {person.pk: name_shown(self.request.user, person) for person in publishers}
            for page in queryset:
                self.add_last_publisher_name_to_page(names, page)
            return queryset

        decorate_paginated_queryset._passerelle_scoped = True  # type: ignore[attr-defined]
        AgingPagesView.decorate_paginated_queryset = decorate_paginated_queryset
