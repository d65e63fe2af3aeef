"""Fuzzing: whatever the cells hold, validate and tally never raise and never change a cell."""

from __future__ import annotations

import copy
import shutil
from datetime import date, datetime
from pathlib import Path

import openpyxl
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from addin.core import checks, schema
from addin import operations
from addin.core.reading import load_register
from addin.core.tally import tally
from tests.builders import TODAY, book, participant, placement

ROOT = Path(__file__).resolve().parents[2]

formula_like = st.sampled_from(["=1+1", "+46 40 34 10 00", "-5", "@SUM(A1)", "\t=x", "\r=y",
                                '=HYPERLINK("http://x","y")'])
date_text = st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31)).map(str)
cell = st.one_of(
    st.none(), st.text(max_size=30), formula_like, date_text,
    st.integers(min_value=-10**13, max_value=10**13),
    st.floats(allow_nan=True, allow_infinity=True),
    st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 1, 1)),
    st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2200, 1, 1)),
    st.booleans(), st.sampled_from(["", "  ", "Avslutad", "Pågående", "Serviceförvaltningen",
                                    "Lokalvård", "P1", "D1", "19121212-1212", "75 %"]),
)


# What an .xlsx can hold: Excel's numbers stop below 1e308 (openpyxl writes the largest doubles
# rounded up, so they read back as infinity) and its times at milliseconds.
excel_cell = st.one_of(
    st.none(), st.text(max_size=30), formula_like, date_text,
    st.integers(min_value=-10**13, max_value=10**13),
    st.floats(min_value=-1e300, max_value=1e300, allow_nan=False),
    st.dates(min_value=date(1900, 3, 1), max_value=date(2200, 1, 1)),
    st.datetimes(min_value=datetime(1900, 3, 1), max_value=datetime(2200, 1, 1)).map(
        lambda d: d.replace(microsecond=0)),
    st.booleans(), st.sampled_from(["", "  ", "Avslutad", "Serviceförvaltningen", "P1", "D1"]),
)


def rows_for(sheet: str, values=cell):
    headers = schema.SPEC_BY_NAME[sheet].headers
    return st.lists(st.fixed_dictionaries({h: values for h in headers}), max_size=6)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows_for(schema.DELTAGARE), rows_for(schema.PLATSER), rows_for(schema.BEDOMNINGAR),
       rows_for(schema.MERVARDE), st.dictionaries(st.sampled_from(schema.SETTING_KEYS), cell))
def test_core_never_raises_and_never_changes_input(deltagare, platser, bedomningar, mervarde,
                                                   settings_values):
    raw = book(participants=[participant()] + deltagare, placements=[placement()] + platser,
               assessments=bedomningar, mervarden=mervarde, settings=settings_values)
    before = copy.deepcopy(raw)
    reg = load_register(raw, today=TODAY)
    problems = checks.validate(reg, TODAY)
    start = reg.settings.period_from or date(2026, 1, 1)
    result = tally([reg], start, max(start, reg.settings.period_to or start))
    assert raw == before
    assert all(p.severity in ("Fel", "Varning") and p.message for p in problems)
    assert_tally_adds_up(result, rows=1 + len([r for r in platser if any(
        v is not None and str(v).strip() for v in r.values())]))


def assert_tally_adds_up(result, rows: int) -> None:
    """What WORKBOOK.md's definitions imply whatever the rows hold."""
    fields = list(result.total.__dataclass_fields__)
    for name in fields:  # every counted row is in exactly one förvaltning
        assert getattr(result.total, name) == sum(getattr(g.counts, name)
                                                  for g in result.forvaltningar), name
    t = result.total
    assert t.platser <= rows - result.utelamnade_rader  # a counted row counts once
    ended = t.avslutade + t.avbrutna
    assert t.pagaende <= t.platser and ended <= t.platser and t.med_mervarde <= t.platser
    assert t.till_arbete_eller_studier <= ended and t.med_utfall_efter_90 <= ended
    assert t.till_arbete_eller_studier_efter_90 <= t.med_utfall_efter_90
    assert t.utfardade_intyg <= t.avslutade


def _data(ws) -> list[tuple]:
    """A sheet's rows as data: an empty text cell is no data (openpyxl writes it back as an empty
    cell), and rows with no data at the end are not rows of the register."""
    rows = [tuple(None if v == "" else v for v in r) for r in ws.iter_rows(values_only=True)]
    while rows and all(v is None for v in rows[-1]):
        rows.pop()
    return rows


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                HealthCheck.function_scoped_fixture])
@given(rows_for(schema.PLATSER, excel_cell))
def test_validate_out_changes_no_data_cell_of_a_real_file(tmp_path_factory, platser):
    folder = tmp_path_factory.mktemp("fuzz")
    path = folder / "register.xlsx"
    shutil.copy(ROOT / "workbooks" / "arbetsmarknadsanstallningar.xlsx", path)
    wb = openpyxl.load_workbook(path)
    ws = wb[schema.PLATSER]
    headers = schema.SPEC_BY_NAME[schema.PLATSER].headers
    for row in platser:
        ws.append([None] * len(headers))
        for c, h in enumerate(headers, start=1):
            value = row[h]
            if isinstance(value, str):
                value = ILLEGAL_CHARACTERS_RE.sub("", value)  # openpyxl cannot store them
            target = ws.cell(row=ws.max_row, column=c)
            target.value = value
            if isinstance(value, str):
                target.data_type = "s"  # store text as text, as Excel would have it
    wb.save(path)
    before = {w.title: _data(w) for w in openpyxl.load_workbook(path).worksheets}
    out = folder / "ut.xlsx"
    operations.validate_workbook(path, out=out, today=TODAY)
    operations.tally_workbooks([path], today=TODAY)
    after_wb = openpyxl.load_workbook(out)
    for title, rows in before.items():
        after = _data(after_wb[title])
        assert len(after) == len(rows), (title, rows, after)
        for old, new in zip(rows, after):
            assert new == old, (title, old, new)

