"""Every change to a key message, an endorsement or an opportunity of the calendar goes through these functions.

Each one asks the access policy, checks the message is in a state where the change is possible, writes the change
in one transaction with its version (a Wagtail revision carrying the acting user) and its audit-log entry, and
leaves notifications to the outbox (ids only). A refused change raises and writes nothing:
- `policy.AccessDenied` when the user may not do it (views answer 404 if they may not even see the message),
- `TransitionNotAllowed` when the message's status does not allow it (the API answers 409),
- `AlreadyEndorsed` / `NotEndorsed` for a second signature or a withdrawal without one (409).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from html import unescape
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from wagtail.coreutils import find_available_slug
from wagtail.log_actions import log
from wagtail.models import Locale, Revision

from network.accounts.models import User
from network.advocacy.rules import AdvocacyAction, Signature
from network.orgs import policy
from network.orgs.models import Organisation
from network.orgs.policy import AccessDenied, Actor
from network.outbox.services import outbox_enqueue
from network.pagecache.generations import ADVOCACY, CONTENT, public_pages_changed
from network.resources import rules as resource_rules
from network.themes.models import Theme

from .models import (
    ENDORSABLE_STATUSES,
    AdvocacyOpportunity,
    AdvocacyPage,
    Endorsement,
    KeyMessage,
    MessageStatus,
    OpportunityParticipation,
    ParticipationStatus,
)

TOPIC_MESSAGE_PROPOSED = "advocacy.message_proposed"

EDITABLE_FIELDS = ("statement", "argument", "themes", "evidence")


class TransitionNotAllowed(ValidationError):
    """The message is not in a state where this change is possible."""


class AlreadyEndorsed(ValidationError):
    """The organisation already signs this message."""


class NotEndorsed(ValidationError):
    """The organisation does not sign this message (nothing to withdraw)."""


# ---------------------------------------------------------------------------------------------------------------
# Writing and editing


@transaction.atomic
def key_message_create(
    *,
    organisation: Organisation,
    statement: str,
    acting_user: User,
    argument: str = "",
    themes: Iterable[Theme] = (),
    evidence: Iterable[Any] = (),
    locale: Any = None,
) -> KeyMessage:
    """A new draft drafted by `organisation` (its contributors: coordinators, staff, peers), with a first version."""
    if not policy.can(acting_user, AdvocacyAction.CONTRIBUTE_ADVOCACY, organisation):
        raise AccessDenied(_("Only contributors of this organisation can draft its key messages."))
    message = KeyMessage(
        statement=statement,
        argument=argument,
        drafting_organisation=organisation,
        created_by=acting_user,
        status=MessageStatus.DRAFT,
    )
    if locale is not None:
        message.locale = locale
    message.themes.set(list(themes))
    message.evidence.set(_checked_evidence(acting_user, evidence))
    message.full_clean()
    message.save()
    message.save_revision(user=acting_user, log_action="advocacy.key_message.create", clean=False)
    public_pages_changed(ADVOCACY, CONTENT)
    return message


@transaction.atomic
def key_message_update(*, message: KeyMessage, acting_user: User, **changes: Any) -> KeyMessage:
    """Change the statement, argument, themes or evidence; every save is a new version (who, what, when).

    Contributors of the drafting organisation edit drafts and proposals; its coordinators edit adopted messages.
    """
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not editable: {sorted(unknown)}")
    message = _locked(message)
    _require_visible(acting_user, message)
    if not policy.can(acting_user, AdvocacyAction.EDIT_KEY_MESSAGE, message):
        raise AccessDenied(_("You cannot edit this key message."))
    for name in ("statement", "argument"):
        if name in changes:
            setattr(message, name, changes[name])
    if "themes" in changes:
        message.themes.set(list(changes["themes"]))
    if "evidence" in changes:
        message.evidence.set(_checked_evidence(acting_user, changes["evidence"]))
    message.full_clean()
    message.save()
    message.save_revision(user=acting_user, log_action=True, clean=False)
    public_pages_changed(ADVOCACY, CONTENT)
    return message


# ---------------------------------------------------------------------------------------------------------------
# Lifecycle: draft → proposed → adopted → retired (status is shared by every translation of the message)


@transaction.atomic
def key_message_propose(*, message: KeyMessage, acting_user: User) -> KeyMessage:
    """Put a draft before the network (its drafting organisation's coordinators); coordinators are told."""
    message = _locked(message)
    _require_visible(acting_user, message)
    _require_status(message, (MessageStatus.DRAFT,), _("Only a draft can be proposed."))
    if not policy.can(acting_user, AdvocacyAction.PROPOSE_KEY_MESSAGE, message):
        raise AccessDenied(_("Only coordinators of the drafting organisation can propose this message."))
    message = _set_status(message, MessageStatus.PROPOSED, acting_user, "advocacy.key_message.propose")
    outbox_enqueue(topic=TOPIC_MESSAGE_PROPOSED, object_id=message.pk)
    return message


@transaction.atomic
def key_message_adopt(*, message: KeyMessage, acting_user: User) -> KeyMessage:
    """The network adopts a proposed message (network administrators): it becomes public."""
    message = _locked(message)
    _require_visible(acting_user, message)
    _require_status(message, (MessageStatus.PROPOSED,), _("Only a proposed message can be adopted."))
    if not policy.can(acting_user, AdvocacyAction.ADOPT_KEY_MESSAGE, message):
        raise AccessDenied(_("Only network administrators can adopt a key message."))
    return _set_status(message, MessageStatus.ADOPTED, acting_user, "advocacy.key_message.adopt")


@transaction.atomic
def key_message_retire(*, message: KeyMessage, acting_user: User) -> KeyMessage:
    """The network stops carrying a proposed or adopted message (network administrators); signatures stay."""
    message = _locked(message)
    _require_visible(acting_user, message)
    _require_status(
        message,
        (MessageStatus.PROPOSED, MessageStatus.ADOPTED),
        _("Only a proposed or adopted message can be retired."),
    )
    if not policy.can(acting_user, AdvocacyAction.ADOPT_KEY_MESSAGE, message):
        raise AccessDenied(_("Only network administrators can retire a key message."))
    return _set_status(message, MessageStatus.RETIRED, acting_user, "advocacy.key_message.retire")


def _set_status(message: KeyMessage, status: str, acting_user: User, log_action: str) -> KeyMessage:
    now = timezone.now()
    rows = list(KeyMessage.objects.select_for_update().filter(translation_key=message.translation_key).order_by("pk"))
    for row in rows:
        row.status = status
        if status == MessageStatus.PROPOSED:
            row.proposed_at = now
        elif status == MessageStatus.ADOPTED:
            row.adopted_at = now
        row.save(update_fields=["status", "proposed_at", "adopted_at", "updated_at"])
        row.save_revision(user=acting_user, log_action=log_action if row.pk == message.pk else False, clean=False)
    public_pages_changed(ADVOCACY, CONTENT)  # key messages show on advocacy pages too
    return next(row for row in rows if row.pk == message.pk)


# ---------------------------------------------------------------------------------------------------------------
# Endorsements: an organisation signs a message (every translation at once)


@transaction.atomic
def endorsement_sign(*, message: KeyMessage, organisation: Organisation, acting_user: User) -> Endorsement:
    """The organisation signs the message (its coordinators, on a proposed or adopted message), once."""
    _require_visible(acting_user, message)
    if not policy.can(acting_user, AdvocacyAction.SIGN_KEY_MESSAGE, Signature(message, organisation)):
        if message.status not in ENDORSABLE_STATUSES:
            raise TransitionNotAllowed(_("Only a proposed or adopted message can be signed."))
        raise AccessDenied(_("Only coordinators of this organisation can sign for it."))
    if _active_endorsements(message, organisation).exists():
        raise AlreadyEndorsed(_("This organisation already signs this message."))
    try:
        with transaction.atomic():  # a signature racing this one hits the constraint: same answer, nothing written
            endorsement = Endorsement.objects.create(
                message_key=message.translation_key, organisation=organisation, endorsed_by=acting_user
            )
    except IntegrityError as error:
        raise AlreadyEndorsed(_("This organisation already signs this message.")) from error
    _log(acting_user, "advocacy.endorsement.sign", message, organisation)
    public_pages_changed(ADVOCACY, CONTENT)
    return endorsement


@transaction.atomic
def endorsement_withdraw(*, message: KeyMessage, organisation: Organisation, acting_user: User) -> Endorsement:
    """The organisation withdraws its signature (its coordinators, whatever the status); the history is kept."""
    _require_visible(acting_user, message)
    if not policy.can(acting_user, AdvocacyAction.WITHDRAW_SIGNATURE, Signature(message, organisation)):
        raise AccessDenied(_("Only coordinators of this organisation can withdraw its signature."))
    endorsement = _active_endorsements(message, organisation).select_for_update().first()
    if endorsement is None:
        raise NotEndorsed(_("This organisation does not sign this message."))
    endorsement.withdrawn_at = timezone.now()
    endorsement.withdrawn_by = acting_user
    endorsement.save(update_fields=["withdrawn_at", "withdrawn_by"])
    _log(acting_user, "advocacy.endorsement.withdraw", message, organisation)
    public_pages_changed(ADVOCACY, CONTENT)
    return endorsement


def _active_endorsements(message: KeyMessage, organisation: Organisation) -> QuerySet[Endorsement]:
    return Endorsement.objects.filter(
        message_key=message.translation_key, organisation=organisation, withdrawn_at__isnull=True
    )


# ---------------------------------------------------------------------------------------------------------------
# Reading: signatories, versions and their differences


def key_messages_for_reading(user: Actor, *, language: str | None = None) -> QuerySet[KeyMessage]:
    """The messages `user` may see, one per message: in `language` (default: the active one) where translated,
    else in the site's default language (the source), else in whatever language it exists."""
    visible = policy.visible(user, AdvocacyAction.VIEW_KEY_MESSAGE)
    default_id = Locale.get_default().pk
    active = Locale.objects.filter(language_code=language or get_language() or settings.LANGUAGE_CODE).first()
    active_id = active.pk if active is not None else default_id
    condition = Q(locale_id=active_id)
    taken = [active_id]
    if active_id != default_id:
        translated = visible.filter(locale_id=active_id).values("translation_key")
        condition |= Q(locale_id=default_id) & ~Q(translation_key__in=translated)
        taken.append(default_id)
    # Messages written in another language and translated into neither: shown as written.
    in_taken = visible.filter(locale_id__in=taken).values("translation_key")
    condition |= ~Q(locale_id__in=taken) & ~Q(translation_key__in=in_taken)
    return visible.filter(condition)


def key_messages_with_theme(queryset: QuerySet[KeyMessage], theme_slug: str) -> QuerySet[KeyMessage]:
    """Themes are set on the source message: a translation matches through its translation key."""
    keys = KeyMessage.objects.filter(themes__slug=theme_slug).values("translation_key")
    return queryset.filter(translation_key__in=keys)


def key_messages_attach(messages: list[KeyMessage], *, user: Actor) -> list[KeyMessage]:
    """Attach what list and detail screens show, in a constant number of queries whatever the number of messages:
    `shared_themes` and `visible_evidence` (from the source message for a translation without its own), and
    `signatories` (active endorsements with their organisation, oldest first)."""
    if not messages:
        return messages
    keys = {message.translation_key for message in messages}
    rows = list(KeyMessage.objects.filter(translation_key__in=keys).prefetch_related("themes", "evidence"))
    by_pk = {row.pk: row for row in rows}
    default_locale_id = Locale.get_default().pk

    def has_relations(row: KeyMessage) -> bool:
        return bool(row.themes.all()) or bool(row.evidence.all())

    carriers: dict[Any, KeyMessage] = {}
    for row in sorted(rows, key=lambda row: (row.locale_id != default_locale_id, str(row.pk))):
        if has_relations(row):
            carriers.setdefault(row.translation_key, row)
    evidence_ids = {page.pk for row in rows for page in row.evidence.all()}
    visible_evidence = (
        {page.pk: page for page in resource_rules.visible_resources(user).filter(pk__in=evidence_ids)}
        if evidence_ids
        else {}
    )
    signatories: dict[Any, list[Endorsement]] = {key: [] for key in keys}
    for endorsement in (
        Endorsement.objects.filter(message_key__in=keys, withdrawn_at__isnull=True)
        .select_related("organisation")
        .order_by("endorsed_at")
    ):
        signatories[endorsement.message_key].append(endorsement)
    for message in messages:
        own = by_pk.get(message.pk, message)
        source = own if has_relations(own) else carriers.get(message.translation_key, own)
        message.shared_themes = sorted(source.themes.all(), key=lambda theme: (theme.sort_order, theme.slug))
        message.visible_evidence = sorted(
            (visible_evidence[page.pk] for page in source.evidence.all() if page.pk in visible_evidence),
            key=lambda page: page.title,
        )
        message.signatories = signatories[message.translation_key]
    return messages


def key_message_signatories(message: KeyMessage) -> QuerySet[Endorsement]:
    """Active signatures on the message (any translation), with their organisation, oldest first."""
    return (
        Endorsement.objects.filter(message_key=message.translation_key, withdrawn_at__isnull=True)
        .select_related("organisation")
        .order_by("endorsed_at")
    )


_EVERY_VERSION: Any = object()


def key_message_versions(message: KeyMessage, *, user: Actor = _EVERY_VERSION) -> list[Revision]:
    """Saved versions of this message (this translation), newest first, with who saved each.

    Given a `user`, only the versions they could have seen at the time: a version saved while the message was a
    draft stays with the drafting organisation, one saved while it was proposed with the network.
    """
    versions = list(message.revisions.select_related("user").order_by("-created_at", "-pk"))
    if user is _EVERY_VERSION:
        return versions
    return [version for version in versions if version_visible_to(user, message, version)]


def version_visible_to(user: Actor, message: KeyMessage, version: Revision) -> bool:
    """Whether `user` may read `version`: the policy's view rule applied to the message as it was then."""
    if not policy.can(user, AdvocacyAction.VIEW_KEY_MESSAGE, message):
        return False
    as_it_was = KeyMessage(
        status=version.content.get("status", message.status), drafting_organisation_id=message.drafting_organisation_id
    )
    return policy.can(user, AdvocacyAction.VIEW_KEY_MESSAGE, as_it_was)


@dataclass
class FieldDifference:
    """One field compared between two versions. `diff` holds (operation, text) chunks for text fields, where
    operation is "equal", "insert" or "delete"; `before`/`after` hold display values."""

    name: str
    label: str
    changed: bool
    before: Any = None
    after: Any = None
    diff: list[tuple[str, str]] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


def key_message_compare(
    message: KeyMessage, revision_a: Revision, revision_b: Revision, *, user: Actor = _EVERY_VERSION
) -> list[FieldDifference]:
    """Per-field differences from version `revision_a` to version `revision_b` (any two versions, any order).

    Given a `user`, both versions must be ones they may read (ValueError otherwise, as for another message's
    version), and evidence is listed only where they may see the resource.
    """
    revisions = {revision.pk for revision in message.revisions.all()}
    if revision_a.pk not in revisions or revision_b.pk not in revisions:
        raise ValueError("Both versions must belong to this message.")
    if user is not _EVERY_VERSION and not (
        version_visible_to(user, message, revision_a) and version_visible_to(user, message, revision_b)
    ):
        raise ValueError("Both versions must be ones this user may read.")
    before, after = revision_a.as_object(), revision_b.as_object()
    differences = [
        _text_difference("statement", _("Statement"), before.statement, after.statement),
        _text_difference("argument", _("Argument"), plain_text(before.argument), plain_text(after.argument)),
        _set_difference("themes", _("Themes"), _theme_labels(before), _theme_labels(after)),
        _set_difference("evidence", _("Supporting evidence"), *_evidence_titles(before, after, user)),
    ]
    status_labels = dict(MessageStatus.choices)
    differences.append(
        FieldDifference(
            name="status",
            label=_("Status"),
            changed=before.status != after.status,
            before=str(status_labels.get(before.status, before.status)),
            after=str(status_labels.get(after.status, after.status)),
        )
    )
    return differences


def _text_difference(name: str, label: str, before: str, after: str) -> FieldDifference:
    old_words, new_words = re.findall(r"\S+|\s+", before or ""), re.findall(r"\S+|\s+", after or "")
    chunks: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(a=old_words, b=new_words, autojunk=False)
    for operation, a_start, a_end, b_start, b_end in matcher.get_opcodes():
        if operation == "equal":
            chunks.append(("equal", "".join(old_words[a_start:a_end])))
            continue
        if a_end > a_start:
            chunks.append(("delete", "".join(old_words[a_start:a_end])))
        if b_end > b_start:
            chunks.append(("insert", "".join(new_words[b_start:b_end])))
    return FieldDifference(name=name, label=label, changed=before != after, before=before, after=after, diff=chunks)


def _set_difference(name: str, label: str, before: list[str], after: list[str]) -> FieldDifference:
    return FieldDifference(
        name=name,
        label=label,
        changed=set(before) != set(after),
        before=before,
        after=after,
        added=[item for item in after if item not in before],
        removed=[item for item in before if item not in after],
    )


def plain_text(html: str) -> str:
    text = re.sub(r"</(p|li|h\d)>|<br\s*/?>", "\n", html or "")
    return unescape(re.sub(r"<[^>]+>", "", text)).strip()


def _related_ids(obj: KeyMessage, name: str) -> list[Any]:
    return [item.pk for item in getattr(obj, name).all()]


def _theme_labels(obj: KeyMessage) -> list[str]:
    ids = _related_ids(obj, "themes")
    return [theme.label for theme in Theme.objects.filter(pk__in=ids)]


def _evidence_titles(before: KeyMessage, after: KeyMessage, user: Actor) -> tuple[list[str], list[str]]:
    from network.resources.models import ResourcePage

    ids_before, ids_after = _related_ids(before, "evidence"), _related_ids(after, "evidence")
    pages = ResourcePage.objects.all() if user is _EVERY_VERSION else resource_rules.visible_resources(user)
    titles = dict(pages.filter(pk__in=[*ids_before, *ids_after]).values_list("pk", "title"))
    return [titles[pk] for pk in ids_before if pk in titles], [titles[pk] for pk in ids_after if pk in titles]


# ---------------------------------------------------------------------------------------------------------------
# The calendar's opportunities (their reads are in selectors.py, their iCalendar feed in ical.py)

OPPORTUNITY_EDITABLE_FIELDS = (
    "title",
    "description",
    "starts_at",
    "ends_at",
    "all_day",
    "place",
    "online_url",
    "level",
    "deadline",
    "is_public",
)


@transaction.atomic
def opportunity_create(
    *,
    acting_user: User,
    key_messages: Iterable[KeyMessage] = (),
    organisations: Iterable[Organisation] = (),
    **fields: Any,
) -> AdvocacyOpportunity:
    """Add an opportunity to the calendar (anyone who contributes to advocacy for an organisation)."""
    if not policy.can(acting_user, AdvocacyAction.ADD_OPPORTUNITY):
        raise AccessDenied("Not allowed: add an advocacy opportunity.")
    _refuse_unknown_opportunity_fields(fields)
    opportunity = AdvocacyOpportunity(created_by=acting_user, **fields)
    opportunity.full_clean()
    opportunity.save()
    _set_opportunity_relations(opportunity, acting_user, key_messages, organisations)
    log(instance=opportunity, action="advocacy.opportunity.create", user=acting_user)
    public_pages_changed(ADVOCACY, CONTENT)
    return opportunity


@transaction.atomic
def opportunity_update(
    *,
    opportunity: AdvocacyOpportunity,
    acting_user: User,
    key_messages: Iterable[KeyMessage] | None = None,
    organisations: Iterable[Organisation] | None = None,
    **fields: Any,
) -> AdvocacyOpportunity:
    """Change an opportunity: network admins, its creator, coordinators of the organisations taking part."""
    policy.require(acting_user, AdvocacyAction.MANAGE_OPPORTUNITY, opportunity)
    _refuse_unknown_opportunity_fields(fields)
    for name, value in fields.items():
        setattr(opportunity, name, value)
    opportunity.full_clean()
    opportunity.save()
    _set_opportunity_relations(opportunity, acting_user, key_messages, organisations)
    log(instance=opportunity, action="advocacy.opportunity.update", user=acting_user)
    public_pages_changed(ADVOCACY, CONTENT)
    return opportunity


@transaction.atomic
def opportunity_delete(*, opportunity: AdvocacyOpportunity, acting_user: User) -> None:
    policy.require(acting_user, AdvocacyAction.MANAGE_OPPORTUNITY, opportunity)
    log(instance=opportunity, action="advocacy.opportunity.delete", user=acting_user)
    public_pages_changed(ADVOCACY, CONTENT)
    opportunity.delete()


def _refuse_unknown_opportunity_fields(fields: dict[str, Any]) -> None:
    unknown = set(fields) - set(OPPORTUNITY_EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(_("These fields cannot be changed here: %(fields)s") % {"fields": ", ".join(unknown)})


def _set_opportunity_relations(
    opportunity: AdvocacyOpportunity,
    acting_user: User,
    key_messages: Iterable[KeyMessage] | None,
    organisations: Iterable[Organisation] | None,
) -> None:
    """Only messages the user may see, and active organisations, can be linked."""
    if key_messages is not None:
        wanted = {message.pk for message in key_messages}
        allowed = set(
            policy.visible(acting_user, AdvocacyAction.VIEW_KEY_MESSAGE)
            .filter(pk__in=wanted)
            .values_list("pk", flat=True)
        )
        if wanted - allowed:
            raise ValidationError({"key_messages": _("Choose key messages you can see.")})
        opportunity.key_messages.set(sorted(allowed))
    if organisations is not None:
        wanted_orgs = {organisation.pk for organisation in organisations}
        active = set(Organisation.objects.filter(pk__in=wanted_orgs, is_active=True).values_list("pk", flat=True))
        if wanted_orgs - active:
            raise ValidationError({"organisations": _("Choose active organisations.")})
        opportunity.organisations.set(sorted(active))
    opportunity.save()  # ParentalManyToManyField: the relations are written when the cluster is saved
    if organisations is not None:
        _invite_participants(opportunity, acting_user)


def _invite_participants(opportunity: AdvocacyOpportunity, acting_user: User) -> None:
    """Each organisation listed is invited, never named: it takes part once its coordinators confirm. Where the
    acting user coordinates it, saying so is their confirmation. An organisation taken off the list loses its
    invitation (and its answer); one that declined stays declined."""
    listed = set(opportunity.organisations.values_list("pk", flat=True))
    OpportunityParticipation.objects.filter(opportunity=opportunity).exclude(organisation_id__in=listed).delete()
    already = set(
        OpportunityParticipation.objects.filter(opportunity=opportunity).values_list("organisation_id", flat=True)
    )
    now = timezone.now()
    for organisation_id in sorted(listed - already):
        participation = OpportunityParticipation(
            opportunity=opportunity, organisation_id=organisation_id, invited_by=acting_user
        )
        if policy.can(acting_user, AdvocacyAction.ANSWER_PARTICIPATION, participation):
            participation.status = ParticipationStatus.CONFIRMED
            participation.answered_by, participation.answered_at = acting_user, now
        participation.save()


@transaction.atomic
def participation_answer(
    *, participation: OpportunityParticipation, confirm: bool, acting_user: User
) -> OpportunityParticipation:
    """The named organisation's coordinators confirm that it takes part (it is then listed wherever the
    opportunity is shown) or decline (it is never listed). They may change their answer later."""
    participation = OpportunityParticipation.objects.select_for_update().get(pk=participation.pk)
    policy.require(acting_user, AdvocacyAction.ANSWER_PARTICIPATION, participation)
    participation.status = ParticipationStatus.CONFIRMED if confirm else ParticipationStatus.DECLINED
    participation.answered_by, participation.answered_at = acting_user, timezone.now()
    participation.save(update_fields=["status", "answered_by", "answered_at"])
    log(
        instance=participation.opportunity,
        action="advocacy.opportunity.participation_" + ("confirm" if confirm else "decline"),
        user=acting_user,
        data={"organisation": str(participation.organisation_id)},
    )
    public_pages_changed(ADVOCACY, CONTENT)
    return participation


# ---------------------------------------------------------------------------------------------------------------
# Helpers


def _locked(message: KeyMessage) -> KeyMessage:
    return KeyMessage.objects.select_for_update().get(pk=message.pk)


def _require_visible(user: Actor, message: KeyMessage) -> None:
    if not policy.can(user, AdvocacyAction.VIEW_KEY_MESSAGE, message):
        raise AccessDenied(_("Key message not found."))


def _require_status(message: KeyMessage, allowed: tuple[str, ...], reason: str) -> None:
    if message.status not in allowed:
        raise TransitionNotAllowed(reason)


def _checked_evidence(user: Actor, evidence: Iterable[Any]) -> list[Any]:
    """Evidence must be library resources the author may see (never another organisation's private page)."""
    items = list(evidence)
    if not items:
        return []
    visible = set(
        resource_rules.visible_resources(user).filter(pk__in=[item.pk for item in items]).values_list("pk", flat=True)
    )
    if any(item.pk not in visible for item in items):
        raise ValidationError({"evidence": _("Choose resources from the library that you can see.")})
    return items


def _log(acting_user: User, action: str, message: KeyMessage, organisation: Organisation) -> None:
    """Record the action in Wagtail's audit log (ids only)."""
    from wagtail.log_actions import log

    log(instance=message, action=action, user=acting_user, data={"organisation": str(organisation.pk)})


# ---------------------------------------------------------------------------------------------------------------
# Advocacy pages: a contribution started from the site


@transaction.atomic
def advocacy_page_start(
    *,
    organisation: Organisation,
    acting_user: User,
    title: str,
    signature_kind: str,
    signature_pseudonym: str = "",
) -> AdvocacyPage:
    """A new advocacy page draft in `organisation`'s space, owned by `acting_user` and signed as they chose.

    Contributors of the organisation only (coordinators, staff, peers). The draft is not live: its author writes it
    in the page editor, then submits it to the organisation's moderation (peers cannot publish) or publishes it.
    """
    if not policy.can(acting_user, AdvocacyAction.CONTRIBUTE_ADVOCACY, organisation):
        raise AccessDenied(_("Only contributors of this organisation write its advocacy pages."))
    if organisation.space_page is None:
        raise ValidationError(_("This organisation has no space to publish in yet."))
    space = organisation.space_page.specific
    requested_slug = slugify(title, allow_unicode=True)[:60].strip("-") or "contribution"
    page = AdvocacyPage(
        title=title,
        slug=find_available_slug(space, requested_slug),
        owner=acting_user,
        live=False,
        locale_id=space.locale_id,
        signature_kind=signature_kind,
        signature_pseudonym=signature_pseudonym,
    )
    space.add_child(instance=page)
    log(instance=page, action="wagtail.create", user=acting_user)
    page.save_revision(user=acting_user, log_action=True)
    return page
