"""Members' own account pages (allauth owns sign-in, passwords, two-factor and sessions)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, translate_url
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from rest_framework.authtoken.models import Token

from . import services
from .forms import NamesForm, PreferencesForm
from .languages import language_of
from .menu import uses_api


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def api_token(request: HttpRequest) -> HttpResponse:
    """Create (shown once), replace or revoke the member's own API token.

    The two-factor middleware has already sent members who must enrol to enrolment, so a token never
    outlives the rule. The key is shown in the response to the POST that created it and never again.
    Only roles whose work goes through the API have the page (`AccountAction.USE_API`); for the others it does not
    exist (404), as the menu does not offer it.
    """
    if not uses_api(request.user):
        raise Http404
    new_key = None
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "create":
            new_key = services.api_token_create(user=request.user)
        elif action == "revoke":
            if services.api_token_revoke(user=request.user):
                messages.success(request, _("Your API token was revoked. Programs using it can no longer sign in."))
            return redirect("accounts:api_token")
        else:
            return redirect("accounts:api_token")
    token = Token.objects.filter(user=request.user).only("created").first()
    return render(request, "accounts/api_token.html", {"token": token, "new_key": new_key})


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    """The member's own profile: how they appear and sign (public name, real name, whether it is shown), the
    language the platform, its emails and its notifications speak to them in, and how notifications reach their
    email (automatic, each event, a daily digest, or none). Two forms, told apart by `section`.

    After a change of language the member lands on this page in that language (and the language cookie follows,
    so unprefixed links from emails open in it too).
    """
    user = request.user
    names_form = NamesForm(instance=user, prefix="names")
    form = None
    if request.method == "POST" and request.POST.get("section") == "names":
        names_form = NamesForm(request.POST, instance=user, prefix="names")
        if names_form.is_valid():
            services.user_names_update(
                user=user,
                public_name=names_form.cleaned_data["public_name"],
                first_name=names_form.cleaned_data["first_name"],
                last_name=names_form.cleaned_data["last_name"],
                show_real_name=names_form.cleaned_data["show_real_name"],
            )
            messages.success(request, _("Your name was saved."))
            return redirect(reverse("accounts:profile") + "#name")
        user.refresh_from_db(fields=["public_name", "first_name", "last_name", "show_real_name"])
    elif request.method == "POST":
        form = PreferencesForm(request.POST)
        if form.is_valid():
            services.user_preferences_update(
                user=user,
                language=form.cleaned_data["language"],
                notification_email=form.cleaned_data["notification_email"] or None,
            )
            language = language_of(user)
            with translation.override(language):
                messages.success(request, _("Your preferences were saved."))
            response = redirect(translate_url(reverse("accounts:profile"), language))
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            )
            return response
    if form is None:
        initial_language = language_of(user, default=translation.get_language())
        form = PreferencesForm(initial={"language": initial_language, "notification_email": user.notification_email})
    return render(
        request,
        "accounts/profile.html",
        {"form": form, "names_form": names_form, "shown_as": user.display_name},
    )


def admin_login(request: HttpRequest) -> HttpResponse:
    """Send Wagtail's own login page to allauth's.

    Wagtail's login form signs in with a password alone: left reachable, it would skip two-factor
    authentication. `WAGTAILADMIN_LOGIN_URL` only changes where Wagtail sends anonymous visitors, so the
    URL map routes /admin/login/ here.
    """
    url = reverse("account_login")
    next_url = request.GET.get("next", "")
    if next_url and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        url = f"{url}?{urlencode({'next': next_url})}"
    return redirect(url)


def closed_screen(request: HttpRequest) -> HttpResponse:
    """An inherited screen the platform does not offer: Wagtail's deliberate crash page (`/admin/failwhale/`),
    which any editor could use to fill the error reports. 404 to everyone."""
    raise Http404
