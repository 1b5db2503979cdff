"""The service directory in version 1 of the API, mounted under /api/v1/ (documented at /api/schema/)."""

from rest_framework.routers import SimpleRouter

from .api import ServiceViewSet

app_name = "directory-api"

router = SimpleRouter()
router.register("services", ServiceViewSet, basename="service")

urlpatterns = router.urls
