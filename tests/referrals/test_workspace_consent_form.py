"""The consent-first referral form: a consent box beside each field it covers, a filled field never shared without
its box, what the page says when a filled field is not shared, and the compact, script-free markup."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from network.referrals import services
from network.referrals.forms import CONSENT_DAYS
from network.referrals.models import Referral

from .test_workspace_fixtures import CONTACT_DETAIL, NEEDS, form_data, in_english, network, shared_network

pytestmark = pytest.mark.django_db
__all__ = ["in_english", "network", "shared_network"]


def test_each_consent_box_sits_beside_the_field_it_covers_and_the_script_is_a_static_file(network, signed_in):
    # when the sender's staff opens the form
    response = signed_in(network.sender_staff).get(reverse("referrals:new"))
    html = response.content.decode()
    # then each share box comes right after the field it covers, names what it covers, and starts unticked
    for field, box in (
        ("id_name", "id_shared_fields_name"),
        ("id_contact_detail", "id_shared_fields_contact"),
        ("id_needs", "id_shared_fields_needs"),
        ("id_safe_times", "id_shared_fields_safe_times"),
        ("id_age_range", "id_shared_fields_age_range"),
    ):
        assert html.index(f'id="{field}"') < html.index(f'id="{box}"'), box
        assert f'<label for="{box}">' in html
    assert html.count('name="shared_fields"') == 5 and "checked" not in html.split('name="shared_fields"')[1][:80]
    assert 'data-covers="id_contact_channel id_contact_detail"' in html
    # and the optional fields and the service search fold away, with legends for the groups
    form = html[html.index("data-referral-form") :]
    form = form[: form.index("</form>")]
    assert form.count("<details") == 3 and form.count("<legend>") >= 3
    # and the script is a static file (strict CSP): no inline script, no inline style
    assert "js/referral-form.js" in html
    assert "<script>" not in html and "style=" not in html and "onclick" not in html
    # and the consent lasts CONSENT_DAYS unless changed
    default = (timezone.localdate() + datetime.timedelta(days=CONSENT_DAYS)).isoformat()
    assert f'value="{default}"' in html


def test_a_filled_field_whose_box_is_unticked_is_kept_for_the_sender_and_never_shared(network, signed_in, client):
    # given a form with contact and needs filled, the person agreeing to share the name only
    signed_in(network.sender_staff)
    response = client.post(reverse("referrals:new"), form_data(network, shared_fields=["name"]), follow=True)

    # then the referral is sent, and the sender is told what was kept for them and not shared
    referral = Referral.objects.get()
    assert referral.consent.shared_fields == ["name"]
    page = response.content.decode()
    assert "Kept for your organisation only, not shared with the receiving service" in page
    assert "Safe contact channel and detail" in page and "Needs, in their words" in page

    # when the receiver accepts and opens it, then neither the contact nor the needs are there
    services.referral_accept(referral=referral, acting_user=network.receiver_staff)
    signed_in(network.receiver_staff)
    html = client.get(reverse("referrals:detail", kwargs={"pk": referral.pk})).content.decode()
    assert CONTACT_DETAIL not in html and NEEDS not in html and "tel:" not in html
    assert "Not shared (outside the consent)" in html
    # while the sender keeps reading what they recorded
    signed_in(network.sender_staff)
    html = client.get(reverse("referrals:detail", kwargs={"pk": referral.pk})).content.decode()
    assert CONTACT_DETAIL in html and NEEDS in html


def test_when_ticked_the_fields_are_shared_and_nothing_is_said_about_keeping(network, signed_in, client):
    signed_in(network.sender_staff)
    data = form_data(network, shared_fields=["name", "contact", "needs", "safe_times", "age_range"])
    response = client.post(reverse("referrals:new"), data, follow=True)
    assert Referral.objects.get().consent.shared_fields == ["age_range", "contact", "name", "needs", "safe_times"]
    assert "Kept for your organisation only" not in response.content.decode()


def test_a_form_sent_back_with_errors_warns_beside_each_filled_field_that_is_not_shared(network, signed_in):
    # given a form with an error (no purpose), contact and needs filled, their boxes unticked
    response = signed_in(network.sender_staff).post(
        reverse("referrals:new"), form_data(network, purpose="", shared_fields=["name", "needs"])
    )
    html = response.content.decode()
    # then, without any script, the contact's warning shows and the needs' one does not (its box is ticked)
    assert Referral.objects.count() == 0
    contact_warning = html.split('id="id_shared_fields_contact_warning"')[1][:200]
    needs_warning = html.split('id="id_shared_fields_needs_warning"')[1][:200]
    assert "hidden" not in contact_warning.split(">")[0] and "will not be able to reach the person" in contact_warning
    assert "hidden" in needs_warning.split(">")[0]
    # and the boxes keep what the worker chose
    assert 'value="needs" id="id_shared_fields_needs" checked' in html
    assert 'value="contact" id="id_shared_fields_contact" aria-describedby' in html


def test_narrowing_the_services_keeps_each_box_as_chosen_and_says_what_is_not_shared(network, signed_in):
    # given a form with contact and needs filled, the needs' box unticked, when the worker narrows the services
    data = form_data(network, shared_fields=["name", "contact"], refine="1")
    html = signed_in(network.sender_staff).post(reverse("referrals:new"), data).content.decode()
    # then nothing is sent, the boxes are as chosen (the script leaves them alone), and the needs' warning shows
    assert Referral.objects.count() == 0
    assert "data-bound" in html
    assert 'value="contact" id="id_shared_fields_contact" checked' in html
    needs_warning = html.split('id="id_shared_fields_needs_warning"')[1][:200]
    assert "hidden" not in needs_warning.split(">")[0]
