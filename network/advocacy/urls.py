"""Advocacy screens, mounted under the language prefix at /<lang>/advocacy/."""

from django.urls import path

from .views import contributions, invitations, messages

app_name = "advocacy"

urlpatterns = [
    path("contribute/", contributions.contribute, name="contribute"),
    path("messages/", messages.message_list, name="message_list"),
    path("messages/new/", messages.message_create, name="message_create"),
    path("messages/<uuid:pk>/", messages.message_detail, name="message_detail"),
    path("messages/<uuid:pk>/edit/", messages.message_edit, name="message_edit"),
    path("messages/<uuid:pk>/history/", messages.message_history, name="message_history"),
    path("messages/<uuid:pk>/sign/", messages.message_sign, name="message_sign"),
    path("messages/<uuid:pk>/withdraw-signature/", messages.message_withdraw, name="message_withdraw"),
    path("messages/<uuid:pk>/<str:transition>/", messages.message_transition, name="message_transition"),
    path("invitations/", invitations.invitation_list, name="invitations"),
    path(
        "invitations/participation/<uuid:pk>/<str:answer>/",
        invitations.participation_answer,
        name="participation_answer",
    ),
    path(
        "invitations/co-authorship/<uuid:translation_key>/<uuid:organisation_id>/<str:answer>/",
        invitations.coauthorship_answer,
        name="coauthorship_answer",
    ),
]
