"""Appending rows to, and changing cells of, a small table sheet in a package (Intygsregister).

The sheet holds one row per certificate, so it is parsed whole (lxml) and written back; every other
part of the package is copied untouched. Where the sheet's last row is comes from the values
already read (``RawSheet``), so shared strings are never needed. The sheet's table grows to cover
the new rows; a missing sheet is made with a header row and its table, as the openpyxl path does.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree

from ..core.model import RawSheet
from .atomic import write_atomic
from .links import column_letter
from .package import MAIN, REL, Package, parse, q, relative, resolve, serialize
from .sheetxml import SheetSpec, _cell, sheet_chunks
from .stylebook import Look, StyleBook
from .zipparts import UnsupportedPackage

TABLE_REL = f"{REL}/table"
TABLE_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.table+xml"
MAX_PARSED = 32_000_000  # a sheet this large is not a register of certificates: use openpyxl


@dataclass
class TableSheet:
    name: str
    table: str
    headers: Sequence[str]
    widths: Sequence[float]
    header_look: Look
    tab_color: str
    updates: dict[tuple[int, str], Any] = field(default_factory=dict)  # (row, header) → value
    append: list[list[Any]] = field(default_factory=list)


def _col(ref: str) -> int:
    n = 0
    for ch in ref:
        if not ch.isalpha():
            break
        n = n * 26 + ord(ch.upper()) - 64
    return n


class _Grid:
    """Rows and cells of a parsed worksheet, found and made by number."""

    def __init__(self, root: etree._Element, styles: StyleBook) -> None:
        data = root.find(q("sheetData"))
        if data is None:
            raise UnsupportedPackage("worksheet without sheetData")
        self.data = data
        self.styles = styles
        self.rows: dict[int, etree._Element] = {}
        for row in data:
            if row.get("r") is None:
                raise UnsupportedPackage("row without r")
            self.rows[int(row.get("r", "0"))] = row

    def _row(self, number: int) -> etree._Element:
        row = self.rows.get(number)
        if row is None:
            row = etree.Element(q("row"), r=str(number))
            later = [n for n in self.rows if n > number]
            if later:
                self.rows[min(later)].addprevious(row)
            else:
                self.data.append(row)
            self.rows[number] = row
        return row

    def set(self, number: int, col: int, value: Any, look: Look | None = None) -> None:
        row = self._row(number)
        ref = f"{column_letter(col)}{number}"
        old = None
        for cell in row:
            if cell.get("r") is None:
                raise UnsupportedPackage("cell without r")
            if cell.get("r") == ref:
                old = cell
                break
        xml = _cell(ref, value, look or Look(), self.styles) or f'<c r="{ref}"/>'
        new = etree.fromstring(xml.replace("<c ", f'<c xmlns="{MAIN}" ', 1))
        if old is not None and look is None and old.get("s") and new.get("s", "0") == "0":
            new.set("s", old.get("s", "0"))  # the administrator's format stays
        if old is not None:
            old.addprevious(new)
            row.remove(old)
            return
        later = [c for c in row if _col(c.get("r", "")) > col]
        if later:
            later[0].addprevious(new)
        else:
            row.append(new)
        row.attrib.pop("spans", None)


def _last_row(raw: RawSheet | None, columns: Mapping[str, int]) -> int:
    if raw is None:
        return 1
    wanted = [i - 1 for i in columns.values()]
    last = raw.header_row
    for number, values in raw.rows:
        if any(i < len(values) and values[i] not in (None, "") for i in wanted):
            last = max(last, number)
    return last


def _table_names(pkg: Package) -> tuple[set[str], int]:
    names, top = set(), 0
    for override in pkg.content_types:
        if override.get("ContentType") == TABLE_TYPE:
            part = override.get("PartName", "").lstrip("/")
            if pkg.exists(part):
                table = parse(pkg.read(part))
                names.add(table.get("displayName", "").casefold())
                top = max(top, int(table.get("id", "0") or 0))
    return names, top


def _fit_tables(pkg: Package, part: str, last_row: int, last_col: int,
                headers: Mapping[int, str]) -> None:
    rels = pkg.rels(part)
    for r in [] if rels is None else rels:
        if r.get("Type") != TABLE_REL:
            continue
        table_part = resolve(part, r.get("Target", ""))
        table = parse(pkg.read(table_part))
        first = table.get("ref", "A1").split(":")[0]
        ref = f"{first}:{column_letter(last_col)}{max(last_row, 2)}"
        table.set("ref", ref)
        auto = table.find(q("autoFilter"))
        if auto is not None:
            auto.set("ref", ref)
        columns = table.find(q("tableColumns"))
        if columns is not None:
            ids = [int(c.get("id", "0")) for c in columns]
            for col in range(_col(first) + len(columns), last_col + 1):
                etree.SubElement(columns, q("tableColumn"), id=str(max([*ids, 0]) + 1),
                                 name=headers.get(col, f"Kolumn{col}"))
                ids.append(max([*ids, 0]) + 1)
            columns.set("count", str(len(columns)))
        pkg.put(table_part, serialize(table))
        return


def _update_existing(pkg: Package, styles: StyleBook, spec: TableSheet, raw: RawSheet | None,
                     part: str) -> None:
    if pkg.size(part) > MAX_PARSED:
        raise UnsupportedPackage("sheet too large to parse whole")
    root = parse(pkg.read(part))
    grid = _Grid(root, styles)
    header_row = raw.header_row if raw is not None else 1
    columns = {h.strip().casefold(): i for i, h in enumerate(raw.headers if raw else [], start=1)
               if h.strip()}
    names = {i: h.strip() for i, h in enumerate(raw.headers if raw else [], start=1)}
    for header in spec.headers:  # a sheet missing a column gets it at the end, never reordered
        if header.casefold() not in columns:
            col = max(columns.values(), default=0) + 1
            grid.set(header_row, col, header, spec.header_look)
            columns[header.casefold()] = col
            names[col] = header
    for (row, header), value in spec.updates.items():
        grid.set(row, columns[header.casefold()], value)
    last = _last_row(raw, columns)
    for values in spec.append:
        last += 1
        for header, value in zip(spec.headers, values, strict=False):
            grid.set(last, columns[header.casefold()], value)
    last_col = max(columns.values())
    dimension = root.find(q("dimension"))
    if dimension is not None:
        dimension.set("ref", f"A1:{column_letter(last_col)}{max(last, 1)}")
    pkg.put(part, serialize(root))
    _fit_tables(pkg, part, last, last_col, names)


def _create(pkg: Package, styles: StyleBook, spec: TableSheet) -> None:
    rows = [list(spec.headers), *spec.append]
    sheet = SheetSpec(rows, widths=dict(enumerate(spec.widths, start=1)), freeze_header=True,
                      tab_color=spec.tab_color, print_setup=True, landscape=True)
    for c in range(1, len(spec.headers) + 1):
        sheet.looks[(1, c)] = spec.header_look
    names, top = _table_names(pkg)
    make_table = spec.table.casefold() not in names
    part = pkg.add_sheet(spec.name, b"".join(sheet_chunks(sheet, styles)).replace(
        b"</worksheet>", b'<tableParts count="1"><tablePart r:id="rId1"/></tableParts></worksheet>'
        if make_table else b"</worksheet>"))
    if not make_table:
        return
    table_part = pkg.new_name("xl/tables/table%d.xml")
    ref = f"A1:{column_letter(len(spec.headers))}{max(len(rows), 2)}"
    columns = "".join(f'<tableColumn id="{i}" name="{h}"/>'
                      for i, h in enumerate(spec.headers, start=1))
    pkg.put(table_part, (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<table xmlns="{MAIN}" '
        f'id="{top + 1}" name="{spec.table}" displayName="{spec.table}" ref="{ref}">'
        f'<autoFilter ref="{ref}"/><tableColumns count="{len(spec.headers)}">{columns}'
        '</tableColumns><tableStyleInfo name="TableStyleMedium2" showFirstColumn="0" '
        'showLastColumn="0" showRowStripes="1" showColumnStripes="0"/></table>').encode(),
        TABLE_TYPE)
    rels = pkg.new_rels()
    pkg.add_rel(rels, TABLE_REL, relative(part, table_part))
    pkg.put_rels(part, rels)


def update_table_sheet(source: Path, target: Path, spec: TableSheet, raw: RawSheet | None) -> None:
    """Write ``source`` with ``spec``'s changes to its sheet to ``target``, atomically."""
    pkg = Package(source)
    try:
        styles = StyleBook(pkg)
        part = pkg.sheet_part(spec.name)
        if part is None:
            _create(pkg, styles, spec)
        else:
            _update_existing(pkg, styles, spec, raw, part)
        styles.save()
        write_atomic(target, pkg.write_to)
    finally:
        pkg.close()
