"""The library's member screens, mounted under the language prefix (/<lang>/publish/...)."""

from django.urls import path

from . import views

app_name = "resources"

urlpatterns = [
    path("publish/resource/", views.publish_resource, name="publish"),
]
