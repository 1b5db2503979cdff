"""The coordinators' moderation screen: switch the organisation's page moderation on or off, and see what waits.

Only those the policy lets change the organisation (its coordinators, network admins) reach it; anyone else gets
404, as for an organisation that does not exist. The decision and its audit entry are in `network.orgs.moderation`.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from network.orgs.rules import OrganisationAction

from .. import moderation, policy


class ModerationForm(forms.Form):
    enabled = forms.BooleanField(
        label=gettext_lazy(
            "Pages written by peer workers are approved by our coordinators or staff before publication"
        ),
        required=False,
    )


@login_required
@require_http_methods(["GET", "POST"])
def moderation_settings(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = get_object_or_404(
        policy.organisations_where(request.user, OrganisationAction.CHANGE_ORGANISATION), slug=slug
    )
    enabled = moderation.moderation_is_enabled(organisation)
    form = ModerationForm(request.POST or None, initial={"enabled": enabled})
    if request.method == "POST" and form.is_valid():
        try:
            if form.cleaned_data["enabled"]:
                moderation.moderation_enable(organisation=organisation, acting_user=request.user)
                messages.success(request, _("Moderation is on."))
            else:
                moderation.moderation_disable(organisation=organisation, acting_user=request.user)
                messages.success(request, _("Moderation is off: editors publish directly."))
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            return redirect(request.path)
    return render(
        request,
        "orgs/moderation.html",
        {
            "organisation": organisation,
            "enabled": enabled,
            "form": form,
            "awaiting": moderation.pages_awaiting_moderation(organisation) if enabled else [],
        },
    )
