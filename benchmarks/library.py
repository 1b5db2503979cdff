# ruff: noqa: T201, S101  (a script: it prints its table and checks each answer is a 200)
"""Benchmark: the resource library with 10,000 resources (and their translations) across 100 organisations.

Not a test: run it by hand (see benchmarks/README.md). It fills a dedicated PostgreSQL database (created if
missing; pages written in bulk, search index filled), then measures, in the same process and through the same
middleware, p50/p95 wall time, CPU time and query counts of:
  - a bare Django view (one query, a tiny response): the yardstick of this machine;
  - the library page, a search with filters, one resource page (anonymous and signed-in member);
  - the API list /api/v1/resources/ (plain and searched) and one resource in the API.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import itertools
import os
import pstats
import random
import sys
import time
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPOSITORY))

from benchmarks.common import ensure_database, setup_client_environment, timed  # noqa: E402

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/passerelle_bench_library"
TRANSLATED_SHARE = {"en": 0.20, "es": 0.10, "ar": 0.05}  # share of the resources translated into each locale
SEARCH_WORD = "naloxone"
SEARCH_FILTERS = f"q={SEARCH_WORD}&kind=guide&theme=harm-reduction"

SEARCH_SHARE = 0.04  # share of the resources whose summary names SEARCH_WORD
DOMAIN_WORDS = (
    "réduction risques santé sexuelle droits migration violence dépistage accompagnement préservatifs juridique "
    "hébergement pairs maraude formation prévention plaidoyer partenariat sécurité numérique VIH IST traitement "
    "consentement titre séjour police plainte avocat médiation interprète soins urgence écoute permanence travail "
    "décriminalisation stigmatisation autosupport outils guide fiche atelier terrain nuit quartier logement emploi "
    "femmes trans migrantes jeunes santé mentale addictions seringues matériel kit rapport évaluation capitalisation"
).split()
SYLLABLES = "ba be bi bo da de di do fa fe fi la le li lo ma me mi mo na ne ni no pa pe pi po ra re ri ro sa se si "
SYLLABLES += "so ta te ti to va ve vi vo cha che chi on an in eur ou"


class Vocabulary:
    """About 3,000 words drawn with Zipf's law (as in real text), the domain words among them: most words are rare,
    so a search is as selective as on real resources."""

    def __init__(self, rng: random.Random) -> None:
        syllables = SYLLABLES.split()
        words: set[str] = set()
        while len(words) < 3_000:
            words.add("".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))))
        vocabulary = sorted(words)
        rng.shuffle(vocabulary)
        for word in DOMAIN_WORDS:
            vocabulary.insert(rng.randrange(len(vocabulary)), word)
        self.words = vocabulary
        self.cum_weights = list(itertools.accumulate(1 / rank for rank in range(1, len(vocabulary) + 1)))

    def text(self, rng: random.Random, count: int) -> str:
        return " ".join(rng.choices(self.words, cum_weights=self.cum_weights, k=count))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL))
    parser.add_argument("--resources", type=int, default=10_000, help="source resources (French), before translations")
    parser.add_argument("--organisations", type=int, default=100)
    parser.add_argument("--requests", type=int, default=100, help="measured requests per target")
    parser.add_argument("--skip-load", action="store_true", help="measure the database as it is (no migrate, no fill)")
    parser.add_argument("--profile", metavar="TEXT", help="cProfile the targets whose label contains TEXT")
    args = parser.parse_args()

    ensure_database(args.database_url)
    os.environ["DATABASE_URL"] = args.database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "network.settings.test"  # fast hasher, fixed key, DEBUG off
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    setup_client_environment()  # the test client's host, without the test runner's template instrumentation
    settings.ROOT_URLCONF = __name__
    if not args.skip_load:
        call_command("migrate", verbosity=0, interactive=False)
        fill(args.resources, args.organisations)
    measure(args.requests, args.profile)


# ---------------------------------------------------------------------------------------------------------------
# Data


def fill(total: int, organisation_count: int) -> None:
    """Organisations through the real service (space page, collection, groups); resources written in bulk."""
    from network.resources.models import ResourcePage

    existing = ResourcePage.objects.filter(locale__language_code="fr", slug__startswith="bench-").count()
    if existing >= total:
        print(f"Database already holds {existing} source resources: reusing it.")
        return
    if existing:
        raise SystemExit(f"{existing} of {total} resources from an interrupted fill: drop the database and rerun.")

    import logging

    logging.getLogger("wagtail").setLevel(logging.WARNING)  # one line per page created is too many
    started = time.perf_counter()
    print(f"Filling: {organisation_count} organisations, {total} resources and their translations …", flush=True)
    admin, organisations = _organisations(organisation_count)
    _members(admin, organisations[0])
    library = _library_index()
    rng = random.Random(42)  # noqa: S311 (benchmark data, not security)
    vocabulary = Vocabulary(rng)
    sources = _bulk_resources(organisations, total, rng, vocabulary)
    for language, share in TRANSLATED_SHARE.items():
        chosen = [row for row in sources if row["first"] or rng.random() < share]
        _bulk_resources(organisations, len(chosen), rng, vocabulary, language=language, sources=chosen)
        print(f"  {len(chosen)} translations into {language}", flush=True)
    _index_for_search()
    from django.db import connection

    with connection.cursor() as cursor:
        # What autovacuum does soon after a bulk load: statistics, and the visibility map index-only scans need.
        cursor.execute("VACUUM ANALYZE")
    print(f"Filled in {time.perf_counter() - started:.0f} s (library at {library.url_path}).", flush=True)


def _organisations(count: int):
    from network.accounts.models import User
    from network.orgs import services as org_services
    from network.orgs.models import Organisation, OrganisationKind

    admin = User.objects.filter(username="bench-admin").first()
    if admin is None:
        admin = User.objects.create_user("bench-admin", "bench-admin@example.org", "bench")
        org_services.network_admin_grant(user=admin)
    countries = ["FR", "BE", "CH", "ES", "DE", "IT", "PT", "GB", "RO", "BG"]
    for n in range(count):
        slug = f"bench-org-{n:03d}"
        if not Organisation.objects.filter(slug=slug).exists():
            org_services.organisation_create(
                acting_user=admin,
                name=f"Bench organisation {n:03d}",
                slug=slug,
                kind=OrganisationKind.NGO_PROGRAMME,
                country=countries[n % len(countries)],
                city="Paris",
            )
        if n and n % 25 == 0:
            print(f"  {n} organisations", flush=True)
    return admin, list(Organisation.objects.filter(slug__startswith="bench-org-").order_by("slug"))


def _members(admin, organisation) -> None:
    from network.accounts.models import User
    from network.orgs import services as org_services
    from network.orgs.models import Role

    if User.objects.filter(username="bench-staff").exists():
        return
    coordinator = User.objects.create_user("bench-coord", "bench-coord@example.org", "bench")
    org_services.membership_add(organisation=organisation, user=coordinator, role=Role.COORDINATOR, acting_user=admin)
    staff = User.objects.create_user("bench-staff", "bench-staff@example.org", "bench")
    org_services.membership_add(organisation=organisation, user=staff, role=Role.STAFF, acting_user=coordinator)


def _library_index():
    from wagtail.models import Site

    from network.resources.models import LibraryIndexPage

    home = Site.objects.get(is_default_site=True).root_page.specific
    library = LibraryIndexPage.objects.child_of(home).first()
    if library is None:
        library = LibraryIndexPage(title="Bibliothèque", slug="library")
        home.add_child(instance=library)
        library.save_revision().publish()
    return library


def _space_in(organisation, language: str):
    """The organisation's space in a locale (an alias of the French one, as the tree sync makes)."""
    from wagtail.models import Locale

    locale, _created = Locale.objects.get_or_create(language_code=language)
    space = organisation.space_page.specific
    if space.locale_id == locale.pk:
        return space
    return space.get_translation_or_none(locale) or space.copy_for_translation(locale, copy_parents=True, alias=True)


def _bulk_resources(
    organisations, count: int, rng: random.Random, vocabulary: Vocabulary, *, language: str = "fr", sources=None
) -> list:
    """Write `count` live resource pages in bulk: tree paths computed here, then the page rows, the resource rows
    (every concrete field of the model, prepared by Django), themes, co-authors and attachments.

    Returns one dict per page (what translations need: organisation, translation key, whether it is the first
    resource of its organisation, the one measured)."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection, transaction
    from django.db.models import F
    from wagtail.documents.models import Document
    from wagtail.models import Page
    from wagtail.rich_text import RichText

    from network.resources.models import Audience, Licence, ResourceAttachment, ResourceKind, ResourcePage
    from network.themes.models import Theme

    content_type = ContentType.objects.get_for_model(ResourcePage)
    themes = list(Theme.objects.values_list("pk", flat=True))
    harm_reduction = Theme.objects.get(slug="harm-reduction").pk
    by_org: dict = {}
    if sources is None:
        per_org = -(-count // len(organisations))
        rows = []
        for n in range(count):
            organisation = organisations[n // per_org]
            first = n % per_org == 0
            named = first or rng.random() < SEARCH_SHARE  # the measured resource is found by the search
            rows.append({"organisation": organisation, "key": uuid.uuid4(), "first": first, "n": n, "named": named})
    else:
        rows = sources
    for row in rows:
        by_org.setdefault(row["organisation"].pk, []).append(row)

    now = datetime.now(tz=UTC)
    suffix = "" if language == "fr" else f" ({language})"
    fields = list(ResourcePage._meta.local_concrete_fields)
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    insert = f"INSERT INTO {ResourcePage._meta.db_table} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"  # noqa: S608
    kinds, audiences, licences = ResourceKind.values, Audience.values, Licence.values
    written = 0
    for org_rows in by_org.values():
        organisation = org_rows[0]["organisation"]
        parent = _space_in(organisation, language)
        parent.refresh_from_db()
        pages, resources = [], []
        for offset, row in enumerate(org_rows):
            step = parent.numchild + offset + 1
            slug = f"bench-{row['n']:05d}"
            title = f"{ResourceKind(kinds[row['n'] % len(kinds)]).label} : {vocabulary.text(rng, 3)} {row['n']}{suffix}"
            published = now - timedelta(days=rng.randrange(1, 1500))
            pages.append(
                Page(
                    title=title,
                    draft_title=title,
                    slug=slug,
                    path=Page._get_path(parent.path, parent.depth + 1, step),  # noqa: SLF001
                    depth=parent.depth + 1,
                    numchild=0,
                    url_path=f"{parent.url_path}{slug}/",
                    content_type=content_type,
                    live=True,
                    has_unpublished_changes=False,
                    first_published_at=published,
                    last_published_at=published,
                    locale_id=parent.locale_id,
                    translation_key=row["key"],
                )
            )
            visibility = "public" if row["first"] else rng.choices(["public", "network", "organisation"], [6, 3, 1])[0]
            resources.append(
                ResourcePage(
                    organisation_id=organisation.pk,
                    kind=kinds[row["n"] % len(kinds)],
                    audience=rng.choice(audiences),
                    country=rng.choice(["FR", "BE", "CH", ""]),
                    programme_context=vocabulary.text(rng, 12),
                    licence=rng.choice(licences),
                    published_on=published.date(),
                    last_reviewed_on=date.today(),  # noqa: DTZ011
                    summary=vocabulary.text(rng, 25) + (f" {SEARCH_WORD}" if row["named"] else ""),
                    body=[
                        ("heading", vocabulary.text(rng, 4)),
                        ("paragraph", RichText(f"<p>{vocabulary.text(rng, 60)}</p>")),
                        ("key_takeaways", [vocabulary.text(rng, 6), vocabulary.text(rng, 6)]),
                        ("paragraph", RichText(f"<p>{vocabulary.text(rng, 60)}</p>")),
                    ],
                    visibility=visibility,
                )
            )
        with transaction.atomic():
            Page.objects.bulk_create(pages)
            for page, resource in zip(pages, resources, strict=True):
                resource.page_ptr_id = page.pk
            with connection.cursor() as cursor:
                cursor.executemany(
                    insert,
                    [
                        [field.get_db_prep_save(getattr(resource, field.attname), connection) for field in fields]
                        for resource in resources
                    ],
                )
            Page.objects.filter(pk=parent.pk).update(numchild=F("numchild") + len(pages))
            tagged = []
            for row, page in zip(org_rows, pages, strict=True):
                chosen = {harm_reduction} if row["first"] else set(rng.sample(themes, rng.randint(1, 3)))
                tagged += [ResourcePage.themes.through(resourcepage_id=page.pk, theme_id=t) for t in chosen]
            ResourcePage.themes.through.objects.bulk_create(tagged)
            co_authors = [
                ResourcePage.authoring_organisations.through(
                    resourcepage_id=page.pk, organisation_id=rng.choice(organisations).pk
                )
                for page in pages
                if rng.random() < 0.1
            ]
            ResourcePage.authoring_organisations.through.objects.bulk_create(co_authors, ignore_conflicts=True)
            attached = [
                (row, page) for row, page in zip(org_rows, pages, strict=True) if row["first"] or rng.random() < 0.2
            ]
            documents = Document.objects.bulk_create(
                [
                    Document(
                        title=f"Document {page.title}",
                        file="documents/bench-guide.pdf",
                        file_size=123_456,
                        collection_id=organisation.collection_id,
                    )
                    for _row, page in attached
                ]
            )
            ResourceAttachment.objects.bulk_create(
                [
                    ResourceAttachment(page_id=page.pk, document=document, sort_order=0)
                    for (_row, page), document in zip(attached, documents, strict=True)
                ]
            )
        written += len(pages)
        if language == "fr" and written % 2_000 < len(pages):
            print(f"  {written} resources", flush=True)
    return rows


def _index_for_search() -> None:
    """Fill Wagtail's search index for every resource page (what `update_index` does, for this model only)."""
    from wagtail.search.backends import get_search_backend

    from network.resources.models import ResourcePage

    started = time.perf_counter()
    index = get_search_backend().get_index_for_model(ResourcePage)
    queryset = ResourcePage.get_indexed_objects().order_by("pk")
    last, done = 0, 0
    while True:
        chunk = list(queryset.filter(pk__gt=last)[:500])
        if not chunk:
            break
        index.add_items(ResourcePage, chunk)
        last, done = chunk[-1].pk, done + len(chunk)
    print(f"  search index: {done} pages in {time.perf_counter() - started:.0f} s", flush=True)


# ---------------------------------------------------------------------------------------------------------------
# The yardstick, and the URLs measured


def bare_view(request):
    """A bare Django view: one query, a tiny response."""
    from django.http import HttpResponse

    from network.orgs.models import Organisation

    return HttpResponse(Organisation.objects.order_by("slug").values_list("name", flat=True).first())


def _urlpatterns():
    from django.urls import path

    from network import urls

    return [path("bench/bare/", bare_view), *urls.urlpatterns]  # i18n_patterns cannot be include()d


def __getattr__(name: str):
    # ROOT_URLCONF points here: Django reads `urlpatterns` lazily, after setup.
    if name == "urlpatterns":
        return _urlpatterns()
    raise AttributeError(name)


# ---------------------------------------------------------------------------------------------------------------
# Measurement


def measure(count: int, profile: str | None) -> None:
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.test import Client

    from network.accounts.models import User
    from network.resources.models import ResourcePage

    staff = User.objects.get(username="bench-staff")
    if not Authenticator.objects.filter(user=staff, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(staff, generate_totp_secret())  # staff must use two-factor authentication, as in production
    anonymous, member = Client(), Client()
    member.force_login(staff, backend="allauth.account.auth_backends.AuthenticationBackend")

    measured = (
        ResourcePage.objects.live()
        .filter(locale__language_code="fr", organisation__slug="bench-org-000", visibility="public")
        .order_by("slug")
        .first()
    )
    resource_url = measured.get_url()

    def get(client: Client, url: str) -> Callable[[], object]:
        def call() -> object:
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            return response

        return call

    api = "/api/v1/resources/"
    targets = [
        ("bare Django view (1 query)", get(anonymous, "/bench/bare/")),
        ("bare Django view (1 query) · member", get(member, "/bench/bare/")),
        ("library page /fr/library/ · anonymous", get(anonymous, "/fr/library/")),
        ("library page /fr/library/ · member", get(member, "/fr/library/")),
        ("library search + 2 filters · anonymous", get(anonymous, f"/fr/library/?{SEARCH_FILTERS}")),
        ("library search + 2 filters · member", get(member, f"/fr/library/?{SEARCH_FILTERS}")),
        ("resource page · anonymous", get(anonymous, resource_url)),
        ("resource page · member", get(member, resource_url)),
        ("API list ?language=fr · anonymous", get(anonymous, f"{api}?language=fr")),
        ("API list ?language=fr · member", get(member, f"{api}?language=fr")),
        ("API search + 2 filters · member", get(member, f"{api}?{SEARCH_FILTERS}")),
        ("API detail · member", get(member, f"{api}{measured.pk}/")),
    ]
    sources = ResourcePage.objects.filter(locale__language_code="fr").count()
    translations = ResourcePage.objects.exclude(locale__language_code="fr").filter(alias_of__isnull=True).count()
    print(
        f"\n{sources} resources in French and {translations} translations "
        f"({', '.join(TRANSLATED_SHARE)}); resource page {resource_url}. "
        f"{count} measured requests each (after 5 warm-up).\n"
    )
    print("| target | p50 ms | p95 ms | CPU ms | queries |")
    print("|---|---:|---:|---:|---:|")
    profiles = []
    for label, call in targets:
        try:
            result = timed(call, count)
        except AssertionError as refused:
            print(f"| {label} | – | – | – | answered {refused.args[0][1]} |", flush=True)
            continue
        queries = (
            f"{result['queries']}"
            if result["queries"] == result["queries_min"]
            else f"{result['queries_min']}-{result['queries']}"
        )
        print(f"| {label} | {result['p50']:.1f} | {result['p95']:.1f} | {result['cpu']:.1f} | {queries} |", flush=True)
        if profile and profile in label:
            profiles.append((label, _profiled(call, count)))
    for label, text in profiles:
        print(f"\n## cProfile: {label} ({count} requests), by cumulative time\n\n```\n{text}```")


def _profiled(call: Callable[[], object], count: int) -> str:
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(count):
        call()
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs()
    stats.sort_stats("cumulative").print_stats(30)
    stats.sort_stats("tottime").print_stats(25)
    return out.getvalue()


if __name__ == "__main__":
    sys.modules.setdefault("benchmarks.library", sys.modules[__name__])
    main()
