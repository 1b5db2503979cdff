"""Locust users for the load test (run by benchmarks/load/run.py, headless, bounded in time).

Targets come from the environment that run.py prepares: session cookies of staff members who receive referrals,
API tokens, the ids of referrals those users may open, and the resource pages to browse. Every request is named by
what it is (not its URL) so the report groups them.

run.py names the user classes of each phase on locust's command line: the bare view alone, then each page kind
alone (one class each: anonymous visitors, then signed-in members), then the mix (AnonymousVisitor, StaffMember and
ApiClient by their weights).
"""

import json
import os
import random

from locust import HttpUser, constant, task

PLAN = json.loads(os.environ.get("LOAD_PLAN", "{}"))
SEARCH_TERMS = ["santé", "droits", "pairs", "réduction", "numérique", "violence", "guide", "migration"]


class _EachPageFirst:
    """A user of several pages opens each of them once when it starts, then goes on by the tasks' weights: however
    short the run (the CI smoke test's few seconds on a slow machine), every kind of page is served at least once."""

    tasks: list

    def on_start(self) -> None:
        super().on_start()  # type: ignore[misc]  # the user's own set-up first (a member's session, a token)
        for page in dict.fromkeys(self.tasks):  # each task once, in the class's order (weights repeat them)
            page(self)


class BareView(HttpUser):
    """The yardstick: the bare Django view on the same gunicorn (run alone, in its own phase)."""

    wait_time = constant(0)

    @task
    def bare(self) -> None:
        self.client.get("/bench/bare/", name="bare Django view")


# --- The pages, each one request named by what it is ---------------------------------------------------------


def home(user: HttpUser) -> None:
    user.client.get("/fr/", name="home page")


def library(user: HttpUser) -> None:
    user.client.get("/fr/library/", name="library page")


def library_search(user: HttpUser) -> None:
    user.client.get(f"/fr/library/?q={random.choice(SEARCH_TERMS)}", name="library search")


def resource(user: HttpUser) -> None:
    if PLAN.get("resources"):
        user.client.get(random.choice(PLAN["resources"]), name="resource page")


def directory(user: HttpUser) -> None:
    user.client.get("/fr/organisations/", name="organisation directory")


def calendar(user: HttpUser) -> None:
    user.client.get("/fr/advocacy/calendar/", name="advocacy calendar")


def member_library(user: HttpUser) -> None:
    user.client.get("/fr/library/", name="member library page")


def inbox(user: HttpUser) -> None:
    user.client.get("/fr/referrals/", name="referral inbox")


def referral(user: HttpUser) -> None:
    if referrals := getattr(user, "referrals", None):  # a member's, set at their start
        user.client.get(f"/fr/referrals/{random.choice(referrals)}/", name="referral page")


# --- One page kind per class, for the phases that measure each kind alone ------------------------------------


class _Anonymous(HttpUser):
    abstract = True
    wait_time = constant(0)


class HomePage(_Anonymous):
    tasks = [home]


class LibraryPage(_Anonymous):
    tasks = [library]


class LibrarySearch(_Anonymous):
    tasks = [library_search]


class ResourcePage(_Anonymous):
    tasks = [resource]


class OrganisationDirectory(_Anonymous):
    tasks = [directory]


class AdvocacyCalendar(_Anonymous):
    tasks = [calendar]


class _Member(HttpUser):
    """A signed-in staff member of a receiving organisation (a session made by run.py)."""

    abstract = True
    wait_time = constant(0)

    def on_start(self) -> None:
        # Someone with referrals to open when there is one: a short run must still exercise the referral page.
        staff = random.choice([member for member in PLAN["staff"] if member["referrals"]] or PLAN["staff"])
        self.client.cookies.set("sessionid", staff["session"])
        self.referrals = staff["referrals"]


class MemberLibraryPage(_Member):
    tasks = [member_library]


class ReferralInbox(_Member):
    tasks = [inbox]


class ReferralPage(_Member):
    tasks = [referral]


# --- The mix: the same pages, by weight -------------------------------------------------------------------------


class AnonymousVisitor(_EachPageFirst, _Anonymous):
    """Someone browsing and searching the public library."""

    weight = 5
    tasks = {library: 3, library_search: 3, resource: 2, home: 1, directory: 1, calendar: 1}


class StaffMember(_EachPageFirst, _Member):
    """A staff member of a receiving organisation working through the inbox and referral pages."""

    weight = 3
    tasks = {inbox: 3, referral: 2, member_library: 1}


class ApiClient(_EachPageFirst, HttpUser):
    """An organisation's integration: reads lists and posts messages on its referrals (writes)."""

    wait_time = constant(0)
    weight = 2

    def on_start(self) -> None:
        # Someone with an open conversation when there is one: a short run must still exercise the write.
        staff = random.choice([member for member in PLAN["staff"] if member.get("writable")] or PLAN["staff"])
        self.client.headers["Authorization"] = f"Token {staff['token']}"
        self.referrals = staff["referrals"]
        self.writable = staff.get("writable", [])
        super().on_start()

    @task(3)
    def referrals_list(self) -> None:
        self.client.get("/api/v1/referrals/?direction=received", name="API referrals list")

    @task(2)
    def resources_list(self) -> None:
        self.client.get("/api/v1/resources/", name="API resources list")

    @task(1)
    def post_message(self) -> None:
        if self.writable:  # open conversations only: after consent ends, posting is refused (403) by design
            referral = random.choice(self.writable)
            self.client.post(
                f"/api/v1/referrals/{referral}/messages/",
                json={"body": "Load test message: appointment confirmed."},
                name="API post referral message (write)",
            )
