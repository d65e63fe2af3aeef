"""Reading an .xlsx into raw sheets for the core.

calamine (Rust) reads about 16 times faster than openpyxl, so it serves every operation that writes
nothing back. The openpyxl reader is kept for the benchmark's side-by-side figures and for a
workbook already open in openpyxl. Both return the same ``RawSheet`` shape; differences between
their values are evened out by ``addin.core.values`` when the core reads them.

calamine reads an error value as an empty string and says nothing of formulas; ``cellscan`` finds
both in the sheet's XML, and the error's code is put back where calamine left the cell empty (as
openpyxl and Office.js give it), so the core can tell ``#N/A`` from an empty cell.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from ..core import schema
from ..core.errors import WorkbookUnreadable
from ..core.model import RawSheet
from ..core.presentation import MARKS_SHEET
from . import cellscan, limits
from .safety import MAX_CELLS, MAX_ROWS, inspect_xlsx

# Sheets the core reads; others (Kontroll, Sammanställning, a user's own) are never parsed.
# The hidden record of the last check's marks is read too, so that writing resets exactly those.
WANTED = {s.name for s in schema.ALL_INPUT_SHEETS} | {schema.INTYGSREGISTER, MARKS_SHEET}


def _wanted(name: str) -> bool:
    return name.strip() in WANTED or name.strip().casefold() in {w.casefold() for w in WANTED}


def check_size(name: str, rows: int, columns: int) -> None:
    """Refuse a sheet larger than any register before its values become Python objects."""
    if rows > MAX_ROWS or rows * columns > MAX_CELLS:
        raise WorkbookUnreadable(
            f"Bladet {name} sträcker sig över {_n(rows)} rader och {_n(columns)} kolumner, mer "
            f"än amanst läser ({_n(MAX_ROWS)} rader, {_n(MAX_CELLS)} celler per blad). Ta bort "
            "tomma rader och kolumner längst ner och till höger (markera dem, Ta bort) och spara "
            "arbetsboken igen.")


def _n(number: int) -> str:
    return f"{number:,}".replace(",", "\u00a0")


def raw_sheet(name: str, rows: list[list[Any]], first_row: int = 1) -> RawSheet:
    """Build a RawSheet from rows of values, the first of which is Excel row ``first_row``.

    The header is the first non-empty row; data rows keep their Excel row numbers.
    """
    check_size(name, len(rows), max((len(r) for r in rows[:1]), default=0))
    header_index = next((i for i, r in enumerate(rows) if any(v not in (None, "") for v in r)),
                        None)
    if header_index is None:
        return RawSheet(name, [], [], first_row)
    headers = ["" if v is None else str(v).strip() for v in rows[header_index]]
    width = len(headers)
    # A row is kept as it came when it is a list no wider than the header (nothing changes a
    # row once read; _Rows pads a short one in a copy): a copy of every row was a tenth of a
    # Kontrollera on the server. The common case is paired in C (20,000 rows on the server).
    below = rows[header_index + 1:]
    numbers = range(first_row + header_index + 1, first_row + len(rows))
    if set(map(type, below)) <= {list} and max(map(len, below), default=0) <= width:
        body = list(zip(numbers, below, strict=True))
    else:
        body = [(n, r if r.__class__ is list and len(r) <= width else list(r[:width]))
                for n, r in zip(numbers, below, strict=True)]
    return RawSheet(name, headers, body, first_row + header_index)


def read_raw_book(path: Path) -> dict[str, RawSheet]:
    """Read the register's sheets with calamine; refuse unsafe or unreadable files first."""
    inspection = inspect_xlsx(path)
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        with limits.parsing(path.name):
            workbook = CalamineWorkbook.from_path(str(path))
            names = [name for name in workbook.sheet_names if _wanted(name)]
            facts = cellscan.scan(path, set(names), inspection.marked)
            book: dict[str, RawSheet] = {}
            for name in names:
                sheet = workbook.get_sheet_by_name(name)
                end = sheet.end or (0, 0)
                check_size(name.strip(), end[0] + 1, end[1] + 1)
                rows = sheet.to_python(skip_empty_area=False)
                book[name.strip()] = _with_facts(raw_sheet(name.strip(), rows, 1),
                                                 facts.get(name))
            workbook.close()
        return book
    except (CalamineError, ValueError, OSError, KeyError, ElementTree.ParseError) as exc:
        raise WorkbookUnreadable(f"Arbetsboken {path.name} är skadad och kunde inte läsas "
                                 f"({type(exc).__name__}). Öppna den i Excel och spara den "
                                 "igen.") from None


def _with_facts(sheet: RawSheet, facts: cellscan.CellFacts | None) -> RawSheet:
    """Put each error value's code back into its cell, and note the cells that hold formulas."""
    if facts is None:
        return sheet
    if facts.errors:
        rows = dict(sheet.rows)
        for (row, column), code in facts.errors.items():
            values = rows.get(row)
            if values is not None and column < len(values) and values[column] in ("", None):
                values[column] = code
    sheet.formulas = facts.formulas
    return sheet


def raw_book_from_openpyxl(workbook: Any) -> dict[str, RawSheet]:
    """Raw sheets of a workbook already loaded by openpyxl (values, not formulas)."""
    book: dict[str, RawSheet] = {}
    for ws in workbook.worksheets:
        if _wanted(ws.title):
            rows = [list(r) for r in ws.iter_rows(values_only=True)]
            book[ws.title.strip()] = raw_sheet(ws.title.strip(), rows, 1)
    return book


def read_raw_book_openpyxl(path: Path) -> dict[str, RawSheet]:
    """The slow reader, for comparison in the benchmark."""
    import openpyxl

    inspect_xlsx(path)
    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        return raw_book_from_openpyxl(workbook)
    finally:
        workbook.close()
