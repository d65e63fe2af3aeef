"""The calamine reader tells an error value from an empty cell and sees formulas, and a file that
is not a workbook is named for what it is (issue 13)."""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from datetime import date
from pathlib import Path

import docx
import openpyxl
import pytest

from addin import operations
from addin.core import checks
from addin.core.errors import WorkbookUnreadable
from addin.xlsx import cellscan, reader
from addin.xlsx.template import build_workbook
from tests.builders import TODAY, assessment, mervarde, participant, placement

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "workbooks" / "exempel.xlsx"


def _workbook(tmp_path: Path, name: str = "register.xlsx") -> Path:
    """A one-placement register, written by openpyxl, valid as it is."""
    data = {}
    for sheet, row in (("Deltagare", participant()), ("Platser", placement()),
                       ("Bedömningar", assessment()), ("Mervärde", mervarde())):
        data[sheet] = [list(row.values())]
    wb = build_workbook(data, {"Intygsprefix": "TST", "Rapportperiod från": date(2026, 1, 1),
                               "Rapportperiod till": date(2026, 12, 31)})
    path = tmp_path / name
    wb.save(path)
    return path


def _set(path: Path, sheet: str, header: str, value, error: bool = False) -> None:
    wb = openpyxl.load_workbook(path)
    ws = wb[sheet]
    column = [c.value for c in ws[1]].index(header) + 1
    cell = ws.cell(row=2, column=column)
    cell.value = value
    if error:
        cell.data_type = "e"
    wb.save(path)


def _problems(path: Path):
    reg = operations.read_register(path, TODAY)
    return [(p.sheet, p.row, p.column, p.value) for p in checks.validate(reg, TODAY)]


def test_the_written_register_is_valid(tmp_path: Path):
    assert _problems(_workbook(tmp_path)) == []


@pytest.mark.parametrize("code", ["#N/A", "#REF!", "#DIV/0!", "#VALUE!"])
def test_an_error_value_is_read_as_the_error_not_as_an_empty_cell(tmp_path: Path, code):
    path = _workbook(tmp_path)
    _set(path, "Platser", "Utfall efter 90 dagar", code, error=True)
    raw = reader.read_raw_book(path)
    assert code in raw["Platser"].rows[0][1]
    assert _problems(path) == [("Platser", 2, "Utfall efter 90 dagar", code)]


def test_an_error_in_a_required_column_is_not_called_missing(tmp_path: Path):
    path = _workbook(tmp_path)
    _set(path, "Deltagare", "Efternamn", "#N/A", error=True)
    reg = operations.read_register(path, TODAY)
    [p] = checks.validate(reg, TODAY)
    assert (p.column, p.value) == ("Efternamn", "#N/A") and "felvärde" in p.message


def test_a_formula_in_a_name_is_flagged_at_its_cell(tmp_path: Path):
    path = _workbook(tmp_path)
    _set(path, "Deltagare", "Förnamn", '=HYPERLINK("https://example.org","Anna")')
    assert _problems(path) == [("Deltagare", 2, "Förnamn", "")]


def test_text_that_starts_like_a_formula_is_flagged_in_a_name(tmp_path: Path):
    path = _workbook(tmp_path)
    wb = openpyxl.load_workbook(path)
    cell = wb["Deltagare"]["B2"]
    cell.value, cell.data_type = '=HYPERLINK("https://example.org","Anna")', "s"
    wb.save(path)
    assert _problems(path) == [("Deltagare", 2, "Förnamn",
                                '=HYPERLINK("https://example.org","Anna")')]


def test_the_text_1899_12_30_as_startdatum_is_a_fel_at_startdatum(tmp_path: Path):
    path = _workbook(tmp_path)
    _set(path, "Platser", "Startdatum", "1899-12-30")
    assert _problems(path) == [("Platser", 2, "Startdatum", "1899-12-30")]


def test_the_scan_finds_cells_in_any_attribute_order_and_prefix():
    data = (b'<x:worksheet><x:sheetData><x:row r="3"><x:c t="e" s="1" r="AB3"><x:v>#REF!</x:v>'
            b'</x:c><x:c r="C3"><x:f>A1</x:f><x:v>1</x:v></x:c><x:c r="D3" t=\'e\'><x:f>1/0'
            b'</x:f><x:v>#DIV/0!</x:v></x:c></x:row></x:sheetData></x:worksheet>')
    facts = cellscan.scan_part(data)
    assert facts.errors == {(3, 27): "#REF!", (3, 3): "#DIV/0!"}
    assert facts.formulas == {(3, 2), (3, 3)}


def test_the_example_has_no_error_values_or_formulas():
    facts = cellscan.scan(EXAMPLE, {"Deltagare", "Platser", "Bedömningar", "Mervärde"})
    assert all(not f.errors and not f.formulas for f in facts.values())


@pytest.mark.slow
def test_a_workbook_saved_by_libreoffice_keeps_its_errors_and_formulas(tmp_path: Path):
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice saknas")
    path = _workbook(tmp_path, "calc.xlsx")
    _set(path, "Platser", "Utfall efter 90 dagar", "=NA()")
    _set(path, "Deltagare", "Efternamn", "=A2")
    out = tmp_path / "out"
    subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo",
                    "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(out), str(path)],
                   check=True, capture_output=True, timeout=180)
    assert _problems(out / "calc.xlsx") == [("Deltagare", 2, "Efternamn", "D1"),
                                            ("Platser", 2, "Utfall efter 90 dagar", "#N/A")]


# --- a file's real type ------------------------------------------------------------------------

def test_an_xlsx_renamed_to_xls_is_named_so(tmp_path: Path):
    path = _workbook(tmp_path)
    renamed = path.rename(tmp_path / "register.xls")
    with pytest.raises(WorkbookUnreadable, match=r"Excel-arbetsbok \(.xlsx\) med fel filändelse "
                                                 r"\(.xls\).*register.xlsx"):
        reader.read_raw_book(renamed)


def test_a_word_document_is_named_so(tmp_path: Path):
    path = tmp_path / "register.xlsx"
    docx.Document().save(path)
    with pytest.raises(WorkbookUnreadable, match=r"Word-dokument \(.docx\)"):
        reader.read_raw_book(path)


def test_an_opendocument_spreadsheet_is_named_so(tmp_path: Path):
    path = tmp_path / "register.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", "<office:document-content/>")
    with pytest.raises(WorkbookUnreadable, match="OpenDocument"):
        reader.read_raw_book(path)


@pytest.mark.parametrize("content, kind", [
    (b"", "tom"),
    (b"%PDF-1.7\n", "PDF-fil"),
    (b"<html><body><table><tr><td>1</td></tr></table></body></html>", "webbsida"),
    ("PlatsID;Förvaltning\nP1;Stadskontoret\n".encode("cp1252"), "textfil"),
    ("PlatsID;Förvaltning\nP1;Stadskontoret\n".encode(), "textfil"),
])
def test_other_files_are_named_for_what_they_are(tmp_path: Path, content, kind):
    path = tmp_path / "register.xlsx"
    path.write_bytes(content)
    with pytest.raises(WorkbookUnreadable, match=kind):
        reader.read_raw_book(path)


@pytest.mark.slow
def test_an_old_xls_with_the_xlsx_extension_is_named_so(tmp_path: Path):
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice saknas")
    subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo",
                    "--convert-to", "xls", "--outdir", str(tmp_path), str(_workbook(tmp_path))],
                   check=True, capture_output=True, timeout=180)
    disguised = (tmp_path / "register.xls").rename(tmp_path / "gammal.xlsx")
    with pytest.raises(WorkbookUnreadable, match=r"äldre Excel-fil \(.xls\) fast filändelsen är "
                                                 r".xlsx"):
        reader.read_raw_book(disguised)
