"""The staff workspace: who reaches which screen, the referral form, the referral page, actions and access log."""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from network.orgs.models import Role
from network.referrals import services
from network.referrals.models import AccessLogEntry, Referral, ReferralMessage, ReferralStatus
from tests import factories

from .test_workspace_fixtures import (
    CONTACT_DETAIL,
    NEEDS,
    PERSON_NAME,
    form_data,
    in_english,
    make_service,
    network,
    send,
    shared_network,
)

pytestmark = pytest.mark.django_db
__all__ = ["in_english", "network", "shared_network"]  # fixtures, imported for pytest


def detail_url(referral: Referral) -> str:
    return reverse("referrals:detail", kwargs={"pk": referral.pk})


def action_url(referral: Referral, action: str) -> str:
    return reverse("referrals:transition", kwargs={"pk": referral.pk, "action": action})


def no_store(response) -> bool:
    return "no-store" in response.headers.get("Cache-Control", "")


# ---------------------------------------------------------------------------------------------------------------
# Who reaches what


@pytest.mark.parametrize("who", ["sender_staff", "sender_coordinator", "receiver_staff", "receiver_coordinator"])
def test_staff_and_coordinators_of_both_sides_reach_the_workspace_and_the_referral(network, signed_in, who):
    # Given a referral between their two organisations
    referral = send(network)
    client = signed_in(getattr(network, who))
    # When they open the lists and the referral page, then each answers 200
    for name in ("referrals:inbox", "referrals:sent", "referrals:new"):
        assert client.get(reverse(name)).status_code == 200
    assert client.get(detail_url(referral)).status_code == 200


@pytest.mark.parametrize("who", ["peer", "volunteer", "admin"])
def test_people_without_a_referral_role_get_a_403_for_the_workspace_and_404_for_referrals(network, signed_in, who):
    # Given a referral sent by the organisation the peer and volunteer belong to
    referral = send(network)
    client = signed_in(getattr(network, who))
    # When they open the lists: a 403 page with the reason, which says nothing about any referral
    for name in ("referrals:inbox", "referrals:sent"):
        response = client.get(reverse(name))
        assert response.status_code == 403
        assert "Referrals are for staff and coordinators." in response.content.decode()
    assert client.get(reverse("referrals:new")).status_code == 403
    # And the referral, its access log and its actions answer 404, exactly like a missing referral
    assert client.get(detail_url(referral)).status_code == 404
    assert client.get(reverse("referrals:access_log", kwargs={"pk": referral.pk})).status_code == 404
    assert client.post(action_url(referral, "accept")).status_code == 404
    assert Referral.objects.get(pk=referral.pk).status == ReferralStatus.SENT


def test_unrelated_organisation_gets_404_for_referral_and_its_access_log(network, signed_in):
    # Given a referral between two other organisations, and an id that exists nowhere
    referral = send(network)
    missing = uuid.uuid4()
    client = signed_in(network.unrelated_staff)
    # When a staff member of an unrelated organisation asks for it, then it answers as a missing one does
    for pk in (referral.pk, missing):
        assert client.get(reverse("referrals:detail", kwargs={"pk": pk})).status_code == 404
        assert client.get(reverse("referrals:access_log", kwargs={"pk": pk})).status_code == 404
        assert client.post(reverse("referrals:message_post", kwargs={"pk": pk}), {"body": "hi"}).status_code == 404
        assert client.post(reverse("referrals:transition", kwargs={"pk": pk, "action": "cancel"})).status_code == 404
    # And their own inbox is empty, not a 403 (they do have a referral role)
    response = client.get(reverse("referrals:inbox"))
    assert response.status_code == 200
    assert referral.number not in response.content.decode()
    assert ReferralMessage.objects.count() == 0


def test_signed_out_visitors_are_sent_to_sign_in(network, client):
    referral = send(network)
    for url in (reverse("referrals:inbox"), reverse("referrals:new"), detail_url(referral)):
        response = client.get(url)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


# ---------------------------------------------------------------------------------------------------------------
# The referral form


def test_referral_form_starts_with_the_consent_step_and_offers_partner_services_only(network, signed_in):
    # Given a service of an organisation that is not a partner and takes referrals from partners only
    stranger_service = make_service(network.unrelated, "Partners-only clinic")
    # When the sender's staff opens the form
    response = signed_in(network.sender_staff).get(reverse("referrals:new"))
    html = response.content.decode()
    # Then the consent fieldset comes first, with a legend and a checkbox per personal field
    assert response.status_code == 200
    assert no_store(response)
    assert html.index("Consent</legend>") < html.index("The person</legend>") < html.index("The service</legend>")
    assert html.count('name="shared_fields"') == 5
    assert '<label for="id_purpose"' in html
    # And the partner's services are offered, not the stranger's
    assert str(network.service.pk) in html
    assert str(stranger_service.pk) not in html


def test_sending_through_the_form_creates_the_referral_and_redirects_to_its_page(network, signed_in):
    # Given the sender's staff with a complete form
    client = signed_in(network.sender_staff)
    # When they send it
    response = client.post(reverse("referrals:new"), form_data(network))
    # Then one referral exists, with its consent, and the browser goes to its page (ids only in the URL)
    referral = Referral.objects.get()
    assert response.status_code == 302
    assert response["Location"] == detail_url(referral)
    for value in (PERSON_NAME, CONTACT_DETAIL, NEEDS, "Zoya", "+33", "residence"):
        assert value not in response["Location"]
    assert referral.status == ReferralStatus.SENT
    assert referral.receiver_organisation == network.receiver
    assert referral.consent.shared_fields == ["contact", "name"]
    assert referral.consent.recorded_by == network.sender_staff
    page = client.get(response["Location"])
    assert f"Referral {referral.number} was sent to Legal Clinic." in page.content.decode()


def test_bad_input_shows_errors_on_the_fields_and_creates_nothing(network, signed_in):
    client = signed_in(network.sender_staff)
    # Given a form without purpose nor name, and a consent that ended yesterday
    yesterday = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    response = client.post(reverse("referrals:new"), form_data(network, purpose="", name="", valid_until=yesterday))
    html = response.content.decode()
    # Then the page comes back with the errors tied to their fields, and nothing was created
    assert response.status_code == 200
    assert no_store(response)
    assert 'id="id_purpose_error"' in html
    assert 'id="id_name_error"' in html
    assert 'aria-invalid="true"' in html
    assert Referral.objects.count() == 0
    # Given a phone channel without a number (a rule of the service itself)
    response = client.post(reverse("referrals:new"), form_data(network, contact_detail=""))
    # Then the service's error lands on the contact detail field, and nothing was created
    assert 'id="id_contact_detail_error"' in response.content.decode()
    assert "Give the number or handle for this channel." in response.content.decode()
    assert Referral.objects.count() == 0


def test_a_service_outside_the_partnerships_is_refused_on_the_service_field(network, signed_in):
    # Given a service of a non-partner organisation, posted by hand
    stranger_service = make_service(network.unrelated, "Partners-only clinic")
    response = signed_in(network.sender_staff).post(
        reverse("referrals:new"), form_data(network, service=str(stranger_service.pk))
    )
    # Then it is an error on the service field and nothing is sent
    assert 'id="id_service_error"' in response.content.decode()
    assert Referral.objects.count() == 0


def test_narrowing_the_services_keeps_what_was_typed_and_sends_nothing(network, signed_in):
    client = signed_in(network.sender_staff)
    # When the worker narrows the list to housing, with the form half filled in
    response = client.post(reverse("referrals:new"), form_data(network, refine="1", category="housing"))
    html = response.content.decode()
    # Then only the housing service is offered, the typed name is still in the form, and nothing was sent
    assert response.status_code == 200
    assert str(network.other_service.pk) in html
    assert f'value="{network.service.pk}"' not in html
    assert f'value="{PERSON_NAME}"' in html
    assert "errorlist" not in html
    assert Referral.objects.count() == 0
    # And the GET search (a link) carries category, language and city only
    response = client.get(reverse("referrals:new"), {"language": "ru", "city": "Lyon"})
    html = response.content.decode()
    assert f'value="{network.service.pk}"' in html
    assert f'value="{network.other_service.pk}"' not in html


def test_a_worker_of_several_organisations_chooses_the_sender(network, signed_in):
    # Given a worker who is staff of the sender and of a third organisation
    worker = factories.member(network.unrelated, Role.STAFF, user=network.sender_staff)
    client = signed_in(worker)
    # When they open the form, then they choose the organisation they send for
    html = client.get(reverse("referrals:new")).content.decode()
    assert '<select name="sender"' in html
    assert "Far Away" in html
    # And sending for the third organisation to a non-partner's partners-only service is refused on the service
    response = client.post(reverse("referrals:new"), form_data(network, sender=str(network.unrelated.pk)))
    assert 'id="id_service_error"' in response.content.decode()
    assert Referral.objects.count() == 0
    # While sending for the partner organisation works
    response = client.post(reverse("referrals:new"), form_data(network, sender=str(network.sender.pk)))
    assert response.status_code == 302
    assert Referral.objects.get().sender_organisation == network.sender


# ---------------------------------------------------------------------------------------------------------------
# The referral page


def test_receiver_sees_a_preview_before_accepting_and_the_consented_fields_after(network, signed_in):
    referral = send(network)
    client = signed_in(network.receiver_staff)
    # Before accepting: the preview, no personal field, no access-log row
    response = client.get(detail_url(referral))
    html = response.content.decode()
    assert no_store(response)
    assert PERSON_NAME not in html
    assert CONTACT_DETAIL not in html
    assert "Shared after acceptance" in html
    assert "Russian" in html  # preferred language, a preview field
    assert AccessLogEntry.objects.count() == 0
    # After accepting: the consented fields (name, contact), not the others
    services.referral_accept(referral=referral, acting_user=network.receiver_staff)
    html = client.get(detail_url(referral)).content.decode()
    assert PERSON_NAME in html
    assert CONTACT_DETAIL in html
    assert NEEDS not in html
    assert "Not shared (outside the consent)" in html
    # And the consent's purpose is for the sender's eyes only
    assert "legal advice" not in html


def test_sender_sees_what_they_recorded_and_the_consent_purpose(network, signed_in):
    referral = send(network)
    html = signed_in(network.sender_staff).get(detail_url(referral)).content.decode()
    assert PERSON_NAME in html
    assert NEEDS in html
    assert "legal advice" in html


def test_each_page_view_writes_one_access_log_row(network, signed_in):
    referral = send(network)
    services.referral_accept(referral=referral, acting_user=network.receiver_staff)
    client = signed_in(network.receiver_staff)
    # When the receiver opens the page twice
    client.get(detail_url(referral))
    client.get(detail_url(referral))
    # Then two rows, with the consented fields and the page channel
    rows = list(AccessLogEntry.objects.filter(referral=referral, user=network.receiver_staff))
    assert len(rows) == 2
    assert all(row.fields == ["contact", "name"] and row.channel == "page" for row in rows)
    assert all(row.organisation == network.receiver for row in rows)


def test_timeline_shows_display_names_never_real_names(network, signed_in):
    # A real name no page text can contain by chance (a random "Chan" matched "Changer").
    network.receiver_staff.first_name, network.receiver_staff.last_name = "Quirinalda", "Vexhollow"
    network.receiver_staff.save(update_fields=["first_name", "last_name"])
    referral = send(network)
    services.referral_accept(referral=referral, acting_user=network.receiver_staff, note="We call on Monday")
    html = signed_in(network.sender_staff).get(detail_url(referral)).content.decode()
    assert "Clinic lawyer" in html  # the receiver's public name
    assert "Vexhollow" not in html and "Quirinalda" not in html
    assert "We call on Monday" in html  # notes are shown to both sides


# ---------------------------------------------------------------------------------------------------------------
# Actions


def test_full_flow_through_the_screens_send_accept_appointment_complete(network, signed_in, client):
    # Send, through the form
    signed_in(network.sender_staff)
    response = client.post(reverse("referrals:new"), form_data(network))
    referral = Referral.objects.get()
    assert response.status_code == 302
    # Accept, as the receiver
    signed_in(network.receiver_staff)
    response = client.post(action_url(referral, "accept"), {"accept-note": "Welcome"})
    assert response.status_code == 302 and response["Location"] == detail_url(referral)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED
    # Set the appointment
    when = (timezone.localtime() + datetime.timedelta(days=3)).replace(second=0, microsecond=0)
    response = client.post(
        action_url(referral, "set-appointment"), {"set-appointment-appointment_at": when.strftime("%Y-%m-%dT%H:%M")}
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.APPOINTMENT_SET
    assert referral.appointment_at == when
    # Complete, with a coded outcome: before the appointment's date, "service provided" needs the confirmation
    response = client.post(
        action_url(referral, "complete"), {"complete-outcome": "service_provided", "complete-note": "Done"}
    )
    assert response.status_code == 200
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.APPOINTMENT_SET
    response = client.post(
        action_url(referral, "complete"),
        {
            "complete-outcome": "service_provided",
            "complete-note": "Done",
            "complete-confirm_before_appointment": "on",
        },
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.COMPLETED
    assert referral.outcome == "service_provided"
    page = client.get(detail_url(referral)).content.decode()
    assert f"Referral {referral.number} is completed." in page
    assert "Service provided" in page
    assert list(referral.events.values_list("kind", flat=True)) == [
        "sent",
        "accepted",
        "appointment_set",
        "completed",
    ]


def test_withdrawn_consent_removes_the_person_from_the_receivers_page(network, signed_in, client):
    referral = send(network)
    services.referral_accept(referral=referral, acting_user=network.receiver_staff)
    signed_in(network.receiver_staff)
    assert PERSON_NAME in client.get(detail_url(referral)).content.decode()
    # Given the sender records that the person withdrew consent (without ticking the box first: refused)
    signed_in(network.sender_staff)
    response = client.post(action_url(referral, "withdraw-consent"), {})
    assert 'id="id_withdraw-consent-confirm_error"' in response.content.decode()
    assert Referral.objects.get(pk=referral.pk).status == ReferralStatus.ACCEPTED
    response = client.post(action_url(referral, "withdraw-consent"), {"withdraw-consent-confirm": "on"})
    assert response.status_code == 302
    assert Referral.objects.get(pk=referral.pk).status == ReferralStatus.CONSENT_WITHDRAWN
    # Then the receiver's page no longer shows the person, and says why
    signed_in(network.receiver_staff)
    html = client.get(detail_url(referral)).content.decode()
    assert PERSON_NAME not in html
    assert CONTACT_DETAIL not in html
    assert "Consent withdrawn" in html


def test_unknown_action_is_404_and_get_is_not_allowed(network, signed_in):
    referral = send(network)
    client = signed_in(network.receiver_staff)
    assert client.post(action_url(referral, "approve")).status_code == 404
    assert client.get(action_url(referral, "accept")).status_code == 405
    assert Referral.objects.get(pk=referral.pk).status == ReferralStatus.SENT


def test_an_action_from_the_wrong_state_says_so_and_changes_nothing(network, signed_in):
    referral = send(network)
    client = signed_in(network.receiver_staff)
    # When the receiver records an outcome on a referral not yet accepted
    response = client.post(action_url(referral, "complete"), {"complete-outcome": "service_provided"}, follow=True)
    # Then a message explains it, and nothing changed
    assert response.redirect_chain[-1][0] == detail_url(referral)
    assert "this action is not possible any more" in response.content.decode()
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SENT
    assert referral.outcome == ""


def test_each_side_gets_a_403_with_the_reason_for_the_other_sides_actions(network, signed_in, client):
    referral = send(network)
    # The sender cannot accept
    signed_in(network.sender_staff)
    response = client.post(action_url(referral, "accept"))
    assert response.status_code == 403
    assert "receiving organisation" in response.content.decode()
    # The receiver cannot cancel nor withdraw consent
    signed_in(network.receiver_staff)
    assert client.post(action_url(referral, "cancel")).status_code == 403
    assert client.post(action_url(referral, "withdraw-consent"), {"withdraw-consent-confirm": "on"}).status_code == 403
    assert Referral.objects.get(pk=referral.pk).status == ReferralStatus.SENT
    # While the sender may cancel
    signed_in(network.sender_staff)
    assert client.post(action_url(referral, "cancel"), {"cancel-note": "Found another way"}).status_code == 302
    assert Referral.objects.get(pk=referral.pk).status == ReferralStatus.CANCELLED


def test_decline_needs_a_coded_reason_and_a_note_for_other(network, signed_in):
    referral = send(network)
    client = signed_in(network.receiver_staff)
    # Other without a note: the service's error on the note field, nothing changes
    response = client.post(action_url(referral, "decline"), {"decline-reason": "other"})
    assert response.status_code == 200
    assert 'id="id_decline-note_error"' in response.content.decode()
    assert Referral.objects.get(pk=referral.pk).status == ReferralStatus.SENT
    # A coded reason: declined
    response = client.post(action_url(referral, "decline"), {"decline-reason": "no_capacity"})
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.DECLINED
    assert referral.decline_reason == "no_capacity"


def test_redirect_moves_the_referral_to_another_service_of_the_same_organisation(network, signed_in):
    referral = send(network)
    stranger_service = make_service(network.unrelated, "Elsewhere")
    client = signed_in(network.receiver_staff)
    # The form offers only the receiver's other services
    html = client.get(detail_url(referral)).content.decode()
    assert f'value="{network.other_service.pk}"' in html
    assert f'value="{stranger_service.pk}"' not in html
    # Another organisation's service is refused on the field
    response = client.post(action_url(referral, "redirect"), {"redirect-service": str(stranger_service.pk)})
    assert 'id="id_redirect-service_error"' in response.content.decode()
    # The receiver's other service is accepted
    response = client.post(action_url(referral, "redirect"), {"redirect-service": str(network.other_service.pk)})
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.REDIRECTED
    assert referral.service == network.other_service


def test_actions_offered_follow_role_and_state(network, signed_in, client):
    referral = send(network)
    signed_in(network.receiver_staff)
    html = client.get(detail_url(referral)).content.decode()
    assert action_url(referral, "accept") in html
    assert action_url(referral, "cancel") not in html
    signed_in(network.sender_staff)
    html = client.get(detail_url(referral)).content.decode()
    assert action_url(referral, "accept") not in html
    assert action_url(referral, "cancel") in html
    assert action_url(referral, "withdraw-consent") in html


# ---------------------------------------------------------------------------------------------------------------
# Messages


def test_both_sides_exchange_secure_messages(network, signed_in, client):
    referral = send(network)
    url = reverse("referrals:message_post", kwargs={"pk": referral.pk})
    signed_in(network.receiver_staff)
    # An empty message is an error on the field, nothing is posted
    response = client.post(url, {"body": "   "})
    assert response.status_code == 200
    assert 'id="id_body_error"' in response.content.decode()
    assert ReferralMessage.objects.count() == 0
    # A message is posted and the browser goes back to the conversation
    response = client.post(url, {"body": "Can she come on Tuesday?"})
    assert response.status_code == 302
    assert response["Location"] == detail_url(referral) + "#messages"
    # The other side reads it, with the author's public name
    signed_in(network.sender_staff)
    html = client.get(detail_url(referral)).content.decode()
    assert "Can she come on Tuesday?" in html
    assert "Clinic lawyer" in html
    assert client.post(url, {"body": "Yes, at 10."}).status_code == 302
    assert ReferralMessage.objects.count() == 2


# ---------------------------------------------------------------------------------------------------------------
# The access log


def test_sending_coordinators_read_the_access_log_others_get_403(network, signed_in, client):
    referral = send(network)
    services.referral_accept(referral=referral, acting_user=network.receiver_staff)
    # Given the receiver opened the page (one row)
    signed_in(network.receiver_staff)
    client.get(detail_url(referral))
    url = reverse("referrals:access_log", kwargs={"pk": referral.pk})
    # The sending coordinator sees who, from which organisation, which fields, through which channel
    signed_in(network.sender_coordinator)
    response = client.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert no_store(response)
    assert "Clinic lawyer" in html and "Legal Clinic" in html
    assert "First name or pseudonym" in html and "Web page" in html
    assert network.receiver_staff.last_name not in html
    # Others who can see the referral get a 403 with the reason
    for user in (network.sender_staff, network.receiver_staff, network.receiver_coordinator):
        signed_in(user)
        response = client.get(url)
        assert response.status_code == 403
        assert "Only coordinators of the sending organisation" in response.content.decode()
