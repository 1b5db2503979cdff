"""Views and downloads are counted per resource page and day, atomically, and without recording anyone."""

from __future__ import annotations

import pytest
from django.db.models import QuerySet
from django.utils import timezone

from network.orgs.models import Role
from network.resources import services
from network.resources.models import ResourceDailyCount
from tests import factories
from tests.resources import factories as library

pytestmark = pytest.mark.django_db


@pytest.fixture
def lotus():
    return factories.organisation(name="Lotus Outreach")


def today_counts(page) -> tuple[int, int]:
    row = ResourceDailyCount.objects.filter(page=page, day=timezone.localdate()).first()
    return (row.views, row.downloads) if row else (0, 0)


def test_counts_hold_no_person_at_all():
    assert {field.name for field in ResourceDailyCount._meta.get_fields()} == {
        "id",
        "page",
        "day",
        "views",
        "downloads",
    }


def test_each_view_of_a_resource_page_adds_one_to_today(client, signed_in, lotus):
    page = library.make_resource(lotus)

    client.get(page.url)
    client.get(page.url)
    signed_in(factories.member(lotus, Role.STAFF)).get(page.url)

    assert today_counts(page) == (3, 0)
    assert ResourceDailyCount.objects.count() == 1


def test_refused_views_and_editor_previews_are_not_counted(client, signed_in, lotus):
    hidden = library.make_resource(lotus, visibility="organisation")
    assert client.get(hidden.url).status_code == 404

    editor = signed_in(factories.member(lotus, Role.COORDINATOR))
    preview = editor.get(f"/admin/pages/{hidden.pk}/view_draft/")

    assert preview.status_code == 200
    assert today_counts(hidden) == (0, 0)


def test_each_allowed_download_adds_one_to_the_page_offering_the_document(client, signed_in, lotus):
    public = library.make_resource(lotus)
    document = library.attach_document(public)
    restricted = library.make_resource(lotus, visibility="organisation")
    private_document = library.attach_document(restricted)

    client.get(document.url)
    client.get(document.url)
    client.get(private_document.url)  # refused: 404, not counted

    assert today_counts(public) == (0, 2)
    assert today_counts(restricted) == (0, 0)
    signed_in(factories.member(lotus, Role.VOLUNTEER)).get(private_document.url)
    assert today_counts(restricted) == (0, 1)


def test_download_is_counted_for_the_translation_in_the_language_being_browsed(client, lotus):
    page = library.make_resource(lotus)
    document = library.attach_document(page)
    spanish = library.translate(page, "es", title="Caja")  # translations share their documents

    client.get(document.url, HTTP_ACCEPT_LANGUAGE="es")
    client.get(document.url, HTTP_ACCEPT_LANGUAGE="fr")

    assert today_counts(spanish) == (0, 1)
    assert today_counts(page) == (0, 1)


def test_counter_survives_a_concurrent_first_count_of_the_day(lotus, monkeypatch):
    # Given another request created today's row between our UPDATE (which found nothing) and our INSERT
    page = library.make_resource(lotus)
    ResourceDailyCount.objects.create(page=page, day=timezone.localdate(), views=5)
    original_update = QuerySet.update
    calls = []

    def update_missing_the_row_once(queryset, **kwargs):
        calls.append(kwargs)
        if len(calls) == 1:
            return 0
        return original_update(queryset, **kwargs)

    monkeypatch.setattr(QuerySet, "update", update_missing_the_row_once)

    # When we count a view: the INSERT hits the unique constraint, and we retry the UPDATE
    services.resource_count_view(page)

    # Then nothing is lost and there is still one row
    assert len(calls) == 2
    assert today_counts(page) == (6, 0)
    assert ResourceDailyCount.objects.filter(page=page).count() == 1


def test_members_who_publish_see_the_counts_of_their_resource(client, signed_in, lotus):
    library.locale("en")
    page = library.make_resource(lotus)
    in_english = "/en" + page.url.removeprefix("/fr")
    client.get(in_english)

    anonymous_html = client.get(in_english).content.decode()
    staff_html = signed_in(factories.member(lotus, Role.STAFF)).get(in_english).content.decode()

    assert "Last 30 days" not in anonymous_html
    # Counted after the page is rendered: the two earlier views
    assert "Last 30 days: 2 views, 0 downloads" in staff_html
