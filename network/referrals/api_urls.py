"""Referrals in version 1 of the API, mounted under /api/v1/ beside the organisations (documented at /api/schema/)."""

from rest_framework.routers import SimpleRouter

from .api import ReferralViewSet

app_name = "referrals-api"

router = SimpleRouter()
router.register("referrals", ReferralViewSet, basename="referral")

urlpatterns = router.urls
