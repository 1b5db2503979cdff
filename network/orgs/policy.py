"""The policy core: one place every access question goes, knowing no feature.

Each app declares its actions (a subclass of `Action`) and its rules in its own `rules.py`, and registers them
from its `AppConfig.ready()`, as outbox handlers register into the outbox. Callers keep one entry point:

- `can(user, action, obj)` / `require(...)`: may this user do this to this object?
- `visible(user, action)`: which objects may this user do it to (a queryset)?
- `organisations_where(user, action)`: on which organisations (actions decided by an organisation permission)?

Roles (DESIGN.md, "Roles and what they may do") become django-guardian object permissions on the organisation
when a membership is created or changed; this module reads them back once per request, with
`accept_global_perms=False` semantics: a model-wide permission never opens a row. Network administrators are a
platform-level role (a group), never an organisation role, and never read the personal fields of referrals.

`manage.py access_policy` prints every registered rule: the whole policy, read at once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any, TypeAlias, TypeGuard
from uuid import UUID

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db.models import Model, QuerySet

from .models import Membership, Organisation, OrganisationUserObjectPermission
from .roles import ALL_ORGANISATION_PERMISSIONS

if TYPE_CHECKING:
    from network.accounts.models import User

Actor: TypeAlias = "User | AnonymousUser | None"
Check: TypeAlias = Callable[[Any, Any], bool]
Lister: TypeAlias = Callable[[Any], QuerySet[Any]]

NETWORK_ADMINS_GROUP = "Network administrators"


class Action(StrEnum):
    """What a user may do. Each app subclasses it in its `rules.py` (`class ReferralAction(Action)`)."""


# ---------------------------------------------------------------------------------------------------------------
# The registry of rules


@dataclass(frozen=True)
class Rule:
    """How one action is decided on one kind of object.

    `check` answers yes/no for one object; `lister` returns the objects of `subject` the user may act on. A rule
    that is a filter gives only `lister`, and its yes/no is derived from it (one query), so the two cannot
    disagree. A rule that gives both (for a yes/no without a query, asked once per row of a page) is proved
    equal to its lister by `tests/orgs/test_rules_agree.py`; `scope` bounds where they must agree (e.g. live
    pages: drafts are decided by the editing rule, not listed).
    """

    action: Action
    subject: type | None
    check: Check | None = None
    lister: Lister | None = None
    scope: Callable[[], QuerySet[Any]] | None = None
    anonymous: bool = False  # whether the rule is asked for visitors who are not signed in
    never_for_network_admins: bool = False
    network_admins: bool = False  # network administrators may, whatever the object (checks need not say so)
    organisation_permission: str | None = None
    description: str = ""

    @property
    def app(self) -> str:
        """The app that registered the rule (the module of its check or list; the action's for role permissions)."""
        function = self.check or self.lister
        module = getattr(function, "__module__", "") or ""
        if module in ("", __name__):
            module = type(self.action).__module__
        return module.removeprefix("network.").split(".")[0]

    def allows(self, user: Actor, obj: Any) -> bool:
        if not self.anonymous and not is_signed_in(user):
            return False
        if (self.never_for_network_admins or self.network_admins) and is_network_admin(user):
            return self.network_admins and not self.never_for_network_admins
        if self.check is not None:
            return self.check(user, obj)
        assert self.lister is not None  # noqa: S101  (register() refuses a rule with neither)
        if obj is None or getattr(obj, "pk", None) is None:
            return False
        return self.lister(user).filter(pk=obj.pk).exists()


_RULES: dict[tuple[Action, type], Rule] = {}
_NONE = type(None)


def register(
    action: Action,
    subject: type | None,
    *,
    check: Check | None = None,
    lister: Lister | None = None,
    scope: Callable[[], QuerySet[Any]] | None = None,
    anonymous: bool = False,
    network_admins: bool = False,
    never_for_network_admins: bool = False,
    description: str = "",
) -> Rule:
    """Register how `action` is decided on objects of `subject` (a model or value type; `object`: any object
    or none; None: asked without an object). Called from the owning app's `rules.register_rules()`."""
    if check is None and lister is None:
        raise ImproperlyConfigured(f"The rule for {action!r} on {subject} needs a check or a lister.")
    text = description or _first_line(check) or _first_line(lister)
    rule = Rule(
        action=action,
        subject=subject,
        check=check,
        lister=lister,
        scope=scope,
        anonymous=anonymous,
        network_admins=network_admins,
        never_for_network_admins=never_for_network_admins,
        description=text,
    )
    return _add(rule)


def register_organisation_permission(
    action: Action,
    codename: str,
    *,
    network_admins: bool = False,
    never_for_network_admins: bool = False,
    description: str = "",
) -> Rule:
    """Register an action decided by a role's permission on the organisation (`can(user, action, organisation)`,
    `organisations_where(user, action)`, `users_who_can(action)`). With `network_admins`, network
    administrators may too, on every organisation."""
    if codename not in ALL_ORGANISATION_PERMISSIONS and codename != "change_organisation":
        raise ImproperlyConfigured(f"{codename!r} is granted by no role.")
    rule = Rule(
        action=action,
        subject=Organisation,
        organisation_permission=codename,
        network_admins=network_admins,
        never_for_network_admins=never_for_network_admins,
        check=lambda user, organisation: _organisation_permission_allows(user, organisation, action),
        lister=lambda user: organisations_where(user, action),
        description=description
        or f"role permission `{codename}` on the organisation"
        + (" (network admins: every organisation)" if network_admins else ""),
    )
    return _add(rule)


def _add(rule: Rule) -> Rule:
    key = (rule.action, rule.subject or _NONE)
    existing = _RULES.get(key)
    if existing is not None and existing != rule and existing.description != rule.description:
        raise ImproperlyConfigured(f"Two rules decide {rule.action!r} on {rule.subject}.")
    _RULES[key] = rule
    return rule


def rules() -> list[Rule]:
    """Every registered rule, by app and action (for the audit table and the tests)."""
    return sorted(_RULES.values(), key=lambda rule: (rule.app, str(rule.action), subject_name(rule.subject)))


def rule_for(action: Action, obj: Any = None) -> Rule | None:
    """The rule deciding `action` on `obj`: the most specific registered class of `obj`, then `object`."""
    for klass in type(obj).__mro__:
        rule = _RULES.get((action, klass))
        if rule is not None:
            return rule
    return None


def _first_line(function: Callable[..., Any] | None) -> str:
    doc = (getattr(function, "__doc__", None) or "").strip()
    return " ".join(doc.split("\n\n")[0].split())


def subject_name(subject: type | None) -> str:
    if subject is None:
        return "–"
    meta = getattr(subject, "_meta", None)
    return meta.label if meta is not None else subject.__name__


# ---------------------------------------------------------------------------------------------------------------
# The questions


class AccessDenied(PermissionDenied):
    """Raised by `require`. Views turn it into 403 for objects the user may see, 404 otherwise."""


def can(user: Actor, action: Action, obj: Any = None) -> bool:
    """Whether `user` may perform `action` on `obj`. An action without a rule for this object is refused."""
    rule = rule_for(action, obj)
    return rule is not None and rule.allows(user, obj)


def require(user: Actor, action: Action, obj: Any = None) -> None:
    """Raise AccessDenied unless `can(user, action, obj)`."""
    if not can(user, action, obj):
        raise AccessDenied(f"Not allowed: {action}.")


def visible(user: Actor, action: Action, subject: type[Model] | None = None) -> QuerySet[Any]:
    """The objects (of `subject`, or of the one model `action` lists) on which `user` may perform `action`."""
    candidates = [
        rule
        for (registered, _klass), rule in _RULES.items()
        if registered == action and rule.lister is not None and (subject is None or rule.subject is subject)
    ]
    if len(candidates) != 1:
        raise ImproperlyConfigured(f"No single list rule for {action!r}" + (f" on {subject}" if subject else ""))
    rule = candidates[0]
    assert rule.lister is not None  # noqa: S101
    if (not rule.anonymous and not is_signed_in(user)) or (rule.never_for_network_admins and is_network_admin(user)):
        return rule.lister(None).none()
    return rule.lister(user)


# ---------------------------------------------------------------------------------------------------------------
# Who the user is (read once per request, cached on the user object)

# What a request learns about its user is cached on the user object, under these names (see `forget`).
_CACHED_ON_USER: set[str] = set()


def cache_attribute(name: str) -> str:
    """The name of an attribute caching a per-request answer on the user object, dropped by `forget`."""
    attribute = f"_passerelle_{name}"
    _CACHED_ON_USER.add(attribute)
    return attribute


_FACTS_CACHE = cache_attribute("facts")

# Yes/no facts about a signed-in user that other apps need on every request (e.g. "has a TOTP authenticator"),
# read in the same query as the user's roles: name -> the rows whose existence makes it true.
_USER_FLAGS: dict[str, Callable[[Any], QuerySet[Any]]] = {}
_NETWORK_ADMIN_FLAG = "network_admin"


def register_user_flag(name: str, rows: Callable[[Any], QuerySet[Any]]) -> None:
    """Register a yes/no fact about a user (`rows(user)` exists or not), then read by `user_flag(user, name)`
    together with the user's roles and permissions: no query of its own on a request that asks the policy."""
    if name == _NETWORK_ADMIN_FLAG:
        raise ImproperlyConfigured(f"{name!r} is the policy's own flag.")
    _USER_FLAGS[name] = rows
    _COMPILED_FACTS.clear()  # the facts query is compiled again with it


@dataclass(frozen=True)
class _UserFacts:
    """What the policy knows of a signed-in user, read once per request in one query."""

    permissions: dict[UUID, frozenset[str]]  # per active organisation
    memberships: list[tuple[UUID, str, bool, str]]  # (organisation id, role, organisation active, its name)
    flags: frozenset[str]  # the registered flags that hold (and the policy's own, "network_admin")
    flags_read: frozenset[str]  # the flags asked in that query (one registered later is read on its own)


def _facts_queryset(user: Any, flags: dict[str, Callable[[Any], QuerySet[Any]]]) -> QuerySet[Any]:
    """The facts query (UNION ALL): permissions on active organisations, memberships, network admin group, flags."""
    from django.contrib.auth.models import Group
    from django.db.models import BooleanField, CharField, UUIDField, Value

    def text(value: str) -> Value:
        return Value(value, output_field=CharField())

    def flag_rows(name: str, rows: QuerySet[Any]) -> QuerySet[Any]:
        return rows.order_by().values_list(
            text(name),
            Value(None, output_field=UUIDField()),
            text(""),
            text(""),
            Value(True, output_field=BooleanField()),
        )

    permissions = (
        OrganisationUserObjectPermission.objects.filter(user=user, content_object__is_active=True)
        .order_by()
        .values_list(text("perm"), "content_object_id", "permission__codename", text(""), "content_object__is_active")
    )
    memberships = (
        Membership.objects.filter(user=user)
        .order_by()
        .values_list(text("member"), "organisation_id", "role", "organisation__name", "organisation__is_active")
    )
    parts = [
        memberships,
        flag_rows(_NETWORK_ADMIN_FLAG, Group.objects.filter(user=user, name=NETWORK_ADMINS_GROUP)),
        *(flag_rows(name, rows(user)) for name, rows in flags.items()),
    ]
    return permissions.union(*parts, all=True)


# The facts query compiled once per process (per database and set of flags): building and compiling this UNION
# through the ORM cost more CPU than anything else in a signed-in request, and only the user's id changes. It is
# compiled for a stand-in user whose id appears nowhere else; that id's parameters take the real one's place.
_STAND_IN_USER_ID = -918_273_645
_COMPILED_FACTS: dict[tuple[str, tuple[str, ...]], tuple[str, tuple[Any, ...], tuple[int, ...]]] = {}


def _compiled_facts_query(
    alias: str, flags: dict[str, Callable[[Any], QuerySet[Any]]]
) -> tuple[str, tuple[Any, ...], tuple[int, ...]]:
    """(SQL, parameters, positions of the user's id among them) of the facts query on the database `alias`."""
    key = (alias, tuple(flags))
    compiled = _COMPILED_FACTS.get(key)
    if compiled is None:
        from django.contrib.auth import get_user_model

        stand_in = get_user_model()(pk=_STAND_IN_USER_ID)
        sql, params = _facts_queryset(stand_in, flags).query.get_compiler(using=alias).as_sql()
        positions = tuple(n for n, param in enumerate(params) if param == _STAND_IN_USER_ID)
        if not positions:  # pragma: no cover  (a query that does not filter on the user would be wrong)
            raise ImproperlyConfigured("The policy's facts query does not depend on the user.")
        compiled = (sql, tuple(params), positions)
        _COMPILED_FACTS[key] = compiled
    return compiled


def _organisation_id(value: Any) -> UUID | None:
    """A UUID as the ORM would give it (PostgreSQL returns one; SQLite the 32 hex digits)."""
    if value is None or isinstance(value, UUID):
        return value
    return UUID(str(value))


def _read_facts(user: User) -> _UserFacts:
    """One query (UNION ALL): permissions on active organisations, memberships, network admin group, flags."""
    from django.db import connections, router

    flags = dict(_USER_FLAGS)
    alias = router.db_for_read(Membership)
    sql, params, positions = _compiled_facts_query(alias, flags)
    bound = list(params)
    for position in positions:
        bound[position] = user.pk
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, bound)
        rows = cursor.fetchall()
    collected: dict[UUID, set[str]] = {}
    member_rows: list[tuple[UUID, str, bool, str]] = []
    holding: set[str] = set()
    for kind, organisation_id, value, name, active in rows:
        if kind == "perm":
            collected.setdefault(_organisation_id(organisation_id), set()).add(value)  # type: ignore[arg-type]
        elif kind == "member":
            member_rows.append((_organisation_id(organisation_id), value, bool(active), name))  # type: ignore[arg-type]
        else:
            holding.add(kind)
    return _UserFacts(
        permissions={key: frozenset(value) for key, value in collected.items()},
        memberships=member_rows,
        flags=frozenset(holding),
        flags_read=frozenset(flags) | {_NETWORK_ADMIN_FLAG},
    )


def _facts(user: User) -> _UserFacts:
    facts: _UserFacts | None = getattr(user, _FACTS_CACHE, None)
    if facts is None:
        facts = _read_facts(user)
        setattr(user, _FACTS_CACHE, facts)
    return facts


def user_flag(user: Actor, name: str) -> bool:
    """Whether the registered flag `name` holds for this signed-in user (read with the roles, once per request)."""
    if user is None or not is_signed_in(user):
        return False
    facts = _facts(user)
    if name not in facts.flags_read:  # registered after this request's facts were read
        return _USER_FLAGS[name](user).exists()
    return name in facts.flags


def is_signed_in(user: Actor) -> TypeGuard[User]:
    return bool(user is not None and user.is_authenticated and user.is_active)


def is_network_admin(user: Actor) -> bool:
    if user is None or not is_signed_in(user):
        return False
    return bool(user.is_superuser or _NETWORK_ADMIN_FLAG in _facts(user).flags)


def organisation_permissions(user: Actor) -> dict[UUID, frozenset[str]]:
    """The user's object permissions per active organisation id, read once per request (with the memberships)."""
    if user is None or not is_signed_in(user):
        return {}
    return _facts(user).permissions


def has_organisation_permission(user: Actor, organisation_id: UUID | None, codename: str) -> bool:
    """Whether the user's role in this (active) organisation grants `codename`."""
    if organisation_id is None:
        return False
    return codename in organisation_permissions(user).get(organisation_id, frozenset())


def organisation_ids_with(user: Actor, *codenames: str) -> list[UUID]:
    """Active organisations where the user's role grants any of `codenames`."""
    wanted = set(codenames)
    return [org_id for org_id, perms in organisation_permissions(user).items() if perms & wanted]


def forget(user: Actor) -> None:
    """Drop what the policy cached on the user object (after their memberships changed)."""
    for attribute in _CACHED_ON_USER:
        if hasattr(user, attribute):
            delattr(user, attribute)


def _memberships(user: User) -> list[tuple[UUID, str, bool]]:
    """(organisation id, role, organisation active) for each of the user's memberships, read once per request."""
    return [(org_id, role, active) for org_id, role, active, _name in _facts(user).memberships]


def active_organisation_names(user: Actor) -> list[str] | None:
    """The names of the user's active organisations, sorted, when this request already read the user's roles
    (None otherwise: the caller reads them itself rather than loading every fact for one name)."""
    facts: _UserFacts | None = getattr(user, _FACTS_CACHE, None)
    if facts is None:
        return None
    return sorted(name for _id, _role, active, name in facts.memberships if active)


def member_organisation_ids(user: Actor, *, include_inactive: bool = False) -> set[UUID]:
    """Ids of the organisations the user belongs to, whatever the role (active ones unless told otherwise)."""
    if user is None or not is_signed_in(user):
        return set()
    return {org_id for org_id, _role, active in _memberships(user) if active or include_inactive}


def is_network_member(user: Actor) -> bool:
    """Members of an active organisation, and network admins: they see what the network shares among itself."""
    return is_network_admin(user) or bool(member_organisation_ids(user))


def roles_by_organisation(user: Actor) -> dict[UUID, str]:
    if user is None or not is_signed_in(user):
        return {}
    return {org_id: role for org_id, role, _active in _memberships(user)}


# ---------------------------------------------------------------------------------------------------------------
# Actions decided by an organisation permission


def organisation_rule(action: Action) -> Rule | None:
    """The rule of `action` on organisations when a role permission decides it (else None)."""
    rule = _RULES.get((action, Organisation))
    return rule if rule is not None and rule.organisation_permission is not None else None


def _organisation_permission_allows(user: Actor, organisation: Any, action: Action) -> bool:
    rule = organisation_rule(action)
    if rule is None or not isinstance(organisation, Organisation):
        return False
    return has_organisation_permission(user, organisation.pk, rule.organisation_permission or "")


def organisations_where(user: Actor, action: Action) -> QuerySet[Organisation]:
    """Organisations on which `user` may perform `action` (a guardian object permission, never a global one)."""
    rule = organisation_rule(action)
    if rule is None or not is_signed_in(user):
        return Organisation.objects.none()
    admin = is_network_admin(user)
    if admin and rule.never_for_network_admins:
        return Organisation.objects.none()
    if admin and rule.network_admins:
        return Organisation.objects.all()
    ids = organisation_ids_with(user, rule.organisation_permission or "")
    return Organisation.objects.filter(pk__in=ids, is_active=True)


def organisation_names_where(user: Actor, action: Action) -> list[tuple[UUID, str]] | None:
    """(id, name) of `organisations_where(user, action)`, by name, from the roles and memberships read once per
    request (no query); None when that cannot answer (network administrators on an action they may take on every
    organisation, a permission without its membership): the caller then asks `organisations_where`."""
    rule = organisation_rule(action)
    if rule is None or not is_signed_in(user):
        return []
    admin = is_network_admin(user)
    if admin and rule.never_for_network_admins:
        return []
    if admin and rule.network_admins:
        return None
    names = {org_id: name for org_id, _role, active, name in _facts(user).memberships if active}
    ids = organisation_ids_with(user, rule.organisation_permission or "")
    if any(org_id not in names for org_id in ids):
        return None
    return sorted(((org_id, names[org_id]) for org_id in ids), key=lambda pair: (pair[1], str(pair[0])))


def may_on_some_organisation(user: Actor, action: Action) -> bool:
    """Whether `organisations_where(user, action)` is not empty, answered from the roles read once per request
    (a query only for network administrators on an action they may take on every organisation)."""
    rule = organisation_rule(action)
    if rule is None or not is_signed_in(user):
        return False
    admin = is_network_admin(user)
    if admin and rule.never_for_network_admins:
        return False
    if admin and rule.network_admins:
        return Organisation.objects.exists()
    return bool(organisation_ids_with(user, rule.organisation_permission or ""))


def network_admins_may(action: Action) -> bool:
    """Whether network administrators may take `action` whatever the object (by a rule of the action)."""
    return any(rule.network_admins for (name, _subject), rule in _RULES.items() if name == action)


# ---------------------------------------------------------------------------------------------------------------
# Platform actions: network administrators only


def _nobody(user: Actor, obj: Any = None) -> bool:
    return False


def register_network_admin_action(action: Action, description: str = "") -> Rule:
    """Register a platform action only network administrators take, whatever the object."""
    return register(
        action, object, check=_nobody, network_admins=True, description=description or "network administrators only"
    )
