"""The HSDS 3.0 read API of the public directory (/hsds/): plain JSON views, no authentication, read-only.

Whoever asks, the answer is the same public data (built by `network.directory.hsds`): the signed-in user's session
never widens it, so these views ignore `request.user` on purpose. What each operation and parameter means is the
official HSDS 3.0 openapi.json's; `hsds_openapi` serves this deployment's own description of it.

- Writes answer 405 with `Allow: GET, HEAD` (never a CSRF 403: nothing here takes a form, so CSRF does not apply).
- An unknown id, or one that is not public, answers a JSON 404, exactly as an id nobody has.
- Answers whose texts are translated say `Vary: Accept-Language`; the anonymous page cache keys its copies of them
  by the negotiated language (network/pagecache/middleware.py), so no one is served another language's copy.
- Parameters the official document types loosely are read leniently where any value is valid data there: a filter
  id that is not a UUID matches nothing, `page` below 1 is the first page, `per_page` is kept within 1..200, and a
  `format` other than `ndjson` is the default JSON. A value that cannot be read at all (`page=abc`, an unreadable
  `modified_after`, `full=maybe`) answers 400 with a `detail`.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any
from uuid import UUID

from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from .. import hsds, hsds_openapi, selectors
from ..models import Service

JSON_OPTIONS = {"ensure_ascii": False}
NDJSON = "application/x-ndjson"
ALLOWED_METHODS = ("GET", "HEAD")

Json = dict[str, Any]
View = Callable[..., HttpResponse]


class BadParameter(ValueError):
    """A query parameter the API cannot read (answered with 400 and a message)."""


class NotFound(LookupError):
    """No public object has this id (answered with a JSON 404)."""


def _json(data: Any, status: int = 200) -> JsonResponse:
    return JsonResponse(data, status=status, safe=False, json_dumps_params=JSON_OPTIONS)


def hsds_endpoint(*, parameters: tuple[str, ...] = (), varies_by_language: bool = True) -> Callable[[View], View]:
    """GET and HEAD only (405 with `Allow` otherwise), the query `parameters` the operation takes (400 for any
    other: a misspelt filter must not silently return everything), JSON errors, CORS for this public open data,
    and `Vary: Accept-Language` with `Content-Language` where the answer is in the request's language."""

    def decorate(view: View) -> View:
        @csrf_exempt  # read-only: no request here changes anything, so there is no forgery to guard against
        @wraps(view)
        def endpoint(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method not in ALLOWED_METHODS:
                response: HttpResponse = _json({"detail": _("This API is read-only.")}, status=405)
                response["Allow"] = ", ".join(ALLOWED_METHODS)
            else:
                try:
                    unknown = sorted(set(request.GET) - set(parameters))
                    if unknown:
                        raise BadParameter(_("Unknown parameter: %(names)s.") % {"names": ", ".join(unknown)})
                    repeated = sorted(name for name, values in request.GET.lists() if len(values) > 1)
                    if repeated:
                        raise BadParameter(_("Give each parameter once: %(names)s.") % {"names": ", ".join(repeated)})
                    response = view(request, *args, **kwargs)
                except BadParameter as error:
                    response = _json({"detail": str(error)}, status=400)
                except NotFound:
                    response = _json({"detail": _("Not found.")}, status=404)
            response["Access-Control-Allow-Origin"] = "*"  # public open data, read-only, no credentials
            if varies_by_language:
                patch_vary_headers(response, ("Accept-Language",))
                response["Content-Language"] = hsds.answer_language()
            return response

        return endpoint

    return decorate


# ---------------------------------------------------------------------------------------------------------------
# Parameters (each operation's, as the HSDS openapi.json lists them)

PAGING = ("page", "per_page", "format")
SERVICE_FILTERS = ("search", "taxonomy_term_id", "taxonomy_id", "organization_id", "modified_after", "full")
SERVICE_LIST = (*PAGING, *SERVICE_FILTERS, "minimal")
# `proximity` is taken (the official description lists it) but cannot narrow anything: no coordinates are kept.
SERVICE_AT_LOCATION_LIST = (*PAGING, *SERVICE_FILTERS, "postcode", "proximity")
ORGANIZATION_LIST = (*PAGING, "search", "full", "full_service")
TAXONOMY_LIST = (*PAGING, "search")
TAXONOMY_TERM_LIST = (*PAGING, "search", "taxonomy_id", "top_only", "parent_id")


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def _integer(request: HttpRequest, name: str, default: int) -> int:
    if name not in request.GET:
        return default
    raw = request.GET[name].strip()
    try:
        return int(raw)
    except ValueError:
        raise BadParameter(_("%(name)s must be a whole number.") % {"name": name}) from None


def _paging(
    request: HttpRequest, *, default: int = hsds.DEFAULT_PAGE_SIZE, maximum: int = hsds.MAX_PAGE_SIZE
) -> tuple[int, int]:
    page = max(1, _integer(request, "page", 1))
    per_page = min(max(1, _integer(request, "per_page", default)), maximum)
    return page, per_page


def _flag(request: HttpRequest, name: str) -> bool:
    if name not in request.GET:
        return False
    raw = request.GET[name].strip().lower()
    if raw in ("false", "0"):
        return False
    if raw in ("true", "1"):
        return True
    raise BadParameter(_("%(name)s must be true or false.") % {"name": name})


def _id_filter(request: HttpRequest, name: str) -> UUID | None | bool:
    """The UUID a filter names; False when it names something that cannot exist (no id here is anything else)."""
    raw = request.GET.get(name, "").strip()
    if not raw:
        return None
    try:
        return UUID(raw)
    except ValueError:
        return False


def _modified_after(request: HttpRequest) -> datetime.datetime | None:
    """An ISO 8601 date-time (or date); without an offset it is UTC, as HSDS assumes for its dates."""
    if "modified_after" not in request.GET:
        return None
    raw = request.GET["modified_after"].strip()
    try:
        moment = parse_datetime(raw.replace(" ", "+"))  # a "+" sent unencoded in a query string arrives as a space
        if moment is None and (day := parse_date(raw)) is not None:
            moment = datetime.datetime.combine(day, datetime.time.min)
    except ValueError:
        moment = None
    if moment is None:  # an empty value included: a date was meant, and none can be read
        raise BadParameter(_("modified_after must be a date-time, e.g. 2026-01-31T09:00:00Z."))
    if timezone.is_naive(moment):
        return moment.replace(tzinfo=datetime.UTC)
    # In UTC for the database (PostgreSQL takes offsets up to ±15:59 only; ISO 8601 allows more); an instant at
    # the very edge of the calendar is the edge itself.
    try:
        return moment.astimezone(datetime.UTC)
    except OverflowError:
        if moment.year == datetime.MINYEAR:
            return datetime.datetime.min.replace(tzinfo=datetime.UTC)
        return datetime.datetime.max.replace(tzinfo=datetime.UTC)


def _wants_ndjson(request: HttpRequest) -> bool:
    """`format=ndjson`: every result, one JSON object a line, without pages (HSDS). Any other value is JSON."""
    return request.GET.get("format", "").strip().lower() == "ndjson"


def _search(request: HttpRequest) -> str:
    return request.GET.get("search", "").strip()[:100]


def _lookup(queryset: QuerySet, pk: str) -> Any:
    try:
        key = UUID(pk)
    except ValueError:
        raise NotFound from None
    found = queryset.filter(pk=key).first()
    if found is None:
        raise NotFound
    return found


# ---------------------------------------------------------------------------------------------------------------
# Answers


def _ndjson(items: Iterable[Json]) -> HttpResponse:
    lines = "".join(json.dumps(item, ensure_ascii=False) + "\n" for item in items)
    return HttpResponse(lines.encode(), content_type=f"{NDJSON}; charset=utf-8")


def _list_answer(
    request: HttpRequest,
    queryset: QuerySet | list[Any],
    serialize: Callable[[Any], Json],
    *,
    default_size: int = hsds.DEFAULT_PAGE_SIZE,
    maximum: int = hsds.MAX_PAGE_SIZE,
    serialize_many: Callable[[list[Any]], list[Json]] | None = None,
) -> HttpResponse:
    """A `Page` of results, or with `format=ndjson` every result, one a line."""
    many = serialize_many or (lambda items: [serialize(item) for item in items])
    if _wants_ndjson(request):
        return _ndjson(many(list(queryset)))
    page, per_page = _paging(request, default=default_size, maximum=maximum)
    return _json(hsds.hsds_page(queryset, page=page, per_page=per_page, serialize=serialize, serialize_many=many))


# ---------------------------------------------------------------------------------------------------------------
# Root and description


@hsds_endpoint(varies_by_language=False)
def api_root(request: HttpRequest) -> HttpResponse:
    """Which HSDS version this API speaks, and where its description is (HSDS openapi.json: getAPIMetaInformation)."""
    return _json(
        {
            "version": hsds.HSDS_VERSION,
            "profile": hsds.HSDS_PROFILE_URL,
            "openapi_url": request.build_absolute_uri(reverse("hsds:openapi")),
        }
    )


@hsds_endpoint(varies_by_language=False)
def openapi(request: HttpRequest) -> HttpResponse:
    """This deployment's description of its HSDS API (derived from the official one: see `hsds_openapi`)."""
    return _json(hsds_openapi.description(server_url=_base_url(request) + reverse("hsds:root").rstrip("/")))


# ---------------------------------------------------------------------------------------------------------------
# Services and services at their location


def _filtered_services(request: HttpRequest) -> QuerySet[Service]:
    """Public services narrowed by the filters HSDS gives /services and /service_at_locations."""
    services = hsds.hsds_services()
    modified_after = _modified_after(request)  # read first: an unreadable value is a 400, whatever else is asked
    for name, field in (("organization_id", "organisation_id"), ("taxonomy_term_id", "category_id")):
        value = _id_filter(request, name)
        if value is False:
            return services.none()
        if value:
            services = services.filter(**{field: value})
    taxonomy_id = _id_filter(request, "taxonomy_id")
    if taxonomy_id is False or (taxonomy_id and str(taxonomy_id) != hsds.TAXONOMY_ID):
        return services.none()
    if modified_after:
        services = services.filter(updated_at__gte=modified_after)
    if search := _search(request):
        services = services.filter(
            Q(name__icontains=search)
            | Q(description__icontains=search)
            | Q(organisation__name__icontains=search)
            | Q(category__name__icontains=search)
            | Q(category__name_translations__icontains=search)
        )
    return services


@hsds_endpoint(parameters=SERVICE_LIST)
def service_list(request: HttpRequest) -> HttpResponse:
    """A page of public services: one-to-one fields and their organization; `full=true` fully nested,
    `minimal=true` just ids and dates (all in one page if possible)."""
    services = _filtered_services(request)
    base_url = _base_url(request)
    minimal, full = _flag(request, "minimal"), _flag(request, "full")
    if minimal:
        return _list_answer(
            request,
            services.prefetch_related(None),
            hsds.hsds_service_minimal,
            default_size=hsds.MINIMAL_PAGE_SIZE,
            maximum=hsds.MINIMAL_PAGE_SIZE,
        )
    if full:
        return _list_answer(request, services, lambda service: hsds.hsds_service(service, base_url=base_url))
    return _list_answer(
        request,
        services.prefetch_related(None),
        lambda service: hsds.hsds_service_summary(service, base_url=base_url),
    )


@hsds_endpoint()
def service_detail(request: HttpRequest, pk: str) -> HttpResponse:
    """One public service, fully nested. Anything else (members-only, inactive, unknown) answers 404."""
    service = _lookup(hsds.hsds_services(), pk)
    return _json(hsds.hsds_service(service, base_url=_base_url(request)))


@hsds_endpoint(parameters=SERVICE_AT_LOCATION_LIST)
def service_at_location_list(request: HttpRequest) -> HttpResponse:
    """Each public service at its location. Filters as /services, and `postcode`.

    `postcode` matches published addresses only: a confidential address's postal code is as secret as its street
    (a match would reveal it), so those services never match a postcode. `proximity` needs coordinates, which the
    directory does not keep: it is not offered (this deployment's openapi.json leaves it out).
    """
    services = _filtered_services(request)
    if postcode := request.GET.get("postcode", "").strip():
        services = services.filter(postal_code__iexact=postcode, address_is_confidential=False).exclude(address="")
    base_url = _base_url(request)
    full = _flag(request, "full")
    return _list_answer(
        request,
        services if full else services.prefetch_related(None),
        lambda service: hsds.hsds_service_at_location(service, base_url=base_url, full=full),
    )


@hsds_endpoint()
def service_at_location_detail(request: HttpRequest, pk: str) -> HttpResponse:
    """One public service at its location, fully nested.

    Its id is derived from the service's (see `hsds.derived_id`): found among the public services' ids in one query.
    """
    wanted = pk.strip().lower()
    ids = hsds.hsds_services().prefetch_related(None).values_list("id", flat=True)
    service_id = next((sid for sid in ids if hsds.derived_id(sid, "service_at_location") == wanted), None)
    if service_id is None:
        raise NotFound
    service = hsds.hsds_services().get(pk=service_id)
    return _json(hsds.hsds_service_at_location(service, base_url=_base_url(request), full=True))


# ---------------------------------------------------------------------------------------------------------------
# Organizations


def _with_services(base_url: str, *, full_service: bool) -> Callable[[list[Any]], list[Json]]:
    """Fully nested organizations, their public services read in one query for the whole page."""

    def serialize_many(organisations: list[Any]) -> list[Json]:
        by_organisation: dict[UUID, list[Service]] = {}
        services = hsds.hsds_services().filter(organisation__in=organisations)
        if not full_service:
            services = services.prefetch_related(None)
        for service in services:
            by_organisation.setdefault(service.organisation_id, []).append(service)
        return [
            hsds.hsds_organization(
                organisation,
                base_url=base_url,
                services=by_organisation.get(organisation.id, []),
                full_service=full_service,
            )
            for organisation in organisations
        ]

    return serialize_many


@hsds_endpoint(parameters=ORGANIZATION_LIST)
def organization_list(request: HttpRequest) -> HttpResponse:
    """A page of organizations (one-to-one fields; `full=true` or `full_service=true`: fully nested). Filter:
    search."""
    organisations = hsds.hsds_organizations()
    if search := _search(request):
        organisations = organisations.filter(Q(name__icontains=search) | Q(description__icontains=search))
    base_url = _base_url(request)
    full, full_service = _flag(request, "full"), _flag(request, "full_service")
    if full or full_service:
        many = _with_services(base_url, full_service=full_service)
        return _list_answer(request, organisations, lambda item: many([item])[0], serialize_many=many)
    return _list_answer(
        request,
        organisations,
        lambda organisation: hsds.hsds_organization_summary(organisation, base_url=base_url),
    )


@hsds_endpoint(parameters=("full_service",))
def organization_detail(request: HttpRequest, pk: str) -> HttpResponse:
    """One organization, fully nested, with its public services (fully nested too with `full_service=true`)."""
    organisation = _lookup(hsds.hsds_organizations(), pk)
    many = _with_services(_base_url(request), full_service=_flag(request, "full_service"))
    return _json(many([organisation])[0])


# ---------------------------------------------------------------------------------------------------------------
# Taxonomy


def _taxonomies(request: HttpRequest) -> list[Json]:
    taxonomy = hsds.hsds_taxonomy()
    search = _search(request).casefold()
    if search and not any(search in str(taxonomy[key]).casefold() for key in ("name", "description")):
        return []
    return [taxonomy]


@hsds_endpoint(parameters=TAXONOMY_LIST)
def taxonomy_list(request: HttpRequest) -> HttpResponse:
    """The one taxonomy used: the network's managed service categories. Filter: search."""
    return _list_answer(request, _taxonomies(request), lambda taxonomy: taxonomy)


@hsds_endpoint()
def taxonomy_detail(request: HttpRequest, pk: str) -> HttpResponse:
    if pk.strip().lower() != hsds.TAXONOMY_ID:
        raise NotFound
    return _json(hsds.hsds_taxonomy())


@hsds_endpoint(parameters=TAXONOMY_TERM_LIST)
def taxonomy_term_list(request: HttpRequest) -> HttpResponse:
    """The service categories as HSDS taxonomy terms. Filters: search, taxonomy_id, parent_id, top_only.

    The categories are one flat list: every term is a top term, and none has a parent (`parent_id` matches none).
    """
    categories = selectors.service_categories()
    _flag(request, "top_only")  # read (and checked) for its meaning only: every term is at the top
    taxonomy_id = _id_filter(request, "taxonomy_id")
    if taxonomy_id is False or (taxonomy_id and str(taxonomy_id) != hsds.TAXONOMY_ID):
        categories = categories.none()
    if request.GET.get("parent_id", "").strip():
        categories = categories.none()
    if search := _search(request):
        categories = categories.filter(
            Q(name__icontains=search)
            | Q(code__icontains=search)
            | Q(description__icontains=search)
            | Q(name_translations__icontains=search)
        )
    return _list_answer(request, categories, hsds.hsds_taxonomy_term)


@hsds_endpoint()
def taxonomy_term_detail(request: HttpRequest, pk: str) -> HttpResponse:
    category = _lookup(selectors.service_categories(), pk)
    return _json(hsds.hsds_taxonomy_term(category))
