"""Every figure of `amanst tally --json` against the independent count (tests/independent/count.py).

The product runs as a user runs it, through the command line; the count reads the same files with
openpyxl. Compared on the example for the standard periods of its years, on several workbooks at
once, and on the example after certificates were issued (so `utfardade_intyg` is not just zeros).
"""

from __future__ import annotations

import contextlib
import io
import json
from datetime import date
from pathlib import Path

import pytest

from addin.cli import main as cli
from tests.independent import count

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "workbooks" / "exempel.xlsx"
TODAY = "2026-11-27"

# the standard periods (tertials, delår Jan–Aug, helår) of the example's two years, and a quarter
PERIODS = [(date(y, m1, 1), date(y, m2, d2)) for y in (2025, 2026)
           for m1, m2, d2 in ((1, 4, 30), (5, 8, 31), (9, 12, 31), (1, 8, 31), (1, 12, 31))]
PERIODS.append((date(2026, 2, 1), date(2026, 4, 30)))


def product_tally(paths: list[Path], start: date, end: date) -> dict:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = cli.main(["tally", *map(str, paths), "--from", start.isoformat(), "--to",
                         end.isoformat(), "--json", "--today", TODAY])
    assert code == 0
    return json.loads(out.getvalue())


def assert_same(product: dict, independent: dict) -> None:
    """Field by field, so a failure names the figure and the group."""
    assert product.keys() == independent.keys()
    for key, expected in independent.items():
        got = product[key]
        if isinstance(expected, list) and expected and isinstance(expected[0], dict):
            assert [list(g.items())[0] for g in got] == [list(g.items())[0] for g in expected], key
            for g, e in zip(got, expected):
                assert g == e, (key, next(iter(e.values())),
                                {k: (g.get(k), v) for k, v in e.items() if g.get(k) != v})
        else:
            assert got == expected, key


@pytest.mark.parametrize("start, end", PERIODS, ids=lambda d: d.isoformat())
def test_example(start, end):
    assert_same(product_tally([EXAMPLE], start, end), count.tally_json([EXAMPLE], start, end))


def test_every_tally_figure_is_counted():
    """A figure the product adds to the JSON without an independent count fails here."""
    start, end = date(2026, 1, 1), date(2026, 12, 31)
    product = product_tally([EXAMPLE], start, end)
    independent = count.tally_json([EXAMPLE], start, end)
    for key in ("forvaltningar", "yrkesomraden", "anstallningsformer", "mervarden"):
        assert set(product[key][0]) == set(independent[key][0]), key
    assert set(product["totalt"]) == set(independent["totalt"])
    assert set(product) == set(independent)


def test_two_workbooks_and_the_example_with_certificates(example_with_certificates, tmp_path):
    other = tmp_path / "andra.xlsx"
    other.write_bytes(EXAMPLE.read_bytes())
    paths = [example_with_certificates, other]
    start, end = date(2026, 1, 1), date(2026, 12, 31)
    independent = count.tally_json(paths, start, end)
    assert independent["totalt"]["utfardade_intyg"] > 20  # the count sees the certificates
    assert_same(product_tally(paths, start, end), independent)
