"""What each topic says, in a few words: what changed (the status), what it is about by its public name (the
service, the page) and, for a few topics, the public name of the member who acted. Never the personal data of a
person referred: their name, pseudonym or contact is never passed to a notification, so no text can hold it.

Each topic has a text without its subject (notifications written before they kept one, events without one) and
the subject follows it; a few have a sentence that holds it (`%(subject)s`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.utils.functional import Promise

TOPIC_TEXTS: dict[str, Promise] = {
    "referrals.received": _("You have a new referral"),
    "referrals.redirected": _("A referral was redirected to your service"),
    "referrals.accepted": _("Your referral was accepted"),
    "referrals.declined": _("Your referral was declined"),
    "referrals.appointment": _("An appointment was set for your referral"),
    "referrals.completed": _("Your referral was completed"),
    "referrals.cancelled": _("A referral was cancelled"),
    "referrals.consent_withdrawn": _("A referral was closed: consent ended"),
    "referrals.expired": _("A referral expired without an answer"),
    "referrals.reminder": _("A referral is waiting for your answer"),
    "referrals.message": _("New message on a referral"),
    "advocacy.message_proposed": _("A key message was proposed to the network: you may sign it"),
    "moderation.submitted": _("A contribution was submitted for moderation"),
    "moderation.published": _("Your contribution was published"),
    "moderation.changes_requested": _("Changes were requested on your contribution"),
}

# Topics whose sentence holds its subject. The others say the status in their own sentence and name the subject
# after it ("Your referral was accepted — Dental care · Clinique du Port"): their sentences keep the translations
# every language already has.
# Translators: %(subject)s is the title of a page (a resource, an advocacy page) written by a member.
TOPIC_TEXTS_ABOUT: dict[str, Promise] = {
    "moderation.submitted": _("“%(subject)s” was submitted for moderation"),
    "moderation.published": _("Your contribution “%(subject)s” was published"),
    "moderation.changes_requested": _("Changes were requested on your contribution “%(subject)s”"),
}

# Translators: %(actor)s is the public name (or pseudonym) of a member of the same organisation.
TOPIC_TEXTS_BY: dict[str, Promise] = {
    "moderation.submitted": _("%(actor)s submitted “%(subject)s” for moderation"),
}


def topic_text(topic: str, subject: str = "", actor_name: str = "") -> str:
    """The text of a notification of `topic` about `subject` (a public name), done by `actor_name` (a public
    name) where the topic says who acted."""
    if subject and actor_name and topic in TOPIC_TEXTS_BY:
        return str(TOPIC_TEXTS_BY[topic]) % {"subject": subject, "actor": actor_name}
    if subject and topic in TOPIC_TEXTS_ABOUT:
        return str(TOPIC_TEXTS_ABOUT[topic]) % {"subject": subject}
    text = str(TOPIC_TEXTS.get(topic, _("Something changed on Passerelle")))
    return f"{text} — {subject}" if subject else text
