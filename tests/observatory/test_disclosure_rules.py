"""Each disclosure-control rule on its own, on small hand-made tables (no database)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from network.observatory import disclosure
from network.observatory.disclosure import Parameters, Problem

PARAMS = Parameters(threshold=10, rounding_base=5, dominance_share=85)


def _table(values: list[list[int]]) -> tuple[Problem, list[list[int]], list[int], list[int], int]:
    """A rows × columns table with its row totals, column totals and total, as cells and equations."""
    problem = Problem()
    cells = [[problem.add_cell(v) for v in row] for row in values]
    row_totals = [problem.add_cell(sum(row)) for row in values]
    column_totals = [problem.add_cell(sum(col)) for col in zip(*values, strict=True)]
    total = problem.add_cell(sum(map(sum, values)))
    for r, row in enumerate(cells):
        problem.equations.append({row_totals[r]: 1, **dict.fromkeys(row, -1)})
    for c, column in enumerate(zip(*cells, strict=True)):
        problem.equations.append({column_totals[c]: 1, **dict.fromkeys(column, -1)})
    problem.equations.append({total: 1, **dict.fromkeys(row_totals, -1)})
    problem.equations.append({total: 1, **dict.fromkeys(column_totals, -1)})
    return problem, cells, row_totals, column_totals, total


def test_counts_under_the_threshold_are_disclosive_and_the_others_are_rounded_to_the_base():
    assert disclosure.primary_reason(3, 1, 5, PARAMS) == disclosure.THRESHOLD
    assert disclosure.primary_reason(9, 1, 5, PARAMS) == disclosure.THRESHOLD
    assert disclosure.primary_reason(10, 2, 5, PARAMS) == ""
    assert [disclosure.rounded(v, 5) for v in (10, 12, 13, 17, 18, 102)] == [10, 10, 15, 15, 20, 100]


def test_a_cell_one_organisation_dominates_is_disclosive_whatever_its_size():
    assert disclosure.primary_reason(100, 86, 4, PARAMS) == disclosure.DOMINANCE
    assert disclosure.primary_reason(100, 85, 4, PARAMS) == ""
    stricter = Parameters(threshold=10, rounding_base=5, dominance_share=60)
    assert disclosure.primary_reason(100, 61, 4, stricter) == disclosure.DOMINANCE


def test_a_zero_is_disclosive_when_a_single_organisation_could_have_contributed():
    # one provider of the category in the region: its zero says what it did
    assert disclosure.primary_reason(0, 0, 1, PARAMS, network_value=40) == disclosure.REVEALING_ZERO
    # several could have: a zero says nothing about one of them
    assert disclosure.primary_reason(0, 0, 3, PARAMS, network_value=40) == ""
    # nobody in the whole network did it: the network's own zero says as much, nothing particular to that one
    assert disclosure.primary_reason(0, 0, 1, PARAMS, network_value=0) == ""


def test_secondary_suppression_leaves_no_suppressed_cell_computable_from_row_or_column_totals():
    # given a 3 × 3 table with one small cell
    problem, cells, row_totals, column_totals, total = _table([[3, 20, 30], [25, 40, 15], [12, 18, 50]])
    primary = {cells[0][0]: disclosure.THRESHOLD}
    problem.protect.append(({cells[0][0]: 1}, disclosure.THRESHOLD))
    # when suppression runs
    suppressed = disclosure.suppress(problem, primary)
    # then its row and its column each hide at least one more cell…
    assert any(c in suppressed for c in cells[0][1:])
    assert any(cells[r][0] in suppressed for r in (1, 2))
    # …and no suppressed cell is the only unknown of any equation
    for equation in problem.equations:
        assert sum(cell in suppressed for cell in equation) != 1
    # and the audit finds nothing left to compute
    assert not disclosure._disclosed(problem, suppressed, _equations_of(problem))


def test_suppression_protects_a_cell_a_bridge_of_equations_would_give_away():
    # given a small cell hidden with two partners: every equation holds two unknowns (the quick pass is satisfied)
    # but the three equations together still fix it
    problem = Problem()
    a, b, c, d = (problem.add_cell(v) for v in (3, 20, 15, 40))
    t1, t2, t3 = problem.add_cell(23), problem.add_cell(18), problem.add_cell(43)
    problem.equations += [{t1: 1, a: -1, b: -1}, {t2: 1, a: -1, c: -1}, {t3: 1, b: -1, c: -1, d: 1}]
    problem.protect.append(({a: 1}, disclosure.THRESHOLD))
    given = {a: disclosure.THRESHOLD, b: disclosure.SECONDARY, c: disclosure.SECONDARY}
    assert disclosure._disclosed(problem, given, _equations_of(problem))  # three equations, three unknowns
    # when suppression runs, then one more cell is hidden and nothing can be computed any more
    suppressed = disclosure.suppress(problem, given)
    assert len(suppressed) > 3
    assert not disclosure._disclosed(problem, suppressed, _equations_of(problem))


def test_a_threshold_under_five_is_refused_with_a_clear_message():
    with pytest.raises(ValidationError) as refused:
        Parameters(threshold=4, rounding_base=5, dominance_share=85)
    assert refused.value.error_list[0].code == "threshold_too_low"
    assert "5" in str(refused.value.error_list[0].message % refused.value.error_list[0].params)
    assert Parameters(threshold=5, rounding_base=5, dominance_share=85).threshold == 5


def _equations_of(problem: Problem) -> dict[int, list[int]]:
    found: dict[int, list[int]] = {}
    for number, equation in enumerate(problem.equations):
        for cell in equation:
            found.setdefault(cell, []).append(number)
    return found
