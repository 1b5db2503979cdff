"""Version history of key messages: every save is a version with who saved it; any two versions compare field by
field; the public never learns who edited, nor reads versions from before the message was theirs to see."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from wagtail.models import Revision

from network.advocacy import services
from network.advocacy.models import MessageStatus
from network.orgs.models import Role
from network.themes.models import Theme
from tests import factories
from tests.advocacy.factories import advocacy_urls, make_key_message

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures(advocacy_urls.__name__)]


@pytest.fixture
def org():
    return factories.organisation(name="Amaranthe", slug="amaranthe-test")


@pytest.fixture
def edited(org):
    """A message drafted by a peer, proposed, edited by staff, then adopted: four versions."""
    peer = factories.member(org, Role.PEER, username="peer-author", public_name="Rose", email="rose.real@example.org")
    staff = factories.member(org, Role.STAFF, username="staff-editor", public_name="Lune")
    message = make_key_message(
        org,
        created_by=peer,
        statement="Le travail du sexe est un travail.",
        argument="<p>Les lois pénalisantes isolent.</p>",
        themes=("decriminalisation",),
    )
    message = services.key_message_propose(message=message, acting_user=factories.coordinator_of(org))
    services.key_message_update(
        message=message,
        acting_user=staff,
        statement="Le travail du sexe est un travail comme un autre.",
        argument="<p>Les lois pénalisantes isolent et exposent aux violences.</p>",
        themes=[Theme.objects.get(slug="decriminalisation"), Theme.objects.get(slug="violence")],
    )
    message = services.key_message_adopt(message=message, acting_user=factories.network_admin())
    return message, peer, staff


def _by_name(differences):
    return {difference.name: difference for difference in differences}


def test_every_save_is_a_version_recording_who_saved_it(edited):
    message, peer, staff = edited

    versions = services.key_message_versions(message)

    assert len(versions) == 4  # drafted, proposed, edited, adopted; newest first
    assert versions[1].user == staff
    assert versions[3].user == peer
    assert versions[0].content["status"] == MessageStatus.ADOPTED
    assert versions[-1].content["statement"] == "Le travail du sexe est un travail."


def test_any_two_versions_compare_field_by_field_in_either_order(edited):
    message, _peer, _staff = edited
    newest, second, _proposed, first = services.key_message_versions(message)

    # first → newest: the statement, argument, themes and status changed
    differences = _by_name(services.key_message_compare(message, first, newest))
    assert {name for name, difference in differences.items() if difference.changed} == {
        "statement",
        "argument",
        "themes",
        "status",
    }
    assert ("insert", " comme un autre.") in differences["statement"].diff or any(
        operation == "insert" and "autre" in text for operation, text in differences["statement"].diff
    )
    assert any(operation == "insert" and "violences" in text for operation, text in differences["argument"].diff)
    assert differences["themes"].added == [Theme.objects.get(slug="violence").label]
    assert differences["status"].before == "Draft" or differences["status"].before == "Brouillon"
    assert not differences["evidence"].changed

    # newest → first: the same changes, reversed
    reverse = _by_name(services.key_message_compare(message, newest, first))
    assert reverse["themes"].removed == [Theme.objects.get(slug="violence").label]
    assert any(operation == "delete" and "autre" in text for operation, text in reverse["statement"].diff)

    # two versions with the same content: nothing changed
    same = services.key_message_compare(message, second, second)
    assert not any(difference.changed for difference in same)


def test_a_version_of_another_message_cannot_be_compared(edited, org):
    message, _peer, _staff = edited
    other = make_key_message(org, statement="Autre message.")
    foreign: Revision = other.revisions.first()

    with pytest.raises(ValueError):
        services.key_message_compare(message, message.revisions.first(), foreign)


def test_the_public_reads_only_versions_saved_once_the_message_was_public(edited):
    message, _peer, _staff = edited
    anonymous = AnonymousUser()
    member = factories.member(factories.organisation(), Role.VOLUNTEER)

    public = services.key_message_versions(message, user=anonymous)
    for_members = services.key_message_versions(message, user=member)

    assert [version.content["status"] for version in public] == [MessageStatus.ADOPTED]
    assert [version.content["status"] for version in for_members] == [
        MessageStatus.ADOPTED,
        MessageStatus.PROPOSED,
        MessageStatus.PROPOSED,
    ]
    drafts = services.key_message_versions(message)[3:]
    with pytest.raises(ValueError):
        services.key_message_compare(message, drafts[0], public[0], user=anonymous)


def test_members_see_who_saved_each_version_and_the_public_sees_no_name(edited, client, signed_in):
    message, peer, staff = edited
    url = f"/en/advocacy/messages/{message.pk}/history/"

    # the public history page: dates only, no name, no email, no username of anyone
    public = client.get(url)
    assert public.status_code == 200
    page = public.content.decode()
    for user in (peer, staff):
        for value in (user.username, user.public_name, user.email, user.first_name, user.last_name):
            assert value not in page

    # a network member sees the names people chose to show (pseudonyms), never usernames or emails
    member = factories.member(factories.organisation(), Role.PEER)
    page = signed_in(member).get(url).content.decode()
    assert "Lune" in page and "Rose" not in page  # Rose's version was a draft: other organisations don't see it
    assert staff.username not in page and staff.email not in page


def test_the_history_page_compares_two_chosen_versions(edited, signed_in, org):
    message, _peer, _staff = edited
    coordinator = factories.coordinator_of(org)
    versions = services.key_message_versions(message)
    client = signed_in(coordinator)

    response = client.get(f"/en/advocacy/messages/{message.pk}/history/", {"a": versions[-1].pk, "b": versions[0].pk})

    assert response.status_code == 200
    page = response.content.decode()
    assert "<ins>" in page and "<del>" in page
    assert "Changes from version 1 to version 4" in page


def test_a_version_the_visitor_may_not_read_is_not_offered_for_comparison(edited):
    from django.test import Client

    message, _peer, _staff = edited
    draft_version = services.key_message_versions(message)[-1]

    response = Client().get(
        f"/en/advocacy/messages/{message.pk}/history/",
        {"a": draft_version.pk, "b": message.latest_revision.pk},
    )

    assert response.status_code == 200
    assert "Changes from version" not in response.content.decode()
