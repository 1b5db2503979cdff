from django.urls import path

from .views import slip, workspace

app_name = "referrals"

urlpatterns = [
    path("", workspace.inbox, name="inbox"),
    path("sent/", workspace.sent, name="sent"),
    path("new/", workspace.new, name="new"),
    path("<uuid:pk>/", workspace.detail, name="detail"),
    path("<uuid:pk>/messages/", workspace.message_post, name="message_post"),
    path("<uuid:pk>/access-log/", workspace.access_log, name="access_log"),
    path("<uuid:pk>/slip/", slip.slip, name="slip"),
    path("<uuid:pk>/slip/appointment.ics", slip.slip_ics, name="slip_ics"),
    path("<uuid:pk>/slip/send/", slip.slip_send, name="slip_send"),
    path("<uuid:pk>/<str:action>/", workspace.transition, name="transition"),
]
