"""Who gets what from every endpoint: the decision table the permission matrix enforces.

Every endpoint that tests/security/urlmap.py finds in the URL resolver (every /api/ URL, every view of our
packages, every Wagtail admin viewset our code registers) needs a row here; a new endpoint without one fails
`test_every_endpoint_in_scope_has_a_decision` with "add a decision for <name>". The URLs the platform inherits
(Wagtail's, wagtail-localize's, allauth's) are decided by the compact rules of tests/security/inherited.py; a row
here gives one of them a full decision instead (as for wagtail-localize's submit and sync views).

How to add a row:
- The key is the URL name ("orgs:members"); a pattern without a name is keyed by its route as the failure shows
  it, and its decision gives `path` (a function of the scenario returning the path to request) instead of kwargs.
- `kwargs`: a function of the scenario (tests/security/conftest.py) returning the URL kwargs. Point it at an
  object that organisation A owns, so "outsider" (a coordinator of an unrelated organisation C) proves the 404.
  A decision may create what it needs: `kwargs=lambda s: {"pk": make_key_message(s.a).pk}`.
- `get`: the status each actor gets for a GET (`statuses(default, **per_actor)`; every actor ends with one).
- `post` (optional): the status each actor gets for a POST of `post_data`; the request is rolled back after it,
  and for every refusal (401/403/404/405, a redirect to sign-in, Wagtail's "no permission") the test checks that
  not one row of our apps changed.
- `personal_data`: the 200 responses carry personal data, so they must say `Cache-Control: no-store`.
- `hidden` / `hidden_from`: an id that must not appear in the body those actors get (lists and indexes).

Statuses are ints, or LOGIN (a redirect to the sign-in page) or ADMIN_DENIED (Wagtail's redirect to the admin
home with "you do not have permission"). A plain 302 is a redirect anywhere else (a form that worked).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tests.security.conftest import Scenario

ANONYMOUS = "anonymous"
NETWORK_ADMIN = "network_admin"
COORDINATOR = "coordinator"  # of organisation A, which owns the objects
STAFF = "staff"  # of A
PEER = "peer"  # of A
VOLUNTEER = "volunteer"  # of A
PARTNER = "partner"  # staff of B, A's partner and the receiver of A's referral
OUTSIDER = "outsider"  # coordinator of C, unrelated to A
ACTORS = (ANONYMOUS, NETWORK_ADMIN, COORDINATOR, STAFF, PEER, VOLUNTEER, PARTNER, OUTSIDER)
MEMBERS_OF_A = (COORDINATOR, STAFF, PEER, VOLUNTEER)
SIGNED_IN = tuple(actor for actor in ACTORS if actor != ANONYMOUS)
# Roles that do not handle referrals: they see none, their own organisation's included.
NO_REFERRALS = (NETWORK_ADMIN, PEER, VOLUNTEER, OUTSIDER)

LOGIN = "login"  # 302 to the sign-in page
ADMIN_DENIED = "admin-denied"  # 302 to the Wagtail admin home: signed in, no permission there
REFUSALS = {401, 403, 404, 405, LOGIN, ADMIN_DENIED}

Status = int | str


def statuses(default: Status | None = None, **per_actor: Status) -> dict[str, Status]:
    """One status per actor: those named, the default for the others (no default: every actor must be named)."""
    unknown = set(per_actor) - set(ACTORS)
    if unknown:
        raise ValueError(f"unknown actors {sorted(unknown)}")
    if default is None and set(per_actor) != set(ACTORS):
        raise ValueError(f"no status for {sorted(set(ACTORS) - set(per_actor))}")
    return {actor: per_actor.get(actor, default) for actor in ACTORS}


def each(actors: tuple[str, ...], status: Status) -> dict[str, Status]:
    return dict.fromkeys(actors, status)


@dataclass(frozen=True)
class Decision:
    get: dict[str, Status]
    personal_data: bool
    kwargs: Callable[[Scenario], dict[str, Any]] = lambda scenario: {}
    path: Callable[[Scenario], str] | None = None  # for a pattern without a name
    post: dict[str, Status] | None = None
    post_data: Callable[[Scenario], dict[str, Any]] = lambda scenario: {}
    hidden: Callable[[Scenario], Any] | None = None
    hidden_from: tuple[str, ...] = ()
    why: str = ""


# ---------------------------------------------------------------------------------------------------------------
# Shapes that recur

PUBLIC = statuses(200)
API_SIGNED_IN = statuses(200, anonymous=401)
PAGE_SIGNED_IN = statuses(200, anonymous=LOGIN)
API_POST_ONLY = statuses(405, anonymous=401)  # an action: GET is refused once signed in
PAGE_POST_ONLY = statuses(405, anonymous=LOGIN)
# A referral sent by A to B: staff and coordinators of the two sides, nobody else (network admins included).
API_REFERRAL_READ = statuses(404, anonymous=401, coordinator=200, staff=200, partner=200)
PAGE_REFERRAL_READ = statuses(404, anonymous=LOGIN, coordinator=200, staff=200, partner=200)
# Our Wagtail admin: volunteers have no admin access at all (sent to sign in, like anonymous visitors).
ADMIN_NETWORK_ONLY = statuses(ADMIN_DENIED, anonymous=LOGIN, volunteer=LOGIN, network_admin=200)
ADMIN_NOBODY = statuses(ADMIN_DENIED, anonymous=LOGIN, volunteer=LOGIN)


def _org_a(scenario: Scenario) -> dict[str, Any]:
    return {"slug": scenario.a.slug}


def _referral(scenario: Scenario) -> dict[str, Any]:
    return {"pk": scenario.referral.pk}


def _partnership(scenario: Scenario) -> dict[str, Any]:
    return {"pk": scenario.partnership.pk}


def _a_service(scenario: Scenario) -> dict[str, Any]:
    return {"slug": scenario.a.slug, "pk": scenario.a_service.pk}


def _category(scenario: Scenario) -> dict[str, Any]:
    from network.directory.models import ServiceCategory

    return {"pk": ServiceCategory.objects.get(code="legal-advice").pk}


def a_members_only_service(scenario: Scenario) -> Any:
    """A service A shows to network members only: never in the HSDS export, whoever asks."""
    from tests.referrals.factories import make_service

    return scenario.once(
        "a_members_only_service",
        lambda: make_service(scenario.a, "housing", name="Alpha night shelter", is_public=False),
    )


def _hsds_service_at_location(scenario: Scenario) -> dict[str, Any]:
    from network.directory.hsds import service_at_location_id

    return {"pk": service_at_location_id(scenario.a_service)}


def _hsds_taxonomy(scenario: Scenario) -> dict[str, Any]:
    from network.directory.hsds import TAXONOMY_ID

    return {"pk": TAXONOMY_ID}


_HSDS_PUBLIC_ONLY = "the public directory, the same for everyone: never a members-only service of A"


def _hsds_with_members_only_service(scenario: Scenario) -> dict[str, Any]:
    """No URL kwargs; made before the request, so that the members-only service exists when the list is read."""
    a_members_only_service(scenario)
    return {}


def _staff_notification(scenario: Scenario) -> dict[str, Any]:
    return {"pk": scenario.users[STAFF].notifications.get().pk}


def _in_three_days(scenario: Scenario) -> dict[str, Any]:
    return {"appointment_at": (datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=3)).isoformat()}


def _other_b_service(scenario: Scenario) -> dict[str, Any]:
    from tests.referrals.factories import make_service

    return {"service": str(make_service(scenario.b, "social-rights", name="Bravo social rights").pk)}


def a_referral_with_appointment(scenario: Scenario) -> dict[str, Any]:
    """A → B, accepted with an appointment: both sides may print the person's slip and its calendar file."""
    from network.referrals.models import ReferralStatus
    from tests.referrals.factories import make_referral

    def make() -> Any:
        return make_referral(
            scenario.users[STAFF],
            scenario.users[PARTNER],
            service=scenario.b_service,
            sender_org=scenario.a,
            status=ReferralStatus.APPOINTMENT_SET,
        )

    return {"pk": scenario.once("a_referral_with_appointment", make).pk}


def a_draft_message(scenario: Scenario) -> Any:
    """A key message A is drafting: only A's members see it (not network admins, not partners)."""
    from tests.advocacy.factories import make_key_message

    return scenario.once("a_draft_message", lambda: make_key_message(scenario.a, statement="A's draft position"))


def a_members_only_opportunity(scenario: Scenario) -> Any:
    from django.utils import timezone

    from network.advocacy.models import AdvocacyOpportunity

    return scenario.once(
        "a_opportunity",
        lambda: AdvocacyOpportunity.objects.create(
            title="Parliamentary hearing",
            starts_at=timezone.now() + datetime.timedelta(days=9),
            level="national",
            is_public=False,
            created_by=scenario.users[COORDINATOR],
        ),
    )


def a_document(scenario: Scenario) -> Any:
    """A document in A's collection, used by no page: A's members download it, nobody else."""
    from tests.resources.factories import make_document

    return scenario.once("a_document", lambda: make_document(scenario.a, title="A's internal guide"))


def a_internal_resource(scenario: Scenario) -> Any:
    """A resource A publishes for its own members only (visibility "organisation")."""
    from tests.resources.factories import make_resource

    return scenario.once(
        "a_internal_resource",
        lambda: make_resource(scenario.a, visibility="organisation", title="Alpha internal protocol"),
    )


def a_managed_opportunity(scenario: Scenario) -> Any:
    """A members-only opportunity A's peer added through the service, with A taking part."""
    from django.utils import timezone

    from network.advocacy import services as advocacy_services

    def make() -> Any:
        opportunity = advocacy_services.opportunity_create(
            acting_user=scenario.users[PEER],
            organisations=[scenario.a],
            title="Alpha's committee hearing",
            starts_at=timezone.now() + datetime.timedelta(days=12),
            level="local",
            is_public=False,
        )
        # A takes part once its coordinator confirms (a peer's listing is only an invitation).
        advocacy_services.participation_answer(
            participation=opportunity.participations.get(organisation=scenario.a),
            confirm=True,
            acting_user=scenario.users[COORDINATOR],
        )
        return opportunity

    return scenario.once("a_managed_opportunity", make)


def a_invitation_to_take_part(scenario: Scenario) -> Any:
    """C's coordinator lists A as taking part in C's opportunity: only A's coordinators answer."""
    from django.utils import timezone

    from network.advocacy import services as advocacy_services

    def make() -> Any:
        opportunity = advocacy_services.opportunity_create(
            acting_user=scenario.users[OUTSIDER],
            organisations=[scenario.a],
            title="Charlie's round table",
            starts_at=timezone.now() + datetime.timedelta(days=15),
            level="local",
        )
        return opportunity.participations.get(organisation=scenario.a)

    return scenario.once("a_invitation_to_take_part", make)


def a_invitation_to_co_author(scenario: Scenario) -> Any:
    """C publishes a resource listing A as co-author: only A's coordinators confirm or decline."""
    from tests.resources.factories import make_resource

    return scenario.once(
        "a_invitation_to_co_author",
        lambda: make_resource(
            scenario.c, visibility="public", title="Charlie's co-written guide", authoring_organisations=[scenario.a]
        ),
    )


def _opportunity(scenario: Scenario) -> dict[str, Any]:
    return {"pk": a_managed_opportunity(scenario).pk}


def a_space_translation_source(scenario: Scenario) -> Any:
    """The translation source of A's space page (what "Sync translated pages" re-extracts)."""
    from wagtail_localize.models import TranslationSource

    return scenario.once(
        "a_space_translation_source",
        lambda: TranslationSource.get_or_create_from_instance(scenario.a.space_page.specific)[0],
    )


def a_pending_invitation(scenario: Scenario) -> Any:
    """A staff invitation A's coordinator sent to an address none of the actors owns."""
    from network.orgs import services

    return scenario.once(
        "a_pending_invitation",
        lambda: services.invitation_create(
            organisation=scenario.a,
            email="invited.person@example.org",
            role="staff",
            acting_user=scenario.users[COORDINATOR],
        ),
    )


def a_pending_invitation_token(scenario: Scenario) -> str:
    from network.orgs import services

    return services.invitation_token(a_pending_invitation(scenario))


def _message(scenario: Scenario) -> dict[str, Any]:
    return {"pk": a_draft_message(scenario).pk}


def _message_revision(scenario: Scenario) -> dict[str, Any]:
    message = a_draft_message(scenario)
    return {"pk": message.pk, "revision_id": message.latest_revision_id}


# A's draft key message: A's members (every role) read it; nobody else, network admins included.
DRAFT_READ_PAGE = statuses(404, coordinator=200, staff=200, peer=200, volunteer=200)
# In our Wagtail admin (volunteers have no admin access): A's contributors (coordinator, staff, peer) only.
DRAFT_ADMIN = statuses(404, anonymous=LOGIN, volunteer=LOGIN, coordinator=200, staff=200, peer=200)
# Acting on A's draft from the member screens: A's coordinators; A's other members are told why not; others 404.
DRAFT_COORDINATOR_POST = statuses(
    404, anonymous=LOGIN, coordinator=302, staff=403, peer=403, volunteer=403, partner=404, outsider=404
)
SNIPPET_SIGNED_IN = statuses(200, anonymous=LOGIN, volunteer=LOGIN)
DRAFT_HIDDEN_FROM = (ANONYMOUS, NETWORK_ADMIN, PARTNER, OUTSIDER)
# The opportunity snippet: who may add (contributors anywhere, network admins), who may manage A's opportunity.
OPPORTUNITY_ADDERS = statuses(200, anonymous=LOGIN, volunteer=LOGIN)
OPPORTUNITY_MANAGERS = statuses(404, anonymous=LOGIN, volunteer=LOGIN, network_admin=200, coordinator=200, peer=200)
# A snippet chooser's "create" tab: refused to everyone with admin access.
CHOOSER_CREATE_REFUSED = statuses(ADMIN_DENIED, anonymous=LOGIN, volunteer=LOGIN)
# wagtail-localize's views, guarded (inherited URLs with a full decision): sign in to the admin first, then 404
# unless the user may publish for A (pages) or edit A's draft (messages).
A_PUBLISHERS_ADMIN = statuses(404, anonymous=LOGIN, volunteer=LOGIN, coordinator=200, staff=200)
# A's peers pass the policy (they edit A's draft) but lack `submit_translation`: Wagtail sends them home.
DRAFT_TRANSLATORS = statuses(404, anonymous=LOGIN, volunteer=LOGIN, coordinator=200, staff=200, peer=ADMIN_DENIED)


# ---------------------------------------------------------------------------------------------------------------
# The table

# Receiver's answers through the API (POST with a valid body): B's staff may, A's side is refused with a reason,
# anyone else learns nothing (404).
_API_ANSWER_POST = statuses(404, anonymous=401, coordinator=403, staff=403, partner=200)
# Sender's actions (cancel, withdraw consent): A's staff and coordinator may, B's staff is refused.
_API_SENDER_POST = statuses(404, anonymous=401, coordinator=200, staff=200, partner=403)


def observatory_releases(scenario: Scenario) -> dict[str, Any]:
    """The observatory's releases for 2026 (network, and A's region, where only A is), made once."""
    from tests.observatory.view_releases import make_region, make_release

    def make() -> dict[str, Any]:
        region = make_region("alpha-region", "Alpha region", scenario.a)
        make_release()
        make_release(scope="region", scope_key=region.code)
        return {"region": region.code, "table": "referrals_sent_by_category", "year": 2026}

    return scenario.once("observatory", make)


# Members of A (A's region), network admins (every region): nobody else, the partner B included.
OBSERVATORY_REGION = statuses(404, anonymous=LOGIN, **each((*MEMBERS_OF_A, NETWORK_ADMIN), 200))
# An organisation's own figures: its coordinators and staff only (not network admins, not its peers).
OBSERVATORY_OWN = statuses(404, anonymous=LOGIN, coordinator=200, staff=200)


DECISIONS: dict[str, Decision] = {
    # --- the API: schema, root, the signed-in member ----------------------------------------------------------
    "api-schema": Decision(get=PUBLIC, personal_data=False, why="the OpenAPI schema is public"),
    "api-docs": Decision(get=PUBLIC, personal_data=False),
    "api:api-root": Decision(get=PUBLIC, personal_data=False),
    "api:me": Decision(get=API_SIGNED_IN, personal_data=True, why="names and memberships of the caller"),
    # --- organisations, partnerships, services (API) ----------------------------------------------------------
    "api:organisation-list": Decision(get=PUBLIC, personal_data=False, why="the public directory"),
    "api:organisation-detail": Decision(
        get=PUBLIC, personal_data=False, kwargs=lambda s: {"pk": s.a.pk}, why="active organisations are public"
    ),
    "api:partnership-list": Decision(
        get=API_SIGNED_IN,
        personal_data=False,
        hidden=lambda s: s.partnership.pk,
        hidden_from=(OUTSIDER,),
    ),
    "api:partnership-detail": Decision(
        get=statuses(200, anonymous=401, outsider=404), personal_data=False, kwargs=_partnership
    ),
    "api:partnership-accept": Decision(
        get=API_POST_ONLY,
        personal_data=False,
        kwargs=_partnership,
        post=statuses(403, anonymous=401, outsider=404),
        why="only B's coordinators answer a proposal (this one is active already: refused to everyone)",
    ),
    "api:partnership-decline": Decision(
        get=API_POST_ONLY,
        personal_data=False,
        kwargs=_partnership,
        post=statuses(403, anonymous=401, outsider=404),
    ),
    "api:partnership-end": Decision(
        get=API_POST_ONLY,
        personal_data=False,
        kwargs=_partnership,
        post=statuses(403, anonymous=401, coordinator=200, outsider=404),
        why="coordinators of either side end a partnership",
    ),
    "directory-api:service-list": Decision(get=PUBLIC, personal_data=False, why="the public service directory"),
    "directory-api:service-detail": Decision(
        get=PUBLIC, personal_data=False, kwargs=lambda s: {"pk": s.a_service.pk}, why="a public service"
    ),
    # --- referrals (API) ----------------------------------------------------------------------------------------
    "referrals-api:referral-list": Decision(
        get=API_SIGNED_IN,
        personal_data=True,
        post=statuses(400, anonymous=401, network_admin=403, peer=403, volunteer=403),
        hidden=lambda s: s.referral.pk,
        hidden_from=NO_REFERRALS,
        why="lists are scoped: others get an empty list; sending needs staff or coordinator (400: empty body)",
    ),
    "referrals-api:referral-counts": Decision(
        get=statuses(403, anonymous=401, network_admin=200), personal_data=False, why="counts only, for admins"
    ),
    "referrals-api:referral-detail": Decision(get=API_REFERRAL_READ, personal_data=True, kwargs=_referral),
    "referrals-api:referral-events": Decision(get=API_REFERRAL_READ, personal_data=True, kwargs=_referral),
    "referrals-api:referral-messages": Decision(
        get=API_REFERRAL_READ,
        personal_data=True,
        kwargs=_referral,
        post=statuses(404, anonymous=401, coordinator=201, staff=201, partner=201),
        post_data=lambda s: {"body": "A short message"},
    ),
    "referrals-api:referral-accept": Decision(
        get=API_POST_ONLY, personal_data=True, kwargs=_referral, post=_API_ANSWER_POST
    ),
    "referrals-api:referral-decline": Decision(
        get=API_POST_ONLY,
        personal_data=True,
        kwargs=_referral,
        post=_API_ANSWER_POST,
        post_data=lambda s: {"reason": "no_capacity"},
    ),
    "referrals-api:referral-redirect": Decision(
        get=API_POST_ONLY,
        personal_data=True,
        kwargs=_referral,
        post=_API_ANSWER_POST,
        post_data=_other_b_service,
    ),
    "referrals-api:referral-set-appointment": Decision(
        get=API_POST_ONLY,
        personal_data=True,
        kwargs=_referral,
        post=statuses(404, anonymous=401, coordinator=403, staff=403, partner=409),
        post_data=_in_three_days,
        why="B's staff may, once accepted (409: the referral is only sent)",
    ),
    "referrals-api:referral-complete": Decision(
        get=API_POST_ONLY,
        personal_data=True,
        kwargs=_referral,
        post=statuses(404, anonymous=401, coordinator=403, staff=403, partner=409),
        post_data=lambda s: {"outcome": "service_provided"},
    ),
    "referrals-api:referral-cancel": Decision(
        get=API_POST_ONLY, personal_data=True, kwargs=_referral, post=_API_SENDER_POST
    ),
    "referrals-api:referral-withdraw-consent": Decision(
        get=API_POST_ONLY, personal_data=True, kwargs=_referral, post=_API_SENDER_POST
    ),
    # --- public pages and machine-readable directory ------------------------------------------------------------
    "healthz": Decision(get=PUBLIC, personal_data=False),
    "sitemap": Decision(
        get=PUBLIC,
        personal_data=False,
        hidden=lambda s: a_internal_resource(s).url,
        hidden_from=ACTORS,
        why="the index of the language sitemaps, the same for everyone",
    ),
    "sitemap_language": Decision(
        get=PUBLIC,
        personal_data=False,
        kwargs=lambda s: {"language": "fr"},
        hidden=lambda s: a_internal_resource(s).url,
        hidden_from=ACTORS,
        why="the pages an anonymous visitor may open, the same for everyone: never A's own-organisation resource",
    ),
    "robots_txt": Decision(get=PUBLIC, personal_data=False, why="the same for everyone, from settings alone"),
    "hsds:root": Decision(get=PUBLIC, personal_data=False),
    "hsds:openapi": Decision(get=PUBLIC, personal_data=False, why="this deployment's description of its HSDS API"),
    "hsds:services": Decision(
        get=PUBLIC,
        personal_data=False,
        kwargs=_hsds_with_members_only_service,
        hidden=lambda s: a_members_only_service(s).pk,
        hidden_from=ACTORS,
        why=_HSDS_PUBLIC_ONLY,
    ),
    "hsds:service": Decision(get=PUBLIC, personal_data=False, kwargs=lambda s: {"pk": s.a_service.pk}),
    "hsds:service_at_locations": Decision(
        get=PUBLIC,
        personal_data=False,
        kwargs=_hsds_with_members_only_service,
        hidden=lambda s: a_members_only_service(s).pk,
        hidden_from=ACTORS,
        why=_HSDS_PUBLIC_ONLY,
    ),
    "hsds:service_at_location": Decision(get=PUBLIC, personal_data=False, kwargs=_hsds_service_at_location),
    "hsds:organizations": Decision(get=PUBLIC, personal_data=False),
    "hsds:organization": Decision(
        get=PUBLIC,
        personal_data=False,
        kwargs=lambda s: {**_hsds_with_members_only_service(s), "pk": s.a.pk},
        hidden=lambda s: a_members_only_service(s).pk,
        hidden_from=ACTORS,
        why=_HSDS_PUBLIC_ONLY,
    ),
    "hsds:taxonomies": Decision(get=PUBLIC, personal_data=False),
    "hsds:taxonomy": Decision(get=PUBLIC, personal_data=False, kwargs=_hsds_taxonomy),
    "hsds:taxonomy_terms": Decision(get=PUBLIC, personal_data=False),
    "hsds:taxonomy_term": Decision(get=PUBLIC, personal_data=False, kwargs=_category),
    "orgs:directory": Decision(get=PUBLIC, personal_data=False),
    "orgs:detail": Decision(get=PUBLIC, personal_data=False, kwargs=_org_a),
    "directory:service_directory": Decision(get=PUBLIC, personal_data=False),
    "directory:service_detail": Decision(get=PUBLIC, personal_data=False, kwargs=lambda s: {"pk": s.a_service.pk}),
    "admin_login": Decision(
        get=statuses(LOGIN), personal_data=False, why="Wagtail's password-only login is sent to allauth"
    ),
    "frontend_login": Decision(
        get=statuses(LOGIN), personal_data=False, why="Wagtail's front-end password login is sent to allauth too"
    ),
    # --- the advocacy calendar (public opportunities for everyone, members-only ones for members) ---------------
    "advocacy_calendar:list": Decision(
        get=PUBLIC,
        personal_data=False,
        hidden=lambda s: a_members_only_opportunity(s).title,
        hidden_from=(ANONYMOUS,),
    ),
    "advocacy_calendar:ics": Decision(
        get=PUBLIC,
        personal_data=False,
        hidden=lambda s: a_members_only_opportunity(s).title,
        hidden_from=(ANONYMOUS,),
        post=statuses(405),
        why="a feed to subscribe to: GET only",
    ),
    # --- translation (wagtail-localize's views, behind the policy) ----------------------------------------------
    "admin_error_test_closed": Decision(
        get=statuses(404), personal_data=False, why="Wagtail's crash page (failwhale), shadowed: offered to nobody"
    ),
    "wagtail_localize:submit_page_translation": Decision(
        get=A_PUBLISHERS_ADMIN,
        personal_data=False,
        kwargs=lambda s: {"page_id": s.a.space_page.pk},
        post=A_PUBLISHERS_ADMIN,
        why="A's space page: those who publish for A; anyone else learns nothing (404)",
    ),
    "wagtail_localize:submit_snippet_translation": Decision(
        get=DRAFT_TRANSLATORS,
        personal_data=False,
        kwargs=lambda s: {"app_label": "advocacy", "model_name": "keymessage", "pk": a_draft_message(s).pk},
        post=DRAFT_TRANSLATORS,
        why="A's draft key message: those who may edit it (A's contributors)",
    ),
    "wagtail_localize:update_translations": Decision(
        get=A_PUBLISHERS_ADMIN,
        personal_data=False,
        kwargs=lambda s: {"translation_source_id": a_space_translation_source(s).pk},
        post=statuses(404, anonymous=LOGIN, volunteer=LOGIN, coordinator=302, staff=302),
        why="syncing the translations of A's space page: those who publish for A (302: synced, back to the page)",
    ),
    # --- members' own pages -------------------------------------------------------------------------------------
    "accounts:api_token": Decision(
        get=statuses(200, anonymous=LOGIN, peer=404, volunteer=404),
        personal_data=True,
        post=statuses(200, anonymous=LOGIN, peer=404, volunteer=404),
        post_data=lambda s: {"action": "create"},
        why="shows a new token once; only the roles whose work goes through the API (AccountAction.USE_API)",
    ),
    "accounts:profile": Decision(
        get=PAGE_SIGNED_IN,
        personal_data=True,
        post=statuses(302, anonymous=LOGIN),
        post_data=lambda s: {"language": "en"},
        why="the member's own language and email rhythm: each changes only their own",
    ),
    "orgs:dashboard": Decision(get=PAGE_SIGNED_IN, personal_data=True, why="the member's memberships"),
    "notifications:list": Decision(get=PAGE_SIGNED_IN, personal_data=True, why="one member's notifications"),
    "notifications:open": Decision(
        get=PAGE_POST_ONLY,
        personal_data=True,
        kwargs=_staff_notification,
        post=statuses(404, anonymous=LOGIN, staff=302),
        why="a notification of A's staff member: theirs alone",
    ),
    # --- organisation management (A's coordinators) -------------------------------------------------------------
    "orgs:edit_profile": Decision(
        get=statuses(404, anonymous=LOGIN, network_admin=200, coordinator=200),
        personal_data=False,
        kwargs=_org_a,
        post=statuses(404, anonymous=LOGIN, network_admin=200, coordinator=200),
        why="200 on POST: the empty form comes back with its errors",
    ),
    "orgs:members": Decision(
        get=statuses(404, anonymous=LOGIN, coordinator=200, staff=200),
        personal_data=True,
        kwargs=_org_a,
        why="names, and emails for coordinators; network admins do not manage members",
    ),
    "orgs:member_invite": Decision(
        get=statuses(404, anonymous=LOGIN, coordinator=200, network_admin=200),
        personal_data=True,
        kwargs=_org_a,
        post=statuses(404, anonymous=LOGIN, coordinator=302, network_admin=200),
        post_data=lambda s: {"email": "someone@example.org", "role": "staff"},
        why="A's coordinator invites any role (302: a pending invitation); network admins only a coordinator "
        "(200: staff is not among their choices); nobody else learns the organisation's members",
    ),
    "orgs:invitation_cancel": Decision(
        get=PAGE_POST_ONLY,
        personal_data=False,
        kwargs=lambda s: {"slug": s.a.slug, "invitation_id": a_pending_invitation(s).pk},
        post=statuses(404, anonymous=LOGIN, coordinator=302),
        why="A's pending staff invitation: A's coordinator cancels it; for anyone else it does not exist",
    ),
    "orgs:invitation": Decision(
        get=statuses(403, anonymous=200),
        personal_data=False,
        kwargs=lambda s: {"token": a_pending_invitation_token(s)},
        post=statuses(403, anonymous=200),
        why="the emailed link: a visitor is asked to sign in; no actor here owns the invited (verified) address, "
        "so every signed-in actor is refused, without being told the address",
    ),
    "orgs:member_edit": Decision(
        get=statuses(404, anonymous=LOGIN, coordinator=200),
        personal_data=True,
        kwargs=lambda s: {"slug": s.a.slug, "membership_id": s.a_membership.pk},
        post=statuses(404, anonymous=LOGIN, coordinator=302),
        post_data=lambda s: {"action": "remove"},
        why="removing A's volunteer: A's coordinator only",
    ),
    "orgs:moderation": Decision(
        get=statuses(404, anonymous=LOGIN, network_admin=200, coordinator=200),
        personal_data=False,
        kwargs=_org_a,
        post=statuses(404, anonymous=LOGIN, network_admin=302, coordinator=302),
        post_data=lambda s: {"enabled": "on"},
        why="those who may change A (its coordinators, network admins) switch its moderation",
    ),
    "directory:services_manage": Decision(
        get=statuses(404, anonymous=LOGIN, coordinator=200), personal_data=False, kwargs=_org_a
    ),
    "directory:service_create": Decision(
        get=statuses(404, anonymous=LOGIN, coordinator=200),
        personal_data=False,
        kwargs=_org_a,
        post=statuses(404, anonymous=LOGIN, coordinator=200),
    ),
    "directory:service_edit": Decision(
        get=statuses(404, anonymous=LOGIN, coordinator=200),
        personal_data=False,
        kwargs=_a_service,
        post=statuses(404, anonymous=LOGIN, coordinator=200),
    ),
    "directory:service_set_active": Decision(
        get=PAGE_POST_ONLY,
        personal_data=False,
        kwargs=_a_service,
        post=statuses(404, anonymous=LOGIN, coordinator=302),
    ),
    "directory:service_mark_verified": Decision(
        get=PAGE_POST_ONLY,
        personal_data=False,
        kwargs=_a_service,
        post=statuses(404, anonymous=LOGIN, coordinator=302),
    ),
    # --- partnerships (pages) -----------------------------------------------------------------------------------
    "orgs:partnerships": Decision(
        get=PAGE_SIGNED_IN, personal_data=False, hidden=lambda s: s.partnership.pk, hidden_from=(OUTSIDER,)
    ),
    "orgs:partnership_propose": Decision(
        get=statuses(403, anonymous=LOGIN, coordinator=200, outsider=200),
        personal_data=False,
        why="coordinators propose on behalf of their own organisation (C's coordinator for C)",
    ),
    "orgs:partnership_detail": Decision(
        get=statuses(200, anonymous=LOGIN, outsider=404), personal_data=False, kwargs=_partnership
    ),
    "orgs:partnership_transition": Decision(
        get=PAGE_POST_ONLY,
        personal_data=False,
        kwargs=lambda s: {"pk": s.partnership.pk, "transition": "end"},
        post=statuses(403, anonymous=LOGIN, coordinator=302, outsider=404),
    ),
    # --- referrals (pages) --------------------------------------------------------------------------------------
    "referrals:inbox": Decision(
        get=statuses(200, anonymous=LOGIN, network_admin=403, peer=403, volunteer=403),
        personal_data=True,
        hidden=lambda s: s.referral.pk,
        hidden_from=(OUTSIDER,),
        # the search by the person's name is a POST (a name never goes in a URL), answered like the list
        post=statuses(200, anonymous=LOGIN, network_admin=403, peer=403, volunteer=403),
        post_data=lambda s: {"q": "a name"},
    ),
    "referrals:sent": Decision(
        get=statuses(200, anonymous=LOGIN, network_admin=403, peer=403, volunteer=403),
        personal_data=True,
        hidden=lambda s: s.referral.pk,
        hidden_from=(OUTSIDER,),
        # the search by the person's name is a POST (a name never goes in a URL), answered like the list
        post=statuses(200, anonymous=LOGIN, network_admin=403, peer=403, volunteer=403),
        post_data=lambda s: {"q": "a name"},
    ),
    "referrals:new": Decision(
        get=statuses(200, anonymous=LOGIN, network_admin=403, peer=403, volunteer=403),
        personal_data=True,
        why="a form shown again with its errors repeats what was typed",
    ),
    "referrals:detail": Decision(get=PAGE_REFERRAL_READ, personal_data=True, kwargs=_referral),
    "referrals:access_log": Decision(
        get=statuses(404, anonymous=LOGIN, coordinator=200, staff=403, partner=403),
        personal_data=True,
        kwargs=_referral,
        why="the sending organisation's coordinators read who read the person's data",
    ),
    "referrals:message_post": Decision(
        get=PAGE_POST_ONLY,
        personal_data=True,
        kwargs=_referral,
        post=statuses(404, anonymous=LOGIN, coordinator=302, staff=302, partner=302),
        post_data=lambda s: {"body": "A short message"},
    ),
    "referrals:slip": Decision(
        get=statuses(404, anonymous=LOGIN, coordinator=200, staff=200, partner=403),
        personal_data=True,
        kwargs=_referral,
        why="as reading the person's data: the receiver once it accepted (this referral is not yet accepted)",
    ),
    "referrals:slip_ics": Decision(
        get=statuses(404, anonymous=LOGIN, coordinator=200, staff=200, partner=200),
        personal_data=True,
        kwargs=a_referral_with_appointment,
    ),
    "referrals:slip_send": Decision(
        get=statuses(404, anonymous=LOGIN, coordinator=200, staff=200, partner=403),
        personal_data=True,
        kwargs=_referral,
        post=statuses(404, anonymous=LOGIN, coordinator=302, staff=302, partner=403),
        post_data=lambda s: {"language": "fr"},
        why="a preview, then the message leaves through the outbox; the test settings keep it in memory",
    ),
    "referrals:transition": Decision(
        get=PAGE_POST_ONLY,
        personal_data=True,
        kwargs=lambda s: {"pk": s.referral.pk, "action": "cancel"},
        post=statuses(404, anonymous=LOGIN, coordinator=302, staff=302, partner=403),
    ),
    # --- our Wagtail admin: organisations -----------------------------------------------------------------------
    "organisations:index": Decision(
        get=statuses(ADMIN_DENIED, anonymous=LOGIN, volunteer=LOGIN, network_admin=200, coordinator=200, outsider=200),
        personal_data=False,
        hidden=lambda s: s.a.pk,
        hidden_from=(OUTSIDER,),
        why="coordinators see their own organisation only",
    ),
    "organisations:index_results": Decision(
        get=statuses(ADMIN_DENIED, anonymous=LOGIN, volunteer=LOGIN, network_admin=200, coordinator=200, outsider=200),
        personal_data=False,
        hidden=lambda s: s.a.pk,
        hidden_from=(OUTSIDER,),
    ),
    "organisations:add": Decision(get=ADMIN_NETWORK_ONLY, personal_data=False),
    "organisations:edit": Decision(
        get=statuses(ADMIN_DENIED, anonymous=LOGIN, volunteer=LOGIN, network_admin=200, coordinator=200, outsider=404),
        personal_data=False,
        kwargs=lambda s: {"pk": s.a.pk},
        post=statuses(ADMIN_DENIED, anonymous=LOGIN, volunteer=LOGIN, network_admin=200, coordinator=200, outsider=404),
    ),
    "organisations:delete": Decision(
        get=statuses(404, anonymous=LOGIN, volunteer=LOGIN, network_admin=ADMIN_DENIED, coordinator=ADMIN_DENIED),
        personal_data=False,
        kwargs=lambda s: {"pk": s.a.pk},
        post=statuses(404, anonymous=LOGIN, volunteer=LOGIN, network_admin=ADMIN_DENIED, coordinator=ADMIN_DENIED),
        why="organisations are deactivated, never deleted",
    ),
    **{
        f"organisations:{name}": Decision(
            get=statuses(404, anonymous=LOGIN, volunteer=LOGIN, network_admin=200, coordinator=200),
            personal_data=False,
            kwargs=lambda s: {"pk": s.a.pk},
        )
        for name in ("history", "history_results", "usage")
    },
    # --- our Wagtail admin: partnerships (read only, network admins) --------------------------------------------
    "partnerships:index": Decision(get=ADMIN_NETWORK_ONLY, personal_data=False),
    "partnerships:index_results": Decision(get=ADMIN_NETWORK_ONLY, personal_data=False),
    "partnerships:inspect": Decision(
        get=statuses(404, anonymous=LOGIN, volunteer=LOGIN, network_admin=200),
        personal_data=False,
        kwargs=_partnership,
    ),
    "partnerships:add": Decision(get=ADMIN_NOBODY, personal_data=False, why="partnerships change on our screens"),
    **{
        f"partnerships:{name}": Decision(
            get=ADMIN_NOBODY, personal_data=False, kwargs=_partnership, post=ADMIN_NOBODY if name != "usage" else None
        )
        for name in ("edit", "delete", "history", "history_results", "usage")
    },
    # --- our Wagtail admin: service categories (network admins keep the taxonomy) -------------------------------
    "service-categories:index": Decision(get=ADMIN_NETWORK_ONLY, personal_data=False),
    "service-categories:index_results": Decision(get=ADMIN_NETWORK_ONLY, personal_data=False),
    "service-categories:add": Decision(get=ADMIN_NETWORK_ONLY, personal_data=False),
    "service-categories:edit": Decision(
        get=ADMIN_NETWORK_ONLY,
        personal_data=False,
        kwargs=_category,
        post=statuses(ADMIN_DENIED, anonymous=LOGIN, volunteer=LOGIN, network_admin=200),
    ),
    "service-categories:delete": Decision(
        get=ADMIN_NOBODY, personal_data=False, kwargs=_category, post=ADMIN_NOBODY, why="a category is never deleted"
    ),
    **{
        f"service-categories:{name}": Decision(get=ADMIN_NETWORK_ONLY, personal_data=False, kwargs=_category)
        for name in ("history", "history_results", "usage")
    },
    # --- documents (served by our view: only who may see them) --------------------------------------------------
    "/^documents/(\\d+)/(.*)$": Decision(
        get=DRAFT_READ_PAGE,
        personal_data=False,
        path=lambda s: f"/documents/{a_document(s).pk}/{a_document(s).filename}",
        why="a document of A's collection that no page uses: A's members only",
    ),
    # --- key messages (API) -------------------------------------------------------------------------------------
    "advocacy-api:key-message-list": Decision(
        get=PUBLIC,
        personal_data=False,
        hidden=lambda s: a_draft_message(s).pk,
        hidden_from=DRAFT_HIDDEN_FROM,
        why="adopted messages are public; A's draft only for A's members",
    ),
    "advocacy-api:key-message-detail": Decision(get=DRAFT_READ_PAGE, personal_data=False, kwargs=_message),
    "advocacy-api:key-message-endorse": Decision(
        get=statuses(405),
        personal_data=False,
        kwargs=_message,
        post=statuses(404, anonymous=401, coordinator=409, staff=409, peer=409, volunteer=409),
        post_data=lambda s: {"organisation": str(s.a.pk)},
        why="a draft is not open to signatures (409); who cannot see it learns nothing (404)",
    ),
    "advocacy-api:key-message-withdraw-endorsement": Decision(
        get=statuses(405),
        personal_data=False,
        kwargs=_message,
        post=statuses(404, anonymous=401, coordinator=409, staff=403, peer=403, volunteer=403),
        post_data=lambda s: {"organisation": str(s.a.pk)},
        why="A's coordinators withdraw A's signature (none here: 409); A's other members are told why not",
    ),
    # --- key messages (member screens) --------------------------------------------------------------------------
    "advocacy:message_list": Decision(
        get=PUBLIC, personal_data=False, hidden=lambda s: a_draft_message(s).pk, hidden_from=DRAFT_HIDDEN_FROM
    ),
    "advocacy:message_create": Decision(
        get=statuses(200, anonymous=LOGIN, network_admin=403, volunteer=403),
        personal_data=False,
        why="contributors draft for their own organisation (B's and C's members for B and C)",
    ),
    "advocacy:message_detail": Decision(get=DRAFT_READ_PAGE, personal_data=False, kwargs=_message),
    "advocacy:message_history": Decision(get=DRAFT_READ_PAGE, personal_data=False, kwargs=_message),
    "advocacy:message_edit": Decision(
        get=statuses(404, anonymous=LOGIN, coordinator=200, staff=200, peer=200, volunteer=403),
        personal_data=False,
        kwargs=_message,
        post=statuses(404, anonymous=LOGIN, coordinator=200, staff=200, peer=200, volunteer=403),
    ),
    "advocacy:message_sign": Decision(
        get=PAGE_POST_ONLY,
        personal_data=False,
        kwargs=_message,
        post=DRAFT_COORDINATOR_POST,
        post_data=lambda s: {"organisation": str(s.a.pk)},
    ),
    "advocacy:message_withdraw": Decision(
        get=PAGE_POST_ONLY,
        personal_data=False,
        kwargs=_message,
        post=DRAFT_COORDINATOR_POST,
        post_data=lambda s: {"organisation": str(s.a.pk)},
    ),
    # --- invitations to be named: only the invited organisation's coordinators answer --------------------------
    "advocacy:contribute": Decision(
        get=statuses(200, anonymous=LOGIN, network_admin=403, volunteer=403),
        personal_data=False,
        post=statuses(200, anonymous=LOGIN, network_admin=403, volunteer=403),
        post_data=lambda s: {"organisation": str(s.a.pk), "title": "", "signature_kind": "collective"},
        why="contributors start an advocacy page in their own organisation's space (an empty title: the form again)",
    ),
    "resources:publish": Decision(
        get=statuses(200, anonymous=LOGIN, network_admin=403, peer=403, volunteer=403),
        personal_data=False,
        why="coordinators and staff choose a kind, then Wagtail's add form in their own space",
    ),
    "advocacy:invitations": Decision(
        get=PAGE_SIGNED_IN,
        personal_data=False,
        hidden=lambda s: (a_invitation_to_take_part(s), a_invitation_to_co_author(s))[0].opportunity.title,
        hidden_from=(NETWORK_ADMIN, STAFF, PEER, VOLUNTEER, PARTNER, OUTSIDER),
        why="each coordinator sees the invitations of their own organisations only",
    ),
    "advocacy:participation_answer": Decision(
        get=PAGE_POST_ONLY,
        personal_data=False,
        kwargs=lambda s: {"pk": a_invitation_to_take_part(s).pk, "answer": "confirm"},
        post=statuses(404, anonymous=LOGIN, coordinator=302),
        why="naming A needs A's consent: its coordinators answer, nobody else (network admins included)",
    ),
    "advocacy:coauthorship_answer": Decision(
        get=PAGE_POST_ONLY,
        personal_data=False,
        kwargs=lambda s: {
            "translation_key": a_invitation_to_co_author(s).translation_key,
            "organisation_id": s.a.pk,
            "answer": "confirm",
        },
        post=statuses(404, anonymous=LOGIN, coordinator=302),
        why="naming A as co-author needs A's consent: its coordinators answer, nobody else",
    ),
    "advocacy:message_transition": Decision(
        get=PAGE_POST_ONLY,
        personal_data=False,
        kwargs=lambda s: {"pk": a_draft_message(s).pk, "transition": "propose"},
        post=DRAFT_COORDINATOR_POST,
        why="A's coordinators propose A's draft to the network",
    ),
    # --- key messages (our Wagtail snippet and its chooser) -----------------------------------------------------
    "wagtailsnippets_advocacy_keymessage:list": Decision(
        get=statuses(200, anonymous=LOGIN, volunteer=LOGIN, network_admin=ADMIN_DENIED),
        personal_data=False,
        hidden=lambda s: a_draft_message(s).pk,
        hidden_from=(PARTNER, OUTSIDER),
    ),
    "wagtailsnippets_advocacy_keymessage:list_results": Decision(
        get=statuses(200, anonymous=LOGIN, volunteer=LOGIN, network_admin=ADMIN_DENIED),
        personal_data=False,
        hidden=lambda s: a_draft_message(s).pk,
        hidden_from=(PARTNER, OUTSIDER),
    ),
    "wagtailsnippets_advocacy_keymessage:add": Decision(
        get=statuses(200, anonymous=LOGIN, volunteer=LOGIN, network_admin=ADMIN_DENIED), personal_data=False
    ),
    "wagtailsnippets_advocacy_keymessage:edit": Decision(
        get=DRAFT_ADMIN, personal_data=False, kwargs=_message, post=DRAFT_ADMIN
    ),
    "wagtailsnippets_advocacy_keymessage:delete": Decision(
        get=statuses(
            404, anonymous=LOGIN, volunteer=LOGIN, coordinator=ADMIN_DENIED, staff=ADMIN_DENIED, peer=ADMIN_DENIED
        ),
        personal_data=False,
        kwargs=_message,
        post=statuses(
            404, anonymous=LOGIN, volunteer=LOGIN, coordinator=ADMIN_DENIED, staff=ADMIN_DENIED, peer=ADMIN_DENIED
        ),
        why="messages are retired, never deleted",
    ),
    **{
        f"wagtailsnippets_advocacy_keymessage:{name}": Decision(get=DRAFT_ADMIN, personal_data=False, kwargs=_message)
        for name in ("history", "history_results", "usage")
    },
    "wagtailsnippets_advocacy_keymessage:revisions_compare": Decision(
        get=DRAFT_ADMIN,
        personal_data=False,
        kwargs=lambda s: {"pk": a_draft_message(s).pk, "revision_id_a": "earliest", "revision_id_b": "latest"},
    ),
    "wagtailsnippets_advocacy_keymessage:revisions_revert": Decision(
        get=DRAFT_ADMIN, personal_data=False, kwargs=_message_revision, post=DRAFT_ADMIN
    ),
    "wagtailsnippetchoosers_advocacy_keymessage:choose": Decision(
        get=SNIPPET_SIGNED_IN,
        personal_data=False,
        hidden=lambda s: a_draft_message(s).pk,
        hidden_from=(NETWORK_ADMIN, PARTNER, OUTSIDER),
    ),
    "wagtailsnippetchoosers_advocacy_keymessage:choose_results": Decision(
        get=SNIPPET_SIGNED_IN,
        personal_data=False,
        hidden=lambda s: a_draft_message(s).pk,
        hidden_from=(NETWORK_ADMIN, PARTNER, OUTSIDER),
    ),
    "wagtailsnippetchoosers_advocacy_keymessage:chosen": Decision(
        get=DRAFT_ADMIN, personal_data=False, kwargs=_message
    ),
    "wagtailsnippetchoosers_advocacy_keymessage:chosen_multiple": Decision(get=SNIPPET_SIGNED_IN, personal_data=False),
    "wagtailsnippetchoosers_advocacy_keymessage:create": Decision(
        get=CHOOSER_CREATE_REFUSED,
        personal_data=False,
        post=CHOOSER_CREATE_REFUSED,
        why="messages are drafted through their screens and services, never from a chooser",
    ),
    # --- advocacy opportunities (API) ---------------------------------------------------------------------------
    "advocacy-api:opportunity-list": Decision(
        get=PUBLIC,
        personal_data=False,
        hidden=lambda s: a_members_only_opportunity(s).pk,
        hidden_from=(ANONYMOUS,),
    ),
    "advocacy-api:opportunity-detail": Decision(
        get=statuses(200, anonymous=404),
        personal_data=False,
        kwargs=lambda s: {"pk": a_members_only_opportunity(s).pk},
        why="a members-only opportunity: every member of the network, nobody else",
    ),
    # --- advocacy opportunities (our Wagtail snippet and its chooser) ------------------------------------------
    # The opportunity, proposed by A's peer with A taking part, is managed by network admins, its creator (who still
    # contributes) and A's coordinators; B's staff and C's coordinator add their own, but never see this one.
    "wagtailsnippets_advocacy_advocacyopportunity:list": Decision(
        get=OPPORTUNITY_ADDERS,
        personal_data=False,
        hidden=lambda s: a_managed_opportunity(s).title,
        hidden_from=(STAFF, PARTNER, OUTSIDER),
    ),
    "wagtailsnippets_advocacy_advocacyopportunity:list_results": Decision(
        get=OPPORTUNITY_ADDERS,
        personal_data=False,
        hidden=lambda s: a_managed_opportunity(s).title,
        hidden_from=(STAFF, PARTNER, OUTSIDER),
    ),
    "wagtailsnippets_advocacy_advocacyopportunity:add": Decision(get=OPPORTUNITY_ADDERS, personal_data=False),
    "wagtailsnippets_advocacy_advocacyopportunity:edit": Decision(
        get=OPPORTUNITY_MANAGERS, personal_data=False, kwargs=_opportunity, post=OPPORTUNITY_MANAGERS
    ),
    "wagtailsnippets_advocacy_advocacyopportunity:delete": Decision(
        get=OPPORTUNITY_MANAGERS,
        personal_data=False,
        kwargs=_opportunity,
        post=statuses(404, anonymous=LOGIN, volunteer=LOGIN, network_admin=302, coordinator=302, peer=302),
    ),
    **{
        f"wagtailsnippets_advocacy_advocacyopportunity:{name}": Decision(
            get=OPPORTUNITY_MANAGERS, personal_data=False, kwargs=_opportunity
        )
        for name in ("history", "history_results", "usage")
    },
    "wagtailsnippetchoosers_advocacy_advocacyopportunity:choose": Decision(get=SNIPPET_SIGNED_IN, personal_data=False),
    "wagtailsnippetchoosers_advocacy_advocacyopportunity:choose_results": Decision(
        get=SNIPPET_SIGNED_IN, personal_data=False
    ),
    "wagtailsnippetchoosers_advocacy_advocacyopportunity:chosen": Decision(
        get=SNIPPET_SIGNED_IN, personal_data=False, kwargs=_opportunity
    ),
    "wagtailsnippetchoosers_advocacy_advocacyopportunity:chosen_multiple": Decision(
        get=SNIPPET_SIGNED_IN, personal_data=False
    ),
    "wagtailsnippetchoosers_advocacy_advocacyopportunity:create": Decision(
        get=CHOOSER_CREATE_REFUSED,
        personal_data=False,
        post=CHOOSER_CREATE_REFUSED,
        why="opportunities are added through their screen and service, never from a chooser",
    ),
    # --- the resource library (API) ----------------------------------------------------------------------------
    "resources-api:resource-list": Decision(
        get=PUBLIC,
        personal_data=False,
        hidden=lambda s: a_internal_resource(s).title,
        hidden_from=(ANONYMOUS, NETWORK_ADMIN, PARTNER, OUTSIDER),
    ),
    "resources-api:resource-detail": Decision(
        get=DRAFT_READ_PAGE,
        personal_data=False,
        kwargs=lambda s: {"pk": a_internal_resource(s).pk},
        why="a resource for A's members only (every role), nobody else",
    ),
    # --- the observatory (network figures for everyone; regions for their members; own figures for own staff) --
    "observatory:index": Decision(get=PUBLIC, personal_data=False, why="the network's disclosure-controlled figures"),
    "observatory:export": Decision(
        get=PUBLIC, personal_data=False, kwargs=lambda s: observatory_releases(s) and {"fmt": "csv"}
    ),
    "observatory:report": Decision(
        get=PUBLIC, personal_data=False, kwargs=lambda s: {"year": observatory_releases(s)["year"]}
    ),
    "observatory:region": Decision(
        get=OBSERVATORY_REGION, personal_data=False, kwargs=lambda s: {"code": observatory_releases(s)["region"]}
    ),
    "observatory:region_export": Decision(
        get=OBSERVATORY_REGION,
        personal_data=False,
        kwargs=lambda s: {"code": observatory_releases(s)["region"], "fmt": "xlsx"},
    ),
    "observatory:organisation": Decision(
        get=OBSERVATORY_OWN, personal_data=False, kwargs=lambda s: {"organisation_id": s.a.pk}
    ),
    "observatory:organisation_export": Decision(
        get=OBSERVATORY_OWN, personal_data=False, kwargs=lambda s: {"organisation_id": s.a.pk, "fmt": "csv"}
    ),
    "observatory-api:table-list": Decision(get=PUBLIC, personal_data=False),
    "observatory-api:table-detail": Decision(
        get=PUBLIC, personal_data=False, kwargs=lambda s: {"table": observatory_releases(s)["table"]}
    ),
    "observatory-api:own-table": Decision(
        get=statuses(404, anonymous=401, coordinator=200, staff=200),
        personal_data=False,
        kwargs=lambda s: {"id": s.a.pk, "table": "referrals_sent_by_category"},
        why="an organisation's own exact figures: its coordinators and staff only",
    ),
    "observatory_admin:releases": Decision(get=ADMIN_NETWORK_ONLY, personal_data=False),
    "observatory_admin:settings": Decision(
        get=ADMIN_NETWORK_ONLY,
        personal_data=False,
        post=statuses(ADMIN_DENIED, anonymous=LOGIN, volunteer=LOGIN, network_admin=302),
        post_data=lambda s: {"threshold": 10, "rounding_base": 5, "dominance_share": 85},
    ),
}
