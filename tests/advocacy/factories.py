"""Build key messages in any status, and endorsements, through the real services.

    message = make_key_message(org, status="adopted", themes=("harm-reduction",))
    endorse(message, other_org, by=coordinator_of(other_org))

Statuses are reached the way the product reaches them: drafted by a contributor of `org`, proposed by one of its
coordinators, adopted and retired by a network administrator.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pytest

from network.accounts.models import User
from network.advocacy import services
from network.advocacy.models import Endorsement, KeyMessage, MessageStatus
from network.orgs.models import Organisation
from network.themes.models import Theme
from tests import factories


def make_key_message(
    org: Organisation,
    *,
    status: str = MessageStatus.DRAFT,
    statement: str = "Sex work is work: labour rights protect workers.",
    themes: Iterable[str | Theme] = (),
    created_by: User | None = None,
    argument: str = "<p>Criminalisation pushes work into isolation and exposes workers to violence.</p>",
    evidence: Iterable[Any] = (),
) -> KeyMessage:
    """A key message drafted by `org`, brought to `status` (draft, proposed, adopted or retired)."""
    author = created_by or factories.coordinator_of(org)
    theme_objects = [theme if isinstance(theme, Theme) else Theme.objects.get(slug=theme) for theme in themes]
    message = services.key_message_create(
        organisation=org,
        statement=statement,
        argument=argument,
        themes=theme_objects,
        evidence=evidence,
        acting_user=author,
    )
    if status == MessageStatus.DRAFT:
        return message
    message = services.key_message_propose(message=message, acting_user=factories.coordinator_of(org))
    if status == MessageStatus.PROPOSED:
        return message
    admin = factories._system_admin()  # noqa: SLF001
    message = services.key_message_adopt(message=message, acting_user=admin)
    if status == MessageStatus.ADOPTED:
        return message
    if status == MessageStatus.RETIRED:
        return services.key_message_retire(message=message, acting_user=admin)
    raise ValueError(f"Unknown status {status!r}")


def endorse(message: KeyMessage, org: Organisation, by: User | None = None) -> Endorsement:
    """`org` signs `message` (by one of its coordinators; the first one found unless `by` is given)."""
    return services.endorsement_sign(message=message, organisation=org, acting_user=by or factories.coordinator_of(org))


@pytest.fixture
def advocacy_urls(settings):
    """Route the advocacy screens and API even before network/urls.py mounts them (see tests/advocacy/urls.py)."""
    settings.ROOT_URLCONF = "tests.advocacy.urls"
