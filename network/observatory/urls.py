"""The observatory's addresses (language-prefixed): /<lang>/observatory/…"""

from django.urls import path

from . import views

app_name = "observatory"

urlpatterns = [
    path("", views.observatory, name="index"),
    path("export/<slug:fmt>/", views.network_export, name="export"),
    path("report/<int:year>/", views.yearly_report, name="report"),
    path("regions/<slug:code>/", views.region_observatory, name="region"),
    path("regions/<slug:code>/export/<slug:fmt>/", views.region_export, name="region_export"),
    path("organisations/<uuid:organisation_id>/", views.organisation_observatory, name="organisation"),
    path(
        "organisations/<uuid:organisation_id>/export/<slug:fmt>/",
        views.organisation_export,
        name="organisation_export",
    ),
]
