"""Version 1 of the API, mounted under /api/v1/ (documented at /api/schema/)."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from .api import MeView, OrganisationViewSet, PartnershipViewSet

app_name = "api"

router = DefaultRouter()
router.register("organisations", OrganisationViewSet, basename="organisation")
router.register("partnerships", PartnershipViewSet, basename="partnership")

urlpatterns = [
    path("me/", MeView.as_view(), name="me"),
    *router.urls,
]
