from django.urls import path

from .views import members, partnerships, public
from .views import moderation as moderation_views

app_name = "orgs"

urlpatterns = [
    # Public directory (public fields only)
    path("organisations/", public.directory, name="directory"),
    path("organisations/<slug:slug>/", public.detail, name="detail"),
    # Members' area
    path("dashboard/", members.dashboard, name="dashboard"),
    path("manage/<slug:slug>/profile/", members.edit_profile, name="edit_profile"),
    path("manage/<slug:slug>/members/", members.member_list, name="members"),
    path("manage/<slug:slug>/members/invite/", members.member_invite, name="member_invite"),
    path("manage/<slug:slug>/members/<uuid:membership_id>/", members.member_edit, name="member_edit"),
    # Partnerships
    path("partnerships/", partnerships.partnership_list, name="partnerships"),
    path("partnerships/propose/", partnerships.partnership_propose, name="partnership_propose"),
    path("partnerships/<uuid:pk>/", partnerships.partnership_detail, name="partnership_detail"),
    path("manage/<slug:slug>/moderation/", moderation_views.moderation_settings, name="moderation"),
    path(
        "partnerships/<uuid:pk>/<str:transition>/",
        partnerships.partnership_transition,
        name="partnership_transition",
    ),
]

# Service directory: public pages, and each organisation's services managed by its coordinators.
from .views import services as service_views  # noqa: E402  (appended section, kept apart from the lines above)

urlpatterns += [
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
