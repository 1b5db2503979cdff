"""Find a referral again: the person's name in the lists (within the consent scope), a search by name among one's
own referrals (POSTed, decrypted in memory), overdue ones first, the access log, and constant query counts."""

from __future__ import annotations

import datetime
import time
import uuid

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from network.orgs.models import Role
from network.referrals import selectors, services
from network.referrals.models import AccessLogEntry, Consent, Referral
from tests import factories

from .test_workspace_fixtures import in_english, network, send, shared_network

pytestmark = pytest.mark.django_db
__all__ = ["in_english", "network", "shared_network"]


def person(name: str) -> dict[str, str]:
    return {"name": name, "preferred_language": "es", "contact_channel": "through_sender", "needs": "a lawyer"}


def send_named(net, name: str, *, shared_fields=("name",), **overrides) -> Referral:
    return send(net, person=person(name), shared_fields=list(shared_fields), **overrides)


def no_store(response) -> bool:
    return "no-store" in response.headers.get("Cache-Control", "")


def other_partner_of(organisation):
    """Another partner organisation of `organisation`, with a staff member: it did not send nor receive it."""
    other = factories.organisation(name="Other Partner")
    factories.active_partnership(organisation, other)
    return other, factories.member(other, Role.STAFF)


def search(client, list_name: str, query: str, **data):
    return client.post(reverse(list_name), {"q": query, **data})


# ---------------------------------------------------------------------------------------------------------------
# The name in the lists


def test_both_sides_within_the_consent_see_the_name_in_their_lists_and_nobody_else(network, signed_in):
    # given a referral accepted by the receiver, whose consent shares the name
    referral = send_named(network, "Valentina")
    services.referral_accept(referral=referral, acting_user=network.receiver_staff)
    _other, other_partner_staff = other_partner_of(network.sender)

    # when the sending and receiving staff open their lists, then the name is there, with no-store
    for who, list_name in (
        (network.sender_staff, "referrals:sent"),
        (network.sender_coordinator, "referrals:sent"),
        (network.receiver_staff, "referrals:inbox"),
        (network.receiver_coordinator, "referrals:inbox"),
    ):
        response = signed_in(who).get(reverse(list_name))
        assert response.status_code == 200 and no_store(response)
        assert "Valentina" in response.content.decode(), who

    # and nobody outside the two sides sees it: a partner that did not receive it, an unrelated organisation,
    # a network admin, a peer, a volunteer (their lists answer without it, or a 403)
    for who in (other_partner_staff, network.unrelated_staff, network.admin, network.peer, network.volunteer):
        client = signed_in(who)
        for list_name in ("referrals:inbox", "referrals:sent"):
            response = client.get(reverse(list_name))
            assert response.status_code in (200, 403)
            html = response.content.decode()
            assert "Valentina" not in html and referral.number not in html, (who, list_name)
    # and the receiver's own "sent" list does not hold it
    assert "Valentina" not in signed_in(network.receiver_staff).get(reverse("referrals:sent")).content.decode()


def test_the_receiver_sees_no_name_before_accepting_nor_outside_the_consent(network, signed_in):
    # given a referral not answered yet, and an accepted one whose consent does not share the name
    waiting = send_named(network, "Esperanza")
    not_shared = send_named(network, "Dolores", shared_fields=["needs"])
    services.referral_accept(referral=not_shared, acting_user=network.receiver_staff)

    # when the receiver opens the inbox, then both are listed without the names
    html = signed_in(network.receiver_staff).get(reverse("referrals:inbox")).content.decode()
    assert waiting.number in html and not_shared.number in html
    assert "Esperanza" not in html and "Dolores" not in html
    # while the sender, who recorded them, sees both names
    html = signed_in(network.sender_staff).get(reverse("referrals:sent")).content.decode()
    assert "Esperanza" in html and "Dolores" in html


def test_each_name_shown_in_a_list_is_written_to_the_access_log(network, signed_in):
    # given two referrals, one accepted by the receiver
    accepted, waiting = send_named(network, "Ana"), send_named(network, "Luz")
    services.referral_accept(referral=accepted, acting_user=network.receiver_staff)
    AccessLogEntry.objects.all().delete()

    # when the receiver opens the inbox, then one row for the name shown, none for the one held back
    signed_in(network.receiver_staff).get(reverse("referrals:inbox"))
    entries = list(AccessLogEntry.objects.all())
    assert [(e.referral_id, e.fields, e.user, e.organisation) for e in entries] == [
        (accepted.pk, ["name"], network.receiver_staff, network.receiver)
    ]
    assert not AccessLogEntry.objects.filter(referral=waiting).exists()


def test_the_name_shown_in_a_list_is_never_kept_in_the_cache(network, signed_in):
    # given a referral whose name the sender reads in the sent list (its row fragment is cached)
    send_named(network, "Xochitl-Canary")
    cache.clear()
    html = signed_in(network.sender_staff).get(reverse("referrals:sent")).content.decode()
    assert "Xochitl-Canary" in html
    # then the cache holds the row (metadata), never the name
    stored = cache._cache  # noqa: SLF001  (the local-memory cache of the test settings: pickled values)
    assert any(b"referral-item__number" in value for value in stored.values())
    assert not any(b"Xochitl" in value for value in stored.values())


# ---------------------------------------------------------------------------------------------------------------
# The search by name


def test_search_finds_a_name_among_ones_own_referrals_only(network, signed_in):
    # given the sender's referrals for Zoé and Amina, and another organisation's referral for another Zoé
    zoe, amina = send_named(network, "Zoé Martin"), send_named(network, "Amina")
    other, other_staff = other_partner_of(network.receiver)
    other_zoe = services.referral_send(
        acting_user=other_staff,
        sender=other,
        service=network.service,
        person=person("Zoe Other"),
        urgency="routine",
        consent={
            "shared_fields": ["name"],
            "purpose": "legal advice",
            "method": "verbal",
            "explained_in_language": "es",
            "valid_until": timezone.localdate() + datetime.timedelta(days=30),
        },
    )
    client = signed_in(network.sender_staff)

    # when the sender searches "zoe" (lower case, no accent), then only their own Zoé is found
    response = search(client, "referrals:sent", "zoe")
    html = response.content.decode()
    assert response.status_code == 200 and no_store(response)
    assert zoe.number in html and "Zoé Martin" in html
    assert amina.number not in html and other_zoe.number not in html and "Zoe Other" not in html
    # and a name that is none of theirs finds nothing
    assert "No referral of yours has this name" in search(client, "referrals:sent", "Nadia").content.decode()
    # and the name is never read from the address: a GET with ?q= lists everything, as without it
    html = client.get(reverse("referrals:sent"), {"q": "zoe"}).content.decode()
    assert zoe.number in html and amina.number in html


def test_search_never_matches_a_name_the_user_may_not_read(network, signed_in):
    # given a referral for Zoé, not yet accepted by the receiver
    zoe = send_named(network, "Zoé")
    client = signed_in(network.receiver_staff)
    # when the receiver searches her name, then it is not found (the search would otherwise reveal it)
    assert zoe.number not in search(client, "referrals:inbox", "Zoé").content.decode()
    # once accepted (the consent shares the name), it is found
    services.referral_accept(referral=zoe, acting_user=network.receiver_staff)
    assert zoe.number in search(client, "referrals:inbox", "Zoé").content.decode()
    # and a network admin or a peer is refused the search as the list
    for who in (network.admin, network.peer):
        response = search(signed_in(who), "referrals:inbox", "Zoé")
        assert response.status_code == 403 and "Zoé" not in response.content.decode()


def test_search_results_are_paged_by_post(network, signed_in):
    for n in range(27):
        send_named(network, f"Rosa {n}")
    send_named(network, "Amina")
    client = signed_in(network.sender_staff)
    first = search(client, "referrals:sent", "rosa").content.decode()
    second = search(client, "referrals:sent", "rosa", page=2).content.decode()
    assert "27 referrals" in first
    assert first.count("referral-item__person") == 25 and second.count("referral-item__person") == 2
    assert 'name="page" value="2"' in first and "Amina" not in first + second


# ---------------------------------------------------------------------------------------------------------------
# Order: overdue first, then by due date


def test_lists_put_overdue_referrals_first_then_by_due_date(network, signed_in):
    # given referrals due at different dates, one overdue (urgent, sent five days ago) and one closed
    routine = send_named(network, "Routine", urgency="routine")  # due in REFERRAL_EXPIRY_DAYS
    soon = send_named(network, "Soon", urgency="soon")  # due in a week
    urgent = send_named(network, "Urgent", urgency="urgent")  # due in 48 hours
    overdue = send_named(network, "Late", urgency="urgent")
    Referral.objects.filter(pk=overdue.pk).update(created_at=timezone.now() - datetime.timedelta(days=5))
    closed = send_named(network, "Closed", urgency="urgent")
    services.referral_cancel(referral=closed, acting_user=network.sender_staff)

    # when the sender opens the sent list
    html = signed_in(network.sender_staff).get(reverse("referrals:sent")).content.decode()

    # then the overdue one comes first, marked, then by due date, and the closed one last
    positions = [html.index(r.number) for r in (overdue, urgent, soon, routine, closed)]
    assert positions == sorted(positions)
    assert html.count("referral-item--overdue") == 1 and html.count("referral-overdue") == 1
    assert html.count(">Due<") == 4  # the closed one is due never


# ---------------------------------------------------------------------------------------------------------------
# Cost: constant queries, and the search over 1,000 of one's own referrals


@pytest.mark.parametrize("list_name", ["referrals:inbox", "referrals:sent"])
def test_lists_with_names_and_search_run_a_constant_number_of_queries(
    network, signed_in, django_assert_num_queries, list_name
):
    # given three accepted referrals (the names are shown to both sides)
    def accepted(name):
        referral = send_named(network, name)
        services.referral_accept(referral=referral, acting_user=network.receiver_staff)

    for n in range(3):
        accepted(f"Paz {n}")
    viewer = network.receiver_staff if list_name == "referrals:inbox" else network.sender_staff
    client = signed_in(viewer)
    client.get(reverse(list_name))  # warm the session
    with CaptureQueriesContext(connection) as plain:
        client.get(reverse(list_name))
    with CaptureQueriesContext(connection) as searched:
        search(client, list_name, "paz")

    # when there are ten times more, then the list and the search run the same number of queries
    for n in range(27):
        accepted(f"Paz {n + 3}")
    with django_assert_num_queries(len(plain)):
        html = client.get(reverse(list_name)).content.decode()
    assert html.count("referral-item__person") == 25
    with django_assert_num_queries(len(searched)):
        html = search(client, list_name, "paz").content.decode()
    assert html.count("referral-item__person") == 25


def test_search_over_a_thousand_own_referrals_stays_within_a_fraction_of_a_second(network, signed_in):
    # given 1,000 referrals sent by the sender's organisation (written in bulk: the cost measured is the search)
    template = send_named(network, "Template")
    consent = template.consent
    referrals, consents = [], []
    for n in range(999):
        copy = Referral.objects.get(pk=template.pk)
        copy.pk = uuid.uuid4()
        copy.person_name = f"Person {n:04d}"
        referrals.append(copy)
        consents.append(
            Consent(
                referral=copy,
                receiving_organisation_id=consent.receiving_organisation_id,
                shared_fields=consent.shared_fields,
                purpose="legal advice",
                method=consent.method,
                explained_in_language="es",
                valid_until=consent.valid_until,
            )
        )
    Referral.objects.bulk_create(referrals)
    Consent.objects.bulk_create(consents)
    own = selectors.referral_ids_named  # the in-memory search of the view
    scoped = Referral.objects.filter(sender_organisation=network.sender)
    assert scoped.count() == 1000

    # when the sender searches one name among them (the selector, then the whole page)
    started = time.perf_counter()
    found = own(network.sender_staff, scoped, "person 0421")
    selector_seconds = time.perf_counter() - started
    client = signed_in(network.sender_staff)
    client.get(reverse("referrals:sent"))
    started = time.perf_counter()
    response = search(client, "referrals:sent", "person 0421")
    page_seconds = time.perf_counter() - started
    started = time.perf_counter()
    plain = client.get(reverse("referrals:sent"))
    plain_seconds = time.perf_counter() - started

    # then it finds the one, and the cost is printed for the report (the bound is loose: a shared machine)
    assert len(found) == 1 and "Person 0421" in response.content.decode()
    assert plain.status_code == 200
    print(  # noqa: T201
        f"\nSEARCH 1000 own referrals: selector {selector_seconds * 1000:.0f} ms, search page "
        f"{page_seconds * 1000:.0f} ms, list page without search {plain_seconds * 1000:.0f} ms"
    )
    assert selector_seconds < 3
