"""Load the demo network: organisations, users in every role, partnerships. Running it again changes nothing."""

import os

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from network.accounts.models import User
from network.demo.advocacy_messages import seed_demo_key_messages
from network.demo.advocacy_pages import seed_demo_advocacy
from network.demo.directory import seed_demo_services
from network.demo.observatory import seed_demo_observatory
from network.demo.referrals import seed_demo_referrals
from network.demo.resources import seed_demo_resources
from network.orgs import services
from network.orgs.models import Membership, Organisation, OrganisationKind, Partnership, PartnershipStatus, Role

DEFAULT_DEMO_PASSWORD = "passerelle-demo"

ORGANISATIONS = [
    {
        "slug": "lotus-outreach",
        "name": "Lotus Outreach",
        "kind": OrganisationKind.NGO_PROGRAMME,
        "city": "Paris",
        "region": "Île-de-France",
        "country": "FR",
        "languages": ["fr", "en", "zh", "ro"],
        "description": "Street and online outreach at night, a drop-in centre, and peer-led health promotion.",
        "public_email": "contact@lotus-outreach.example",
        "website": "https://lotus-outreach.example",
        "address": "Drop-in centre (address given on request)",
        "address_is_confidential": True,
    },
    {
        "slug": "collectif-etoile",
        "name": "Collectif Étoile",
        "kind": OrganisationKind.COMMUNITY_ASSOCIATION,
        "city": "Marseille",
        "region": "Provence-Alpes-Côte d'Azur",
        "country": "FR",
        "languages": ["fr", "es", "pt"],
        "description": "A community association of sex workers: self-support, rights and advocacy.",
        "public_email": "bonjour@collectif-etoile.example",
    },
    {
        "slug": "amaranthe",
        "name": "Amaranthe",
        "kind": OrganisationKind.COMMUNITY_ASSOCIATION,
        "city": "Lyon",
        "region": "Auvergne-Rhône-Alpes",
        "country": "FR",
        "languages": ["fr", "en", "ru", "uk"],
        "description": "Community association supporting migrant sex workers with interpreting and accompaniment.",
    },
    {
        "slug": "pairs-en-route",
        "name": "Pairs en Route",
        "kind": OrganisationKind.PEER_GROUP,
        "city": "Toulouse",
        "region": "Occitanie",
        "country": "FR",
        "languages": ["fr", "es"],
        "description": "A peer group of sex workers sharing safety tips, harm-reduction kits and know-how.",
    },
    {
        "slug": "centre-sante-belleville",
        "name": "Centre de santé Belleville",
        "kind": OrganisationKind.HEALTH_UNIT,
        "city": "Paris",
        "region": "Île-de-France",
        "country": "FR",
        "languages": ["fr", "en", "zh"],
        "description": "Free and anonymous sexual-health testing, PrEP, vaccination and general medicine.",
        "public_phone": "+33 1 00 00 00 00",
        "address": "12 rue de l'Exemple, 75020 Paris",
        "address_is_confidential": False,
    },
    {
        "slug": "droits-devant",
        "name": "Clinique juridique Droits Devant",
        "kind": OrganisationKind.LEGAL_SERVICE,
        "city": "Paris",
        "region": "Île-de-France",
        "country": "FR",
        "languages": ["fr", "en", "ar"],
        "description": "Free legal advice: residence permits, asylum, labour and criminal law, violence.",
        "address": "3 place de l'Exemple, 75011 Paris",
        "address_is_confidential": False,
    },
]

# username, organisation slug, role, public name (a pseudonym for peers)
MEMBERS = [
    ("lotus-coord", "lotus-outreach", Role.COORDINATOR, "Camille (Lotus)"),
    ("lotus-staff", "lotus-outreach", Role.STAFF, "Inès, outreach worker"),
    ("lotus-peer", "lotus-outreach", Role.PEER, "Jade"),
    ("lotus-volunteer", "lotus-outreach", Role.VOLUNTEER, "Sam"),
    ("etoile-coord", "collectif-etoile", Role.COORDINATOR, "Nina (Étoile)"),
    ("etoile-peer", "collectif-etoile", Role.PEER, "Luna"),
    ("amaranthe-coord", "amaranthe", Role.COORDINATOR, "Olena (Amaranthe)"),
    ("amaranthe-staff", "amaranthe", Role.STAFF, "Marc, social worker"),
    ("pairs-coord", "pairs-en-route", Role.COORDINATOR, "Rosa"),
    ("pairs-peer", "pairs-en-route", Role.PEER, "Kim"),
    ("belleville-coord", "centre-sante-belleville", Role.COORDINATOR, "Dr Martin"),
    ("belleville-staff", "centre-sante-belleville", Role.STAFF, "Nurse Aïcha"),
    ("droits-coord", "droits-devant", Role.COORDINATOR, "Maître Diallo"),
    ("droits-staff", "droits-devant", Role.STAFF, "Léa, lawyer"),
    # One person, two organisations, two roles.
    ("lotus-staff", "amaranthe", Role.VOLUNTEER, "Inès, outreach worker"),
]

# proposer, partner, accepted?
PARTNERSHIPS = [
    ("lotus-outreach", "centre-sante-belleville", True),
    ("lotus-outreach", "droits-devant", True),
    ("collectif-etoile", "centre-sante-belleville", True),
    ("amaranthe", "droits-devant", True),
    ("pairs-en-route", "lotus-outreach", True),
    ("amaranthe", "centre-sante-belleville", False),
]
CHARTER = (
    "We work with sex workers, never against them: non-judgement, confidentiality, consent before any referral, "
    "respect for self-determination, and no sharing of personal data beyond what the person agreed to."
)


class Command(BaseCommand):
    help = "Load the demo network (idempotent). The password comes from DEMO_PASSWORD."

    def add_arguments(self, parser):
        parser.add_argument("--quiet-logins", action="store_true", help="Do not print the demo logins.")
        parser.add_argument(
            "--without-observatory",
            action="store_true",
            help="Skip the observatory's two years of past referrals and its first build (tests of other parts).",
        )

    def handle(self, *args, **options):
        if settings.SETTINGS_MODULE.endswith("production") and not settings.DEBUG:
            raise CommandError("seed_demo loads well-known demo accounts: it never runs with production settings.")
        password = os.environ.get("DEMO_PASSWORD", DEFAULT_DEMO_PASSWORD)
        # Every demo account shares the one well-known password: hash it once (a slow hash by design, ~0.5 s each).
        self._password_hash = make_password(password)
        with transaction.atomic():
            admin = self._user("network-admin", "Network admin")
            services.network_admin_grant(user=admin)
            organisations = {spec["slug"]: self._organisation(spec, admin) for spec in ORGANISATIONS}
            for username, slug, role, public_name in MEMBERS:
                user = self._user(username, public_name)
                organisation = organisations[slug]
                if not Membership.objects.filter(user=user, organisation=organisation).exists():
                    # Network admins appoint coordinators; coordinators add the rest of their team.
                    acting = admin if role == Role.COORDINATOR else self._coordinator(organisation)
                    services.membership_add(organisation=organisation, user=user, role=role, acting_user=acting)
            for proposer_slug, partner_slug, accepted in PARTNERSHIPS:
                self._partnership(organisations[proposer_slug], organisations[partner_slug], accepted)
            services_added = seed_demo_services()
            referrals_added = seed_demo_referrals()
            resources_added = seed_demo_resources()
            key_messages_added = seed_demo_key_messages()
            advocacy_added = seed_demo_advocacy()
            history_added = 0
            if not options["without_observatory"]:
                history_added = seed_demo_observatory()  # builds the observatory after the transaction
        if not options["quiet_logins"]:
            self.stdout.write(
                f"Demo services added: {services_added}; demo referrals added: {referrals_added}; "
                f"demo resources added: {resources_added}; demo key messages added: {key_messages_added}; "
                f"demo advocacy pages and opportunities added: {advocacy_added}; "
                f"past referrals for the observatory added: {history_added}."
            )
            self._print_logins(password)

    def _user(self, username: str, public_name: str) -> User:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, email=f"{username}@demo.passerelle.invalid", public_name=public_name)
            user.password = self._password_hash
            user.save()
        # Demo logins sign in at once: their (fictional) address counts as verified, as a real one would once
        # its owner clicked the verification link.
        EmailAddress.objects.update_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})
        return user

    def _organisation(self, spec: dict, admin: User) -> Organisation:
        existing = Organisation.objects.filter(slug=spec["slug"]).first()
        if existing is not None:
            return existing
        return services.organisation_create(acting_user=admin, **spec)

    def _partnership(self, proposer: Organisation, partner: Organisation, accepted: bool) -> None:
        exists = Partnership.objects.filter(
            proposer__in=[proposer, partner],
            partner__in=[proposer, partner],
            status__in=[PartnershipStatus.PROPOSED, PartnershipStatus.ACTIVE],
        ).exists()
        if exists:
            return
        partnership = services.partnership_propose(
            proposer=proposer, partner=partner, charter=CHARTER, acting_user=self._coordinator(proposer)
        )
        if accepted:
            services.partnership_accept(partnership=partnership, acting_user=self._coordinator(partner))

    @staticmethod
    def _coordinator(organisation: Organisation) -> User:
        return User.objects.filter(memberships__organisation=organisation, memberships__role=Role.COORDINATOR).first()

    def _print_logins(self, password: str) -> None:
        self.stdout.write(self.style.SUCCESS("Demo network ready. Sign in at http://127.0.0.1:8000/fr/accounts/login/"))
        self.stdout.write(f"Password for every demo account: {password}  (set DEMO_PASSWORD to change it)")
        self.stdout.write(f"  {'network-admin':<18} network administrator (Wagtail admin at /admin/)")
        for username, slug, role, _public_name in MEMBERS:
            self.stdout.write(f"  {username:<18} {role:<12} {slug}")
