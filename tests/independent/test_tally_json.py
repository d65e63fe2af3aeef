"""Every figure of `amanst tally --json` against the independent count (tests/independent/count.py).

The product runs as a user runs it, through the command line; the count reads the same files with
openpyxl. Compared on the example for the standard periods of its years, on several workbooks at
once, and on the example after certificates were issued (so `utfardade_intyg` is not just zeros).
"""

from __future__ import annotations

import contextlib
import io
import json
import tempfile
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


def product_tally(paths: list[Path], start: date, end: date, register: Path | None = None) -> dict:
    """The product's JSON; without ``register`` it counts certificates in the test's own (empty)
    certificate register, so ``utfardade_intyg`` is 0 as in the example's empty Intygsregister."""
    out = io.StringIO()
    if register is None:  # never the session's shared register (tests/excel sets one for all)
        register = Path(tempfile.mkdtemp(prefix="amanst-empty-register-")) / "tom.sqlite3"
    extra = ["--register", str(register)]
    with contextlib.redirect_stdout(out):
        code = cli.main(["tally", *map(str, paths), "--from", start.isoformat(), "--to",
                         end.isoformat(), "--json", "--today", TODAY, *extra])
    assert code == 0
    return json.loads(out.getvalue())


def product_checks(paths: list[Path]) -> tuple[int, int]:
    """(Fel, Varningar) as `amanst validate --json` finds them, summed over the files.

    Not an independent count: the checks are dozens of rules (docs/arbetsboken.md) and a second
    implementation of all of them is not feasible here. What this pins is that the tally's
    ``underlag`` reports the same problems the Kontrollera button does.
    """
    fel = varningar = 0
    for path in paths:
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            cli.main(["validate", str(path), "--json", "--today", TODAY])
        found = json.loads(out.getvalue())
        fel += sum(1 for f in found if f["severity"] == "Fel")
        varningar += sum(1 for f in found if f["severity"] == "Varning")
    return fel, varningar


def assert_basis(product: dict, independent: dict, paths: list[Path],
                 duplicates: bool = False) -> None:
    """``underlag`` and ``utfardade_intyg_kalla`` (docs/styrgrupp.md, README's tally row)."""
    basis = product["underlag"]
    # docs/styrgrupp.md: underlag.kallor are the files given, raknade_kallor those counted
    assert basis["kallor"] == [p.name for p in paths]
    assert basis["raknade_kallor"] == independent["kallor"]
    # docs/styrgrupp.md: the same PlatsID in two workbooks with the same rows "står som en dubblett"
    assert bool(basis["dubbletter"]) == duplicates
    assert len(basis["utelamnade_platser"]) == independent["utelamnade_rader"]
    # a workbook counted once (a copy) is checked once
    counted = [p for p in paths if p.name in basis["raknade_kallor"]]
    assert (basis["fel"], basis["varningar"]) == product_checks(counted)
    assert basis["preliminar"] == (basis["fel"] > 0)
    assert isinstance(basis["text"], str) and basis["text"]
    # README: issued certificates are counted in the certificate register, not the sheet
    assert "intygsregistret" in product["utfardade_intyg_kalla"]


def assert_same(product: dict, independent: dict) -> None:
    """Field by field, so a failure names the figure and the group."""
    assert product.keys() - {"underlag", "utfardade_intyg_kalla"} == independent.keys()
    labels = product["nyckeltal"]
    assert all(isinstance(v["etikett"], str) and v["etikett"] for v in labels.values())
    product = {**product, "nyckeltal": {k: v["varde"] for k, v in labels.items()}}
    for key, expected in independent.items():
        got = product[key]
        if isinstance(expected, list) and expected and isinstance(expected[0], dict):
            def names(groups: list[dict]) -> list:
                return [next(iter(g.items())) for g in groups]
            assert names(got) == names(expected), key
            for g, e in zip(got, expected, strict=False):
                assert g == e, (key, next(iter(e.values())),
                                {k: (g.get(k), v) for k, v in e.items() if g.get(k) != v})
        else:
            assert got == expected, key


@pytest.mark.parametrize("start, end", PERIODS, ids=lambda d: d.isoformat())
def test_example(start, end):
    product = product_tally([EXAMPLE], start, end)
    independent = count.tally_json([EXAMPLE], start, end)
    assert_same(product, independent)
    assert_basis(product, independent, [EXAMPLE])


def test_every_tally_figure_is_counted():
    """A figure the product adds to the JSON without an independent count fails here."""
    start, end = date(2026, 1, 1), date(2026, 12, 31)
    product = product_tally([EXAMPLE], start, end)
    independent = count.tally_json([EXAMPLE], start, end)
    for key in ("forvaltningar", "yrkesomraden", "anstallningsformer", "mervarden", "per_kon"):
        assert set(product[key][0]) == set(independent[key][0]), key
    assert set(product["totalt"]) == set(independent["totalt"])
    assert set(product["nyckeltal"]) == set(independent["nyckeltal"])
    # the two that are not counted here are checked by assert_basis
    assert set(product) == set(independent) | {"underlag", "utfardade_intyg_kalla"}


def test_two_workbooks_and_the_example_with_certificates(example_with_certificates, tmp_path):
    other = tmp_path / "andra.xlsx"
    other.write_bytes(EXAMPLE.read_bytes())
    paths = [example_with_certificates, other]
    start, end = date(2026, 1, 1), date(2026, 12, 31)
    independent = count.tally_json(paths, start, end)
    assert independent["totalt"]["utfardade_intyg"] > 20  # the count sees the certificates
    # the product counts the register `amanst issue` wrote to; the count reads the sheet
    # Intygsregister that the same `issue` wrote as its copy (README: the sheet is a copy)
    register = example_with_certificates.parent / "register.sqlite3"
    product = product_tally(paths, start, end, register)
    # andra.xlsx has the same content (all but the Intygsregister copy): counted once, said so
    assert product["underlag"]["raknade_kallor"] == [example_with_certificates.name]
    assert_same(product, independent)
    assert_basis(product, independent, paths, duplicates=True)


def test_kallor_are_the_files_counted_and_underlag_the_files_given(tmp_path):
    # docs/styrgrupp.md: `kallor` are the files the figures were counted from (a copy counted
    # once stands once); `underlag.kallor` are all the files given
    first, copy = tmp_path / "exempel.xlsx", tmp_path / "kopia.xlsx"
    first.write_bytes(EXAMPLE.read_bytes())
    copy.write_bytes(EXAMPLE.read_bytes())
    start, end = date(2026, 1, 1), date(2026, 12, 31)
    product = product_tally([first, copy], start, end)
    assert product["kallor"] == ["exempel.xlsx"]
    assert product["underlag"]["kallor"] == ["exempel.xlsx", "kopia.xlsx"]
    assert product["underlag"]["raknade_kallor"] == ["exempel.xlsx"]
