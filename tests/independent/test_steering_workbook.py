"""Every figure of the steering workbook against the independent count.

The workbook is written by `amanst steering --out`, as a coordinator makes it, and read back with
openpyxl; tests/independent/steering.py checks each shown number, `<5`, `..`, share and pooled row.
"""

from __future__ import annotations

import contextlib
import io
from datetime import date
from pathlib import Path

import pytest

from addin.cli import main as cli
from tests.independent import count, steering
from tests.independent.test_tally_json import TODAY

PERIODS = [(date(2026, 1, 1), date(2026, 12, 31)), (date(2026, 1, 1), date(2026, 8, 31)),
           (date(2026, 9, 1), date(2026, 12, 31)), (date(2025, 1, 1), date(2025, 12, 31)),
           (date(2025, 11, 15), date(2026, 2, 14))]


def product_workbook(paths: list[Path], start: date, end: date, out: Path) -> Path:
    """The product counts certificates in the register `amanst issue` wrote (conftest), the count
    in the Intygsregister sheet the same run wrote as its copy."""
    printed = io.StringIO()
    register = paths[0].parent / "register.sqlite3"
    with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(printed):
        code = cli.main(["steering", *map(str, paths), "--from", start.isoformat(), "--to",
                         end.isoformat(), "--out", str(out), "--today", TODAY,
                         "--register", str(register)])
    assert code == 0, printed.getvalue()
    return out


@pytest.mark.parametrize("start, end", PERIODS, ids=lambda d: d.isoformat())
def test_example_with_certificates(example_with_certificates, tmp_path, start, end):
    out = product_workbook([example_with_certificates], start, end, tmp_path / "styrgrupp.xlsx")
    books = [count.read_book(example_with_certificates)]
    assert steering.check_workbook(out, books, count.Period(start, end)) == []


def test_the_checker_catches_a_wrong_figure(example_with_certificates, tmp_path):
    """The comparison can fail: change one shown count in the product's workbook."""
    import openpyxl

    start, end = PERIODS[0]
    out = product_workbook([example_with_certificates], start, end, tmp_path / "styrgrupp.xlsx")
    books = [count.read_book(example_with_certificates)]
    wb = openpyxl.load_workbook(out)
    ws = wb["Förvaltningar"]
    cell = next(c for row in ws.iter_rows() for c in row
                if isinstance(c.value, int) and c.value >= 10 and c.column > 2)
    cell.value += 1
    wb.save(out)
    problems = steering.check_workbook(out, books, count.Period(start, end))
    assert len(problems) == 1 and f"shows {cell.value}," in problems[0]


def test_the_checker_catches_a_wrong_pooled_row(example_with_certificates, tmp_path):
    """A pooled row must be the sum of the groups not named: change one of its counts."""
    import openpyxl

    start, end = PERIODS[0]
    out = product_workbook([example_with_certificates], start, end, tmp_path / "styrgrupp.xlsx")
    books = [count.read_book(example_with_certificates)]
    wb = openpyxl.load_workbook(out)
    cell = next(row[1] for row in wb["Utfall"].iter_rows()
                if isinstance(row[0].value, str) and row[0].value.endswith("(sammanslagna)")
                and isinstance(row[1].value, int))
    cell.value += 1
    wb.save(out)
    problems = steering.check_workbook(out, books, count.Period(start, end))
    assert len(problems) == 1 and "(sammanslagna)" in problems[0], problems
