"""Advocacy in version 1 of the API, mounted under /api/v1/ (documented at /api/schema/)."""

from rest_framework.routers import SimpleRouter

from .api import KeyMessageViewSet, OpportunityViewSet

app_name = "advocacy-api"

router = SimpleRouter()
router.register("advocacy/messages", KeyMessageViewSet, basename="key-message")
router.register("advocacy/opportunities", OpportunityViewSet, basename="opportunity")

urlpatterns = router.urls
