"""The steering-group workbook: suppressed figures, merged health forms, nothing personal, no formulas."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date, datetime

import openpyxl
import pytest

from addin.steering import service
from addin.core.steering_summary import HEALTH_GROUP, build_summary
from addin.steering.workbook import workbook_bytes
from addin.core.tally import tally

from tests import xlsxproof
from tests.independent import count

from .conftest import EXAMPLE
from .pii import assert_no_personal_data, personal_data

NOW = datetime(2026, 11, 27, 9, 0)


def _book(registers, **kw):
    package = service.prepare(registers, now=NOW, **kw)
    return package, openpyxl.load_workbook(io.BytesIO(package.workbook))


def _table(ws, first_header: str) -> tuple[list[str], list[list]]:
    """The header row that starts with ``first_header`` and the rows below it, to Totalt."""
    rows = list(ws.iter_rows(values_only=True))
    start = next(i for i, r in enumerate(rows) if r[0] == first_header)
    body = []
    for r in rows[start + 1:]:
        body.append(list(r))
        if r[0] == "Totalt":
            break
    return list(rows[start]), body


def _column(ws, first_header: str, header: str) -> dict[str, object]:
    headers, body = _table(ws, first_header)
    c = headers.index(header)
    return {r[0]: r[c] for r in body}


def _recomputable(values: list, total, threshold: int) -> list[int]:
    """Hidden cells of a column that a reader could work out from the total (exact in one dimension)."""
    if not isinstance(total, int):
        return []
    hidden = [i for i, v in enumerate(values) if isinstance(v, str)]
    rest = total - sum(v for v in values if isinstance(v, int))
    ranges = {i: (1, threshold - 1) if values[i].startswith("<") else (threshold, 10**6)
              for i in hidden}
    exposed = []
    for i in hidden:
        lo = max(ranges[i][0], rest - sum(ranges[j][1] for j in hidden if j != i))
        hi = min(ranges[i][1], rest - sum(ranges[j][0] for j in hidden if j != i))
        if lo == hi:
            exposed.append(i)
    return exposed


def test_a_forvaltning_with_few_completed_shows_below_five_and_no_total_gives_it_away(
        example_register):
    _, wb = _book([example_register])
    ws = wb["Förvaltningar"]
    t = count.tally_json([EXAMPLE], date(2026, 1, 1), date(2026, 12, 31))  # not the product's
    few = [r["forvaltning"] for r in t["forvaltningar"] if 1 <= r["avslutade"] <= 4]
    assert few, "the example has förvaltningar with 1-4 completed placements"
    for header in ("Avslutade", "Avbrutna", "Utfärdade kompetensintyg", "Platser", "Påbörjade",
                   "Pågående vid periodens slut", "Till arbete eller studier vid avslut"):
        column = _column(ws, "Förvaltning", header)
        total = column.pop("Totalt")
        values = list(column.values())
        assert not _recomputable(values, total, 5), header
        for v in values:
            assert v in ("<5", "..") or (isinstance(v, int) and (v == 0 or v >= 5)), (header, v)
    avslutade = _column(ws, "Förvaltning", "Avslutade")
    assert all(avslutade[name] == "<5" for name in few)


def test_shares_only_with_a_denominator_of_ten(example_register):
    _, wb = _book([example_register])
    ws = wb["Förvaltningar"]
    headers, body = _table(ws, "Förvaltning")
    ended = headers.index("Avslutade eller avbrutna")
    share = headers.index("Andel till arbete eller studier vid avslut")
    for row in body:
        if isinstance(row[share], float):
            assert isinstance(row[ended], int) and row[ended] >= 10
    assert body[-1][share] == pytest.approx(25 / 53)


def test_health_forms_are_merged_and_never_named(example_register):
    package, wb = _book([example_register])
    health = [a for a in example_register.catalog.anstallningsformer.values() if a.rojer_halsouppgift]
    assert health
    names, _ = zip(*[(r[0], r) for r in _table(wb["Anställningsformer"], "Anställningsform")[1]])
    assert HEALTH_GROUP in names
    text = "\n".join(str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row
                     if c.value is not None)
    for form in health:
        assert form.name not in text
    assert all(form.name not in package.message.get_body(("plain",)).get_content() for form in health)


def test_nothing_personal_in_any_cell(example_register):
    _, wb = _book([example_register])
    cells = [str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row
             if c.value is not None]
    secrets = personal_data(example_register)
    assert len(secrets) > 100  # names, DeltagarID, personnummer, handledare, free text
    assert_no_personal_data(secrets, cells)
    assert "Karin Exempelsson" not in "\n".join(cells)  # the signer in Inställningar, too


def test_a_name_that_looks_like_a_formula_stays_text(example_register, tmp_path):
    evil = '=HYPERLINK("http://x","y")'
    cat = example_register.catalog
    old = "Stadskontoret"
    cat.forvaltningar = {(evil if k == old else k): (replace(v, name=evil) if k == old else v)
                         for k, v in cat.forvaltningar.items()}
    for p in example_register.placements:
        if p.forvaltning == old:
            p.forvaltning = evil
    example_register.settings.values["Organisation"] = "+cmd|' /C calc'!A0"
    package, _ = _book([example_register])
    path = tmp_path / "styrgrupp.xlsx"
    path.write_bytes(package.workbook)
    assert xlsxproof.formulas(path) == []  # read from the file's XML, not through openpyxl
    for sheet, text in (("Förvaltningar", evil), ("Om sammanställningen", "+cmd|' /C calc'!A0")):
        cell = xlsxproof.cell_facts(path, sheet, xlsxproof.find(path, sheet, text))
        assert not cell.formula and cell.quote_prefix, (sheet, text)


def test_several_workbooks_use_the_strictest_threshold(example_register):
    strict = replace(example_register, settings=replace(example_register.settings, minsta_antal=10))
    _, wb = _book([example_register, strict])
    column = _column(wb["Förvaltningar"], "Förvaltning", "Avslutade")
    assert "<10" in column.values()


def test_the_cover_says_what_and_when(example_register):
    _, wb = _book([example_register])
    text = [str(c.value) for row in wb["Om sammanställningen"].iter_rows() for c in row if c.value]
    assert "2026-01-01 – 2026-12-31" in text
    assert "2026-11-27 09:00" in text
    assert "exempel.xlsx" in text
    assert any(t.startswith("Färre än 5") for t in text)


def test_an_empty_period_still_builds(example_register):
    t = tally([example_register], date(2019, 1, 1), date(2019, 3, 31))
    data = workbook_bytes(build_summary(t, 5, NOW))
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert _column(wb["Förvaltningar"], "Förvaltning", "Avslutade")["Totalt"] == 0
    assert _column(wb["Förvaltningar"], "Förvaltning", "Andel avslutade med intyg")["Totalt"] is None
