"""The observatory in version 1 of the API, mounted under /api/v1/ (documented at /api/schema/)."""

from django.urls import path

from .api import ObservatoryTableListView, ObservatoryTableView, OwnOrganisationTableView

app_name = "observatory-api"

urlpatterns = [
    path("observatory/tables/", ObservatoryTableListView.as_view(), name="table-list"),
    path("observatory/tables/<slug:table>/", ObservatoryTableView.as_view(), name="table-detail"),
    path(
        "observatory/organisations/<uuid:id>/tables/<slug:table>/",
        OwnOrganisationTableView.as_view(),
        name="own-table",
    ),
]
