"""The resource library in version 1 of the API, mounted under /api/v1/ (documented at /api/schema/)."""

from rest_framework.routers import SimpleRouter

from .api import ResourceViewSet

app_name = "resources-api"

router = SimpleRouter()
router.register("resources", ResourceViewSet, basename="resource")

urlpatterns = router.urls
