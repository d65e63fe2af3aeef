"""Hostile workbooks and hostile text: refused before parsing, or written so nothing runs."""

from __future__ import annotations

import pyexpat
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest

from addin import operations
from addin.core import schema
from addin.core.errors import WorkbookUnreadable
from addin.xlsx import reader
from addin.xlsx.cells import write_value
from tests import xlsxproof

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "workbooks" / "arbetsmarknadsanstallningar.xlsx"

BILLION_LAUGHS = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
                  + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
                             for i in range(1, 10))
                  + b']><workbook>&lol9;</workbook>')
EXTERNAL_ENTITY = (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
                   b"<workbook>&xxe;</workbook>")


def test_expat_protects_against_entity_expansion():
    # expat 2.4.0 added billion-laughs protection; Python's XML parsers rely on it.
    major, minor, micro = pyexpat.version_info
    assert (major, minor, micro) >= (2, 4, 1), pyexpat.EXPAT_VERSION


def _with_part(tmp_path: Path, name: str, data: bytes) -> Path:
    target = tmp_path / "fientlig.xlsx"
    with zipfile.ZipFile(TEMPLATE) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
        assert name in src.namelist()
        for item in src.infolist():
            dst.writestr(item.filename, data if item.filename == name else src.read(item))
    return target


@pytest.mark.parametrize("payload", [BILLION_LAUGHS, EXTERNAL_ENTITY], ids=["billion-laughs", "xxe"])
@pytest.mark.parametrize("part", ["xl/workbook.xml", "xl/worksheets/sheet3.xml", "xl/styles.xml",
                                  "[Content_Types].xml"])
def test_entity_tricks_are_refused_before_any_parser_runs(tmp_path, monkeypatch, payload, part):
    path = _with_part(tmp_path, part, payload)

    def no_parsing(*args, **kwargs):
        raise AssertionError("a parser was reached")

    import python_calamine

    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_path", no_parsing)
    monkeypatch.setattr(openpyxl, "load_workbook", no_parsing)
    with pytest.raises(WorkbookUnreadable, match="DOCTYPE"):
        reader.read_raw_book(path)
    with pytest.raises(WorkbookUnreadable):
        operations.validate_workbook(path, out=tmp_path / "ut.xlsx")
    assert not (tmp_path / "ut.xlsx").exists()


def test_a_highly_compressed_part_is_a_zip_bomb(tmp_path):
    path = _with_part(tmp_path, "xl/styles.xml", b"<styleSheet>" + b" " * 200_000_000 + b"</styleSheet>")
    assert path.stat().st_size < 2_000_000
    with pytest.raises(WorkbookUnreadable, match="zip-bomb"):
        reader.read_raw_book(path)


# docs/security.md: text starting with =, +, -, @, tab or CR can become a formula in Excel.
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


@pytest.mark.parametrize("trigger", TRIGGERS, ids=repr)
def test_text_that_looks_like_a_formula_stays_text(tmp_path, trigger):
    wb = openpyxl.Workbook()
    value = f'{trigger}HYPERLINK("http://x","y")'
    write_value(wb.active["A1"], value)
    wb.active["A2"] = "vanlig text"
    wb.save(tmp_path / "t.xlsx")
    cell = xlsxproof.cell_facts(tmp_path / "t.xlsx", "Sheet", "A1")
    # stored as text, not as a formula, and with the quote prefix that keeps it text when edited
    assert not cell.formula and cell.type in ("s", "inlineStr") and cell.text == value
    assert cell.quote_prefix
    assert not xlsxproof.cell_facts(tmp_path / "t.xlsx", "Sheet", "A2").quote_prefix
    assert xlsxproof.formulas(tmp_path / "t.xlsx") == []


def test_the_xml_check_sees_a_formula(tmp_path):
    """The check above can fail: a formula written as openpyxl does by default is seen."""
    wb = openpyxl.Workbook()
    wb.active["A1"] = '=HYPERLINK("http://x","y")'
    wb.save(tmp_path / "t.xlsx")
    cell = xlsxproof.cell_facts(tmp_path / "t.xlsx", "Sheet", "A1")
    assert cell.formula and not cell.quote_prefix
    assert xlsxproof.formulas(tmp_path / "t.xlsx") == [("Sheet", "A1")]


def test_a_formula_like_name_is_listed_on_kontroll_as_text(tmp_path):
    path = tmp_path / "register.xlsx"
    shutil.copy(TEMPLATE, path)
    wb = openpyxl.load_workbook(path)
    ws = wb[schema.DELTAGARE]
    ws.append(["D1", None, "Svensson"])
    name = ws.cell(row=2, column=2)
    name.value, name.data_type = '=HYPERLINK("http://x","y")', "s"
    ws.append(["D1", "Åsa", "Svensson"])  # duplicate ID: puts the value on Kontroll
    platser = wb[schema.PLATSER]
    platser.append(["P1", "=cmd|' /C calc'!A0", "-2+3", "Lokalvård"])
    platser.cell(row=platser.max_row, column=2).data_type = "s"
    wb.save(path)

    operations.validate_workbook(path, out=path)

    assert xlsxproof.formulas(path) == []
    text = "=cmd|' /C calc'!A0"  # an unknown förvaltning: its value is listed on Kontroll
    cell = xlsxproof.cell_facts(path, schema.KONTROLL, xlsxproof.find(path, schema.KONTROLL, text))
    assert not cell.formula and cell.quote_prefix
    own = xlsxproof.cell_facts(path, schema.DELTAGARE, "B2")  # the user's cell, kept as text
    assert own.text == '=HYPERLINK("http://x","y")' and not own.formula
