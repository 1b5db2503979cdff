""" "Write a contribution": a contributor starts an advocacy page from the site, signed as they choose, and goes on
writing it in the page editor (where peers submit it for moderation). The admin's page tree is not the way in."""

from __future__ import annotations

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from network.accounts.names import public_name_of
from network.advocacy.rules import AdvocacyAction
from network.core.responses import forbidden
from network.core.service_errors import add_service_errors
from network.orgs import policy
from network.orgs.policy import AccessDenied

from .. import services
from ..forms import ContributionForm


@login_required
@require_http_methods(["GET", "POST"])
def contribute(request: HttpRequest) -> HttpResponse:
    """Choose the organisation (for members of several), a working title and the signature; the draft is made in
    the organisation's space and its editor opens."""
    user = request.user
    organisations = (
        policy.organisations_where(user, AdvocacyAction.CONTRIBUTE_ADVOCACY)
        .filter(space_page__isnull=False)
        .order_by("name")
    )
    if not organisations.exists():
        return forbidden(
            request,
            _("Only coordinators, staff and peer workers of an organisation write advocacy pages."),
            back_url=reverse("orgs:dashboard"),
            back_label=_("Back to the dashboard"),
        )
    form = ContributionForm(request.POST or None, organisations=organisations, public_name=public_name_of(user))
    if request.method == "POST" and form.is_valid():
        try:
            page = services.advocacy_page_start(
                organisation=form.cleaned_data["organisation"],
                acting_user=user,
                title=form.cleaned_data["title"],
                signature_kind=form.cleaned_data["signature_kind"],
                signature_pseudonym=form.cleaned_data["signature_pseudonym"],
            )
        except AccessDenied:
            form.add_error("organisation", _("You cannot write advocacy pages for this organisation."))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            flash.success(request, _("Your draft is saved. Write it here; when it is ready, submit it for moderation."))
            return redirect("wagtailadmin_pages:edit", page.pk)
    response = render(request, "advocacy/contributions/start.html", {"form": form})
    add_never_cache_headers(response)
    return response
