"""The HSDS 3.0 read API of the public directory (/hsds/): plain JSON views, no authentication, GET only.

Whoever asks, the answer is the same public data (built by `network.directory.hsds`): the signed-in user's session
never widens it, so these views ignore `request.user` on purpose.
"""

from __future__ import annotations

from uuid import UUID

from django.db.models import Q
from django.http import Http404, HttpRequest, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from .. import hsds, selectors

JSON_OPTIONS = {"ensure_ascii": False}


class BadParameter(ValueError):
    """A query parameter the API cannot use (answered with 400 and a message)."""


def _json(data: dict, status: int = 200) -> JsonResponse:
    response = JsonResponse(data, status=status, json_dumps_params=JSON_OPTIONS)
    response["Access-Control-Allow-Origin"] = "*"  # public open data, read-only, no credentials
    return response


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def _positive_int(request: HttpRequest, name: str, default: int, maximum: int | None = None) -> int:
    raw = request.GET.get(name, "")
    if raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BadParameter(_("%(name)s must be a whole number.") % {"name": name}) from None
    if value < 1 or (maximum is not None and value > maximum):
        raise BadParameter(_("%(name)s must be between 1 and %(maximum)s.") % {"name": name, "maximum": maximum or "∞"})
    return value


def _uuid(request: HttpRequest, name: str) -> UUID | None:
    raw = request.GET.get(name, "").strip()
    if not raw:
        return None
    try:
        return UUID(raw)
    except ValueError:
        raise BadParameter(_("%(name)s must be a UUID.") % {"name": name}) from None


def _paging(request: HttpRequest) -> tuple[int, int]:
    page = _positive_int(request, "page", 1)
    per_page = _positive_int(request, "per_page", hsds.DEFAULT_PAGE_SIZE, hsds.MAX_PAGE_SIZE)
    return page, per_page


@require_safe
def api_root(request: HttpRequest) -> JsonResponse:
    """Which HSDS version this API speaks (HSDS openapi.json: getAPIMetaInformation)."""
    return _json(
        {
            "version": hsds.HSDS_VERSION,
            "profile": hsds.HSDS_PROFILE_URL,
            "openapi_url": hsds.HSDS_OPENAPI_URL,
        }
    )


@require_safe
def service_list(request: HttpRequest) -> JsonResponse:
    """A page of public services (one-to-one fields and their organization). Filters: search, organization_id,
    taxonomy_term_id."""
    try:
        page, per_page = _paging(request)
        services = hsds.hsds_services()
        organisation_id = _uuid(request, "organization_id")
        if organisation_id:
            services = services.filter(organisation_id=organisation_id)
        term_id = _uuid(request, "taxonomy_term_id")
        if term_id:
            services = services.filter(category_id=term_id)
        taxonomy_id = _uuid(request, "taxonomy_id")
        if taxonomy_id and str(taxonomy_id) != hsds.TAXONOMY_ID:
            services = services.none()
    except BadParameter as error:
        return _json({"detail": str(error)}, status=400)
    search = request.GET.get("search", "").strip()[:100]
    if search:
        services = services.filter(
            Q(name__icontains=search) | Q(description__icontains=search) | Q(organisation__name__icontains=search)
        )
    base_url = _base_url(request)
    return _json(
        hsds.hsds_page(
            services.prefetch_related(None),
            page=page,
            per_page=per_page,
            serialize=lambda service: hsds.hsds_service_summary(service, base_url=base_url),
        )
    )


@require_safe
def service_detail(request: HttpRequest, pk: str) -> JsonResponse:
    """One public service, fully nested. Anything else (members-only, inactive, unknown) answers 404."""
    try:
        service = get_object_or_404(hsds.hsds_services(), pk=pk)
    except Http404:
        return _json({"detail": _("Not found.")}, status=404)
    return _json(hsds.hsds_service(service, base_url=_base_url(request)))


@require_safe
def organization_list(request: HttpRequest) -> JsonResponse:
    """A page of organizations (one-to-one fields). Filter: search."""
    try:
        page, per_page = _paging(request)
    except BadParameter as error:
        return _json({"detail": str(error)}, status=400)
    organisations = hsds.hsds_organizations()
    search = request.GET.get("search", "").strip()[:100]
    if search:
        organisations = organisations.filter(name__icontains=search)
    base_url = _base_url(request)
    return _json(
        hsds.hsds_page(
            organisations,
            page=page,
            per_page=per_page,
            serialize=lambda organisation: hsds.hsds_organization_summary(organisation, base_url=base_url),
        )
    )


@require_safe
def organization_detail(request: HttpRequest, pk: str) -> JsonResponse:
    """One organization, fully nested, with its public services."""
    try:
        organisation = get_object_or_404(hsds.hsds_organizations(), pk=pk)
    except Http404:
        return _json({"detail": _("Not found.")}, status=404)
    return _json(hsds.hsds_organization(organisation, base_url=_base_url(request)))


@require_safe
def taxonomy_list(request: HttpRequest) -> JsonResponse:
    """The one taxonomy used: the network's managed service categories."""
    try:
        page, per_page = _paging(request)
    except BadParameter as error:
        return _json({"detail": str(error)}, status=400)
    taxonomies = [hsds.hsds_taxonomy()] if page == 1 else []
    return _json(
        {
            "total_items": 1,
            "total_pages": 1,
            "page_number": page,
            "size": len(taxonomies),
            "first_page": page == 1,
            "last_page": True,
            "empty": not taxonomies,
            "contents": taxonomies,
        }
    )


@require_safe
def taxonomy_term_list(request: HttpRequest) -> JsonResponse:
    """The service categories as HSDS taxonomy terms."""
    try:
        page, per_page = _paging(request)
    except BadParameter as error:
        return _json({"detail": str(error)}, status=400)
    return _json(
        hsds.hsds_page(
            selectors.service_categories(),
            page=page,
            per_page=per_page,
            serialize=hsds.hsds_taxonomy_term,
        )
    )
