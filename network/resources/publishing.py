"""Publishing a resource from the site: which organisations' spaces a member publishes in, and the address of
Wagtail's "add a resource" form in that space with the kind of resource already chosen.

The form itself is Wagtail's (`wagtailadmin_pages:add` for `resources.ResourcePage` under the organisation's space
page): Wagtail checks again that the member may add a page there. `preset_resource_kind` carries the kind chosen
on the site (`?kind=guide`) into the new page before its form is built.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.urls import reverse

from network.orgs import policy
from network.orgs.models import Organisation
from network.orgs.policy import Actor

from .models import ResourceKind, ResourcePage
from .rules import ResourceAction

# Set on the parent page by the `before_create_page` hook, read by the `init_new_page` receiver (same request).
KIND_ATTRIBUTE = "_passerelle_resource_kind"


def publishing_organisations(user: Actor) -> QuerySet[Organisation]:
    """The organisations whose space this member publishes resources in (coordinators and staff), by name; only
    those that have a space."""
    return (
        policy.organisations_where(user, ResourceAction.PUBLISH_RESOURCES)
        .filter(space_page__isnull=False)
        .order_by("name")
    )


def may_publish_somewhere(user: Actor) -> bool:
    """Whether "Publish a resource" is offered to this member (no query for members: read with their roles)."""
    return policy.may_on_some_organisation(user, ResourceAction.PUBLISH_RESOURCES)


def resource_add_url(organisation: Organisation, kind: str) -> str:
    """Wagtail's form adding a resource of `kind` in the organisation's space (its source-language space page, where
    the organisation's groups hold their page permissions)."""
    url = reverse(
        "wagtailadmin_pages:add",
        args=[ResourcePage._meta.app_label, ResourcePage._meta.model_name, organisation.space_page_id],
    )
    return f"{url}?{urlencode({'kind': kind})}"


def remember_requested_kind(request: Any, parent_page: Any, page_class: type) -> None:
    """`before_create_page`: keep the kind asked for in the address on the parent page object Wagtail hands on."""
    if page_class is ResourcePage:
        kind = request.GET.get("kind", "")
        setattr(parent_page, KIND_ATTRIBUTE, kind if kind in ResourceKind.values else None)


def preset_resource_kind(sender: Any, *, page: Any, parent: Any, **kwargs: Any) -> None:
    """`init_new_page`: a new resource starts with the kind chosen on the site (the editor can still change it)."""
    kind = getattr(parent, KIND_ATTRIBUTE, None)
    if isinstance(page, ResourcePage) and kind:
        page.kind = kind
