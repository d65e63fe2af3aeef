"""Changing a few cells' formats in a worksheet part as it streams past, never parsing it whole.

A register's assessment sheet is 60 MB of XML for 150,000 rows, and a check marks a handful of
cells. ``patch_sheet`` reads the part in chunks cut at row boundaries; a chunk whose rows hold no
marked cell goes out as it came, and only a row with a marked cell is taken apart, to give that
cell its new format (``restyle(old) -> new``) or, when the cell or its row is missing, to add it
in its place. It can also drop ``tabSelected`` from the sheet view (when another sheet becomes the
active one) and add elements after ``sheetData`` (a ``legacyDrawing`` for notes).

Only what Excel, LibreOffice and openpyxl write is handled: rows and cells with their ``r``
attribute first and no namespace prefix. Anything else raises ``UnsupportedPackage``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from .sheetxml import column_letter, column_number
from .zipparts import UnsupportedPackage

Restyle = Callable[[int], int]
_ROW = re.compile(rb'<row r="(\d+)"')
_CELL = re.compile(rb'<c r="([A-Z]{1,3})(\d+)"([^>]*?)(/?)>')
_STYLE = re.compile(rb'\ss="(\d+)"')
_SPANS = re.compile(rb'\sspans="[^"]*"')
_SELECTED = re.compile(rb'\stabSelected="(?:1|true)"')
# What may follow sheetData, in schema order; a new element goes before the first later one.
TAIL_ORDER = ("sheetCalcPr", "sheetProtection", "protectedRanges", "scenarios", "autoFilter",
              "sortState", "dataConsolidate", "customSheetViews", "mergeCells", "phoneticPr",
              "conditionalFormatting", "dataValidations", "hyperlinks", "printOptions",
              "pageMargins", "pageSetup", "headerFooter", "rowBreaks", "colBreaks",
              "customProperties", "cellWatches", "ignoredErrors", "smartTags", "drawing",
              "legacyDrawing", "legacyDrawingHF", "picture", "oleObjects", "controls",
              "webPublishItems", "tableParts", "extLst")


@dataclass
class SheetPatch:
    cells: dict[tuple[int, int], Restyle] = field(default_factory=dict)  # (row, col) 1-based
    unselect: bool = False
    tail: list[tuple[str, bytes]] = field(default_factory=list)  # (element name, xml)

    def __bool__(self) -> bool:
        return bool(self.cells or self.unselect or self.tail)


def _insert_tail(tail: bytes, name: str, xml: bytes) -> bytes:
    later = TAIL_ORDER[TAIL_ORDER.index(name) + 1:]
    best = tail.rfind(b"</worksheet>")
    for element in later:
        match = re.search(rb"<" + element.encode() + rb"[\s/>]", tail)
        if match and match.start() < best:
            best = match.start()
    if best < 0:
        raise UnsupportedPackage("worksheet without end")
    return tail[:best] + xml + tail[best:]


class _Patcher:
    def __init__(self, patch: SheetPatch) -> None:
        self.patch = patch
        by_row: dict[int, dict[int, Restyle]] = {}
        for (row, col), fn in patch.cells.items():
            by_row.setdefault(row, {})[col] = fn
        self.by_row = by_row
        self.pending = sorted(by_row)
        self.next = 0

    def _due(self, last_row: int) -> bool:
        return self.next < len(self.pending) and self.pending[self.next] <= last_row

    def new_rows(self, before: int | None) -> bytes:
        """Rows missing from the part that come before row ``before`` (None: all that are left)."""
        out = []
        pending = self.pending
        while self.next < len(pending) and (before is None or pending[self.next] < before):
            row = self.pending[self.next]
            cells = "".join(f'<c r="{column_letter(c)}{row}" s="{fn(0)}"/>'
                            for c, fn in sorted(self.by_row[row].items()))
            out.append(f'<row r="{row}">{cells}</row>')
            self.next += 1
        return "".join(out).encode("utf-8")

    def segment(self, data: bytes) -> bytes:
        """Whole rows, as they came unless one holds a marked cell."""
        last = data.rfind(b'<row r="')
        if last < 0:
            if data.strip() and b"<row" in data:
                raise UnsupportedPackage("row without r first")
            return data
        match = _ROW.match(data, last)
        if match is None or not self._due(int(match.group(1))):
            return data
        out, pos = [], 0
        for match in _ROW.finditer(data):
            number = int(match.group(1))
            if not self._due(number):
                continue
            end = self._row_end(data, match.start())
            out.append(data[pos:match.start()])
            out.append(self.new_rows(number))
            if self.next < len(self.pending) and self.pending[self.next] == number:
                out.append(self._edit_row(data[match.start():end], number))
                self.next += 1
            else:
                out.append(data[match.start():end])
            pos = end
            if self.next >= len(self.pending):
                break
        out.append(data[pos:])
        return b"".join(out)

    @staticmethod
    def _row_end(data: bytes, start: int) -> int:
        head_end = data.index(b">", start)
        if data[head_end - 1:head_end] == b"/":
            return head_end + 1
        return data.index(b"</row>", head_end) + len(b"</row>")

    def _edit_row(self, row: bytes, number: int) -> bytes:
        head_end = row.index(b">")
        closed = row[head_end - 1:head_end] == b"/"
        head = row[:head_end - 1] if closed else row[:head_end]
        body = b"" if closed else row[head_end + 1:-len(b"</row>")]
        cells = list(_CELL.finditer(body))
        if body.count(b"<c ") + body.count(b"<c>") != len(cells):
            raise UnsupportedPackage("cell without r first")
        wanted = dict(self.by_row[number])
        out, pos, added = [], 0, False
        for cell in cells:
            col = column_number(cell.group(1).decode())
            for c in sorted(k for k in wanted if k < col):
                out.append(body[pos:cell.start()])
                pos = cell.start()
                out.append(self._new_cell(c, number, wanted.pop(c)))
                added = True
            if col in wanted:
                out.append(body[pos:cell.start()])
                out.append(self._restyle(cell, wanted.pop(col)))
                pos = cell.end()
        out.append(body[pos:])
        for c in sorted(wanted):
            out.append(self._new_cell(c, number, wanted[c]))
            added = True
        if added:
            head = _SPANS.sub(b"", head)
        return head + b">" + b"".join(out) + b"</row>"

    @staticmethod
    def _new_cell(col: int, row: int, fn: Restyle) -> bytes:
        return f'<c r="{column_letter(col)}{row}" s="{fn(0)}"/>'.encode()

    @staticmethod
    def _restyle(cell: re.Match[bytes], fn: Restyle) -> bytes:
        attrs = cell.group(3)
        found = _STYLE.search(attrs)
        new = fn(int(found.group(1)) if found else 0)
        if found:
            attrs = attrs[:found.start()] + b' s="%d"' % new + attrs[found.end():]
        else:
            attrs = b' s="%d"' % new + attrs
        return b'<c r="' + cell.group(1) + cell.group(2) + b'"' + attrs + cell.group(4) + b">"


def _split_head(buffer: bytes) -> tuple[bytes, bytes] | None:
    start = buffer.find(b"<sheetData")
    if start < 0:
        return None
    end = buffer.find(b">", start)
    if end < 0:
        return None
    return buffer[:end + 1], buffer[end + 1:]


def _check_root(head: bytes) -> None:
    match = re.search(rb"<([A-Za-z_][\w.-]*:)?worksheet[\s>]", head)
    if match is None or match.group(1):
        raise UnsupportedPackage("worksheet with a namespace prefix")


def patch_sheet(chunks: Iterable[bytes], patch: SheetPatch) -> Iterator[bytes]:
    """The part's XML with ``patch`` applied, in chunks."""
    patcher = _Patcher(patch)
    stream = iter(chunks)
    buffer = b""
    split = None
    for chunk in stream:
        buffer += chunk
        split = _split_head(buffer)
        if split is not None:
            break
    if split is None:
        raise UnsupportedPackage("worksheet without sheetData")
    head, buffer = split[0], split[1]
    _check_root(head)
    if patch.unselect:
        head = _SELECTED.sub(b"", head)
    if head.endswith(b"/>"):  # <sheetData/>: an empty sheet
        yield head[:-2] + b">" + patcher.new_rows(None) + b"</sheetData>"
        yield _finish_tail(buffer + b"".join(stream), patch)
        return
    yield head
    while True:
        end = buffer.find(b"</sheetData>")
        if end >= 0:
            yield patcher.segment(buffer[:end]) + patcher.new_rows(None)
            yield _finish_tail(buffer[end:] + b"".join(stream), patch)
            return
        cut = buffer.rfind(b"<row ")
        if cut > 0:
            yield patcher.segment(buffer[:cut])
            buffer = buffer[cut:]
        more = next(stream, None)
        if more is None:
            raise UnsupportedPackage("worksheet without end of sheetData")
        buffer += more


def _finish_tail(tail: bytes, patch: SheetPatch) -> bytes:
    for name, xml in patch.tail:
        tail = _insert_tail(tail, name, xml)
    return tail
