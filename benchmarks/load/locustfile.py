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


# --- One page kind per class, for the phases that measure each kind alone ------------------------------------


class _Anonymous(HttpUser):
    abstract = True
    wait_time = constant(0)


class HomePage(_Anonymous):
    @task
    def home(self) -> None:
        self.client.get("/fr/", name="home page")


class LibraryPage(_Anonymous):
    @task
    def library(self) -> None:
        self.client.get("/fr/library/", name="library page")


class LibrarySearch(_Anonymous):
    @task
    def search(self) -> None:
        self.client.get(f"/fr/library/?q={random.choice(SEARCH_TERMS)}", name="library search")


class ResourcePage(_Anonymous):
    @task
    def resource(self) -> None:
        if PLAN.get("resources"):
            self.client.get(random.choice(PLAN["resources"]), name="resource page")


class OrganisationDirectory(_Anonymous):
    @task
    def directory(self) -> None:
        self.client.get("/fr/organisations/", name="organisation directory")


class AdvocacyCalendar(_Anonymous):
    @task
    def calendar(self) -> None:
        self.client.get("/fr/advocacy/calendar/", name="advocacy calendar")


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
    @task
    def library(self) -> None:
        self.client.get("/fr/library/", name="member library page")


class ReferralInbox(_Member):
    @task
    def inbox(self) -> None:
        self.client.get("/fr/referrals/", name="referral inbox")


class ReferralPage(_Member):
    @task
    def referral(self) -> None:
        if self.referrals:
            self.client.get(f"/fr/referrals/{random.choice(self.referrals)}/", name="referral page")


# --- The mix ----------------------------------------------------------------------------------------------------


class AnonymousVisitor(_EachPageFirst, HttpUser):
    """Someone browsing and searching the public library."""

    wait_time = constant(0)
    weight = 5

    @task(3)
    def library(self) -> None:
        self.client.get("/fr/library/", name="library page")

    @task(3)
    def search(self) -> None:
        self.client.get(f"/fr/library/?q={random.choice(SEARCH_TERMS)}", name="library search")

    @task(2)
    def resource(self) -> None:
        if PLAN.get("resources"):
            self.client.get(random.choice(PLAN["resources"]), name="resource page")

    @task(1)
    def home(self) -> None:
        self.client.get("/fr/", name="home page")

    @task(1)
    def directory(self) -> None:
        self.client.get("/fr/organisations/", name="organisation directory")

    @task(1)
    def calendar(self) -> None:
        self.client.get("/fr/advocacy/calendar/", name="advocacy calendar")


class StaffMember(_EachPageFirst, _Member):
    """A staff member of a receiving organisation working through the inbox and referral pages."""

    abstract = False
    weight = 3

    @task(3)
    def inbox(self) -> None:
        self.client.get("/fr/referrals/", name="referral inbox")

    @task(2)
    def referral(self) -> None:
        if self.referrals:
            self.client.get(f"/fr/referrals/{random.choice(self.referrals)}/", name="referral page")

    @task(1)
    def library(self) -> None:
        self.client.get("/fr/library/", name="member library page")


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
