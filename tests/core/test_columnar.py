"""Reading a sheet a column at a time gives the records and problems row-by-row reading gives.

The reference is the row-by-row reading itself (``columnar.records`` with the column path turned
off); the sheets are made of the values that tell the two apart if anything is amiss: error values
in English and Swedish, text that starts like a formula, decomposed Å, blank rows of every kind,
short rows, ``True`` beside ``1``, ``1`` beside ``1.0``, dates as text, as dates and as serials,
values that cannot be keys.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from addin.core import columnar, reading, schema
from addin.core.model import RawSheet
from tests.builders import TODAY, assessment, book, placement

TEXTS = ["P0001", " P0001 ", "P0002", "", None, "   ", "#N/A", "#SAKNAS!", "#hashtag", "=SUMMA(A1)",
         "+46 40", "-", "@x", "\tflik", "A\u030angest", "Ångest", 1, 1.0, True, False, 0, 2.5,
         date(2026, 3, 1), datetime(2026, 3, 1, 12, 30), ["inte", "en", "nyckel"]]
DATES = ["2026-03-01", "2026-03-01T00:00:00.000Z", " 2026-03-02 ", "2026-13-01", "1899-12-30",
         "1999-12-31", "2090-01-01", date(2026, 3, 1), datetime(2026, 3, 1), 46082, 46082.0,
         "mars", "", None, "#N/A", "#VÄRDEFEL!", True, 1]
LEVELS = [0, 1, 2, 2.0, "2", " 3 ", 2.5, "tre", True, False, 1.0, None, "", "#REF!", "   "]

BLANK_ROWS = [[], [None], [""], ["  "], [None, "", "   ", None]]


def _read_both(sheet: RawSheet, read) -> tuple[tuple[list, list], tuple[list, list]]:
    """(records, problems) by columns where it can, and row by row only."""
    results = []
    for by_columns in (True, False):
        raw = book()
        raw[sheet.name] = sheet
        b = reading._Book(raw, TODAY)
        if by_columns:
            records = read(b)
        else:
            original = columnar._by_columns
            columnar._by_columns = _refuse
            try:
                records = read(b)
            finally:
                columnar._by_columns = original
        results.append((records, b.problems))
    return results[0], results[1]


def _refuse(*args, **kwargs):
    raise columnar._RowByRow


def _sheet(spec: schema.SheetSpec, rows: list[list], headers: list[str] | None = None) -> RawSheet:
    return RawSheet(spec.name, headers or list(spec.headers),
                    [(i, row) for i, row in enumerate(rows, start=2)])


SPEC_B = schema.SPEC_BY_NAME[schema.BEDOMNINGAR]
SPEC_M = schema.SPEC_BY_NAME[schema.MERVARDE]


def _palette(draw, values: list) -> list:
    # a few values per column, so that most sheets are free of what sends a sheet row by row
    # (a list, True beside 1) and the column path runs
    return draw(st.lists(st.sampled_from(values), min_size=1, max_size=5, unique_by=repr))


@st.composite
def assessment_sheets(draw) -> RawSheet:
    palettes = [_palette(draw, TEXTS), _palette(draw, DATES),
                ["Uppföljning 1", "Slutbedömning", " Uppföljning 1", None],
                ["Språk", "Yrkeskompetens", "#N/A", ""], _palette(draw, TEXTS),
                _palette(draw, LEVELS), _palette(draw, TEXTS), _palette(draw, TEXTS)]
    rows = []
    for _ in range(draw(st.integers(0, 25))):
        kind = draw(st.integers(0, 9))
        if kind == 0:
            rows.append(draw(st.sampled_from(BLANK_ROWS)))
            continue
        row = [draw(st.sampled_from(p)) for p in palettes]
        if kind == 1:  # a short row, as a reader may give when the last cells are empty
            row = row[:draw(st.integers(1, 7))]
        rows.append(row)
    return _sheet(SPEC_B, rows)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(assessment_sheets())
def test_assessments_by_columns_as_row_by_row(sheet):
    by_columns, row_by_row = _read_both(sheet, reading.read_assessments)
    assert by_columns == row_by_row
    event("by columns" if _takes_columns(sheet) else "row by row")


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(st.sampled_from(TEXTS[:-1] + DATES[:-2]), min_size=0, max_size=7),
                max_size=20))
def test_mervarde_by_columns_as_row_by_row(rows):
    by_columns, row_by_row = _read_both(_sheet(SPEC_M, rows), reading.read_mervarden)
    assert by_columns == row_by_row


SPEC_P = schema.SPEC_BY_NAME[schema.PLATSER]
PERCENTS = [75, 0.5, "75 %", "75%", "hel", 1, True, None, "", "#DIV/0!", 100.0]


@st.composite
def placement_sheets(draw) -> RawSheet:
    # every column of Platser, "Arbetsuppgifter (engelska)" there or not: text a certificate
    # prints that starts like a formula is a problem that leaves the row readable
    headers = list(SPEC_P.headers)
    english = draw(st.booleans())
    if english:
        headers.append("Arbetsuppgifter" + schema.EN)
    palettes = []
    for header in headers:
        kind = DATES if "datum" in header.casefold() else (
            PERCENTS if header == "Sysselsättningsgrad" else TEXTS)
        palettes.append(_palette(draw, kind))
    rows = []
    for _ in range(draw(st.integers(0, 15))):
        if draw(st.integers(0, 9)) == 0:
            rows.append(draw(st.sampled_from(BLANK_ROWS)))
        else:
            rows.append([draw(st.sampled_from(p)) for p in palettes])
    return _sheet(SPEC_P, rows, headers)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(placement_sheets())
def test_placements_by_columns_as_row_by_row(sheet):
    by_columns, row_by_row = _read_both(sheet, reading.read_placements)
    assert by_columns == row_by_row
    event("by columns" if _takes_columns(sheet) else "row by row")


def test_a_placement_with_a_value_that_cannot_be_read_is_unreadable_and_others_are_not():
    good = placement()
    rows = [[good.get(h) for h in SPEC_P.headers] for _ in range(4)]
    at = SPEC_P.headers.index
    rows[1][at("Slutdatum")] = "#N/A"              # cannot be read: left out of the tally
    rows[2][at("Arbetsplats")] = "=HYPERLÄNK(A1)"  # a problem, but the row is read
    by_columns, row_by_row = _read_both(_sheet(SPEC_P, rows), reading.read_placements)
    assert by_columns == row_by_row
    records, problems = by_columns
    assert [p.unreadable for p in records] == [False, True, False, False]
    assert [(p.row, p.column) for p in problems] == [(3, "Slutdatum"), (4, "Arbetsplats")]


def _takes_columns(sheet: RawSheet) -> bool:
    raw = book()
    raw[sheet.name] = sheet
    b = reading._Book(raw, TODAY)
    r = b.rows(sheet.name, dated=True)
    try:
        columnar._by_columns(r, _cells, [(r.text, h) for h in r.index])
    except columnar._RowByRow:
        return False
    return True


def _cells(*values):
    return values


def _plain_assessments(n: int) -> list[list]:
    rows = []
    for i in range(n):
        a = assessment(PlatsID=f"P{i % 40:04d}", Nivå=i % 5)
        rows.append([a.get(h) for h in SPEC_B.headers])
    return rows


def test_a_clean_sheet_is_read_by_columns():
    # the column path must really run, or the comparisons above compare row by row with itself
    sheet = _sheet(SPEC_B, _plain_assessments(200))
    raw = book()
    raw[sheet.name] = sheet
    b = reading._Book(raw, TODAY)
    r = b.rows(schema.BEDOMNINGAR, dated=True)
    got = columnar._by_columns(r, _cells, ((r.text, "PlatsID"), (r.int, "Nivå")))
    assert got[:2] == [(2, "P0000", 0), (3, "P0001", 1)]


def test_problems_keep_their_rows_and_order():
    rows = _plain_assessments(6)
    rows[1][5] = "tre"            # Nivå, row 3
    rows[4][1] = "#N/A"           # Datum, row 6
    rows[4][5] = True             # Nivå, row 6 (beside numbers: this sheet goes row by row)
    rows[2] = [None] * 8          # a blank row 4, skipped
    by_columns, row_by_row = _read_both(_sheet(SPEC_B, rows), reading.read_assessments)
    assert by_columns == row_by_row
    records, problems = by_columns
    assert [a.row for a in records] == [2, 3, 5, 6, 7]
    assert [(p.row, p.column) for p in problems] == [(3, "Nivå"), (6, "Datum"), (6, "Nivå")]


def test_a_value_that_gives_a_problem_is_read_row_by_row_where_it_stands():
    rows = _plain_assessments(5)
    rows[3][1] = "2026-02-30"     # no such date, row 5
    raw = book()
    raw[SPEC_B.name] = _sheet(SPEC_B, rows)
    b = reading._Book(raw, TODAY)
    r = b.rows(schema.BEDOMNINGAR, dated=True)
    got = columnar._by_columns(r, _cells, ((r.text, "PlatsID"), (r.date, "Datum")))
    assert [day for _, _, day in got] == [date(2026, 7, 10)] * 3 + [None, date(2026, 7, 10)]
    assert [(p.row, p.column, p.value) for p in b.problems] == [(5, "Datum", "2026-02-30")]


def test_an_optional_column_the_workbook_lacks_reads_as_empty():
    headers = [h for h in SPEC_M.headers if h != "Kommentar"]
    sheet = RawSheet(SPEC_M.name, headers, [(2, ["P0001", "2026-03-01", "Individ", "X", "Ja"])])
    raw = book()
    raw[SPEC_M.name] = sheet
    b = reading._Book(raw, TODAY)
    r = b.rows(schema.MERVARDE, dated=True)
    got = columnar.records(r, _cells, ((r.text, "PlatsID"), (r.optional, "Kommentar")))
    assert got == [(2, "P0001", "")]


@pytest.mark.parametrize("column", [[True, 1, 1.0], [False, 0], [1, True]])
def test_a_boolean_beside_a_number_sends_the_sheet_row_by_row(column):
    with pytest.raises(columnar._RowByRow):
        columnar._distinct(column)


def test_the_example_register_reads_the_same_both_ways():
    from addin.xlsx.reader import read_raw_book

    raw = read_raw_book(Path(__file__).parents[2] / "workbooks" / "exempel.xlsx")
    for name, read in ((schema.BEDOMNINGAR, reading.read_assessments),
                       (schema.MERVARDE, reading.read_mervarden)):
        by_columns, row_by_row = _read_both(raw[name], read)
        assert by_columns == row_by_row
        assert len(by_columns[0]) > 1000
