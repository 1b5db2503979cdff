"""Demo key messages of the network, in every status, signed by several demo organisations (idempotent).

Every message goes through the real services (drafted by a contributor, proposed by a coordinator, adopted or
retired by the network administrator, signed by coordinators), so the demo shows states the product can reach and
a real version history. A message is recognised on a second run by its final statement.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.utils.html import escape

from network.accounts.models import User
from network.advocacy import services
from network.advocacy.models import KeyMessage, MessageStatus
from network.orgs.models import Organisation
from network.themes.models import Theme

ADMIN = "network-admin"


@dataclass(frozen=True)
class DemoEdit:
    by: str  # username of the demo user who edits
    statement: str | None = None
    argument: list[str] | None = None
    themes: tuple[str, ...] | None = None


@dataclass(frozen=True)
class DemoMessage:
    organisation: str  # slug of the drafting organisation
    author: str  # username of the demo contributor who drafts it
    statement: str  # as first drafted
    argument: list[str]  # paragraphs
    themes: tuple[str, ...]
    status: str
    edits: list[DemoEdit] = field(default_factory=list)  # applied while draft (or proposed, if `edit_after_proposal`)
    edit_after_proposal: bool = False
    signatories: tuple[str, ...] = ()  # organisation slugs; their coordinators sign

    @property
    def final_statement(self) -> str:
        statements = [edit.statement for edit in self.edits if edit.statement]
        return statements[-1] if statements else self.statement


DEMO_MESSAGES = [
    DemoMessage(
        organisation="collectif-etoile",
        author="etoile-peer",
        statement="Le travail du sexe est un travail : les travailleuses et travailleurs du sexe ont droit aux "
        "mêmes protections que tout le monde.",
        argument=[
            "La pénalisation des clients, en vigueur depuis 2016, a éloigné le travail vers des lieux plus isolés "
            "et a réduit le temps laissé pour négocier le préservatif et les conditions.",
            "Les associations communautaires constatent davantage de violences et un recours plus difficile à la "
            "police et à la justice. Reconnaître le travail, c'est permettre l'accès au droit du travail, à la "
            "protection sociale et à la justice.",
        ],
        themes=("decriminalisation", "violence", "legal"),
        status=MessageStatus.ADOPTED,
        edits=[
            DemoEdit(
                by="etoile-coord",
                statement="Le travail du sexe est un travail : les travailleuses et travailleurs du sexe ont droit "
                "aux mêmes protections sociales et juridiques que tout le monde.",
                themes=("decriminalisation", "violence", "legal", "peer-work"),
            ),
        ],
        signatories=("collectif-etoile", "lotus-outreach", "amaranthe", "pairs-en-route", "droits-devant"),
    ),
    DemoMessage(
        organisation="amaranthe",
        author="amaranthe-staff",
        statement="Aucune personne ne doit renoncer à ses droits par peur de son statut administratif.",
        argument=[
            "Les personnes migrantes qui exercent le travail du sexe hésitent à porter plainte ou à consulter, "
            "de peur d'un contrôle ou d'une obligation de quitter le territoire.",
            "Nous demandons un « pare-feu » entre l'accès aux soins, aux droits et à la justice d'une part, et le "
            "contrôle migratoire d'autre part.",
        ],
        themes=("migration-rights", "violence", "legal"),
        status=MessageStatus.ADOPTED,
        edits=[
            DemoEdit(
                by="amaranthe-coord",
                argument=[
                    "Les personnes migrantes qui exercent le travail du sexe hésitent à porter plainte ou à "
                    "consulter, de peur d'un contrôle ou d'une obligation de quitter le territoire.",
                    "Nous demandons un « pare-feu » entre l'accès aux soins, aux droits et à la justice d'une part, "
                    "et le contrôle migratoire d'autre part.",
                    "Les victimes de violences doivent pouvoir obtenir un titre de séjour protecteur, sans condition "
                    "de coopération avec la police.",
                ],
            ),
        ],
        signatories=("amaranthe", "droits-devant", "collectif-etoile"),
    ),
    DemoMessage(
        organisation="lotus-outreach",
        author="lotus-peer",
        statement="La réduction des risques se construit avec les personnes concernées, pas à leur place.",
        argument=[
            "Les programmes de pairs atteignent des personnes que les services classiques ne voient jamais : la "
            "nuit, en ligne, dans leur langue.",
            "Le matériel de réduction des risques (préservatifs, lubrifiant, matériel de consommation) doit être "
            "gratuit, disponible sans condition et distribué sans jugement.",
        ],
        themes=("harm-reduction", "peer-work", "sexual-reproductive-health"),
        status=MessageStatus.ADOPTED,
        signatories=("lotus-outreach", "pairs-en-route", "centre-sante-belleville"),
    ),
    DemoMessage(
        organisation="centre-sante-belleville",
        author="belleville-staff",
        statement="Dépistage, PrEP et traitement du VIH doivent être accessibles à toutes et tous, avec ou sans "
        "couverture maladie.",
        argument=[
            "Les délais d'ouverture des droits à l'assurance maladie retardent la PrEP et le traitement, alors que "
            "le dépistage précoce et le traitement empêchent la transmission.",
            "Nous demandons l'accès immédiat à la PrEP et aux traitements dans les centres de santé sexuelle, "
            "l'interprétariat professionnel gratuit et des horaires adaptés au travail de nuit.",
        ],
        themes=("hiv-stis", "sexual-reproductive-health", "migration-rights"),
        status=MessageStatus.ADOPTED,
        signatories=("centre-sante-belleville", "lotus-outreach", "amaranthe"),
    ),
    DemoMessage(
        organisation="droits-devant",
        author="droits-staff",
        statement="Les amendes et les arrêtés anti-racolage exposent aux violences : ils doivent être abrogés.",
        argument=[
            "Les arrêtés municipaux et les verbalisations répétées poussent vers des zones isolées et rompent le "
            "lien avec les équipes de prévention.",
            "Les permanences juridiques constatent des amendes cumulées qui enferment dans la dette.",
        ],
        themes=("decriminalisation", "violence", "legal"),
        status=MessageStatus.PROPOSED,
        edits=[
            DemoEdit(
                by="droits-coord",
                statement="Les amendes et les arrêtés anti-racolage exposent aux violences et à la dette : ils "
                "doivent être abrogés.",
            ),
        ],
        edit_after_proposal=True,
        signatories=("droits-devant", "collectif-etoile"),
    ),
    DemoMessage(
        organisation="pairs-en-route",
        author="pairs-peer",
        statement="La santé sexuelle et reproductive des travailleuses du sexe inclut la contraception, l'IVG et "
        "le suivi de grossesse, sans jugement.",
        argument=[
            "Les services de santé réduisent trop souvent la santé des travailleuses du sexe au dépistage des IST.",
            "Nous demandons des consultations de gynécologie accessibles, avec des pairs-accompagnatrices, et une "
            "formation des soignants à l'accueil sans jugement.",
        ],
        themes=("sexual-reproductive-health", "peer-work"),
        status=MessageStatus.PROPOSED,
        signatories=("pairs-en-route",),
    ),
    DemoMessage(
        organisation="lotus-outreach",
        author="lotus-staff",
        statement="Les plateformes en ligne doivent cesser de fermer les comptes sans préavis : c'est un outil de "
        "sécurité.",
        argument=[
            "Annoncer en ligne permet de filtrer les clients, de partager les signalements et de travailler moins "
            "isolé·e. Les fermetures de comptes sans recours font perdre ces protections du jour au lendemain.",
        ],
        themes=("digital-safety", "violence"),
        status=MessageStatus.DRAFT,
        edits=[
            DemoEdit(
                by="lotus-peer",
                argument=[
                    "Annoncer en ligne permet de filtrer les clients, de partager les signalements et de travailler "
                    "moins isolé·e.",
                    "Les fermetures de comptes sans préavis ni recours font perdre ces protections du jour au "
                    "lendemain : nous demandons une procédure contradictoire.",
                ],
            ),
        ],
    ),
    DemoMessage(
        organisation="collectif-etoile",
        author="etoile-coord",
        statement="Le dépistage obligatoire des travailleuses du sexe est une mesure discriminatoire.",
        argument=[
            "Toute proposition de dépistage obligatoire stigmatise et éloigne du soin. Le dépistage doit rester "
            "volontaire, confidentiel et gratuit.",
        ],
        themes=("hiv-stis", "decriminalisation"),
        status=MessageStatus.RETIRED,
        signatories=("collectif-etoile",),
    ),
]


def seed_demo_key_messages() -> int:
    """Create the demo key messages that are missing; returns how many were created."""
    users = {user.username: user for user in User.objects.filter(is_active=True)}
    organisations = {org.slug: org for org in Organisation.objects.filter(is_active=True)}
    themes = {theme.slug: theme for theme in Theme.objects.all()}
    created = 0
    for demo in DEMO_MESSAGES:
        if KeyMessage.objects.filter(statement=demo.final_statement).exists():
            continue
        if demo.organisation not in organisations or demo.author not in users:
            continue  # the demo network is not loaded (seed_demo loads it first)
        with transaction.atomic():
            _seed_one(demo, users, organisations, themes)
        created += 1
    return created


def _seed_one(
    demo: DemoMessage, users: dict[str, User], organisations: dict[str, Organisation], themes: dict[str, Theme]
) -> KeyMessage:
    organisation = organisations[demo.organisation]
    coordinator = _coordinator_of(organisation, users)
    message = services.key_message_create(
        organisation=organisation,
        statement=demo.statement,
        argument=_html(demo.argument),
        themes=[themes[slug] for slug in demo.themes if slug in themes],
        acting_user=users[demo.author],
    )
    if not demo.edit_after_proposal:
        message = _apply_edits(message, demo.edits, users, themes)
    if demo.status == MessageStatus.DRAFT:
        return message
    message = services.key_message_propose(message=message, acting_user=coordinator)
    if demo.edit_after_proposal:
        message = _apply_edits(message, demo.edits, users, themes)
    admin = users.get(ADMIN)
    if demo.status in (MessageStatus.ADOPTED, MessageStatus.RETIRED) and admin is not None:
        message = services.key_message_adopt(message=message, acting_user=admin)
    for slug in demo.signatories:
        if slug in organisations:
            signer = _coordinator_of(organisations[slug], users)
            services.endorsement_sign(message=message, organisation=organisations[slug], acting_user=signer)
    if demo.status == MessageStatus.RETIRED and admin is not None:
        message = services.key_message_retire(message=message, acting_user=admin)
    return message


def _apply_edits(
    message: KeyMessage, edits: list[DemoEdit], users: dict[str, User], themes: dict[str, Theme]
) -> KeyMessage:
    for edit in edits:
        changes: dict = {}
        if edit.statement:
            changes["statement"] = edit.statement
        if edit.argument is not None:
            changes["argument"] = _html(edit.argument)
        if edit.themes is not None:
            changes["themes"] = [themes[slug] for slug in edit.themes if slug in themes]
        message = services.key_message_update(message=message, acting_user=users[edit.by], **changes)
    return message


def _coordinator_of(organisation: Organisation, users: dict[str, User]) -> User:
    membership = organisation.memberships.filter(role="coordinator", user__is_active=True).select_related("user")
    first = membership.order_by("user__username").first()
    if first is None:
        raise LookupError(f"The demo organisation {organisation.slug} has no coordinator.")
    return users.get(first.user.username, first.user)


def _html(paragraphs: list[str]) -> str:
    return "".join(f"<p>{escape(paragraph)}</p>" for paragraph in paragraphs)
