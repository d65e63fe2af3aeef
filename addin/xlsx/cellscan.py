"""What calamine does not say about a cell: that it holds an error value or a formula.

python-calamine reads an error value (``#N/A``) as an empty string, the same as an empty cell, and
gives a formula's result without saying it was a formula. Both matter to the register (an error is
a Fel, a formula in a name or a date is flagged), so this module looks at the sheet's XML itself:
cheaply, since most sheets have neither. A part is searched for the bytes ``t="e"`` and ``<f``
first; only where they occur is each hit traced back to its cell reference.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"

_ERROR_ATTR = re.compile(rb"""\st=["']e["']""")
_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
_CELL_START = re.compile(rb"<(?:\w+:)?c[\s>]")
_REF = re.compile(rb"""\sr=["']([A-Z]{1,3})([0-9]+)["']""")
_VALUE = re.compile(rb"<(?:\w+:)?v>([^<]*)<")
_CELL_END = re.compile(rb"</(?:\w+:)?c>")


@dataclass
class CellFacts:
    """Per sheet: error values by (Excel row, column index from 0) and cells holding a formula."""

    errors: dict[tuple[int, int], str] = field(default_factory=dict)
    formulas: set[tuple[int, int]] = field(default_factory=set)


def column_index(letters: bytes) -> int:
    """``A`` → 0, ``Z`` → 25, ``AA`` → 26."""
    n = 0
    for ch in letters:
        n = n * 26 + (ch - 64)
    return n - 1


def sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → the path of its XML part inside the archive."""
    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(f"{_PKG_REL}Relationship")}
    parts = {}
    for sheet in workbook.iter(f"{_MAIN}sheet"):
        target = targets.get(sheet.get(f"{_REL}id"), "")
        if target:
            path = target.lstrip("/") if target.startswith("/") else \
                posixpath.normpath(posixpath.join("xl", target))
            parts[sheet.get("name", "")] = path
    return parts


def _cell_at(data: bytes, position: int) -> tuple[int, int, int] | None:
    """(Excel row, column index, end of the opening tag) of the cell around ``position``."""
    start = -1
    for match in _CELL_START.finditer(data, max(0, position - 400), position + 1):
        start = match.start()
    if start < 0:
        return None
    end = data.find(b">", start)
    ref = _REF.search(data, start, end)
    if ref is None:
        return None
    return int(ref[2]), column_index(ref[1]), end


def _cell_end(data: bytes, start: int) -> int:
    end = _CELL_END.search(data, start)
    return end.start() if end else len(data)


def scan_part(data: bytes) -> CellFacts:
    facts = CellFacts()
    if b"<f" in data or b":f" in data:
        for hit in _FORMULA.finditer(data):
            cell = _cell_at(data, hit.start())
            if cell is not None:
                facts.formulas.add(cell[:2])
    if b't="e"' in data or b"t='e'" in data:
        for hit in _ERROR_ATTR.finditer(data):
            cell = _cell_at(data, hit.start())
            if cell is None:
                continue
            end = cell[2] if data[cell[2] - 1:cell[2]] == b"/" else _cell_end(data, cell[2])
            value = _VALUE.search(data, cell[2], end)
            facts.errors[cell[:2]] = value[1].decode("utf-8", "replace") if value else "#N/A"
    return facts


def scan(path: Path, sheets: set[str], marked: set[str] | None = None) -> dict[str, CellFacts]:
    """Error values and formula cells of the named sheets (the names as the workbook has them).

    ``marked``: the parts that may hold either (``safety.Inspection``); the others are not read.
    """
    result: dict[str, CellFacts] = {}
    with zipfile.ZipFile(path) as archive:
        for name, part in sheet_parts(archive).items():
            if name not in sheets:
                continue
            if marked is not None and part not in marked:
                result[name] = CellFacts()
                continue
            try:
                result[name] = scan_part(archive.read(part))
            except KeyError:
                result[name] = CellFacts()
    return result
