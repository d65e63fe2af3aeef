"""What a saved .xlsx really holds, read from its XML (not through openpyxl, which wrote it).

``cell_facts(path, sheet, ref)`` says of one cell whether it is a formula, its stored type and
text, and whether its style carries Excel's quote prefix (``quotePrefix="1"``: Excel keeps the text
as text even when someone edits the cell). ``formulas(path)`` lists every formula cell.
"""

from __future__ import annotations

import posixpath
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree as ET

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
      "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
      "rel": "http://schemas.openxmlformats.org/package/2006/relationships"}


@dataclass(frozen=True)
class CellFacts:
    formula: bool
    type: str  # s (shared string), inlineStr, str (a formula's text result), n, b ...
    text: str
    quote_prefix: bool


def _sheet_parts(z: zipfile.ZipFile) -> dict[str, str]:
    book = ET.fromstring(z.read("xl/workbook.xml"))
    rels = ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target") for r in rels.findall("rel:Relationship", NS)}
    parts = {}
    for sheet in book.findall("m:sheets/m:sheet", NS):
        target = targets[sheet.get(f"{{{NS['r']}}}id")]
        parts[sheet.get("name")] = (target.lstrip("/") if target.startswith("/")
                                    else posixpath.normpath(posixpath.join("xl", target)))
    return parts


def _shared(z: zipfile.ZipFile) -> list[str]:
    if "xl/sharedStrings.xml" not in z.namelist():
        return []
    root = ET.fromstring(z.read("xl/sharedStrings.xml"))
    return ["".join(t.text or "" for t in si.iter(f"{{{NS['m']}}}t"))
            for si in root.findall("m:si", NS)]


def _quote_prefixed_styles(z: zipfile.ZipFile) -> set[int]:
    root = ET.fromstring(z.read("xl/styles.xml"))
    xfs = root.findall("m:cellXfs/m:xf", NS)
    return {i for i, xf in enumerate(xfs) if xf.get("quotePrefix") in ("1", "true")}


def cell_facts(path: Path, sheet: str, ref: str) -> CellFacts:
    with zipfile.ZipFile(path) as z:
        root = ET.fromstring(z.read(_sheet_parts(z)[sheet]))
        cell = next(c for c in root.iter(f"{{{NS['m']}}}c") if c.get("r") == ref)
        kind = cell.get("t", "n")
        if kind == "s":
            text = _shared(z)[int(cell.find("m:v", NS).text)]
        elif kind == "inlineStr":
            text = "".join(t.text or "" for t in cell.iter(f"{{{NS['m']}}}t"))
        else:
            v = cell.find("m:v", NS)
            text = "" if v is None else v.text or ""
        return CellFacts(cell.find("m:f", NS) is not None, kind, text,
                         int(cell.get("s", "0")) in _quote_prefixed_styles(z))


def formulas(path: Path) -> list[tuple[str, str]]:
    with zipfile.ZipFile(path) as z:
        return [(name, c.get("r")) for name, part in _sheet_parts(z).items()
                for c in ET.fromstring(z.read(part)).iter(f"{{{NS['m']}}}c")
                if c.find("m:f", NS) is not None]


def find(path: Path, sheet: str, text: str) -> str:
    """The reference of the first cell of ``sheet`` whose stored text is ``text``."""
    with zipfile.ZipFile(path) as z:
        shared = _shared(z)
        root = ET.fromstring(z.read(_sheet_parts(z)[sheet]))
        for c in root.iter(f"{{{NS['m']}}}c"):
            kind, v = c.get("t"), c.find("m:v", NS)
            value = (shared[int(v.text)] if kind == "s" and v is not None else
                     "".join(t.text or "" for t in c.iter(f"{{{NS['m']}}}t")))
            if value == text:
                return c.get("r")
    raise KeyError(text)
