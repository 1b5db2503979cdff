"""Access rules for the pages in the organisations' spaces and for Wagtail documents.

A page of an organisation's space (`OrganisationOwnedPage` with a `visibility`) is seen by everyone (public), by
network members (network) or by its organisation's members (organisation); a draft only by who edits in that
space. Each page type registers `PageAction.VIEW_PAGE` for itself (see `register_page_type`), with the list form
of the same rule; every other list of pages (a space's children, menus, the sitemap) goes through
`pages_visible_to`, the same rules applied to any page queryset, and `VIEW_PAGE` on `Page` itself is that filter.
A document is served to the members of the organisation whose collection holds it, and to whoever may see a live
page *of that organisation* using it: only its owner publishes it (see `cms/documents.py`).
Registered into the policy core by `CmsConfig.ready()`.

In the Wagtail admin, `SEE_PAGE_IN_ADMIN` decides which pages (and so which titles) a user meets in the explorer,
the choosers, the searches and the reports, and `READ_PAGE_DRAFT` which pages they may open by id (edit, history,
revisions, preview, usage): Wagtail shows any page to anyone who can reach the admin, so both are scoped here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.contrib.contenttypes.models import ContentType
from django.db.models import F, Q, QuerySet
from wagtail.models import Page
from wagtail.query import PageQuerySet

from network.orgs import policy
from network.orgs.models import Organisation
from network.orgs.policy import Action, Actor

# The permissions of members who write in a space (and so see its drafts and restricted pages).
SPACE_EDITING_PERMISSIONS = ("draft_resources", "publish_resources", "contribute_advocacy")


class PageAction(Action):
    VIEW_PAGE = "view_page"  # obj: a page of a type that registered its rule
    DOWNLOAD_DOCUMENT = "download_document"  # obj: a Wagtail document
    SEE_PAGE_IN_ADMIN = "see_page_in_admin"  # obj: any Wagtail page (its title in admin listings and choosers)
    READ_PAGE_DRAFT = "read_page_draft"  # obj: any Wagtail page (opened by id: edit, history, revisions, preview)


def may_see_by_visibility(user: Actor, visibility: str, organisation_id: UUID | None) -> bool:
    """public: everyone; network: network members; organisation: members of the owning organisation only."""
    if visibility == "public":
        return True
    if visibility == "network":
        return policy.is_network_member(user)
    if visibility == "organisation":
        return organisation_id is not None and organisation_id in policy.member_organisation_ids(user)
    return False


@dataclass(frozen=True)
class VisibilityScope:
    """Everything that decides which live pages (by visibility) a user sees: two users with the same scope see
    the same pages. A cache of what a user sees is keyed by it (e.g. the library's listing)."""

    network: bool  # sees network-only pages
    organisations: frozenset[UUID]  # sees the organisation-only pages of these organisations

    def key(self) -> str:
        return ("network" if self.network else "public") + ":" + ",".join(sorted(map(str, self.organisations)))


def visibility_scope(user: Actor, *, with_organisation_level: bool) -> VisibilityScope:
    """What decides `visibility_condition` for this user (read from the policy, fresh on each request)."""
    own = policy.member_organisation_ids(user) if with_organisation_level else set()
    return VisibilityScope(network=policy.is_network_member(user), organisations=frozenset(own))


def visibility_condition(user: Actor, *, with_organisation_level: bool) -> Q:
    """The rows of a page model with `visibility` and `organisation` that this user may see."""
    scope = visibility_scope(user, with_organisation_level=with_organisation_level)
    condition = Q(visibility="public")
    if scope.network:
        condition |= Q(visibility="network")
    if scope.organisations:
        condition |= Q(visibility="organisation", organisation_id__in=scope.organisations)
    return condition


def edits_in_space(user: Actor, organisation_id: UUID | None) -> bool:
    """Members who draft in the organisation's space see its unpublished and restricted pages."""
    return any(
        policy.has_organisation_permission(user, organisation_id, codename) for codename in SPACE_EDITING_PERMISSIONS
    )


def register_page_type(model: type[Page], *, with_organisation_level: bool) -> None:
    """Register VIEW_PAGE for a page type of the spaces: live pages by their visibility, drafts for editors."""

    def may_view(user: Actor, page: Any) -> bool:
        if not page.live:
            return edits_in_space(user, page.organisation_id)
        if page.visibility == "organisation" and not with_organisation_level:
            return False
        return may_see_by_visibility(user, page.visibility, page.organisation_id)

    def visible_pages(user: Actor) -> QuerySet[Any]:
        condition = visibility_condition(user, with_organisation_level=with_organisation_level)
        return model.objects.live().filter(condition)

    label = model._meta.object_name
    may_view.__doc__ = f"Live {label} pages by their visibility; drafts for members who write in the space."
    visible_pages.__doc__ = f"Live {label} pages this user may see (every locale)."
    policy.register(
        PageAction.VIEW_PAGE,
        model,
        check=may_view,
        lister=visible_pages,
        scope=lambda: model.objects.live(),
        anonymous=True,
    )


def visible_pages(user: Actor, model: type[Page]) -> QuerySet[Any]:
    """Live pages of `model` (a registered page type) that `user` may see, in every locale."""
    return policy.visible(user, PageAction.VIEW_PAGE, model)


def page_types() -> list[type[Page]]:
    """The page types that decide who sees them (each registered `VIEW_PAGE` for itself with `register_page_type`)."""
    return [
        rule.subject
        for rule in policy.rules()
        if rule.action == PageAction.VIEW_PAGE
        and isinstance(rule.subject, type)
        and issubclass(rule.subject, Page)
        and rule.subject is not Page
    ]


def pages_visible_to(user: Actor, queryset: PageQuerySet) -> PageQuerySet:
    """The pages of `queryset` (of any page model) that `user` may find in a list: live, under no Wagtail view
    restriction, and, for a page type with a visibility, allowed by that type's own rule.

    Wagtail's `.public()` alone knows only view restrictions, not our `visibility` field: a list built on it shows
    visitors the titles of network-only pages. Two queries (Wagtail reads the view restrictions first, then one
    query with a subquery per page type), whatever the number of pages.
    """
    listed = queryset.live().public()
    decided = Q()
    allowed = Q()
    for model in page_types():
        decided |= Q(content_type=ContentType.objects.get_for_model(model))
        allowed |= Q(pk__in=visible_pages(user, model).values("pk"))
    if not decided:
        return listed
    return listed.filter(~decided | allowed)


def visible_site_pages(user: Actor) -> PageQuerySet:
    """Any page, as every list of pages filters them: live, under no Wagtail view restriction, and for a page type
    with a visibility, by that type's rule."""
    return pages_visible_to(user, Page.objects.all())


def may_view_page(user: Actor, page: Page) -> bool:
    """Whether `user` may see `page`: the rule of its own type when the instance is specific, else the filter
    (`pages_visible_to`) the lists use. The two agree on live pages (tests/orgs/test_rules_agree.py)."""
    return policy.can(user, PageAction.VIEW_PAGE, page)


def may_download_document(user: Actor, document: Any) -> bool:
    """Members of the organisation whose collection holds the document, and anyone who may see a live page of
    that same organisation using it (attachment, download block or rich-text link). A page of another
    organisation naming the document never opens it. Anything else answers 404."""
    from cms.documents import document_owner_ids, owner_pages_using

    if document_owner_ids(document) & policy.member_organisation_ids(user):
        return True
    types = tuple(page_types())  # the page types that decide who sees them, not the generic page filter
    return any(
        isinstance(page, types) and policy.can(user, PageAction.VIEW_PAGE, page) for page in owner_pages_using(document)
    )


_ROOTS_CACHE = policy.cache_attribute("page_editing_roots")


def _editing_roots(user: Actor) -> list[str]:
    """Tree paths under which the user edits: the spaces (every language) of the organisations they write for, and
    the pages their Wagtail groups hold page permissions on. Read once per request (cached on the user)."""
    from wagtail.models import GroupPagePermission

    if not policy.is_signed_in(user):
        return []
    cached: list[str] | None = getattr(user, _ROOTS_CACHE, None)
    if cached is not None:
        return cached
    organisation_ids = policy.organisation_ids_with(user, *SPACE_EDITING_PERMISSIONS)
    space_keys = Page.objects.filter(
        pk__in=Organisation.objects.filter(pk__in=organisation_ids).values("space_page_id")
    ).values("translation_key")
    roots = set(Page.objects.filter(translation_key__in=space_keys).values_list("path", flat=True))
    roots |= set(GroupPagePermission.objects.filter(group__user=user).values_list("page__path", flat=True))
    setattr(user, _ROOTS_CACHE, sorted(roots))
    return sorted(roots)


def _under(paths: list[str]) -> Q:
    condition = Q(pk__in=[])
    for path in paths:
        condition |= Q(path__startswith=path)
    return condition


def pages_with_readable_drafts(user: Actor) -> QuerySet[Page]:
    """Pages whose drafts, revisions and history the user may read: those in the spaces of the organisations
    they write for and under their own Wagtail page permissions (network admins: every page)."""
    if policy.is_network_admin(user):
        return Page.objects.all()
    return Page.objects.filter(_under(_editing_roots(user)))


def pages_seen_in_admin(user: Actor) -> QuerySet[Page]:
    """Pages the user meets in the admin (explorer, choosers, searches, reports): those whose drafts they read,
    and live pages they may see on the site (pages of a space by their visibility; the site's own pages).
    Another organisation's draft or members-only page never shows, not even its title; nor does a live page
    whose pending draft carries another title (the admin shows the draft title). One query."""
    if policy.is_network_admin(user):
        return Page.objects.all()
    live_and_visible = Q(live=True, draft_title=F("title"))
    for model in page_types():  # each page type's own rule (the generic page filter would hide restricted pages)
        visible = policy.visible(user, PageAction.VIEW_PAGE, model).values("pk")
        live_and_visible &= ~Q(pk__in=model.objects.exclude(pk__in=visible).values("pk"))
    return Page.objects.filter(_under(_editing_roots(user)) | live_and_visible)


def register_rules() -> None:
    from wagtail.documents import get_document_model

    # Any page, specific or not: the filter every list of pages uses (the page types register their own rules).
    policy.register(PageAction.VIEW_PAGE, Page, lister=visible_site_pages, anonymous=True)
    policy.register(PageAction.DOWNLOAD_DOCUMENT, get_document_model(), check=may_download_document, anonymous=True)
    policy.register(PageAction.SEE_PAGE_IN_ADMIN, Page, lister=pages_seen_in_admin, network_admins=True)
    policy.register(PageAction.READ_PAGE_DRAFT, Page, lister=pages_with_readable_drafts, network_admins=True)
