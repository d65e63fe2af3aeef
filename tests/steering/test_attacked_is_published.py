"""What the attacker attacks is exactly what the steering group gets: every figure in the written
steering workbooks of a year.

tests/steering/test_year_attack.py attacks the year's five standard reports as summaries (the
tables the writer renders). That proves the published files only if the files show those tables
and nothing else. Here each report of a generated year is written as the steering workbook
(``addin.steering.workbook``, the bytes that are mailed), read back with openpyxl, and:

* every table of the summary the writer renders is found in it, header and rows, value for value;
* the key figures on Översikt are the summary's;
* no other cell of any sheet holds a number, except the hidden Diagramdata sheet, whose numbers
  are the mål and places per förvaltning of the Förvaltningar table (places are shown exactly,
  docs/styrgrupp.md, and not attacked).

So the attack's result (no count from 1 to threshold − 1 can be derived, from any combination of
the year's reports) holds for the workbooks themselves.
"""

from __future__ import annotations

import io

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from addin.steering.workbook import KEY_ROWS, workbook_bytes

from .attack import attack
from .test_year_attack import _generated, _year_reports

HIDDEN_CHART_DATA = "Diagramdata"
OVERVIEW = "Översikt"


def _number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _same(shown, expected) -> bool:
    if _number(expected) and _number(shown):
        return abs(shown - expected) < 1e-9
    return shown == expected


def _grid(ws) -> list[list]:
    return [list(r) for r in ws.iter_rows(values_only=True)]


def _locate(grids: dict[str, list[list]], table) -> tuple[str, int] | None:
    """(sheet, first body row index) where ``table`` is written: its header row, then its rows."""
    width = len(table.headers)
    for sheet, grid in grids.items():
        for i, row in enumerate(grid):
            if row[:width] != list(table.headers):
                continue
            body = grid[i + 1:i + 1 + len(table.rows)]
            if len(body) == len(table.rows) and all(
                    _same(shown, want) for got, exp in zip(body, table.rows, strict=True)
                    for shown, want in zip(got[:width], exp, strict=True)):
                return sheet, i + 1
    return None


def published_but_not_attacked(summary) -> list[str]:
    """Every numeric cell of the written workbook not accounted for by the summary."""
    wb = openpyxl.load_workbook(io.BytesIO(workbook_bytes(summary)))
    grids = {ws.title: _grid(ws) for ws in wb.worksheets}
    covered: set[tuple[str, int, int]] = set()
    problems = []
    written = [t for t in summary.tables
               if any(t.headers[0] == (row[0] if row else None) for g in grids.values()
                      for row in g)]
    for table in written:
        found = _locate(grids, table)
        if found is None:
            problems.append(f"table {table.key}: not written as the summary has it")
            continue
        sheet, first = found
        covered |= {(sheet, r, c) for r in range(first - 1, first + len(table.rows))
                    for c in range(len(table.headers))}
    overview = grids[OVERVIEW]
    for key, _label in KEY_ROWS:
        want = summary.key_figures[key]
        rows = [i for i, row in enumerate(overview)
                if len(row) > 1 and _same(row[1], "–" if want is None else want)]
        if not rows:
            problems.append(f"key figure {key}: {want!r} not on {OVERVIEW}")
        covered |= {(OVERVIEW, i, 1) for i in rows}
    forv = summary.table("forvaltningar")
    exact = {(str(r[0]), v) for r in forv.rows[:-1] for v in r[1:3] if _number(v)}
    for i, row in enumerate(grids.get(HIDDEN_CHART_DATA, [])[1:], start=1):
        for c, value in enumerate(row[1:3], start=1):
            if _number(value):
                if (str(row[0]), value) not in exact:
                    problems.append(f"{HIDDEN_CHART_DATA} row {i}: {row[0]} {value}")
                covered.add((HIDDEN_CHART_DATA, i, c))
    for sheet, grid in grids.items():
        for r, row in enumerate(grid):
            for c, value in enumerate(row):
                if _number(value) and (sheet, r, c) not in covered:
                    problems.append(f"{sheet} row {r + 1} column {c + 1}: {value!r} is in no "
                                    "attacked table")
    return problems


@pytest.mark.slow
@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10**9), places=st.integers(5, 200), forvaltningar=st.integers(2, 6))
def test_every_published_figure_is_an_attacked_one(seed, places, forvaltningar):
    register, facts = _generated(seed, places, forvaltningar)
    reports = _year_reports(register, facts)
    for summary in reports:
        assert published_but_not_attacked(summary) == [], summary.period.label
    assert attack(reports, 5) == []


def test_a_number_added_to_the_workbook_is_found(monkeypatch):
    """The check can fail: a writer that puts one more figure on a sheet is caught."""
    from addin.steering import workbook

    register, facts = _generated(7, 60, 3)
    summary = _year_reports(register, facts)[-1]
    original = workbook.build_workbook

    def leaky(s):
        wb = original(s)
        wb["Kön"]["H3"] = 2  # a small count no table holds
        return wb

    monkeypatch.setattr(workbook, "build_workbook", leaky)
    assert any("Kön row 3 column 8" in p for p in published_but_not_attacked(summary))
