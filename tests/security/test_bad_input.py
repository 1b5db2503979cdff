"""Bad input never becomes a 500: ids out of the database's integer range, negative, not numbers or not UUIDs, on
every API route that takes one and on the admin's id routes; malformed JSON in the admin's rich text. Each gets a
clear 4xx (the API a JSON body with `detail`), and nothing is written."""

from __future__ import annotations

import pytest
from django.urls import NoReverseMatch, reverse

from network.advocacy.models import KeyMessage
from network.core.rich_text import UNREADABLE_MESSAGE
from tests import factories
from tests.advocacy.factories import make_key_message
from tests.security.conftest import changed_tables, database_fingerprint, enrol_totp_for, token_for
from tests.security.urlmap import endpoints

pytestmark = pytest.mark.django_db

OUT_OF_RANGE = "99999999999999999999"  # beyond PostgreSQL's bigint
BAD_IDS = (OUT_OF_RANGE, "-1", "abc", "0", "12345678-1234-1234-1234-12345678901z")


def _api_paths() -> list[str]:
    """Every API route with an id in its path, once per bad id (where the route's pattern accepts it)."""
    paths = []
    for endpoint in endpoints():
        if endpoint.kind != "api" or not endpoint.parameters:
            continue
        for bad in BAD_IDS:
            try:
                paths.append(reverse(endpoint.name, kwargs=dict.fromkeys(endpoint.parameters, bad)))
            except NoReverseMatch:
                continue  # the route does not match such a value at all: see the unmatched paths below
    return sorted(set(paths))


@pytest.fixture
def admin_user():
    user = factories.network_admin()
    enrol_totp_for(user)
    return user


@pytest.fixture
def api(client, admin_user):
    client.defaults.update(HTTP_AUTHORIZATION=f"Token {token_for(admin_user)}", HTTP_ACCEPT_LANGUAGE="en")
    return client


def _assert_json_refusal(response, path: str) -> None:
    assert 400 <= response.status_code < 500, f"{path}: {response.status_code}"
    assert response["Content-Type"].startswith("application/json"), f"{path}: {response['Content-Type']}"
    assert "detail" in response.json(), path


def test_every_api_route_answers_a_bad_id_with_a_json_4xx_and_writes_nothing(api):
    paths = _api_paths()
    assert len(paths) >= 20  # every router's detail and action routes, with several bad ids each
    before = database_fingerprint()

    for path in paths:
        response = api.get(path)
        if response.status_code == 405:  # an action: POST it
            response = api.post(path, {}, content_type="application/json")
        _assert_json_refusal(response, path)

    assert changed_tables(before, database_fingerprint()) == []


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/advocacy/opportunities/not-a-uuid/extra/",
        "/api/v1/no-such-collection/",
        f"/api/v1/resources/{OUT_OF_RANGE}/translations/nothing/",
    ],
)
def test_an_unknown_api_path_answers_a_json_404(api, path):
    response = api.get(path)

    assert response.status_code == 404
    _assert_json_refusal(response, path)


ADMIN_ID_ROUTES = (
    "/admin/pages/{id}/",
    "/admin/pages/{id}/edit/",
    "/admin/pages/{id}/history/",
    "/admin/pages/{id}/delete/",
    "/admin/pages/{id}/copy/",
    "/admin/pages/{id}/move/",
    "/admin/pages/{id}/add_subpage/",
    "/admin/pages/{id}/revisions/",
    "/admin/documents/edit/{id}/",
    "/admin/documents/delete/{id}/",
    "/admin/images/{id}/",
    "/admin/images/{id}/delete/",
    "/admin/collections/{id}/",
    "/admin/users/{id}/",
    "/admin/groups/edit/{id}/",
    "/admin/snippets/advocacy/keymessage/edit/{id}/",
    "/admin/snippets/advocacy/keymessage/history/{id}/",
    "/admin/snippets/advocacy/advocacyopportunity/edit/{id}/",
    "/admin/snippets/advocacy/advocacyopportunity/delete/{id}/",
    "/admin/localize/submit/page/{id}/",
    "/admin/localize/update/{id}/",
    "/documents/{id}/guide.pdf",
)


def _refused(response) -> bool:
    """A clear refusal: a 4xx, or Wagtail's redirect to the admin home ("no permission") or to the page's own
    history (where its revisions screen sends everyone), never a server error."""
    if 400 <= response.status_code < 500:
        return True
    return response.status_code == 302 and (
        response["Location"] == "/admin/" or response["Location"].endswith("/history/")
    )


@pytest.mark.parametrize("as_superuser", [False, True], ids=["network_admin", "superuser"])
@pytest.mark.parametrize("route", ADMIN_ID_ROUTES)
def test_admin_id_routes_answer_an_out_of_range_or_malformed_id_with_a_refusal(client, admin_user, route, as_superuser):
    # A superuser passes every model permission: the id itself is looked up.
    user = factories.UserFactory(is_superuser=True, is_staff=True) if as_superuser else admin_user
    enrol_totp_for(user)
    client.force_login(user, backend="allauth.account.auth_backends.AuthenticationBackend")

    for bad in (OUT_OF_RANGE, "2147483648", "abc", "-1"):
        path = route.format(id=bad)
        response = client.get(path)
        assert _refused(response), f"{path}: {response.status_code} {response.get('Location')}"
        if as_superuser and response.status_code == 302:
            assert response["Location"].endswith("/history/"), path


def _key_message_form(**changes) -> dict:
    data = {"statement": "A statement", "argument": "{not json", "themes": [], "evidence": []}
    data.update(changes)
    return data


def test_admin_rich_text_with_malformed_json_is_a_form_error_not_a_500(client, admin_user):
    organisation = factories.organisation(name="Lotus Outreach")
    coordinator = factories.coordinator_of(organisation)
    enrol_totp_for(coordinator)
    message = make_key_message(organisation, statement="Original statement")
    client.force_login(coordinator, backend="allauth.account.auth_backends.AuthenticationBackend")
    before = database_fingerprint()

    created = client.post(
        "/admin/snippets/advocacy/keymessage/add/",
        _key_message_form(drafting_organisation=str(organisation.pk)),
    )
    edited = client.post(f"/admin/snippets/advocacy/keymessage/edit/{message.pk}/", _key_message_form())

    for response in (created, edited):
        assert response.status_code == 200  # the form again, with its error
        assert response.context["form"].errors.keys() == {"argument"}  # the rich text field's error
        assert str(UNREADABLE_MESSAGE) in response.context["form"].errors["argument"]
    assert changed_tables(before, database_fingerprint()) == []
    assert KeyMessage.objects.get(pk=message.pk).statement == "Original statement"


@pytest.mark.parametrize("count", ["abc", OUT_OF_RANGE, "-1x"])
def test_admin_stream_field_with_unreadable_block_data_is_a_form_error_not_a_500(client, count):
    from tests.resources.factories import make_resource

    page = make_resource(factories.organisation(name="Lotus Outreach"), title="Original title")
    user = factories.UserFactory(is_superuser=True, is_staff=True)
    enrol_totp_for(user)
    client.force_login(user, backend="allauth.account.auth_backends.AuthenticationBackend")
    before = database_fingerprint()

    response = client.post(
        f"/admin/pages/{page.pk}/edit/", {"title": "Changed", "slug": page.slug, "summary": "s", "body-count": count}
    )

    assert response.status_code == 200  # the editor again, with the body's error
    assert "body" in response.context["form"].errors
    assert changed_tables(before, database_fingerprint()) == []
    page.refresh_from_db()
    assert page.title == "Original title"
