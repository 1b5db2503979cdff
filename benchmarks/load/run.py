"""Load test: locust, headless and bounded in time, against gunicorn on 127.0.0.1 with PostgreSQL and Redis.

    .venv/bin/python benchmarks/load/run.py [--seconds 60] [--users 20] [--out benchmarks/load/results]

Steps: create (again) and migrate a dedicated database (passerelle_load), load the demo network (seed_demo), collect
static files, start gunicorn with the production command of docker-compose.yml (2 sync workers) and production
settings on plain HTTP, then run these phases against the same server in the same run:
  1. the bare Django view alone (the yardstick of this machine),
  2. each page kind alone, saturated: anonymous visitors (home, library, library search, resource page,
     organisation directory, advocacy calendar; served by the page cache) and signed-in members (library,
     referral inbox, referral page), each with its ratio to the bare view (--kind-seconds each),
  3. the mix: anonymous library browsing and search, staff inbox and referral pages, API reads and writes.
It writes results.json, results.md and results.png (requests per second and p50/p95/p99 per request kind) to --out.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPOSITORY))

from benchmarks.common import ensure_database  # noqa: E402
from tests.processes.stack import compose_command  # noqa: E402  (the compose file's gunicorn command)

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/passerelle_load"
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def environment(args: argparse.Namespace, static_root: str) -> dict[str, str]:
    from cryptography.fernet import Fernet

    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "benchmarks.load.settings",
        "DATABASE_URL": args.database_url,
        "REDIS_URL": args.redis_url,
        "SECRET_KEY": os.environ.get("LOAD_SECRET_KEY") or secrets.token_urlsafe(60),
        "FIELD_ENCRYPTION_KEYS": os.environ.get("LOAD_FIELD_ENCRYPTION_KEYS") or Fernet.generate_key().decode(),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "STATIC_ROOT": static_root,
        "DEMO_PASSWORD": "passerelle-demo",
        "PYTHONPATH": str(REPOSITORY),
        # The API's rate limits stop one client (600/minute per user): locust's API users share a few demo tokens
        # and send without pause, so on a quick machine they met them (429s in the mix). The limits are not what
        # this run measures (tests/security/test_headers.py covers them): raised here, for this server only.
        "API_USER_RATE": "1000000/minute",
        "API_ANON_RATE": "1000000/minute",
    }


def manage(env: dict[str, str], *arguments: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *arguments], cwd=REPOSITORY, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise SystemExit(f"manage.py {' '.join(arguments)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


PLAN_SCRIPT = r"""
import json
from allauth.mfa.models import Authenticator
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from rest_framework.authtoken.models import Token
from network.orgs import policy
from network.referrals.rules import ReferralAction
from network.referrals import rules as referral_rules
from network.accounts.models import User

plan = {"staff": [], "resources": []}
receivers = [u for u in User.objects.filter(is_active=True) if policy.can(u, ReferralAction.USE_REFERRAL_WORKSPACE)]
for user in receivers:
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
        TOTP.activate(user, generate_totp_secret())
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "allauth.account.auth_backends.AuthenticationBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    token, _ = Token.objects.get_or_create(user=user)
    visible = list(referral_rules.visible_referrals(user)[:50])
    referrals = [str(referral.pk) for referral in visible]
    # Messages only where the conversation is open (consent holds, not erased): elsewhere posting is refused.
    writable = [
        str(r.pk)
        for r in visible
        if r.personal_data_erased_at is None and policy.can(user, ReferralAction.POST_REFERRAL_MESSAGE, r)
    ]
    plan["staff"].append(
        {"session": session.session_key, "token": token.key, "referrals": referrals, "writable": writable}
    )
try:
    from network.resources.models import ResourcePage
    public = ResourcePage.objects.live().filter(visibility="public", locale__language_code="fr")
    plan["resources"] = [page.url for page in public[:50]]
except Exception:
    pass
print("PLAN=" + json.dumps(plan))
"""


def prepare(env: dict[str, str], *, collect_static: bool = True, seed: bool = True) -> dict:
    manage(env, "migrate", "--no-input")
    if seed:
        manage(env, "seed_demo", "--quiet-logins")
    if collect_static:
        manage(env, "collectstatic", "--no-input", "--clear")
    output = manage(env, "shell", "-c", PLAN_SCRIPT)
    line = next(line for line in output.splitlines() if line.startswith("PLAN="))
    return json.loads(line.removeprefix("PLAN="))


def start_gunicorn(env: dict[str, str], port: int, log: Path) -> subprocess.Popen:
    argv = compose_command("web", bind=f"127.0.0.1:{port}")
    process = subprocess.Popen(  # noqa: S603 — the compose file's own command
        argv, cwd=REPOSITORY, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz/", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return process
        except OSError:
            time.sleep(0.5)
    os.killpg(process.pid, signal.SIGTERM)
    raise SystemExit(f"gunicorn did not answer; see {log}")


def warm_up(port: int, plan: dict, rounds: int = 2) -> None:
    """Each page once per gunicorn worker, untimed, before the phases: the figures are of a warm server (templates
    compiled, catalogues loaded, page cache filled), and a short phase on a slow machine is not spent, whole, on a
    first render."""
    from concurrent.futures import ThreadPoolExecutor

    base = f"http://127.0.0.1:{port}"
    anonymous = ["/fr/", "/fr/library/", "/fr/library/?q=sant%C3%A9", "/fr/organisations/", "/fr/advocacy/calendar/"]
    requests = [(path, {}) for path in anonymous + plan.get("resources", [])[:1]]
    for member in plan.get("staff", [])[:2]:
        cookie = {"Cookie": f"sessionid={member['session']}"}
        token = {"Authorization": f"Token {member['token']}"}
        pages = ["/fr/library/", "/fr/referrals/", *[f"/fr/referrals/{pk}/" for pk in member["referrals"][:1]]]
        requests += [(path, cookie) for path in pages]
        requests += [(path, token) for path in ["/api/v1/referrals/?direction=received", "/api/v1/resources/"]]

    def fetch(request: tuple[str, dict]) -> None:
        path, headers = request
        try:
            with urllib.request.urlopen(urllib.request.Request(base + path, headers=headers), timeout=60):  # noqa: S310
                pass
        except OSError as error:  # the phases report failures; the warm-up only says which page did not answer
            print(f"warm-up: {path}: {error}", file=sys.stderr)

    with ThreadPoolExecutor(max_workers=2) as pool:  # two at a time: both sync workers get each page
        for _ in range(rounds):
            list(pool.map(fetch, requests))


# (phase, audience, locust user classes): each page kind alone, then the mix.
KIND_PHASES = [
    ("home page", "anonymous", ["HomePage"]),
    ("library page", "anonymous", ["LibraryPage"]),
    ("library search", "anonymous", ["LibrarySearch"]),
    ("resource page", "anonymous", ["ResourcePage"]),
    ("organisation directory", "anonymous", ["OrganisationDirectory"]),
    ("advocacy calendar", "anonymous", ["AdvocacyCalendar"]),
    ("member library page", "member", ["MemberLibraryPage"]),
    ("referral inbox", "member", ["ReferralInbox"]),
    ("referral page", "member", ["ReferralPage"]),
]
MIXED_CLASSES = ["AnonymousVisitor", "StaffMember", "ApiClient"]
ANONYMOUS_TARGET = 0.5  # issue 16: anonymous public pages at half the bare view or more


def run_locust(
    env: dict[str, str], *, phase: str, classes: list[str], port: int, seconds: int, users: int, out: Path
) -> list[dict]:
    prefix = out / phase.replace(" ", "-")
    command = [
        str(BIN / "locust"),
        "-f", str(Path(__file__).with_name("locustfile.py")), *classes,
        "--headless", "--host", f"http://127.0.0.1:{port}",
        "--users", str(users), "--spawn-rate", str(users),
        "--run-time", f"{seconds}s", "--stop-timeout", "30",  # a request in flight at the end finishes, counted
        "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING",
    ]  # fmt: skip
    subprocess.run(command, cwd=REPOSITORY, env=env, check=False, timeout=seconds + 120)  # noqa: S603
    rows = []
    with open(f"{prefix}_stats.csv", newline="") as file:
        for row in csv.DictReader(file):
            rows.append(
                {
                    "phase": phase,
                    "name": row["Name"],
                    "requests": int(row["Request Count"]),
                    "failures": int(row["Failure Count"]),
                    "rps": float(row["Requests/s"]),
                    "p50": _number(row["50%"]),
                    "p95": _number(row["95%"]),
                    "p99": _number(row["99%"]),
                    # The machine's 1-minute load average at the phase's end: on 2 cores, anything well above
                    # 2 means other work shared the CPU with the server during this phase.
                    "load": os.getloadavg()[0],
                }
            )
    return rows


def _number(value: str) -> float:
    """A percentile of locust's CSV: "N/A" (or empty) when the phase made no request of that kind."""
    try:
        return float(value)
    except ValueError:
        return 0.0


def kind_ratios(rows: list[dict]) -> list[dict]:
    """Each page kind measured alone, next to the bare view of the same run."""
    bare = next((r for r in rows if r["phase"] == "bare" and r["name"] == "bare Django view"), None)
    kinds = []
    for phase, audience, _classes in KIND_PHASES:
        row = next((r for r in rows if r["phase"] == phase and r["name"] == phase), None)
        if row is None or bare is None or not bare["rps"]:
            continue
        ratio = row["rps"] / bare["rps"]
        target = f"≥ {ANONYMOUS_TARGET}" if audience == "anonymous" else "–"
        met = (ratio >= ANONYMOUS_TARGET) if audience == "anonymous" else None
        kinds.append({**row, "kind": phase, "audience": audience, "ratio": ratio, "target": target, "met": met})
    return kinds


def write_report(rows: list[dict], out: Path, args: argparse.Namespace) -> None:
    kinds = kind_ratios(rows)
    summary = {"seconds": args.seconds, "kind_seconds": args.kind_seconds, "users": args.users, "rows": rows}
    summary["kinds"] = kinds
    (out / "results.json").write_text(json.dumps(summary, indent=2))
    bare = next((r for r in rows if r["name"] == "bare Django view"), None)
    lines = [
        f"Load test: {args.users} users per phase, {args.seconds} s for the bare view and the mix, "
        f"{args.kind_seconds} s per page kind, gunicorn 2 sync workers, PostgreSQL + Redis, production settings "
        "over HTTP.",
        "",
        "Each page kind alone, against the bare view of the same run (anonymous pages come from the page cache):",
        "",
        "| page kind | visitor | req/s | ratio to bare view | target | p50 ms | p95 ms | failures | load avg |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for kind in kinds:
        verdict = "" if kind["met"] is None else (" ✓" if kind["met"] else " ✗")
        lines.append(
            f"| {kind['kind']} | {kind['audience']} | {kind['rps']:.1f} | {kind['ratio']:.2f}{verdict} | "
            f"{kind['target']} | {kind['p50']:.0f} | {kind['p95']:.0f} | {kind['failures']} | "
            f"{kind.get('load', 0):.1f} |"
        )
    lines += [
        "",
        "Every phase:",
        "",
        "| phase | request | requests | failures | req/s | p50 ms | p95 ms | p99 ms |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        lines.append(
            f"| {row['phase']} | {row['name']} | {row['requests']} | {row['failures']} | {row['rps']:.1f} | "
            f"{row['p50']:.0f} | {row['p95']:.0f} | {row['p99']:.0f} |"
        )
    if bare and bare.get("load", 0) > 3:
        lines += [
            "",
            f"The machine's load average was {bare['load']:.1f} at the end of the bare phase (2 cores): other work "
            "shared the CPU, so the absolute figures are low; the ratios compare phases of the same run.",
        ]
    mixed = next((r for r in rows if r["phase"] == "mixed" and r["name"] == "Aggregated"), None)
    if bare and mixed and mixed["rps"]:
        ratio = mixed["rps"] / bare["rps"]
        lines += ["", f"Mixed: {mixed['rps']:.1f} req/s; bare view: {bare['rps']:.1f} req/s (ratio {ratio:.2f})."]
    (out / "results.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    plot(rows, out / "results.png")


def plot(rows: list[dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    # Each request kind, and the mixed phase as a whole (what the server sustained, next to the bare view).
    shown = [r for r in rows if r["name"] != "Aggregated"]
    shown += [
        {**r, "name": "mixed traffic, all requests"}
        for r in rows
        if r["phase"] == "mixed" and r["name"] == "Aggregated"
    ]
    names = [r["name"] if r["phase"] != "mixed" else f"{r['name']} (in the mix)" for r in shown]
    figure, (latency, throughput) = plt.subplots(1, 2, figsize=(14, 0.5 * len(names) + 2))
    positions = range(len(names))
    height = 0.27
    for offset, key in ((-height, "p50"), (0, "p95"), (height, "p99")):
        latency.barh([p + offset for p in positions], [r[key] for r in shown], height=height, label=key)
    latency.set_yticks(list(positions), names)
    latency.set_xlabel("latency (ms)")
    latency.legend()
    latency.invert_yaxis()
    throughput.barh(list(positions), [r["rps"] for r in shown], color="tab:green")
    throughput.set_yticks(list(positions), names)
    throughput.set_xlabel("requests per second")
    throughput.invert_yaxis()
    figure.suptitle("Passerelle load test (gunicorn, PostgreSQL, Redis)")
    figure.tight_layout()
    figure.savefig(path, dpi=100)


def replot(out: Path) -> None:
    """Draw results.png again from results.json (no new run)."""
    plot(json.loads((out / "results.json").read_text())["rows"], out / "results.png")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=60, help="duration of the bare and mixed phases")
    parser.add_argument("--kind-seconds", type=int, default=None, help="duration of each page kind's phase")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument(
        "--kinds",
        default=None,
        help="comma-separated page kinds to measure alone (default: every kind); the mix always runs them all",
    )
    parser.add_argument(
        "--database-url",
        default=os.environ.get("LOAD_DATABASE_URL", DEFAULT_DATABASE_URL),
        help="a database of its own: dropped and created again at each run (kept as it is with --seeded)",
    )
    parser.add_argument("--redis-url", default=os.environ.get("LOAD_REDIS_URL", "redis://127.0.0.1:6379/5"))
    parser.add_argument(
        "--static-root", type=Path, default=None, help="static files already collected with production settings"
    )
    parser.add_argument(
        "--seeded",
        action="store_true",
        help="the database already holds the demo network (a copy made by the caller, with LOAD_FIELD_ENCRYPTION_KEYS"
        " its key): skip seed_demo",
    )
    parser.add_argument("--out", type=Path, default=REPOSITORY / "benchmarks" / "load" / "results")
    args = parser.parse_args()
    args.kind_seconds = args.kind_seconds or args.seconds
    args.out.mkdir(parents=True, exist_ok=True)
    ensure_database(args.database_url, fresh=not args.seeded)  # seeding: made again (earlier rows, another key)
    with tempfile.TemporaryDirectory() as temporary_root:
        env = environment(args, str(args.static_root or temporary_root))
        plan = prepare(env, collect_static=args.static_root is None, seed=not args.seeded)
        env["LOAD_PLAN"] = json.dumps(plan)
        port = free_port()
        server = start_gunicorn(env, port, args.out / "gunicorn.log")
        try:
            warm_up(port, plan)
            common = {"port": port, "users": args.users, "out": args.out}
            rows = run_locust(env, phase="bare", classes=["BareView"], seconds=args.seconds, **common)
            for phase, _audience, classes in KIND_PHASES:
                if args.kinds and phase not in args.kinds.split(","):
                    continue
                rows += run_locust(env, phase=phase, classes=classes, seconds=args.kind_seconds, **common)
            rows += run_locust(env, phase="mixed", classes=MIXED_CLASSES, seconds=args.seconds, **common)
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=20)
    write_report(rows, args.out, args)


if __name__ == "__main__":
    main()
