"""The observatory in the REST API (read only), under the same rules as its pages:

- GET /api/v1/observatory/tables/: the table catalogue, each with the granularities, regions and own
  organisations the caller may ask for;
- GET /api/v1/observatory/tables/{table}/: one released (disclosure-controlled) table of the network, or of a
  region (`?region=`) for the members of its organisations and network administrators;
- GET /api/v1/observatory/organisations/{id}/tables/{table}/: an organisation's own exact figures, for its
  coordinators and staff only.

A refusal answers 401 to a caller who is not signed in (signing in may open it) and 404 otherwise, exactly like
an unknown table, region or organisation. Suppressed cells are `null`, never their value.
"""

from __future__ import annotations

import uuid
from typing import NoReturn

from django.utils.cache import patch_cache_control
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.exceptions import NotAuthenticated, NotFound
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from network.orgs import policy
from network.orgs.api import ERROR_400, ERROR_404, ErrorSerializer

from . import selectors
from .choices import offered_years, scope_choices, tables_for
from .rules import FigureView, ObservatoryAction, granularities_for
from .serializers import (
    CatalogueEntrySerializer,
    OwnTableQuerySerializer,
    ReleasedTableSerializer,
    TableQuerySerializer,
)
from .tables import Granularity, Scope

ERROR_401 = OpenApiResponse(ErrorSerializer, description="Not signed in: these figures are for signed-in members.")
NOT_FOUND = _("No such figures, or figures you may not see.")
TABLE_PARAMETER = OpenApiParameter("table", str, OpenApiParameter.PATH, description="A key of the table catalogue.")


def _refuse(request: Request) -> NoReturn:
    if not policy.is_signed_in(request.user):
        raise NotAuthenticated()
    raise NotFound(NOT_FOUND)


def _cached_for(request: Request, response: Response) -> Response:
    if policy.is_signed_in(request.user):
        patch_cache_control(response, private=True, no_store=True)
    else:
        patch_cache_control(response, public=True, max_age=15 * 60)
    return response


class ObservatoryTableListView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        summary="The observatory's tables",
        description="Every table, with what the caller may ask of it: granularities, regions, own organisations.",
        responses={200: CatalogueEntrySerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        scopes = scope_choices(request.user)
        regions = [scope.key for scope in scopes if scope.scope == Scope.REGION]
        own = [scope.key for scope in scopes if scope.scope == Scope.ORGANISATION]
        granularities = [g.value for g in granularities_for(request.user, Scope.NETWORK)]
        own_tables = {spec.key for spec in tables_for(Scope.ORGANISATION)}
        years = offered_years()
        entries = [
            {
                "key": spec.key,
                "title": str(spec.title),
                "row_label": str(spec.row_label),
                "group": spec.group,
                "granularities": [g for g in granularities if Granularity(g) in spec.granularities],
                "regions": regions if Scope.REGION in spec.scopes else [],
                "own_organisations": own if spec.key in own_tables else [],
                "years": years,
            }
            for spec in tables_for(Scope.NETWORK)
        ]
        return _cached_for(request, Response(CatalogueEntrySerializer(entries, many=True).data))


class ObservatoryTableView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        summary="One released table",
        description="The network's disclosure-controlled figures for a year (per year or quarter for everyone, per "
        "month for members), or a region's (`region`) for the members of its organisations and network "
        "administrators. Suppressed cells are null.",
        parameters=[TABLE_PARAMETER, TableQuerySerializer],
        responses={200: ReleasedTableSerializer, 400: ERROR_400, 401: ERROR_401, 404: ERROR_404},
    )
    def get(self, request: Request, table: str) -> Response:
        query = TableQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        granularity = Granularity(query.validated_data["granularity"])
        region = query.validated_data.get("region", "")
        scope = Scope.REGION if region else Scope.NETWORK
        if not policy.can(request.user, ObservatoryAction.VIEW_FIGURES, FigureView(scope, region, granularity)):
            _refuse(request)
        year = query.validated_data.get("year") or offered_years()[0]
        released = selectors.released_table(table, scope, region, granularity, year)
        if released is None:
            raise NotFound(NOT_FOUND)
        return _cached_for(request, Response(ReleasedTableSerializer(released).data))


class OwnOrganisationTableView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        summary="An organisation's own figures",
        description="Exact (not rounded: they are its own) for its coordinators and staff; anyone else gets 404.",
        parameters=[TABLE_PARAMETER, OwnTableQuerySerializer],
        responses={200: ReleasedTableSerializer, 400: ERROR_400, 401: ERROR_401, 404: ERROR_404},
    )
    def get(self, request: Request, id: uuid.UUID, table: str) -> Response:  # noqa: A002  (the path's name)
        key = str(id)
        if not policy.can(request.user, ObservatoryAction.VIEW_FIGURES, FigureView(Scope.ORGANISATION, key)):
            _refuse(request)
        query = OwnTableQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        granularity = Granularity(query.validated_data["granularity"])
        year = query.validated_data.get("year") or offered_years()[0]
        own = selectors.own_organisation_table(key, table, granularity, year)
        if own is None:
            raise NotFound(NOT_FOUND)
        return _cached_for(request, Response(ReleasedTableSerializer(own).data))
