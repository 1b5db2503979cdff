"""Library views: what a resource page shows around its content, and the document download wrapper.

Access is decided before we get here (ResourcePage.serve asks the policy; the `before_serve_document` hook guards
documents); these functions only gather what the templates show, in a constant number of queries.
"""

from __future__ import annotations

import mimetypes
import posixpath
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.translation import get_language_info, get_supported_language_variant
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from wagtail.documents.views import serve as wagtail_document_serve

from network.core.responses import forbidden
from network.orgs import policy
from network.orgs.languages import language_name
from network.resources import rules as resource_rules
from network.resources.models import CoAuthorshipStatus, ResourceCoAuthorship, ResourceKind, ResourcePage
from network.resources.publishing import publishing_organisations, resource_add_url
from network.resources.rules import ResourceAction
from network.resources.services import resource_counts


def language_direction(code: str) -> str:
    """ "rtl" for right-to-left languages (Arabic), "ltr" otherwise."""
    try:
        return "rtl" if get_language_info(code)["bidi"] else "ltr"
    except KeyError:
        return "ltr"


def _active_language() -> str:
    language = translation.get_language() or ""
    try:
        return get_supported_language_variant(language)
    except LookupError:
        return language


def resource_page_context(page: ResourcePage, request: HttpRequest) -> dict[str, Any]:
    """Metadata, attachments, translations and the language notice of a resource page."""
    user = request.user
    content_locale = page.content_locale()
    content_language = content_locale.language_code
    active_language = _active_language()
    source_pk = page.alias_of_id or page.pk
    translations = [
        {
            "language": version.locale.language_code,
            "name": language_name(version.locale.language_code),
            "url": version.get_url(request),
        }
        for version in resource_rules.visible_resources(user)
        .filter(translation_key=page.translation_key, alias_of__isnull=True)
        .exclude(pk=source_pk)
        .exclude(locale=content_locale)
        .select_related("locale")
        .order_by("locale__language_code")
    ]
    organisation = page.organisation
    listed = list(page.authoring_organisations.order_by("name"))
    answers = dict(
        ResourceCoAuthorship.objects.filter(
            translation_key=page.translation_key, organisation__in=[org.pk for org in listed]
        ).values_list("organisation_id", "status")
    )
    context: dict[str, Any] = {
        "organisation": organisation,
        # Named only once they confirmed; the pending ones only to those who write for the inviting organisation.
        "co_authors": [org.name for org in listed if answers.get(org.pk) == CoAuthorshipStatus.CONFIRMED],
        "invited_co_authors": [],
        "themes": list(page.themes.order_by("sort_order", "slug")),
        "attachments": list(page.attachments.select_related("document").order_by("sort_order")),
        "content_language": content_language,
        "content_language_name": language_name(content_language),
        "content_direction": language_direction(content_language),
        "translations": translations,
        "shown_in_other_language": content_language.lower() != active_language.lower(),
        "requested_language_name": language_name(active_language),
        "counts": None,
    }
    if organisation is not None and policy.can(user, ResourceAction.DRAFT_RESOURCES, organisation):
        context["counts"] = resource_counts(page)
        context["invited_co_authors"] = [
            org.name for org in listed if answers.get(org.pk, CoAuthorshipStatus.INVITED) == CoAuthorshipStatus.INVITED
        ]
    return context


def serve_document(request: HttpRequest, document_id: str, document_filename: str) -> HttpResponse:
    """Wagtail's document view (access checked by our `before_serve_document` hook), with a cache policy:
    a shared cache must never keep a document served to a signed-in member (it may be restricted), and
    public ones are revalidated so that unpublishing takes effect at once."""
    response = wagtail_document_serve.serve(request, document_id, document_filename)
    if response.status_code == 200:
        if request.user.is_authenticated:
            response["Cache-Control"] = "private, no-store"
        else:
            response["Cache-Control"] = "no-cache"
    return response


def serve_media(request: HttpRequest, path: str) -> HttpResponse:
    """The demo's /media/ (`SERVE_MEDIA`, set by the dev settings behind `make run`): everything but documents.

    Documents live under `documents/` in the media storage; served from there they would skip the access policy, so
    only /documents/<id>/<filename> (the view above) serves them. Production serves no media directly at all. Read
    through the storage API, so the demo works on any storage (MEDIA_STORAGE), not only MEDIA_ROOT.
    """
    normalised = posixpath.normpath(path.replace("\\", "/")).lstrip("/")
    if normalised.split("/", 1)[0].lower() in {"documents", "..", "."}:
        raise Http404
    try:
        stored = default_storage.open(normalised, "rb")
    except (OSError, SuspiciousFileOperation) as missing:  # absent, a directory, or outside the storage
        raise Http404 from missing
    content_type, encoding = mimetypes.guess_type(normalised)
    response = FileResponse(stored, content_type=content_type or "application/octet-stream")
    if encoding:
        response.headers["Content-Encoding"] = encoding
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_GET
def publish_resource(request: HttpRequest) -> HttpResponse:
    """ "Publish a resource": choose the kind (and the organisation, for members of several), then go to Wagtail's
    form adding a resource of that kind in the organisation's space."""
    organisations = list(publishing_organisations(request.user))
    if not organisations:
        return forbidden(
            request,
            _("Only coordinators and staff of an organisation publish resources."),
            back_url=reverse("orgs:dashboard"),
            back_label=_("Back to the dashboard"),
        )
    by_id = {str(organisation.pk): organisation for organisation in organisations}
    chosen = by_id.get(request.GET.get("organisation", "")) if len(organisations) > 1 else organisations[0]
    kind = request.GET.get("kind", "")
    if chosen is not None and kind in ResourceKind.values:
        return redirect(resource_add_url(chosen, kind))
    response = render(
        request,
        "resources/publishing/choose.html",
        {
            "organisations": organisations,
            "chosen": chosen,
            "kinds": ResourceKind.choices,
            "missing_organisation": bool(kind) and chosen is None,
        },
    )
    add_never_cache_headers(response)
    return response
