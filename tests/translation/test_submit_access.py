"""wagtail-localize's submit and sync views answer only to those who may publish the content (404 otherwise)."""

import pytest
from wagtail_localize.models import TranslationSource

from network.advocacy.models import MessageStatus
from network.orgs.models import Role
from tests.advocacy.factories import make_key_message
from tests.factories import member, organisation
from tests.resources.factories import locale, make_resource

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_organisations():
    locale("ar")
    own, other = organisation(), organisation()
    return own, other, member(own, Role.STAFF)


def test_editor_may_open_the_translation_form_of_their_own_resource(two_organisations, signed_in):
    own, _other, staff = two_organisations
    page = make_resource(own, visibility="public")

    response = signed_in(staff).get(f"/admin/localize/submit/page/{page.pk}/")

    assert response.status_code == 200


def test_editor_of_another_organisation_gets_404_and_creates_no_translation(two_organisations, signed_in):
    own, other, staff = two_organisations
    page = make_resource(other, visibility="public", title="Other organisation's resource")
    client = signed_in(staff)

    read = client.get(f"/admin/localize/submit/page/{page.pk}/")
    write = client.post(f"/admin/localize/submit/page/{page.pk}/", {"locales": [locale("ar").pk]})

    assert read.status_code == 404 and write.status_code == 404
    assert b"Other organisation" not in read.content
    assert not page.get_translations().exists()


def test_key_message_of_another_organisation_cannot_be_submitted_for_translation(two_organisations, signed_in):
    _own, other, staff = two_organisations
    message = make_key_message(other, status=MessageStatus.PROPOSED)

    response = signed_in(staff).get(f"/admin/localize/submit/snippet/advocacy/keymessage/{message.pk}/")

    assert response.status_code == 404


def test_sync_of_another_organisation_translations_answers_404(two_organisations, signed_in):
    _own, other, staff = two_organisations
    page = make_resource(other, visibility="public")
    source, _created = TranslationSource.get_or_create_from_instance(page)

    response = signed_in(staff).get(f"/admin/localize/update/{source.pk}/")

    assert response.status_code == 404


def test_network_pages_are_translated_by_network_admins_only(two_organisations, signed_in):
    _own, _other, staff = two_organisations
    from tests.resources.factories import home_page

    response = signed_in(staff).get(f"/admin/localize/submit/page/{home_page().pk}/")

    assert response.status_code == 404
