"""The site's URLs plus /bench/bare/: a bare Django view served by the same gunicorn, the yardstick of the run."""

from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.urls import path

from network import urls


def bare_view(request: HttpRequest) -> HttpResponse:
    """One query and a tiny response: what the framework costs on this machine."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        (value,) = cursor.fetchone()
    return HttpResponse(f"<!doctype html><title>bare</title><p>{value}</p>")


urlpatterns = [path("bench/bare/", bare_view), *urls.urlpatterns]
