"""The service directory's pages: public ones, and each organisation's services managed by its coordinators."""

from django.urls import path

from .views import services as service_views

app_name = "directory"

urlpatterns = [
    path("services/", service_views.service_directory, name="service_directory"),
    path("services/<uuid:pk>/", service_views.service_detail, name="service_detail"),
    path("manage/<slug:slug>/services/", service_views.service_manage_list, name="services_manage"),
    path("manage/<slug:slug>/services/new/", service_views.service_create, name="service_create"),
    path("manage/<slug:slug>/services/<uuid:pk>/", service_views.service_edit, name="service_edit"),
    path("manage/<slug:slug>/services/<uuid:pk>/active/", service_views.service_set_active, name="service_set_active"),
    path(
        "manage/<slug:slug>/services/<uuid:pk>/verified/",
        service_views.service_mark_verified,
        name="service_mark_verified",
    ),
]
