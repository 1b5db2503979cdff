"""The real URL map plus one API probe, to exercise API authentication before any real endpoint exists."""

from django.urls import path
from rest_framework.response import Response
from rest_framework.views import APIView

from network.urls import urlpatterns as real_urlpatterns


class WhoAmI(APIView):
    """Uses the project's default authentication classes and permissions, like every API view."""

    def get(self, request):
        return Response({"username": request.user.username if request.user.is_authenticated else None})

    def post(self, request):
        return Response({"username": request.user.username}, status=201)


urlpatterns = [path("api/v1/probe/whoami/", WhoAmI.as_view(), name="api-probe-whoami"), *real_urlpatterns]
