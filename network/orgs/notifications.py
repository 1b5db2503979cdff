"""Outbox handlers for organisations: short emails that name organisations and link to the platform.

They read everything from ids when they run; nothing personal travels through the outbox or Celery.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from network.accounts.models import User
from network.orgs import selectors as org_selectors
from network.orgs.rules import OrganisationAction
from network.outbox.handlers import handles
from network.outbox.models import OutboxMessage

from .models import Membership, Organisation, Partnership


def _coordinators(organisation: Organisation) -> Iterable[User]:
    """Who answers for the organisation's partnerships: decided by the policy."""
    return org_selectors.organisation_users_who_can(organisation, OrganisationAction.PROPOSE_PARTNERSHIP)


def send_templated_mail(*, recipients: Iterable[User], template: str, context: dict) -> int:
    """Send one email per recipient, in the recipient's language."""
    sent = 0
    for user in recipients:
        language = user.language or settings.LANGUAGE_CODE
        with translation.override(language):
            subject = render_to_string(f"{template}_subject.txt", context).strip()
            body = render_to_string(f"{template}_body.txt", {**context, "recipient": user})
        sent += EmailMessage(subject=subject, body=body, to=[user.email]).send()
    return sent


def _link(view_name: str, **kwargs) -> str:
    return settings.PUBLIC_BASE_URL + reverse(view_name, kwargs=kwargs)


@handles("orgs.partnership.proposed")
def partnership_proposed(message: OutboxMessage) -> None:
    partnership = Partnership.objects.select_related("proposer", "partner").get(pk=message.object_id)
    send_templated_mail(
        recipients=_coordinators(partnership.partner),
        template="orgs/email/partnership_proposed",
        context={"partnership": partnership, "link": _link("orgs:partnerships")},
    )


@handles("orgs.partnership.accepted")
def partnership_accepted(message: OutboxMessage) -> None:
    partnership = Partnership.objects.select_related("proposer", "partner").get(pk=message.object_id)
    send_templated_mail(
        recipients=_coordinators(partnership.proposer),
        template="orgs/email/partnership_accepted",
        context={"partnership": partnership, "link": _link("orgs:partnerships")},
    )


@handles("orgs.partnership.declined")
def partnership_declined(message: OutboxMessage) -> None:
    partnership = Partnership.objects.select_related("proposer", "partner").get(pk=message.object_id)
    send_templated_mail(
        recipients=_coordinators(partnership.proposer),
        template="orgs/email/partnership_declined",
        context={"partnership": partnership, "link": _link("orgs:partnerships")},
    )


@handles("orgs.partnership.ended")
def partnership_ended(message: OutboxMessage) -> None:
    partnership = Partnership.objects.select_related("proposer", "partner", "ended_by").get(pk=message.object_id)
    ended_by_proposer = Membership.objects.filter(
        user_id=partnership.ended_by_id, organisation=partnership.proposer
    ).exists()
    other_side = partnership.partner if ended_by_proposer else partnership.proposer
    send_templated_mail(
        recipients=_coordinators(other_side),
        template="orgs/email/partnership_ended",
        context={"partnership": partnership, "link": _link("orgs:partnerships")},
    )


@handles("accounts.invited")
def member_invited(message: OutboxMessage) -> None:
    """Invite a new member to choose a password, with allauth's password-reset key."""
    from allauth.account.forms import default_token_generator
    from allauth.account.utils import user_pk_to_url_str

    membership = Membership.objects.select_related("user", "organisation").get(pk=message.object_id)
    user = membership.user
    if not user.is_active or user.has_usable_password():
        return
    key = default_token_generator.make_token(user)
    link = settings.PUBLIC_BASE_URL + reverse(
        "account_reset_password_from_key", kwargs={"uidb36": user_pk_to_url_str(user), "key": key}
    )
    send_templated_mail(
        recipients=[user],
        template="orgs/email/member_invited",
        context={"organisation": membership.organisation, "link": link},
    )
