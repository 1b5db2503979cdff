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
    path(
        "manage/<slug:slug>/invitations/<uuid:invitation_id>/cancel/",
        members.invitation_cancel,
        name="invitation_cancel",
    ),
    # The emailed link: a signed id, never the address
    path("invitations/<str:token>/", members.invitation, name="invitation"),
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
