"""Members whose role can read referral personal data enrol in TOTP before doing anything else."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _

from network.accounts import two_factor

ALWAYS_ALLOWED_PREFIXES = ("/static/", "/media/", "/healthz/")


class TwoFactorRequiredMiddleware:
    """Hold back members who must use two-factor authentication until they have enrolled.

    Pages send them to the enrolment page; the API answers 403 with the reason. Every allauth page (sign-out,
    re-authentication, the two-factor pages) and the language switch stay reachable, under any language
    prefix, since they are resolved rather than matched by path. The decision itself is the policy's
    (`two_factor.two_factor_missing`), which the demo setting `PASSERELLE_REQUIRE_TWO_FACTOR` relaxes.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and two_factor.two_factor_missing(user)  # read with the policy's facts, which the page needs anyway
            and not self._is_exempt(request.path_info)  # resolves the path: only for those held back
        ):
            if request.path_info.startswith("/api/"):
                return JsonResponse(
                    {"detail": _("Two-factor authentication must be set up for this account first.")}, status=403
                )
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)

    @staticmethod
    def _is_exempt(path: str) -> bool:
        if path.startswith(ALWAYS_ALLOWED_PREFIXES):
            return True
        try:
            match = resolve(path)
        except Resolver404:
            return True  # nothing to protect: the 404 page
        module = getattr(match.func, "__module__", "") or ""
        return module.startswith("allauth.") or match.url_name == "set_language"


class PrivateResponsesMiddleware:
    """Whatever a signed-in person (session or API token) is shown is theirs alone: never kept by a cache.

    Views may set stricter headers themselves; this is the floor for every page and API answer, so a new screen
    that shows members, notifications or personal data cannot be cached by forgetting a decorator.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)  # DRF sets the token's user here too
        if user is not None and user.is_authenticated and "no-store" not in response.get("Cache-Control", ""):
            patch_cache_control(response, private=True, no_cache=True, no_store=True, must_revalidate=True, max_age=0)
            response.headers.pop("Expires", None)
        return response
