"""Locust users for the load test (run by benchmarks/load/run.py, headless, bounded in time).

Targets come from the environment that run.py prepares: session cookies of staff members who receive referrals,
API tokens, the ids of referrals those users may open, and the resource pages to browse. Every request is named by
what it is (not its URL) so the report groups them.
"""

import json
import os
import random

from locust import HttpUser, constant, tag, task

PLAN = json.loads(os.environ.get("LOAD_PLAN", "{}"))
SEARCH_TERMS = ["santé", "droits", "pairs", "réduction", "numérique", "violence", "guide", "migration"]


class BareView(HttpUser):
    """The yardstick: the bare Django view on the same gunicorn (run alone, in its own phase)."""

    wait_time = constant(0)
    weight = 0 if os.environ.get("LOAD_PHASE") == "mixed" else 1

    @task
    def bare(self) -> None:
        self.client.get("/bench/bare/", name="bare Django view")


class AnonymousVisitor(HttpUser):
    """Someone browsing and searching the public library."""

    wait_time = constant(0)
    weight = 0 if os.environ.get("LOAD_PHASE") != "mixed" else 5

    @tag("library")
    @task(3)
    def library(self) -> None:
        self.client.get("/fr/library/", name="library page")

    @tag("library")
    @task(3)
    def search(self) -> None:
        self.client.get(f"/fr/library/?q={random.choice(SEARCH_TERMS)}", name="library search")

    @tag("library")
    @task(2)
    def resource(self) -> None:
        if PLAN.get("resources"):
            self.client.get(random.choice(PLAN["resources"]), name="resource page")

    @task(1)
    def home(self) -> None:
        self.client.get("/fr/", name="home page")


class StaffMember(HttpUser):
    """A staff member of a receiving organisation working through the inbox and referral pages."""

    wait_time = constant(0)
    weight = 0 if os.environ.get("LOAD_PHASE") != "mixed" else 3

    def on_start(self) -> None:
        # Someone with referrals to open when there is one: a short run must still exercise the referral page.
        staff = random.choice([member for member in PLAN["staff"] if member["referrals"]] or PLAN["staff"])
        self.client.cookies.set("sessionid", staff["session"])
        self.referrals = staff["referrals"]

    @task(3)
    def inbox(self) -> None:
        self.client.get("/fr/referrals/", name="referral inbox")

    @task(2)
    def referral(self) -> None:
        if self.referrals:
            self.client.get(f"/fr/referrals/{random.choice(self.referrals)}/", name="referral page")


class ApiClient(HttpUser):
    """An organisation's integration: reads lists and posts messages on its referrals (writes)."""

    wait_time = constant(0)
    weight = 0 if os.environ.get("LOAD_PHASE") != "mixed" else 2

    def on_start(self) -> None:
        # Someone with an open conversation when there is one: a short run must still exercise the write.
        staff = random.choice([member for member in PLAN["staff"] if member.get("writable")] or PLAN["staff"])
        self.client.headers["Authorization"] = f"Token {staff['token']}"
        self.referrals = staff["referrals"]
        self.writable = staff.get("writable", [])

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
