"""The hostile workbooks of issue 12, built from the template: each must end with exit code 2 and a
Swedish message within seconds and bounded memory. Shared by the tests and ``bench/``."""

from __future__ import annotations

import base64
import random
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "workbooks" / "arbetsmarknadsanstallningar.xlsx"
PLATSER_PART = "xl/worksheets/sheet3.xml"  # Platser in the template (checked by the builders)
MAIN_NS = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def _rewrite(target: Path, changes: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(TEMPLATE) as src, \
            zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            dst.writestr(item.filename, changes.get(item.filename, src.read(item)))
    return target


def _platser(extra_rows: bytes) -> bytes:
    with zipfile.ZipFile(TEMPLATE) as src:
        xml = src.read(PLATSER_PART)
    assert b">PlatsID<" in xml, "the template's third sheet is Platser"
    return xml.replace(b"</sheetData>", extra_rows + b"</sheetData>")


def far_corner(folder: Path) -> Path:
    """One cell at XFD1048576: the sheet's range becomes 16,384 × 1,048,576 cells."""
    cell = b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    return _rewrite(folder / "hornet.xlsx", {PLATSER_PART: _platser(cell)})


def million_rows(folder: Path, rows: int = 1_000_000) -> Path:
    """A sheet of a million one-cell rows (about 10 MB packed)."""
    body = b"".join(b'<row r="%d"><c r="A%d"><v>%d</v></c></row>' % (n, n, n)
                    for n in range(2, rows + 2))
    return _rewrite(folder / "miljon.xlsx", {PLATSER_PART: _platser(body)})


def doctype_after_padding(folder: Path, padding: int = 4096) -> Path:
    """A billion-laughs DOCTYPE in workbook.xml, behind 4 KB of padding in the prolog."""
    with zipfile.ZipFile(TEMPLATE) as src:
        xml = src.read("xl/workbook.xml")
    body = xml.split(b"?>", 1)[1] if xml.startswith(b"<?xml") else xml
    laughs = b"".join(b'<!ENTITY lol%d "%s">' % (i, b"&lol%d;" % (i - 1) * 10 if i > 1 else b"lol")
                      for i in range(1, 10))
    hostile = (b'<?xml version="1.0" encoding="UTF-8"?>' + b" " * padding
               + b"<!DOCTYPE workbook [" + laughs + b"]>" + body.replace(
                   b"</workbook>", b"<!-- &lol9; --></workbook>"))
    return _rewrite(folder / "doctype.xlsx", {"xl/workbook.xml": hostile})


def huge_comment(folder: Path, megabytes: int = 40) -> Path:
    """A 40 MB XML comment in a sheet (expat < 2.6.0 parses it in quadratic time); random text,
    so it does not pack like a zip bomb."""
    noise = base64.b64encode(random.Random(12).randbytes((megabytes << 20) * 3 // 4))
    comment = b"<!--" + noise + b"-->"
    with zipfile.ZipFile(TEMPLATE) as src:
        xml = src.read(PLATSER_PART)
    return _rewrite(folder / "kommentar.xlsx",
                    {PLATSER_PART: xml.replace(b"<sheetData>", comment + b"<sheetData>", 1)})


BUILDERS = {"hörnet": far_corner, "miljon rader": million_rows,
            "DOCTYPE efter utfyllnad": doctype_after_padding, "40 MB kommentar": huge_comment}
