"""The service directory in the REST API: GET /api/v1/services/ and /api/v1/services/{id}/ (read only).

The list is scoped by the policy's selector (DRF applies no object permission to lists): public services for
everyone, members-only ones for network members. A confidential address is null unless the policy lets the caller
see it. Opening hours are prefetched: the number of queries does not grow with the page.
"""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.permissions import AllowAny

from network.orgs.api import ERROR_400, ERROR_403, ERROR_404, LANGUAGE_CODE_PATTERN

from . import selectors
from .models import Service
from .serializers import ServiceSerializer


class ServiceFilter(django_filters.FilterSet):
    category = django_filters.CharFilter(
        field_name="category__code", help_text="A category code, e.g. sexual-health-testing."
    )
    language = django_filters.CharFilter(
        method="filter_language", help_text="A language the service speaks or has an interpreter for, e.g. ro."
    )
    organisation = django_filters.UUIDFilter(field_name="organisation_id", help_text="An organisation id.")
    accepts_referrals = django_filters.BooleanFilter(help_text="Only services that take referrals (or not).")

    class Meta:
        model = Service
        fields = ["category", "language", "organisation", "accepts_referrals"]

    def filter_language(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        code = value.strip().lower()
        if not LANGUAGE_CODE_PATTERN.match(code):
            return queryset.none()
        return queryset.filter(selectors.speaks_language(code))


@extend_schema_view(
    list=extend_schema(
        summary="The service directory",
        description="Public services for everyone; services shown to members only for members of the network.",
        responses={200: ServiceSerializer(many=True), 400: ERROR_400, 403: ERROR_403},
    ),
    retrieve=extend_schema(
        summary="One service",
        responses={200: ServiceSerializer, 403: ERROR_403, 404: ERROR_404},
    ),
)
class ServiceViewSet(viewsets.ReadOnlyModelViewSet):
    """Active services of active organisations that the caller may see."""

    serializer_class = ServiceSerializer
    permission_classes = [AllowAny]
    queryset = Service.objects.none()  # the real one is per user: see get_queryset
    filter_backends = [DjangoFilterBackend]
    filterset_class = ServiceFilter

    def get_queryset(self) -> QuerySet[Service]:
        return selectors.directory_services(self.request.user).order_by("organisation__name", "name", "id")
