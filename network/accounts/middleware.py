from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse

from network.orgs import policy

ALWAYS_ALLOWED_PREFIXES = ("/static/", "/media/", "/healthz/")


class TwoFactorRequiredMiddleware:
    """Hold back members whose role can read referral personal data until they have enrolled in TOTP.

    Pages send them to the enrolment page; the API answers 403 with the reason. Sign-out, the MFA pages
    and the language switch stay reachable.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not self._is_exempt(request.path_info)
            and policy.two_factor_missing(user)
        ):
            if request.path_info.startswith("/api/"):
                return JsonResponse(
                    {"detail": "Two-factor authentication must be set up for this account first."}, status=403
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
            return True
        module = getattr(match.func, "__module__", "") or ""
        return module.startswith("allauth.") or match.url_name == "set_language"
