"""Suppression: no hidden count can be recomputed from the totals and what is shown.

The oracle here knows nothing of the algorithm: it takes what a reader sees (visible counts, ``<5``
meaning 1 to threshold-1, ``..`` meaning at least threshold, every total that is shown) and searches
for a second table that fits all of it but differs in the hidden cell.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from addin.core.suppression import (HIDDEN_SYMBOL, PRIMARY, SECONDARY, VISIBLE, WITHHELD, share,
                                    suppress)


def _equations(rows: int, cols: int, row_totals: bool, col_totals: bool):
    """Each as [(r, c, coefficient)] summing to zero."""
    eqs = []
    inner_cols = cols - (1 if row_totals else 0)
    inner_rows = rows - (1 if col_totals else 0)
    if row_totals:
        for r in range(rows):
            eqs.append([(r, c, 1) for c in range(inner_cols)] + [(r, cols - 1, -1)])
    if col_totals:
        for c in range(cols):
            eqs.append([(r, c, 1) for r in range(inner_rows)] + [(rows - 1, c, -1)])
    return eqs


def alternative_exists(table, target: tuple[int, int]) -> bool:
    """Is there a table a reader cannot tell from this one, with another value in ``target``?

    With ``known_totals`` the reader is assumed to know the total row exactly (from another table).
    """
    values, status, t = table.values, table.status, table.threshold
    rows, cols = len(values), len(values[0])
    ceiling = max(max(row) for row in values) + t + 2
    domains = {}
    for r in range(rows):
        for c in range(cols):
            if status[r][c] == VISIBLE or (table.known_totals and table.col_totals
                                           and r == rows - 1):
                domains[(r, c)] = [values[r][c]]
            elif status[r][c] == PRIMARY:
                domains[(r, c)] = list(range(1, t))
            elif status[r][c] == WITHHELD:
                domains[(r, c)] = list(range(0, ceiling + 1))
            else:
                domains[(r, c)] = list(range(t, ceiling + 1))
    domains[target] = [v for v in domains[target] if v != values[target[0]][target[1]]]
    eqs = _equations(rows, cols, table.row_totals, table.col_totals)
    order = [target] + [k for k in domains if k != target and len(domains[k]) > 1]
    fixed = {k: d[0] for k, d in domains.items() if len(d) == 1 and k != target}

    def feasible(assign):
        for eq in eqs:
            lo = hi = 0
            for r, c, coef in eq:
                if (r, c) in assign:
                    lo += coef * assign[(r, c)]
                    hi += coef * assign[(r, c)]
                else:
                    d = domains[(r, c)]
                    lo += coef * (min(d) if coef > 0 else max(d))
                    hi += coef * (max(d) if coef > 0 else min(d))
            if not lo <= 0 <= hi:
                return False
        return True

    def propagate(assign):
        """Assign every cell that is the last unknown of an equation; False on a contradiction."""
        changed = True
        while changed:
            changed = False
            for eq in eqs:
                open_ = [(r, c, coef) for r, c, coef in eq if (r, c) not in assign]
                if len(open_) == 1:
                    r, c, coef = open_[0]
                    rest = sum(coef2 * assign[(r2, c2)] for r2, c2, coef2 in eq if (r2, c2) in assign)
                    value = -rest * coef
                    if value not in domains[(r, c)]:
                        return False
                    assign[(r, c)] = value
                    changed = True
        return feasible(assign)

    def search(assign):
        assign = dict(assign)
        if not propagate(assign):
            return False
        free = [k for k in order if k not in assign]
        if not free:
            return True
        key = free[0]
        true = values[key[0]][key[1]]
        for v in sorted(domains[key], key=lambda v: abs(v - true)):  # near the real table first
            assign[key] = v
            if search(assign):
                return True
        return False

    return bool(domains[target]) and search(fixed)


tables = st.integers(1, 4).flatmap(lambda rows: st.integers(1, 3).flatmap(
    lambda cols: st.lists(st.lists(st.integers(0, 9) | st.integers(0, 2), min_size=cols,
                                   max_size=cols), min_size=rows, max_size=rows)))


@settings(max_examples=300, deadline=None)
@given(cells=tables, threshold=st.integers(3, 5), row_totals=st.booleans(),
       col_totals=st.booleans(), known_totals=st.booleans())
def test_no_hidden_cell_can_be_recomputed(cells, threshold, row_totals, col_totals, known_totals):
    if known_totals and (not col_totals or len(cells) < 2):
        known_totals = False  # a one-row table's only cell is its total: nothing left to protect
    table = suppress(cells, threshold, row_totals=row_totals, col_totals=col_totals,
                     known_totals=known_totals)
    withheld = table.status[0][0] == WITHHELD
    for r, row in enumerate(table.values):
        for c, value in enumerate(row):
            status = table.status[r][c]
            if withheld and not (known_totals and r == len(table.values) - 1):
                assert status == WITHHELD  # all or nothing (a total known elsewhere stays)
            elif 0 < value < threshold:
                assert status == PRIMARY  # every small count is hidden
            elif value == 0:
                assert status == VISIBLE  # zeros show, so <5 means 1..4
            if status == SECONDARY:
                assert value >= threshold
            if known_totals and r == len(table.values) - 1:
                assert status != SECONDARY  # a total shown elsewhere is never hidden to protect
                continue
            if status != VISIBLE and value > 0:  # zeros name no one (and show when not withheld)
                assert alternative_exists(table, (r, c)), (table.display(), r, c)


def test_one_forvaltning_with_few_completed_shows_below_five_and_total_hides_nothing():
    # completed places per förvaltning: one has 3, the others 12 and 20; total 35
    table = suppress([[3], [12], [20]], 5)
    assert table.display() == [["<5"], [HIDDEN_SYMBOL], [20], [35]]
    assert alternative_exists(table, (0, 0))


def test_threshold_from_the_workbook_is_used():
    assert suppress([[7], [20]], 10).display() == [["<10"], [HIDDEN_SYMBOL], [27]]


def test_zero_is_shown_and_a_small_total_is_hidden():
    assert suppress([[0], [0], [2]], 5).display() == [[0], [0], ["<5"], ["<5"]]


def test_share_needs_a_denominator_of_ten_and_visible_figures():
    assert share(3, 9) is None
    assert share(None, 40) is None
    assert share(5, None) is None
    assert share(5, 10) == 0.5


def test_a_table_that_cannot_be_protected_is_withheld():
    # four förvaltningar with one certificate each: <5 four times and a total <5 means 1 each
    table = suppress([[1], [1], [1], [1], [0]], 5)
    assert table.display() == [[HIDDEN_SYMBOL]] * 6


def test_a_total_known_from_another_table_is_not_relied_on():
    # thirteen förvaltningar with 4 each: <5 thirteen times and a total of 52 means 4 each
    table = suppress([[4]] * 13, 5, known_totals=True)
    assert table.display() == [[HIDDEN_SYMBOL]] * 13 + [[52]]
    # without that knowledge the total alone would be hidden
    assert suppress([[4]] * 13, 5).display()[-1] == [HIDDEN_SYMBOL]
