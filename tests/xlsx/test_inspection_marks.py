"""The look before parsing notes which sheets may hold a formula or an error value, so that only
those are read again (addin/xlsx/safety.py, cellscan): a sheet with either must never go unmarked.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
from openpyxl.worksheet.datavalidation import DataValidation

from addin.xlsx import safety


def _book(tmp_path: Path, fill) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Platser"
    ws.append(["PlatsID", "Startdatum"])
    ws.append(["P1", "2026-01-01"])
    fill(ws)
    path = tmp_path / "bok.xlsx"
    wb.save(path)
    return path


def test_a_plain_sheet_with_a_data_validation_is_not_marked(tmp_path):
    def validation(ws):  # <formula1> of a list validation is no cell formula
        dv = DataValidation(type="list", formula1='"Ja,Nej"')
        ws.add_data_validation(dv)
        dv.add("B2:B10")
    assert safety.inspect_xlsx(_book(tmp_path, validation)).marked == set()


def test_a_formula_marks_its_sheet(tmp_path):
    def formula(ws):
        ws["C2"] = "=B2+1"
    assert safety.inspect_xlsx(_book(tmp_path, formula)).marked == {"xl/worksheets/sheet1.xml"}


def test_an_error_value_marks_its_sheet(tmp_path):
    def error(ws):
        ws["C2"] = "#N/A"
        ws["C2"].data_type = "e"
    assert safety.inspect_xlsx(_book(tmp_path, error)).marked == {"xl/worksheets/sheet1.xml"}


def test_a_formula_element_split_between_chunks_is_found():
    """The scanner reads a part in chunks; a ``<f>`` across the boundary is seen with the tail."""
    scanner = safety._Scanner(sheet=True)
    head = b'<worksheet><sheetData><row r="1"><c r="A1"><'
    assert scanner.feed(head) is None
    assert scanner.feed(b'f>1+1</f></c></row></sheetData></worksheet>') is None
    assert scanner.marked


def test_prefixed_and_self_closing_formula_elements():
    for xml in (b"<x:c><x:f>A1</x:f></x:c>", b'<c r="A1"><f t="shared" si="0"/></c>',
                b"<c><f>A1</f></c>"):
        assert safety._formula_tag(xml), xml
    for xml in (b"<formula1>A1</formula1>", b"<c><v>of fun</v></c>", b"<is><t>f</t></is>"):
        assert not safety._formula_tag(xml), xml
