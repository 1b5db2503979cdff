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

# The service directory (read only), on its own router so the lines above stay as they are.
from rest_framework.routers import SimpleRouter  # noqa: E402

from .api_services import ServiceViewSet  # noqa: E402

services_router = SimpleRouter()
services_router.register("services", ServiceViewSet, basename="service")
urlpatterns += services_router.urls
