"""Who may draft, edit, propose, adopt and retire a key message: every role, in its own organisation and another.

The services ask the policy; a refusal raises and changes nothing. Proposing tells every coordinator (in-app and
by email, a reference and a link, never the statement).
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from django.contrib.auth.models import AnonymousUser

from network.advocacy import services
from network.advocacy.models import KeyMessage, MessageStatus
from network.notifications.models import Notification
from network.orgs.models import Organisation, Role
from network.orgs.policy import AccessDenied
from network.themes.models import Theme
from tests import factories
from tests.advocacy.factories import advocacy_urls, endorse, make_key_message
from tests.conftest import fresh, rolled_back_after_module

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures(advocacy_urls.__name__)]

ROLES = ["network_admin", Role.COORDINATOR, Role.STAFF, Role.PEER, Role.VOLUNTEER, "anonymous"]
CONTRIBUTORS = {Role.COORDINATOR, Role.STAFF, Role.PEER}


@pytest.fixture(scope="module")
def shared_organisations(django_db_setup, django_db_blocker) -> Iterator[tuple[Organisation, Organisation]]:
    """The drafting organisation and another one, built once for the module's ~120 cases (each case's members and
    messages are rolled back after it)."""
    with rolled_back_after_module(django_db_blocker):
        yield (
            factories.organisation(name="Collectif Étoile", slug="collectif-etoile-test"),
            factories.organisation(name="Lotus Outreach", slug="lotus-outreach-test"),
        )


@pytest.fixture
def drafting_org(db, shared_organisations) -> Organisation:
    return fresh(shared_organisations[0])


@pytest.fixture
def other_org(db, shared_organisations) -> Organisation:
    return fresh(shared_organisations[1])


def actor(role: str, org):
    """A user holding `role` in `org` (network admins and anonymous visitors belong to no organisation)."""
    if role == "anonymous":
        return AnonymousUser()
    if role == "network_admin":
        return factories.network_admin()
    return factories.member(org, role)


def _matrix(allowed: set[tuple[str, str]]):
    return [
        pytest.param(role, side, (role, side) in allowed, id=f"{role}-{side}")
        for role in ROLES
        for side in ("own", "other")
    ]


# ---------------------------------------------------------------------------------------------------------------
# Drafting


@pytest.mark.parametrize(("role", "side", "allowed"), _matrix({(role, "own") for role in CONTRIBUTORS}))
def test_contributors_draft_key_messages_for_their_own_organisation_only(role, side, allowed, drafting_org, other_org):
    # Given a user of one organisation (or none)
    user = actor(role, drafting_org)
    target = drafting_org if side == "own" else other_org

    # When they draft a message for their organisation or another one
    def draft():
        return services.key_message_create(organisation=target, statement="Decriminalise sex work.", acting_user=user)

    # Then only contributors of that organisation succeed, and a refusal writes nothing
    if allowed:
        message = draft()
        assert message.status == MessageStatus.DRAFT
        assert message.drafting_organisation == target
        assert message.created_by == user
        assert message.revisions.count() == 1
    else:
        with pytest.raises(AccessDenied):
            draft()
        assert not KeyMessage.objects.exists()


# ---------------------------------------------------------------------------------------------------------------
# Editing


EDIT_ALLOWED = {
    MessageStatus.DRAFT: {(role, "own") for role in CONTRIBUTORS},
    MessageStatus.PROPOSED: {(role, "own") for role in CONTRIBUTORS},
    MessageStatus.ADOPTED: {(Role.COORDINATOR, "own")},
    MessageStatus.RETIRED: set(),
}


@pytest.mark.parametrize("status", list(EDIT_ALLOWED))
@pytest.mark.parametrize(("role", "side"), [(role, side) for role in ROLES for side in ("own", "other")])
def test_who_edits_a_key_message_depends_on_its_status(role, side, status, drafting_org, other_org):
    # Given a message drafted by one organisation, in some status
    message = make_key_message(drafting_org, status=status, statement="Original statement.")
    user = actor(role, drafting_org if side == "own" else other_org)
    versions_before = message.revisions.count()

    # When the user edits it
    def edit():
        return services.key_message_update(message=message, acting_user=user, statement="Edited statement.")

    # Then contributors of the drafting organisation edit drafts and proposals, its coordinators adopted ones
    if (role, side) in EDIT_ALLOWED[status]:
        edited = edit()
        assert edited.statement == "Edited statement."
        assert edited.revisions.count() == versions_before + 1
        assert edited.latest_revision.user == user
    else:
        with pytest.raises(AccessDenied):
            edit()
        message.refresh_from_db()
        assert message.statement == "Original statement."
        assert message.revisions.count() == versions_before


def test_evidence_must_be_a_resource_the_author_may_see(drafting_org):
    from django.core.exceptions import ValidationError

    message = make_key_message(drafting_org)
    invisible = type("Page", (), {"pk": 999_999})()

    with pytest.raises(ValidationError):
        services.key_message_update(
            message=message, acting_user=factories.coordinator_of(drafting_org), evidence=[invisible]
        )


# ---------------------------------------------------------------------------------------------------------------
# Proposing, adopting, retiring


@pytest.mark.parametrize(("role", "side", "allowed"), _matrix({(Role.COORDINATOR, "own")}))
def test_only_coordinators_of_the_drafting_organisation_propose_a_draft(role, side, allowed, drafting_org, other_org):
    message = make_key_message(drafting_org)
    user = actor(role, drafting_org if side == "own" else other_org)

    if allowed:
        proposed = services.key_message_propose(message=message, acting_user=user)
        assert proposed.status == MessageStatus.PROPOSED
        assert proposed.proposed_at is not None
    else:
        with pytest.raises(AccessDenied):
            services.key_message_propose(message=message, acting_user=user)
        message.refresh_from_db()
        assert message.status == MessageStatus.DRAFT


@pytest.mark.parametrize(("role", "side", "allowed"), _matrix({("network_admin", "own"), ("network_admin", "other")}))
def test_only_network_admins_adopt_a_proposed_message(role, side, allowed, drafting_org, other_org):
    message = make_key_message(drafting_org, status=MessageStatus.PROPOSED)
    user = actor(role, drafting_org if side == "own" else other_org)

    if allowed:
        adopted = services.key_message_adopt(message=message, acting_user=user)
        assert adopted.status == MessageStatus.ADOPTED
        assert adopted.adopted_at is not None
    else:
        with pytest.raises(AccessDenied):
            services.key_message_adopt(message=message, acting_user=user)
        message.refresh_from_db()
        assert message.status == MessageStatus.PROPOSED


@pytest.mark.parametrize(("role", "side", "allowed"), _matrix({("network_admin", "own"), ("network_admin", "other")}))
def test_only_network_admins_retire_an_adopted_message(role, side, allowed, drafting_org, other_org):
    message = make_key_message(drafting_org, status=MessageStatus.ADOPTED)
    user = actor(role, drafting_org if side == "own" else other_org)

    if allowed:
        assert services.key_message_retire(message=message, acting_user=user).status == MessageStatus.RETIRED
    else:
        with pytest.raises(AccessDenied):
            services.key_message_retire(message=message, acting_user=user)
        message.refresh_from_db()
        assert message.status == MessageStatus.ADOPTED


@pytest.mark.parametrize(
    ("status", "transition"),
    [
        (MessageStatus.PROPOSED, "propose"),
        (MessageStatus.ADOPTED, "propose"),
        (MessageStatus.RETIRED, "adopt"),
        (MessageStatus.ADOPTED, "adopt"),
        (MessageStatus.RETIRED, "retire"),
    ],
)
def test_a_transition_from_the_wrong_status_is_refused_and_changes_nothing(status, transition, drafting_org):
    message = make_key_message(drafting_org, status=status)
    user = factories.coordinator_of(drafting_org) if transition == "propose" else factories.network_admin()
    service = {
        "propose": services.key_message_propose,
        "adopt": services.key_message_adopt,
        "retire": services.key_message_retire,
    }[transition]
    versions_before = message.revisions.count()

    with pytest.raises(services.TransitionNotAllowed):
        service(message=message, acting_user=user)

    message.refresh_from_db()
    assert message.status == status
    assert message.revisions.count() == versions_before


def test_the_status_of_a_message_is_shared_by_its_translations(drafting_org):
    from wagtail.models import Locale

    message = make_key_message(drafting_org)
    english = Locale.objects.get_or_create(language_code="en")[0]
    translation = message.copy_for_translation(english)
    translation.statement = "Sex work is work."
    translation.save()

    services.key_message_propose(message=message, acting_user=factories.coordinator_of(drafting_org))

    translation.refresh_from_db()
    assert translation.status == MessageStatus.PROPOSED


# ---------------------------------------------------------------------------------------------------------------
# Notifications


def test_proposing_tells_every_coordinator_in_app_and_by_email_with_a_reference_and_a_link(
    drafting_org, other_org, mailoutbox, django_capture_on_commit_callbacks
):
    # Given coordinators, staff, peers and volunteers in two organisations, and a network admin
    coordinator = factories.coordinator_of(drafting_org)
    other_coordinator = factories.coordinator_of(other_org)
    others = [
        factories.member(drafting_org, Role.STAFF),
        factories.member(other_org, Role.PEER),
        factories.member(other_org, Role.VOLUNTEER),
        factories.network_admin(),
    ]
    message = make_key_message(drafting_org, statement="Une déclaration à ne pas mettre dans un courriel.")
    mailoutbox.clear()

    # When the draft is proposed
    with django_capture_on_commit_callbacks(execute=True):
        services.key_message_propose(message=message, acting_user=coordinator)

    # Then every coordinator gets one notification and one email, with the reference and the link
    for user in (coordinator, other_coordinator):
        notification = Notification.objects.get(user=user, topic="advocacy.message_proposed")
        assert notification.reference == message.reference
        assert notification.link == f"/advocacy/messages/{message.pk}/"
        (mail,) = [mail for mail in mailoutbox if user.email in mail.to]
        assert message.reference in mail.body
        assert f"/advocacy/messages/{message.pk}/" in mail.body
        assert "déclaration" not in mail.subject + mail.body
    # and nobody else does
    for user in others:
        assert not Notification.objects.filter(user=user).exists()
        assert not [mail for mail in mailoutbox if user.email in mail.to]


def test_a_refused_proposal_tells_nobody(drafting_org, mailoutbox, django_capture_on_commit_callbacks):
    message = make_key_message(drafting_org)
    staff = factories.member(drafting_org, Role.STAFF)

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(AccessDenied):
        services.key_message_propose(message=message, acting_user=staff)

    assert not Notification.objects.exists()
    assert mailoutbox == []


# ---------------------------------------------------------------------------------------------------------------
# Members' screens


def test_a_peer_drafts_a_message_from_the_form_and_only_their_organisation_sees_it(
    signed_in, client, drafting_org, other_org
):
    peer = factories.member(drafting_org, Role.PEER)
    form = signed_in(peer).get("/en/advocacy/messages/new/")
    assert form.status_code == 200

    response = client.post(
        "/en/advocacy/messages/new/",
        {
            "organisation": drafting_org.pk,
            "statement": "Les personnes migrantes ont droit à la santé.",
            "argument": "Premier paragraphe <script>alert(1)</script>.\n\nSecond paragraphe.",
            "themes": [Theme.objects.get(slug="migration-rights").pk, Theme.objects.get(slug="hiv-stis").pk],
        },
    )

    message = KeyMessage.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/advocacy/messages/{message.pk}/")
    assert message.status == MessageStatus.DRAFT and message.created_by == peer
    assert (
        message.argument == "<p>Premier paragraphe &lt;script&gt;alert(1)&lt;/script&gt;.</p><p>Second paragraphe.</p>"
    )
    assert {theme.slug for theme in message.themes.all()} == {"migration-rights", "hiv-stis"}
    client.logout()
    outsider = signed_in(factories.coordinator_of(other_org))
    assert outsider.get(f"/en/advocacy/messages/{message.pk}/").status_code == 404
    assert outsider.get(f"/en/advocacy/messages/{message.pk}/edit/").status_code == 404
    assert "Les personnes migrantes" not in outsider.get("/en/advocacy/messages/").content.decode()


def test_a_volunteer_cannot_draft_and_nothing_is_written(signed_in, drafting_org):
    client = signed_in(factories.member(drafting_org, Role.VOLUNTEER))

    assert client.get("/en/advocacy/messages/new/").status_code == 403
    response = client.post("/en/advocacy/messages/new/", {"organisation": drafting_org.pk, "statement": "X"})
    assert response.status_code == 403
    assert not KeyMessage.objects.exists()


def test_a_contributor_cannot_draft_for_another_organisation_from_the_form(signed_in, drafting_org, other_org):
    client = signed_in(factories.member(drafting_org, Role.STAFF))

    response = client.post("/en/advocacy/messages/new/", {"organisation": other_org.pk, "statement": "X"})

    assert response.status_code == 200  # the form again, with the error on the organisation
    assert "organisation" in response.context["form"].errors
    assert not KeyMessage.objects.exists()


def test_editing_from_the_form_saves_a_new_version_and_others_are_refused(signed_in, client, drafting_org, other_org):
    message = make_key_message(drafting_org, status=MessageStatus.PROPOSED, statement="Avant.")
    staff = factories.member(drafting_org, Role.STAFF)

    response = signed_in(staff).post(f"/en/advocacy/messages/{message.pk}/edit/", {"statement": "Après."})

    assert response.status_code == 302
    message.refresh_from_db()
    assert message.statement == "Après."
    assert message.latest_revision.user == staff
    client.logout()
    outsider = signed_in(factories.member(other_org, Role.PEER))
    assert outsider.post(f"/en/advocacy/messages/{message.pk}/edit/", {"statement": "Non."}).status_code == 403
    message.refresh_from_db()
    assert message.statement == "Après."


def test_propose_adopt_and_retire_buttons_follow_the_policy(signed_in, client, drafting_org):
    message = make_key_message(drafting_org)
    url = f"/en/advocacy/messages/{message.pk}/"
    staff = factories.member(drafting_org, Role.STAFF)

    staff_client = signed_in(staff)
    assert "Propose to the network" not in staff_client.get(url).content.decode()
    assert staff_client.post(f"{url}propose/").status_code == 403
    client.logout()

    coordinator_client = signed_in(factories.coordinator_of(drafting_org))
    assert "Propose to the network" in coordinator_client.get(url).content.decode()
    assert coordinator_client.post(f"{url}propose/").status_code == 302
    assert coordinator_client.post(f"{url}adopt/").status_code == 403
    client.logout()

    admin_client = signed_in(factories.network_admin())
    assert "Adopt" in admin_client.get(url).content.decode()
    assert admin_client.post(f"{url}adopt/").status_code == 302
    message.refresh_from_db()
    assert message.status == MessageStatus.ADOPTED
    assert admin_client.post(f"{url}unknown/").status_code == 404


def test_the_list_filters_by_theme_and_status(signed_in, client, drafting_org, other_org):
    make_key_message(
        drafting_org, status=MessageStatus.ADOPTED, statement="Réduction des risques", themes=("harm-reduction",)
    )
    make_key_message(
        drafting_org, status=MessageStatus.PROPOSED, statement="Violences policières", themes=("violence",)
    )

    # The public: adopted messages only, whatever the filter asks
    assert "Violences policières" not in client.get("/en/advocacy/messages/", {"status": "proposed"}).content.decode()
    page = client.get("/en/advocacy/messages/").content.decode()
    assert "Réduction des risques" in page and "Violences policières" not in page

    # A member filters by theme and status
    member = signed_in(factories.member(other_org, Role.PEER))
    by_theme = member.get("/en/advocacy/messages/", {"theme": "violence"}).content.decode()
    assert "Violences policières" in by_theme and "Réduction des risques" not in by_theme
    by_status = member.get("/en/advocacy/messages/", {"status": "adopted"}).content.decode()
    assert "Réduction des risques" in by_status and "Violences policières" not in by_status


def test_the_list_shows_each_message_once_in_the_visitor_s_language_where_translated(client, drafting_org):
    from wagtail.models import Locale

    message = make_key_message(
        drafting_org, status=MessageStatus.ADOPTED, statement="Le travail du sexe est un travail."
    )
    translation = message.copy_for_translation(Locale.objects.get_or_create(language_code="en")[0])
    translation.statement = "Sex work is work."
    translation.save()

    english = client.get("/en/advocacy/messages/").content.decode()
    french = client.get("/fr/advocacy/messages/").content.decode()
    spanish = client.get("/es/advocacy/messages/").content.decode()

    assert "Sex work is work." in english and "Le travail du sexe" not in english
    assert "Le travail du sexe est un travail." in french and "Sex work is work." not in french
    assert "Le travail du sexe est un travail." in spanish  # falls back to the source


def test_the_list_runs_a_constant_number_of_queries(signed_in, drafting_org, other_org, django_assert_max_num_queries):
    client = signed_in(factories.member(other_org, Role.PEER))
    make_key_message(drafting_org, status=MessageStatus.ADOPTED, themes=("violence",))
    client.get("/en/advocacy/messages/")
    with django_assert_max_num_queries(25) as small:
        client.get("/en/advocacy/messages/")
    for _ in range(4):
        message = make_key_message(drafting_org, status=MessageStatus.ADOPTED, themes=("violence", "hiv-stis"))
        endorse(message, other_org)
    with django_assert_max_num_queries(len(small)):
        client.get("/en/advocacy/messages/")


# ---------------------------------------------------------------------------------------------------------------
# Wagtail admin (snippet): scoped to the acting user (wagtail issue #13314)


DRAFTAIL_PARAGRAPH = json.dumps(
    {
        "blocks": [
            {
                "key": "a1b2c",
                "type": "unstyled",
                "text": "Un argument.",
                "depth": 0,
                "inlineStyleRanges": [],
                "entityRanges": [],
            }
        ],
        "entityMap": {},
    }
)


def _admin_url(name: str, *args) -> str:
    from django.urls import reverse

    return reverse(KeyMessage.snippet_viewset.get_url_name(name), args=args)


def test_the_admin_lists_only_visible_messages_and_edits_only_editable_ones(signed_in, drafting_org, other_org):
    own_draft = make_key_message(drafting_org, statement="Brouillon de l'organisation")
    other_draft = make_key_message(other_org, statement="Brouillon d'une autre organisation")
    other_proposed = make_key_message(other_org, status=MessageStatus.PROPOSED, statement="Proposition d'une autre")
    staff = factories.member(drafting_org, Role.STAFF)
    client = signed_in(staff)

    listing = client.get(_admin_url("list"))
    assert listing.status_code == 200
    page = listing.content.decode()
    assert "Brouillon de l&#x27;organisation" in page or "Brouillon de l'organisation" in page
    assert "Brouillon d&#x27;une autre" not in page and "Brouillon d'une autre" not in page

    assert client.get(_admin_url("edit", own_draft.pk)).status_code == 200
    assert client.get(_admin_url("edit", other_draft.pk)).status_code == 404
    assert client.get(_admin_url("edit", other_proposed.pk)).status_code == 404
    assert client.get(_admin_url("history", other_draft.pk)).status_code == 404
    assert client.post(_admin_url("delete", own_draft.pk)).status_code in (302, 403)
    assert KeyMessage.objects.filter(pk=own_draft.pk).exists()


def test_saving_in_the_admin_goes_through_the_service_and_records_a_version(signed_in, drafting_org):
    message = make_key_message(drafting_org, statement="Avant l'admin.")
    peer = factories.member(drafting_org, Role.PEER)
    client = signed_in(peer)

    response = client.post(
        _admin_url("edit", message.pk),
        {"statement": "Après l'admin.", "argument": DRAFTAIL_PARAGRAPH, "themes": [], "evidence": []},
    )

    assert response.status_code == 302, response.context["form"].errors if response.context else response
    message.refresh_from_db()
    assert message.statement == "Après l'admin."
    assert "Un argument." in message.argument
    assert message.revisions.count() == 2 and message.latest_revision.user == peer
    first, second = message.revisions.order_by("created_at", "pk")
    compare = client.get(_admin_url("revisions_compare", message.pk, first.pk, second.pk))
    assert compare.status_code == 200


def test_the_admin_chooser_offers_only_visible_messages(signed_in, drafting_org, other_org):
    from django.urls import reverse

    make_key_message(other_org, statement="Brouillon caché")
    make_key_message(other_org, status=MessageStatus.ADOPTED, statement="Message adopté visible")
    client = signed_in(factories.member(drafting_org, Role.STAFF))

    response = client.get(reverse(KeyMessage.snippet_viewset.chooser_viewset.get_url_name("choose")))

    assert response.status_code == 200
    page = response.json()["html"]
    assert "Message adopté visible" in page and "Brouillon caché" not in page
