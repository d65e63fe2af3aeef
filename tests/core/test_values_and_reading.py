"""What real sheets contain: spaces, numbers as text, ISO dates as text, empty rows, extra and
reordered columns, and the differences between readers."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from addin.core import schema
from addin.core.errors import WorkbookStructureError
from addin.core.model import RawSheet
from addin.core.reading import load_register
from addin.core.values import NotAValue, identity_text, text, to_date, to_int, to_percent
from tests.builders import TODAY, assessment, book, participant, placement


@pytest.mark.parametrize("raw, expected", [
    (None, ""), ("  Anna ", "Anna"), (40.0, "40"), (40, "40"), (2.5, "2.5"),
    (date(2026, 1, 2), "2026-01-02"), (datetime(2026, 1, 2), "2026-01-02"), (True, "Ja"),
])
def test_text(raw, expected):
    assert text(raw) == expected


@pytest.mark.parametrize("raw, expected", [
    (date(2026, 3, 1), date(2026, 3, 1)), (datetime(2026, 3, 1, 0, 0), date(2026, 3, 1)),
    (" 2026-03-01 ", date(2026, 3, 1)), ("2026-03-01T00:00:00.000Z", date(2026, 3, 1)),
    ("2026-3-1", date(2026, 3, 1)), (46082, date(2026, 3, 1)), (46082.0, date(2026, 3, 1)),
    (None, None), ("", None), ("   ", None),
])
def test_to_date(raw, expected):
    assert to_date(raw) == expected


@pytest.mark.parametrize("raw", ["2026-02-30", "1 mars", "01/03/2026", 12, 2.5, "２０２６-０３-０１"])
def test_to_date_refuses(raw):
    with pytest.raises(NotAValue):
        to_date(raw)


@pytest.mark.parametrize("raw, expected", [(3, 3), (3.0, 3), (" 3 ", 3), ("3,0", 3), (None, None),
                                           ("", None)])
def test_to_int(raw, expected):
    assert to_int(raw) == expected


@pytest.mark.parametrize("raw", ["tre", 3.5, "3.5", float("nan")])
def test_to_int_refuses(raw):
    with pytest.raises(NotAValue):
        to_int(raw)


@pytest.mark.parametrize("raw, expected", [(0.75, 75), (1, 100), (75, 75), ("75 %", 75),
                                           ("75%", 75), ("0,5", 50), ("100", 100), (None, None)])
def test_to_percent(raw, expected):
    assert to_percent(raw) == pytest.approx(expected)


def test_identity_text_from_excel_numbers():
    assert identity_text(191212121212) == "191212121212"
    assert identity_text(191212121212.0) == "191212121212"
    nine_digits = int("0" + "51212" + "1234")  # a number of someone born in 2005, as Excel keeps it
    assert identity_text(nine_digits) == "0" + str(nine_digits)  # leading zero restored
    assert identity_text(" 121212-1212 ") == "121212-1212"


def _messy(sheet: RawSheet) -> RawSheet:
    """The same sheet with columns reversed, headers padded, an extra column and empty rows."""
    headers = [f"  {h.upper()} " for h in reversed(sheet.headers)] + ["Egen anteckning"]
    rows = []
    for number, values in sheet.rows:
        rows.append((number * 2, list(reversed(values)) + ["min egen text"]))
        rows.append((number * 2 + 1, [None] * len(headers)))
    return RawSheet(sheet.name, headers, rows)


def test_columns_in_another_order_with_extra_columns_and_empty_rows():
    raw = book(participants=[participant()], placements=[placement(
        Startdatum=" 2026-01-12 ", Sysselsättningsgrad="100", Slutdatum="2026-07-10T00:00:00Z")],
        assessments=[assessment(Nivå="3")])
    messy = {name: _messy(s) if name in (schema.PLATSER, schema.BEDOMNINGAR) else s
             for name, s in raw.items()}
    reg = load_register(messy, today=TODAY)
    p = reg.placements[0]
    assert (p.plats_id, p.startdatum, p.slutdatum, p.sysselsattningsgrad) == (
        "P1", date(2026, 1, 12), date(2026, 7, 10), 100)
    assert p.row == 4 and reg.assessments[0].niva == 3
    assert len(reg.placements) == 1 and reg.read_problems == []


def test_missing_sheet_and_column_are_named():
    raw = book()
    del raw[schema.MERVARDE]
    platser = raw[schema.PLATSER]
    raw[schema.PLATSER] = RawSheet(platser.name, [h for h in platser.headers if h != "Status"], [])
    with pytest.raises(WorkbookStructureError) as err:
        load_register(raw, today=TODAY)
    assert "bladet 'Mervärde'" in str(err.value) and "kolumnen 'Status'" in str(err.value)
