"""The advocacy calendar's addresses (language-prefixed): /<lang>/advocacy/calendar/ and its .ics feed."""

from django.urls import path

from .views import calendar as views

app_name = "advocacy_calendar"

urlpatterns = [
    path("advocacy/calendar/", views.calendar_list, name="list"),
    path("advocacy/calendar.ics", views.calendar_ics, name="ics"),
]
