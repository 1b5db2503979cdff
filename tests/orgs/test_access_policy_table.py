"""The whole policy reads at once: every action has a rule, and the generated table is up to date."""

from __future__ import annotations

from pathlib import Path

from network.orgs import policy
from network.orgs.management.commands.access_policy import render

TABLE = Path(__file__).resolve().parents[2] / "docs" / "access-policy.md"


def _all_actions() -> set[policy.Action]:
    found: set[policy.Action] = set()
    pending = list(policy.Action.__subclasses__())
    while pending:
        enum = pending.pop()
        found.update(enum)
        pending.extend(enum.__subclasses__())
    return found


def test_every_declared_action_is_decided_by_a_registered_rule():
    decided = {rule.action for rule in policy.rules()}

    undecided = sorted(str(action) for action in _all_actions() - decided)

    assert not undecided, f"actions without a rule (refused to everyone, silently): {undecided}"


def test_action_names_are_unique_across_apps():
    values = [str(action) for action in _all_actions()]

    assert len(values) == len(set(values))


def test_an_action_without_a_rule_for_the_object_is_refused():
    from network.referrals.rules import ReferralAction

    assert policy.rule_for(ReferralAction.VIEW_REFERRAL, object()) is None
    assert not policy.can(None, ReferralAction.VIEW_REFERRAL, object())


def test_docs_access_policy_is_the_generated_table():
    assert TABLE.read_text() == render(), "run: python manage.py access_policy > docs/access-policy.md"
