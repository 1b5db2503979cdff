"""Demo advocacy: two advocacy pages and the upcoming opportunities of the calendar. Running it again adds nothing.

The campaign is written by the Pairs en Route peer (`pairs-peer`) under a pseudonym, submitted for moderation
and approved by the organisation's coordinator through its Wagtail workflow, as in real use; the dossier is
written by Amaranthe's coordinator for network members. Both embed the demo key messages when there are any
(seeded first by `advocacy_messages.seed_demo_key_messages`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from network.accounts.models import User
from network.advocacy import services as advocacy_services
from network.advocacy.models import (
    AdvocacyOpportunity,
    AdvocacyPage,
    AdvocacyPageKind,
    KeyMessage,
    MessageStatus,
    OpportunityLevel,
    PageVisibility,
    ParticipationStatus,
    SignatureKind,
)
from network.demo.advocacy_messages import seed_demo_key_messages
from network.orgs import moderation
from network.orgs.models import Organisation, Role
from network.resources.models import ResourcePage
from network.themes.models import Theme


def seed_demo_advocacy() -> int:
    """Add the demo advocacy pages and opportunities that are missing. Returns how many were added."""
    seed_demo_key_messages()
    with transaction.atomic():
        added = _campaign_by_peer() + _dossier_by_coordinator()
        added += sum(_opportunity(spec) for spec in _opportunities())
    return added


# ---------------------------------------------------------------------------------------------------------------
# Pages


def _campaign_by_peer() -> int:
    organisation = Organisation.objects.filter(slug="pairs-en-route").first()
    peer = User.objects.filter(username="pairs-peer").first()
    coordinator = _coordinator(organisation) if organisation else None
    if organisation is None or peer is None or coordinator is None or organisation.space_page_id is None:
        return 0
    slug = "nos-nuits-nos-droits"
    if AdvocacyPage.objects.filter(slug=slug, path__startswith=organisation.space_page.path).exists():
        return 0
    messages = _messages(["decriminalisation", "violence", "peer-work"])
    body: list[tuple[str, Any]] = [
        ("heading", "Ce que nous demandons"),
        (
            "paragraph",
            "<p>La fin des amendes et des arrêtés qui nous chassent des rues éclairées, l'accès aux droits "
            "sociaux sans condition, et une place pour les travailleuses du sexe dans les décisions qui les "
            "concernent.</p>",
        ),
        *[("key_message", message) for message in messages[:2]],
        (
            "testimony",
            {
                "text": "Depuis l'arrêté, on travaille plus loin, plus seules. La dernière fois qu'un client m'a "
                "menacée, personne n'était là pour voir la plaque de la voiture.",
                "signed_as": "Nox, Toulouse",
            },
        ),
        ("quote", "Rien sur nous sans nous."),
        (
            "call_to_action",
            {
                "title": "Soutenez la campagne le 17 décembre",
                "text": "Rejoignez les rassemblements de la Journée internationale contre les violences faites "
                "aux travailleuses et travailleurs du sexe, et relayez nos messages.",
                "link_url": "https://pairs-en-route.example/17-decembre",
                "link_label": "Voir les rassemblements",
            },
        ),
    ]
    page = AdvocacyPage(
        title="Nos nuits, nos droits",
        slug=slug,
        kind=AdvocacyPageKind.CAMPAIGN,
        intro="Une campagne écrite par des travailleuses du sexe de Toulouse contre les amendes et l'isolement "
        "qu'elles produisent.",
        body=body,
        visibility=PageVisibility.PUBLIC,
        signature_kind=SignatureKind.PSEUDONYM,
        signature_pseudonym="Nox",
        owner=peer,
        live=False,
    )
    organisation.space_page.add_child(instance=page)
    page.themes.set(_themes(["decriminalisation", "violence", "advocacy"]))
    revision = page.save_revision(user=peer, log_action=True)
    moderation.moderation_provision(organisation=organisation)
    workflow = page.get_workflow()
    if workflow is None:  # moderation switched off: the coordinator publishes the peer's draft
        revision.publish(user=coordinator)
        return 1
    state = workflow.start(page, peer)
    task_state = state.current_task_state
    task = task_state.task.specific
    if "approve" not in {name for name, _label, _modal in task.get_actions(page, coordinator)}:
        raise RuntimeError("The demo coordinator cannot moderate the demo peer's page.")
    task.on_action(task_state, coordinator, "approve")
    return 1


def _dossier_by_coordinator() -> int:
    organisation = Organisation.objects.filter(slug="amaranthe").first()
    coordinator = _coordinator(organisation) if organisation else None
    if organisation is None or coordinator is None or organisation.space_page_id is None:
        return 0
    slug = "migrations-et-droits"
    if AdvocacyPage.objects.filter(slug=slug, path__startswith=organisation.space_page.path).exists():
        return 0
    messages = _messages(["migration-rights", "legal", "sexual-reproductive-health"])
    resource = ResourcePage.objects.live().filter(visibility="public").order_by("first_published_at", "pk").first()
    body: list[tuple[str, Any]] = [
        ("heading", "Le constat"),
        (
            "paragraph",
            "<p>Sans titre de séjour, porter plainte expose au contrôle d'identité : les violences restent "
            "tues. Les permanences d'Amaranthe accompagnent chaque semaine des femmes qui renoncent à leurs "
            "droits par peur de l'expulsion.</p>",
        ),
        *[("key_message", message) for message in messages[:2]],
        ("heading", "Nos propositions"),
        (
            "paragraph",
            "<ul><li>Séparer l'accès à la police et à la justice du contrôle du séjour.</li>"
            "<li>Interprétariat professionnel dans les services de santé et les commissariats.</li>"
            "<li>Un titre de séjour pour les victimes de violences qui portent plainte.</li></ul>",
        ),
        ("testimony", {"text": "J'ai attendu deux ans avant d'oser parler à une avocate.", "signed_as": ""}),
    ]
    if resource is not None:
        body.append(("resource", resource))
    page = AdvocacyPage(
        title="Migrations et droits : le dossier",
        slug=slug,
        kind=AdvocacyPageKind.DOSSIER,
        intro="Ce que vivent les travailleuses du sexe migrantes face à la police, à la justice et aux soins, "
        "et ce que le réseau demande. Réservé aux membres du réseau en attendant sa validation.",
        body=body,
        visibility=PageVisibility.NETWORK,
        signature_kind=SignatureKind.COLLECTIVE,
        owner=coordinator,
        live=False,
    )
    organisation.space_page.add_child(instance=page)
    page.themes.set(_themes(["migration-rights", "legal", "violence"]))
    page.save_revision(user=coordinator, log_action=True).publish(user=coordinator)
    return 1


# ---------------------------------------------------------------------------------------------------------------
# Opportunities


def _opportunities() -> list[dict[str, Any]]:
    today = timezone.localdate()
    december_17 = dt.date(today.year, 12, 17)
    if december_17 < today:
        december_17 = dt.date(today.year + 1, 12, 17)
    return [
        {
            "by": "etoile-coord",
            "title": "Journée internationale contre les violences faites aux travailleuses et travailleurs du sexe",
            "description": "Le 17 décembre, rassemblements et hommages dans plusieurs villes. Chaque organisation "
            "relaie les messages du réseau sur les violences et la décriminalisation.",
            "starts_at": _at(december_17, 0),
            "all_day": True,
            "place": "Marseille, Toulouse, Paris, Lyon",
            "level": OpportunityLevel.INTERNATIONAL,
            "organisations": ["collectif-etoile", "pairs-en-route", "lotus-outreach", "amaranthe"],
            "confirmed_by": ["pairs-en-route", "lotus-outreach"],  # Amaranthe has not answered yet
            "themes": ["violence", "decriminalisation"],
        },
        {
            "by": "lotus-coord",
            "title": "Consultation publique : stratégie nationale de santé sexuelle",
            "description": "Le ministère ouvre une consultation en ligne sur la prochaine feuille de route. Le réseau "
            "dépose une contribution commune : envoyez vos éléments au plus tard cinq jours avant la clôture.",
            "starts_at": _at(today + dt.timedelta(days=6), 9),
            "ends_at": _at(today + dt.timedelta(days=34), 23),
            "deadline": today + dt.timedelta(days=29),
            "online_url": "https://consultation.sante.example/strategie-sante-sexuelle",
            "level": OpportunityLevel.NATIONAL,
            "organisations": ["lotus-outreach", "centre-sante-belleville"],
            "themes": ["sexual-reproductive-health", "hiv-stis", "harm-reduction"],
        },
        {
            "by": "droits-coord",
            "title": "Audition parlementaire : évaluation de la loi de 2016",
            "description": "La mission d'information entend les associations de terrain. Deux porte-parole du "
            "réseau présentent les constats sur les violences et l'accès aux soins.",
            "starts_at": _at(today + dt.timedelta(days=21), 14),
            "ends_at": _at(today + dt.timedelta(days=21), 16),
            "deadline": today + dt.timedelta(days=14),
            "place": "Assemblée nationale, Paris",
            "level": OpportunityLevel.NATIONAL,
            "organisations": ["droits-devant", "collectif-etoile"],
            "confirmed_by": ["collectif-etoile"],
            "themes": ["decriminalisation", "legal"],
        },
        {
            "by": "amaranthe-coord",
            "title": "Conférence européenne : migrations, travail du sexe et santé",
            "description": "Atelier du réseau sur l'accès aux soins des personnes migrantes, avec interprétariat.",
            "starts_at": _at(today + dt.timedelta(days=45), 9),
            "ends_at": _at(today + dt.timedelta(days=46), 17),
            "place": "Bruxelles",
            "online_url": "https://conference.example.eu/",
            "level": OpportunityLevel.INTERNATIONAL,
            "organisations": ["amaranthe", "lotus-outreach"],
            "declined_by": ["lotus-outreach"],
            "themes": ["migration-rights", "sexual-reproductive-health"],
        },
        {
            "by": "pairs-peer",
            "title": "Conseil local de santé de Toulouse : sécurité des travailleuses du sexe",
            "description": "Réunion de préparation entre membres avant la séance publique du conseil local.",
            "starts_at": _at(today + dt.timedelta(days=10), 18),
            "ends_at": _at(today + dt.timedelta(days=10), 20),
            "place": "Toulouse",
            "level": OpportunityLevel.LOCAL,
            "is_public": False,
            "organisations": ["pairs-en-route"],
            "confirmed_by": ["pairs-en-route"],  # a peer listed it: its coordinator confirms
            "themes": ["violence", "peer-work"],
        },
    ]


def _opportunity(spec: dict[str, Any]) -> int:
    spec = dict(spec)
    author = User.objects.filter(username=spec.pop("by")).first()
    if author is None or AdvocacyOpportunity.objects.filter(title=spec["title"]).exists():
        return 0
    organisations = list(Organisation.objects.filter(slug__in=spec.pop("organisations"), is_active=True))
    answers = dict.fromkeys(spec.pop("confirmed_by", []), True) | dict.fromkeys(spec.pop("declined_by", []), False)
    messages = _messages(spec.pop("themes"), user=author)
    opportunity = advocacy_services.opportunity_create(
        acting_user=author, organisations=organisations, key_messages=messages[:3], **spec
    )
    # Organisations are named only once their coordinators confirm; the others stay "invited" (or declined).
    for participation in opportunity.participations.filter(
        organisation__slug__in=answers, status=ParticipationStatus.INVITED
    ).select_related("organisation"):
        coordinator = _coordinator(participation.organisation)
        if coordinator is not None:
            advocacy_services.participation_answer(
                participation=participation, confirm=answers[participation.organisation.slug], acting_user=coordinator
            )
    return 1


# ---------------------------------------------------------------------------------------------------------------
# Helpers


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _coordinator(organisation: Organisation) -> User | None:
    return User.objects.filter(memberships__organisation=organisation, memberships__role=Role.COORDINATOR).first()


def _themes(slugs: list[str]) -> list[Theme]:
    return list(Theme.objects.filter(slug__in=slugs))


def _messages(theme_slugs: list[str], *, user: User | None = None) -> list[KeyMessage]:
    """Adopted (else proposed) messages of these themes in the default language, the most relevant first."""
    from django.conf import settings

    from network.advocacy.rules import AdvocacyAction
    from network.orgs import policy

    queryset = KeyMessage.objects.filter(
        Q(status=MessageStatus.ADOPTED) | Q(status=MessageStatus.PROPOSED),
        locale__language_code=settings.LANGUAGE_CODE,
        themes__slug__in=theme_slugs,
    )
    if user is not None:
        queryset = queryset.filter(pk__in=policy.visible(user, AdvocacyAction.VIEW_KEY_MESSAGE).values("pk"))
    return list(queryset.distinct().order_by("status", "-updated_at"))
