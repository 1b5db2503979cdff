"""Who gets what from the URLs the platform inherits (Wagtail's admin and front end, wagtail-localize, allauth,
Django's i18n): compact rules by URL name, and the victim's objects their URLs are filled with.

`tests/security/urlmap.py` puts every URL pattern of the resolver in scope; those of kind "inherited" without a
full decision in `decisions.DECISIONS` are decided here, by the longest prefix of their qualified URL name in
`RULES` (an exact name, a namespace "wagtailimages:", or a name prefix "account_"). A pattern no rule matches fails
`test_every_endpoint_in_scope_has_a_decision`.

The attack (`test_inherited_urls.py`): organisation A is the victim (tests/security/conftest.py's scenario, with
the objects `victim()` adds: a draft page, a members-only page, a draft key message, a document, an image, a
member, a translation…). Anonymous visitors and each role of the unrelated organisation C GET every inherited URL,
filled with the ids of A's objects (harmless values where a parameter names nothing of A's). Each answer must be
one the rule allows for that actor, never a 5xx, and never carry one of A's marker strings.

Leaks whose fix belongs to another branch of the same issue are listed in `PENDING_ELSEWHERE`, with the branch:
the test reports them as expected failures until then. Remove an entry once its branch is merged.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from tests.security.decisions import ADMIN_DENIED, LOGIN, OUTSIDER, Status

if TYPE_CHECKING:
    from tests.security.conftest import Scenario

# The unrelated organisation C's roles (the scenario's outsider is C's coordinator), and anonymous visitors.
C_STAFF = "c_staff"
C_PEER = "c_peer"
C_VOLUNTEER = "c_volunteer"
UNRELATED = (OUTSIDER, C_STAFF, C_PEER, C_VOLUNTEER)
INHERITED_ACTORS = ("anonymous", *UNRELATED)

# Any answer but an error of the server: what a signed-in outsider may get from a screen that scopes itself (its
# body is still checked for A's markers).
ANY = frozenset({200, 204, 301, 302, 400, 401, 403, 404, 405, LOGIN, ADMIN_DENIED})
REFUSED = frozenset({302, 401, 403, 404, 405, LOGIN, ADMIN_DENIED})
SIGN_IN_FIRST = frozenset({LOGIN})


@dataclass(frozen=True)
class Rule:
    anonymous: frozenset[Status]  # what an anonymous visitor may get
    unrelated: frozenset[Status]  # what C's roles may get (a 200 must not carry A's markers)
    why: str
    kwargs: Callable[[Scenario], dict[str, Any]] | None = None  # over the values `fill` gives
    path: Callable[[Scenario], str] | None = None  # for a pattern without a name, or with unnamed groups


ADMIN = Rule(SIGN_IN_FIRST, ANY, "Wagtail's admin: sign in first; a signed-in outsider sees nothing of A's")
ADMIN_NOT_FOR_OUTSIDERS = Rule(SIGN_IN_FIRST, REFUSED, "refused to anyone but network administrators")
PUBLIC_PAGE = Rule(ANY, ANY, "open to visitors (sign-in, sign-up, assets); nothing of A's on it")
SIGNED_IN_PAGE = Rule(frozenset({LOGIN, 302, 404}), ANY, "the member's own account pages: sign in first")

RULES: dict[str, Rule] = {
    # --- Wagtail's admin: signed-in users with admin access; each screen scopes itself ---------------------------
    "wagtailadmin_": ADMIN,
    "wagtailadmin_login": PUBLIC_PAGE,
    "wagtailadmin_password_reset": PUBLIC_PAGE,
    "wagtailadmin_sprite": PUBLIC_PAGE,
    "wagtailadmin_javascript_catalog": PUBLIC_PAGE,
    "wagtailadmin_api:": ADMIN,
    "wagtailadmin_pages:": ADMIN,
    "wagtailadmin_reports:": ADMIN,
    "wagtailadmin_collections:": ADMIN_NOT_FOR_OUTSIDERS,
    "wagtailadmin_workflows:": ADMIN,
    "wagtailadmin_editing_sessions:": ADMIN,
    "wagtail_bulk_action": ADMIN,
    "wagtailimages:": ADMIN,
    "wagtailimages_chooser:": ADMIN,
    "wagtaildocs:": ADMIN,
    "wagtaildocs_chooser:": ADMIN,
    "wagtailembeds:": ADMIN,
    "wagtailsnippets:": ADMIN,
    "wagtailsnippetchoosers_": ADMIN,
    "wagtailforms:": ADMIN,
    "wagtailredirects:": ADMIN_NOT_FOR_OUTSIDERS,
    "wagtailsettings:": ADMIN_NOT_FOR_OUTSIDERS,
    "wagtailsites:": ADMIN_NOT_FOR_OUTSIDERS,
    "wagtailusers_users:": ADMIN_NOT_FOR_OUTSIDERS,
    "wagtailusers_groups:": ADMIN_NOT_FOR_OUTSIDERS,
    "wagtailadmin_error_test": Rule(
        frozenset({404}), frozenset({404}), "Wagtail's crash page: shadowed by network.urls, 404 to everyone"
    ),
    "/admin/^.*/$": Rule(
        frozenset({302, LOGIN}), ANY, "the admin's catch-all (to Wagtail's login)", path=lambda s: "/admin/nowhere/"
    ),
    "/admin/test404/": Rule(SIGN_IN_FIRST, ANY, "the admin's 404 page", path=lambda s: "/admin/test404/"),
    # --- wagtail-localize: every URL asks the policy (network/translation/admin_urls.py) ------------------------
    "wagtail_localize:": Rule(SIGN_IN_FIRST, ANY, "behind the policy: 404 for what the user may not translate"),
    "wagtail_localize:javascript_catalog": ADMIN,
    "wagtaillocales:": Rule(SIGN_IN_FIRST, REFUSED, "the network's languages: network administrators only"),
    # --- Wagtail's front end -------------------------------------------------------------------------------------
    "wagtail_serve": Rule(
        ANY, ANY, "A's members-only page: not to visitors or outsiders", path=lambda s: victim(s).internal_page.url
    ),
    "wagtaildocs_serve": Rule(
        ANY,
        ANY,
        "A's document, used by no page: members of A only",
        path=lambda s: f"/documents/{victim(s).document.pk}/{victim(s).document.filename}",
    ),
    "wagtaildocs_authenticate_with_password": PUBLIC_PAGE,
    "wagtailcore_authenticate_with_password": PUBLIC_PAGE,
    "wagtailcore_login": PUBLIC_PAGE,
    "set_language": PUBLIC_PAGE,
    "javascript-catalog": PUBLIC_PAGE,
    # --- allauth: sign-in, sign-up and the member's own account ------------------------------------------------
    "account_": PUBLIC_PAGE,
    "account_email": SIGNED_IN_PAGE,
    "account_email_verification_sent": PUBLIC_PAGE,
    "account_change_password": SIGNED_IN_PAGE,
    "account_set_password": SIGNED_IN_PAGE,
    "mfa_": SIGNED_IN_PAGE,
    "mfa_authenticate": PUBLIC_PAGE,
    "usersessions_": SIGNED_IN_PAGE,
}

# Leaks of inherited URLs known and being closed elsewhere (URL name → where): reported as expected failures, and
# the test fails once one stops leaking so the entry goes. Empty: every leak the matrix found is closed.
PENDING_ELSEWHERE: dict[str, str] = {}


def rule_for(name: str) -> Rule | None:
    """The rule of the longest prefix of `name` (an exact name wins over its namespace)."""
    matches = [prefix for prefix in RULES if name.startswith(prefix)]
    return RULES[max(matches, key=len)] if matches else None


def pending_reason(name: str) -> str | None:
    matches = [prefix for prefix in PENDING_ELSEWHERE if name.startswith(prefix)]
    return PENDING_ELSEWHERE[max(matches, key=len)] if matches else None


# ---------------------------------------------------------------------------------------------------------------
# The victim: what organisation A owns, with strings that must never reach anyone outside A


@dataclass
class Victim:
    draft_page: Any
    internal_page: Any
    draft_message: Any
    document: Any
    image: Any
    member: Any
    translation: Any
    workflow: Any
    task: Any
    site: Any
    locale: Any
    markers: tuple[str, ...] = field(default=())


DRAFT_PAGE_TITLE = "Zephyr-unpublished Alpha outreach guide"
INTERNAL_PAGE_TITLE = "Zephyr-internal Alpha members protocol"
DRAFT_MESSAGE = "Zephyr-draft Alpha position on policing"
DOCUMENT_TITLE = "Zephyr-document Alpha case notes"
IMAGE_TITLE = "Zephyr-image Alpha outreach van"
MEMBER_USERNAME = "zephyr_alpha_member"
MEMBER_EMAIL = "zephyr.alpha.member@example.org"


def victim(scenario: Scenario) -> Victim:
    return scenario.once("inherited_victim", lambda: _make_victim(scenario))


def _make_victim(scenario: Scenario) -> Victim:
    from wagtail.images import get_image_model
    from wagtail.images.tests.utils import get_test_image_file
    from wagtail.models import Locale, Site, Task, Workflow

    from network.orgs.models import Role
    from network.translation import services as translation_services
    from tests import factories
    from tests.advocacy.factories import make_key_message
    from tests.resources.factories import make_document, make_resource

    a = scenario.a
    draft_page = make_resource(a, title=DRAFT_PAGE_TITLE, live=False)
    internal_page = make_resource(a, title=INTERNAL_PAGE_TITLE, visibility="organisation")
    draft_message = make_key_message(a, statement=DRAFT_MESSAGE)
    document = make_document(a, title=DOCUMENT_TITLE)
    image = get_image_model().objects.create(title=IMAGE_TITLE, file=get_test_image_file(), collection=a.collection)
    member = factories.member(a, Role.STAFF, username=MEMBER_USERNAME, email=MEMBER_EMAIL)
    [translation] = translation_services.translation_submit(instance=internal_page, locales=["ar"])
    return Victim(
        draft_page=draft_page,
        internal_page=internal_page,
        draft_message=draft_message,
        document=document,
        image=image,
        member=member,
        translation=translation,
        workflow=Workflow.objects.order_by("pk").first(),
        task=Task.objects.order_by("pk").first(),
        site=Site.objects.get(is_default_site=True),
        locale=Locale.objects.get(language_code="ar"),
        markers=(
            DRAFT_PAGE_TITLE,
            INTERNAL_PAGE_TITLE,
            DRAFT_MESSAGE,
            DOCUMENT_TITLE,
            IMAGE_TITLE,
            MEMBER_USERNAME,
            MEMBER_EMAIL,
        ),
    )


NOTHING = 999999  # an id that names nothing


def fill(name: str, parameters: tuple[str, ...], scenario: Scenario) -> dict[str, Any]:
    """URL kwargs for an inherited URL: the ids of A's objects where a parameter names one, harmless elsewhere."""
    v = victim(scenario)
    namespace = name.rsplit(":", 1)[0] if ":" in name else name
    pk_by_namespace: list[tuple[str, Any]] = [
        ("wagtailadmin_api:pages", v.draft_page.pk),
        ("wagtailadmin_api:documents", v.document.pk),
        ("wagtailadmin_api:images", v.image.pk),
        ("wagtaildocs_chooser", v.document.pk),
        ("wagtailimages_chooser", v.image.pk),
        ("wagtailadmin_collections", scenario.a.collection_id),
        ("wagtailadmin_workflows", v.task.pk if "task" in name else v.workflow.pk),
        ("wagtailsites", v.site.pk),
        ("wagtailsettings", v.site.pk),
        ("wagtailusers_users", v.member.pk),
        ("wagtailusers_groups", scenario.a.editors_group_id),
        ("wagtaillocales", v.locale.pk),
        ("wagtail_localize", v.draft_message.pk),
        ("wagtailsnippetchoosers_advocacy_advocacyopportunity", NOTHING),
    ]
    values: dict[str, Any] = {
        "page_id": v.draft_page.pk,
        "parent_page_id": v.draft_page.get_parent().pk,
        "page_pk": v.draft_page.pk,
        "page_to_move_id": v.draft_page.pk,
        "destination_id": scenario.a.space_page_id,
        "revision_id": v.draft_page.latest_revision_id,
        "revision_id_a": v.draft_page.latest_revision_id,
        "revision_id_b": v.draft_page.latest_revision_id,
        "image_id": v.image.pk,
        "document_id": v.document.pk,
        "doc_id": v.document.pk,
        "collection_id": scenario.a.collection_id,
        "translation_id": v.translation.pk,
        "translation_source_id": v.translation.source_id,
        "string_segment_id": _first_segment(v.translation),
        "overridable_segment_id": NOTHING,
        "task_id": v.task.pk,
        "workflow_pk": v.workflow.pk,
        "object_id": str(v.draft_page.pk),
        "app_label": "wagtailcore",
        "model_name": "page",
        "app_name": "wagtailcore",
        "content_type_app_name": "resources",
        "content_type_model_name": "resourcepage",
        "action": "delete",
        "action_name": "publish",
        "filter_spec": "original",
        "mode": "default",
    }
    if name.startswith("wagtail_localize:snippets_api") or name == "wagtail_localize:submit_snippet_translation":
        values.update(app_label="advocacy", model_name="keymessage")
    if name == "wagtailadmin_workflows:add_task":
        values.update(app_label="wagtailcore", model_name="groupapprovaltask")
    if name == "wagtailadmin_tag_model_autocomplete":
        values.update(app_name="resources", model_name="resourcepage")
    if "pk" in parameters:
        values["pk"] = next((pk for prefix, pk in pk_by_namespace if namespace.startswith(prefix)), NOTHING)
    return {parameter: values.get(parameter, NOTHING) for parameter in parameters}


def _first_segment(translation: Any) -> int:
    from wagtail_localize.models import StringSegment

    segment = StringSegment.objects.filter(source_id=translation.source_id).order_by("pk").first()
    return segment.pk if segment is not None else NOTHING
