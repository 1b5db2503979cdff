"""What each topic says, in a few words, with a reference number. Never personal data."""

from django.utils.translation import gettext_lazy as _

TOPIC_TEXTS = {
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
}


def topic_text(topic: str) -> str:
    return str(TOPIC_TEXTS.get(topic, _("Something changed on Passerelle")))
