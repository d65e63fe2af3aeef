"""The steering-group workbook: suppressed figures, merged health forms, nothing personal, no formulas."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date, datetime

import openpyxl
import pytest

from addin.steering import service
from addin.core.tally import tally

from tests import xlsxproof

from .pii import assert_no_personal_data, personal_data

NOW = datetime(2026, 11, 27, 9, 0)


def _book(registers, **kw):
    kw.setdefault("today", date(2026, 11, 27))
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


def _numbers(ws) -> list:
    return [c.value for row in ws.iter_rows() for c in row if c.value is not None]


def test_places_per_forvaltning_are_all_numbers_equal_to_the_tally(example_register):
    _, wb = _book([example_register])
    headers, body = _table(wb["Förvaltningar"], "Förvaltning")
    t = tally([example_register], date(2026, 1, 1), date(2026, 12, 31))
    assert [r[0] for r in body] == [f.name for f in t.forvaltningar] + ["Totalt"]
    cells = [v for r in body for v in r[1:]]
    assert all(isinstance(v, int) for v in cells)  # every cell a number: nothing hidden
    for row, f in zip(body, t.forvaltningar):
        assert row[1:6] == [f.mal, f.counts.platser, f.counts.paborjade, f.counts.pagaende,
                            f.counts.avslutade + f.counts.avbrutna]


def test_outcomes_are_pooled_never_a_small_count(example_register):
    _, wb = _book([example_register])
    ws = wb["Utfall"]
    values = _numbers(ws)
    assert not any(isinstance(v, str) and v.startswith("<") for v in values)
    headers, body = _table(ws, "Förvaltning")
    assert any(r[0] == "Övriga förvaltningar (sammanslagna)" for r in body)
    assert len(body) >= 3  # at least one förvaltning of its own, the pool and the total
    ended = headers.index("Avslutade eller avbrutna")
    for row in body:
        for c, header in enumerate(headers[1:], start=1):
            v = row[c]
            if isinstance(v, int):
                assert v == 0 or v >= 5, (row[0], header, v)
                if header in ("Avslutade", "Avbrutna", "Till arbete eller studier vid avslut"):
                    assert row[ended] - v == 0 or row[ended] - v >= 5, (row[0], header)


def test_kon_breakdown_in_the_workbook(example_register):
    _, wb = _book([example_register])
    headers, body = _table(wb["Kön"], "Kön")
    names = [r[0] for r in body]
    assert "Kvinna" in names and "Man" in names
    t = tally([example_register], date(2026, 1, 1), date(2026, 12, 31))
    kon = {g.name: g.counts for g in t.kon}
    for row in body:
        if row[0] in ("Kvinna", "Man"):
            assert row[headers.index("Platser")] == kon[row[0]].platser
            assert row[headers.index("Avbrutna")] == kon[row[0]].avbrutna
    assert _table(wb["Kön"], "Kön")[1][-1][0] == "Totalt"
    intyg_headers = [r for r in wb["Kön"].iter_rows(values_only=True)
                     if r[0] == "Kön" and "Utfärdade kompetensintyg" in r]
    assert intyg_headers, "certificates by kön"


def test_shares_only_with_a_denominator_of_ten(example_register):
    _, wb = _book([example_register])
    headers, body = _table(wb["Utfall"], "Förvaltning")
    ended = headers.index("Avslutade eller avbrutna")
    share = headers.index("Andel till arbete eller studier vid avslut")
    for row in body:
        if isinstance(row[share], float):
            assert isinstance(row[ended], int) and row[ended] >= 10
        else:
            assert row[share] == "–"
    total = body[-1]
    assert total[share] == pytest.approx(
        total[headers.index("Till arbete eller studier vid avslut")] / total[ended])


def test_health_forms_are_merged_and_never_named(example_register):
    package, wb = _book([example_register])
    health = [a for a in example_register.catalog.anstallningsformer.values() if a.rojer_halsouppgift]
    assert health
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
    cell = xlsxproof.cell_facts(path, "Förvaltningar", xlsxproof.find(path, "Förvaltningar", evil))
    assert not cell.formula and cell.quote_prefix


def test_several_workbooks_use_the_strictest_threshold(example_register):
    strict = replace(example_register, source="strikt.xlsx", placements=[],
                     settings=replace(example_register.settings, minsta_antal=10))
    package, wb = _book([example_register, strict])
    assert package.summary.threshold == 10
    for v in _numbers(wb["Utfall"]) + _numbers(wb["Kön"]):
        if isinstance(v, int):
            assert v == 0 or v >= 10


def test_the_overview_says_what_when_from_what_and_preliminar(example_register):
    _, wb = _book([example_register])
    assert wb.sheetnames[0] == "Översikt"
    text = " ".join(str(c.value) for row in wb["Översikt"].iter_rows() for c in row if c.value)
    assert "Helår 2026" in text
    assert "2026-11-27 09:00" in text
    assert "exempel.xlsx" in text
    assert "Preliminär: underlaget har 8 fel och 1 varning." in text
    assert "intygsregist" in text  # where the certificates are counted, in words


def test_charts_draw_no_series_without_bars(example_register):
    _, wb = _book([example_register])
    charts = [(ws, chart) for ws in wb.worksheets for chart in ws._charts]
    assert len(charts) >= 3
    for ws, chart in charts:
        for series in chart.series:
            ref = series.val.numRef.f
            sheet, cells = ref.rsplit("!", 1)
            source = wb[sheet.strip("'")]
            first, last = cells.replace("$", "").split(":")
            values = [c.value for row in source[first:last] for c in row]
            assert any(isinstance(v, int) and v > 0 for v in values), (ws.title, ref)


def test_an_empty_period_still_builds(example_register):
    package, wb = _book([example_register], period_from=date(2019, 1, 1),
                        period_to=date(2019, 4, 30))
    assert package.summary.period.label.startswith("Tertial 1 2019")
    assert _column(wb["Förvaltningar"], "Förvaltning", "Påbörjade")["Totalt"] == 0
