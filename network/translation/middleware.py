"""Turn a machine translation failure in wagtail-localize's admin views into a message, not a server error."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from network.translation.machine_translators import MachineTranslationError


class MachineTranslationErrorMiddleware:
    """wagtail-localize lets a translator's exception through its "Translate with …" and "Sync" views; the editor
    gets the reason and goes back to where they were. Those views run in a transaction, so nothing was saved."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, MachineTranslationError):
            return None
        messages.error(request, str(exception))
        next_url = request.POST.get("next") or request.GET.get("next") or ""
        if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
            next_url = reverse("wagtailadmin_home")
        return HttpResponseRedirect(next_url)
