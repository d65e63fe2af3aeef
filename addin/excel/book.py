"""The xlwings adapter: a live ``xw.Book`` in, raw sheets out; results back in few, large writes.

It works the same on a remote book (xlwings Server, where the book is a snapshot the Office.js
client sent and every write becomes an action the client replays) and on a desktop book (COM /
AppleScript). So it follows the rules of the remote one:

- read everything first (values only, from A1), never a format, never a value it has just written;
- write whole blocks (one action per block of rows, ``set_colors`` over a block, at most one
  note per offending cell), so a run is a handful of actions whatever the size of the register,
  and no block is larger than Excel on the web takes in one exchange (``WRITE_BUDGET``);
- what is written keeps its type. Excel reinterprets a string written as a value the way it
  reads typing: ``0012`` becomes 12, ``1-2`` a date, ``75 %`` 0.75, ``TRUE`` a boolean, and text
  that starts with ``=``, ``+`` or ``-`` a formula. So every string is written into a cell
  formatted as text (``@``) in the same exchange, a date as Excel's serial number with a date
  format, a number as a number (its cell's format is kept). On a remote book this is the
  client's ``amanstWrite`` action (``addin/server/static/js/amanst-run.js``); on the desktop the
  text format is set on the cells before the values.

Which cells the last Kontrollera marked is kept on a hidden sheet (``MARKS_SHEET``): formats are
never read, so the next run resets exactly those cells and deletes exactly the notes it added.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from ..core import presentation, reading, schema
from ..core.basis import Basis
from ..core.model import Problem, RawSheet, Register
from ..core.tally import Tally
from ..xlsx.reader import raw_sheet

MARKS_SHEET = presentation.MARKS_SHEET
MARKS_HEADERS = presentation.MARKS_HEADERS
TEXT_FORMAT = "@"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
# Bytes of values and formats per write action: one action is one exchange with Excel, and
# Excel on the web refuses an exchange over 5 MB.
WRITE_BUDGET = 1_000_000
WRITE_ACTION = "amanstWrite"  # the client's action that writes values with their formats
EXCEL_EPOCH = datetime(1899, 12, 30)
SET_COLORS_MAX = 10_000  # cells per set_colors call (the client refuses more)
BAND_GAP = 20  # marked rows further apart than this go into separate set_colors blocks
KONTROLL_WIDTHS = (16, 6, 22, 28, 90, 12)


# --- reading ----------------------------------------------------------------------------------

def find_sheet(book: Any, name: str) -> Any | None:
    """The sheet called ``name`` (ignoring case and surrounding spaces), or None."""
    wanted = name.strip().casefold()
    for sheet in book.sheets:
        if sheet.name.strip().casefold() == wanted:
            return sheet
    return None


def read_grid(sheet: Any) -> list[list[Any]]:
    """The sheet's values from A1 to the last used cell, as rows of plain values.

    A remote book's values are taken as the client sent them (``""`` for an empty cell, a date
    as an ISO string ending in ``Z``), which ``addin.values`` reads like any other reader's;
    converting them cell by cell in xlwings first took a third of a large run. When they already
    are the rectangle from A1 (as the Office.js client sends them) the client's own rows are
    returned, not a copy: callers only read them. A desktop book goes through xlwings'
    conversion, which turns COM's dates into ``datetime``.
    """
    last_row, last_col = _parse_a1(sheet.used_range.address.split(":")[-1])
    if is_remote(sheet.book):
        sent = sheet.api.get("values")
        if (isinstance(sent, list) and len(sent) == last_row  # each row checked in C
                and set(map(type, sent)) == {list} and set(map(len, sent)) == {last_col}):
            return sent
    rng = cells(sheet, 1, 1, last_row, last_col)
    if is_remote(sheet.book):
        values = rng.raw_value
        if not isinstance(values, (list, tuple)):
            values = [[values]]
        elif values and not isinstance(values[0], (list, tuple)):
            values = [values]
    else:
        values = rng.options(ndim=2, err_to_str=True).value  # "#N/A", not None
    return [list(r) for r in values or []]


def read_sheets(book: Any, names: Iterable[str]) -> dict[str, RawSheet]:
    """Raw sheets for the named sheets that exist in the book (missing ones are left out)."""
    result: dict[str, RawSheet] = {}
    for name in names:
        sheet = find_sheet(book, name)
        if sheet is not None:
            result[name] = raw_sheet(name, read_grid(sheet), 1)
    return result


def stub(spec: schema.SheetSpec) -> RawSheet:
    """An empty sheet with the contract's headers, for a sheet a button does not need to read."""
    return RawSheet(spec.name, list(spec.headers), [])


@dataclass
class Loaded:
    register: Register
    raw: dict[str, RawSheet]  # the sheets as read (for marks and appends), stubs not included


def load(book: Any, needed: Sequence[str], today: date) -> Loaded:
    """Read the ``needed`` sheets once into a Register; every other input sheet counts as empty.

    A needed sheet or column that is missing raises ``WorkbookStructureError`` (a Swedish
    message naming what is missing). Sheets a button does not need are never read, so a tally
    does not carry the participants' names and identity numbers over the network.
    """
    raw = read_sheets(book, needed)
    reading.check_structure(raw, tuple(spec for spec in schema.REQUIRED_SHEETS
                                       if spec.name in needed))
    book_raw = dict(raw)
    for spec in schema.REQUIRED_SHEETS:
        book_raw.setdefault(spec.name, stub(spec))
    return Loaded(reading.load_register(book_raw, source=book.name, today=today), raw)


# --- writing ----------------------------------------------------------------------------------

def is_remote(book: Any) -> bool:
    """True for a book sent by the Office.js client (xlwings Server)."""
    try:
        return book.app.engine.type == "remote"
    except Exception:  # noqa: BLE001 - an engine without ``type`` is a desktop one
        return False


def column_width(book: Any, characters: float) -> float:
    """Office.js sets widths in points, COM in characters (about 5.6 points each in Calibri 11)."""
    return round(characters * 5.6, 1) if is_remote(book) else characters


def rectangular(rows: Sequence[Sequence[Any]], width: int | None = None) -> list[list[Any]]:
    width = width or max((len(r) for r in rows), default=1) or 1
    return [list(r) + [None] * (width - len(r)) for r in rows]


def write_block(sheet: Any, top: int, left: int, rows: Sequence[Sequence[Any]],
                width: int | None = None) -> None:
    """Write a rectangular block, each value keeping its type (see the module docstring)."""
    grid = rectangular(rows, width)
    if not grid:
        return
    if is_remote(sheet.book):
        _write_remote(sheet, top, left, grid)
        return
    # Text format on the text cells first, one call per vertical run (COM calls are slow).
    texts = [(top + r, left + c) for r, row in enumerate(grid) for c, value in enumerate(row)
             if isinstance(value, str) and value != ""]
    for first, last, col in _column_runs(texts):
        cells(sheet, first, col, last, col).number_format = TEXT_FORMAT
    set_values(sheet, cells(sheet, top, left, top + len(grid) - 1, left + len(grid[0]) - 1), grid)


def text_format(sheet: Any, top: int, left: int, bottom: int, right: int) -> None:
    """Format cells as text, so what a user types there later stays as typed (``0012``)."""
    if is_remote(sheet.book):
        rows, cols = bottom - top + 1, right - left + 1
        # null values leave the cells' contents as they are ("Blank and null values").
        _client_write(sheet, top, left, [[None] * cols for _ in range(rows)],
                      [[TEXT_FORMAT] * cols for _ in range(rows)])
    else:
        cells(sheet, top, left, bottom, right).number_format = TEXT_FORMAT


def _typed(value: Any) -> tuple[Any, str | None]:
    """(value as the client writes it, number format or None to keep the cell's format)."""
    if value is None or value == "":
        return "", None
    if isinstance(value, str):
        return value, TEXT_FORMAT
    if isinstance(value, bool):
        return value, None
    if isinstance(value, datetime):
        value = value.replace(tzinfo=None)
        delta = value - EXCEL_EPOCH
        fmt = DATE_FORMAT if value.time() == time() else DATETIME_FORMAT
        return round(delta.days + delta.seconds / 86400, 6), fmt
    if isinstance(value, date):
        return (value - EXCEL_EPOCH.date()).days, DATE_FORMAT
    if isinstance(value, (int, float)):
        return value, None
    return str(value), TEXT_FORMAT


def _write_remote(sheet: Any, top: int, left: int, grid: list[list[Any]]) -> None:
    """The client's amanstWrite, one action per block of rows within WRITE_BUDGET."""
    typed = [[_typed(v) for v in row] for row in grid]
    start, size = 0, 0
    for i, row in enumerate(typed):
        row_size = len(json.dumps(row, ensure_ascii=False, default=str)) + 2
        if i > start and size + row_size > WRITE_BUDGET:
            _write_action(sheet, top + start, left, typed[start:i])
            start, size = i, 0
        size += row_size
    _write_action(sheet, top + start, left, typed[start:])


def _write_action(sheet: Any, top: int, left: int, typed: list[list[tuple[Any, Any]]]) -> None:
    values = [[v for v, _ in row] for row in typed]
    formats = [[f for _, f in row] for row in typed]
    keep_formats = all(f is None for row in formats for f in row)
    _client_write(sheet, top, left, values, None if keep_formats else formats)


def _client_write(sheet: Any, top: int, left: int, values: list[list[Any]],
                  formats: list[list[Any]] | None) -> None:
    """The client's action ``amanstWrite`` for a block from (``top``, ``left``), in the actions
    of the sheet's own book.

    Not through ``book.app.macro``: xlwings Server's remote App appends a macro to the book
    opened last in the process (``books.active``), and while one request waits (for its turn,
    or for a button running in a thread) another request's book is opened, which would then
    get this book's writes, another user's data in another user's workbook.
    """
    sheet.book.impl.append_json_action(
        func="runMacro", args=[WRITE_ACTION, sheet.index - 1, top - 1, left - 1, values, formats])


def cells(sheet: Any, top: int, left: int, bottom: int | None = None,
          right: int | None = None) -> Any:
    """A range by its A1 address.

    On a remote book, a range built from two corners (or resized) copies the whole sheet's
    values to find its coordinates; an address does not, which matters on a sheet of 20,000 rows.
    """
    if bottom is None or right is None or (bottom, right) == (top, left):
        return sheet.range(_a1(top, left))
    return sheet.range(f"{_a1(top, left)}:{_a1(bottom, right)}")


def _wire(value: Any) -> Any:
    """A value as the Office.js client takes it (what xlwings' own conversion would send)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return (value.date().isoformat() if value.time() == datetime.min.time()
                else value.replace(tzinfo=None).isoformat(sep=" ").split(".")[0])
    if isinstance(value, date):
        return value.isoformat()
    return value


def set_values(sheet: Any, rng: Any, grid: list[list[Any]]) -> None:
    """One write of a block. Remote: straight to the action (xlwings' conversion would resize
    the range, which on a remote book copies the whole sheet); desktop: xlwings' conversion."""
    if is_remote(sheet.book):
        rng.raw_value = [[_wire(v) for v in row] for row in grid]
    else:
        rng.value = grid


def replace_sheet(book: Any, name: str, hidden: bool = False) -> Any:
    """A fresh, empty sheet called ``name`` in the place of the old one (or last)."""
    old = find_sheet(book, name)
    if old is None:
        sheet = book.sheets.add(name=name, after=book.sheets[len(book.sheets) - 1])
    else:
        position = old.index
        old.delete()
        if position == 1:
            sheet = book.sheets.add(name=name, before=book.sheets[0])
        else:
            sheet = book.sheets.add(name=name, after=book.sheets[position - 2])
    if hidden:
        sheet.visible = False
    return sheet


def style_header(sheet: Any, row: int, width: int) -> None:
    rng = cells(sheet, row, 1, row, width)
    rng.color = "#" + presentation.HEADER_FILL
    rng.font.bold = True
    rng.font.color = "#" + presentation.HEADER_FONT


def set_widths(book: Any, sheet: Any, widths: Sequence[float]) -> None:
    for col, chars in enumerate(widths, start=1):
        cells(sheet, 1, col).column_width = column_width(book, chars)


def freeze_header(sheet: Any) -> None:
    # An older desktop engine cannot freeze panes: not essential.
    with contextlib.suppress(AttributeError, NotImplementedError):
        sheet.freeze_panes.freeze_at("A2")


# --- Kontroll and the marks -------------------------------------------------------------------

def read_marks_record(book: Any) -> list[tuple[str, str, bool]]:
    """(sheet, cell address, whether we added a note) for every cell the last run marked."""
    sheet = find_sheet(book, MARKS_SHEET)
    if sheet is None:
        return []
    record = []
    for row in read_grid(sheet)[1:]:
        if len(row) >= 2 and row[0] and row[1]:
            record.append((str(row[0]), str(row[1]), len(row) > 2 and row[2] == "Ja"))
    return record


def _column_numbers(raw: RawSheet) -> dict[str, int]:
    numbers: dict[str, int] = {}
    for i, header in enumerate(raw.headers, start=1):
        if header:
            numbers.setdefault(str(header).strip().casefold(), i)
    return numbers


def _a1(row: int, col: int) -> str:
    letters = ""
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(65 + rest) + letters
    return f"{letters}{row}"


def _parse_a1(address: str) -> tuple[int, int]:
    address = address.replace("$", "").upper()
    letters = "".join(ch for ch in address if ch.isalpha())
    col = 0
    for ch in letters:
        col = col * 26 + ord(ch) - 64
    return int(address[len(letters):]), col


def _bands(positions: Iterable[tuple[int, int]]) -> list[tuple[int, int, int, int]]:
    """Group cells into blocks (top, left, bottom, right) of nearby rows, each ≤ SET_COLORS_MAX."""
    ordered = sorted(set(positions))
    bands: list[list[tuple[int, int]]] = []
    for cell in ordered:
        if bands:
            band = bands[-1]
            top = band[0][0]
            left = min(c for _, c in [*band, cell])
            right = max(c for _, c in [*band, cell])
            if (cell[0] - band[-1][0] <= BAND_GAP
                    and (cell[0] - top + 1) * (right - left + 1) <= SET_COLORS_MAX):
                band.append(cell)
                continue
        bands.append([cell])
    return [(b[0][0], min(c for _, c in b), b[-1][0], max(c for _, c in b)) for b in bands]


def paint(sheet: Any, colours: dict[tuple[int, int], str | None]) -> None:
    """Fill the given cells (None removes the fill) with one ``set_colors`` per band of rows."""
    for top, left, bottom, right in _bands(colours):
        matrix: list[list[Any]] = []
        for r in range(top, bottom + 1):
            matrix.append([colours.get((r, c), ...) for c in range(left, right + 1)])
        matrix = [[None if v is None else (v if v is ... else "#" + v) for v in row]
                  for row in matrix]
        cells(sheet, top, left, bottom, right).set_colors(matrix)


def write_marks(book: Any, problems: Sequence[Problem], raw: dict[str, RawSheet],
                previous: list[tuple[str, str, bool]]) -> list[list[Any]]:
    """Reset the cells the last run marked, mark the offending cells now; return the new record.

    A cell that already has a note of the user's gets the colour but no note: a note is never
    overwritten.
    """
    colours: dict[str, dict[tuple[int, int], str | None]] = {}
    notes_to_delete: dict[str, set[tuple[int, int]]] = {}
    for sheet_name, address, had_note in previous:
        cell = _parse_a1(address)
        colours.setdefault(sheet_name, {})[cell] = None
        if had_note:
            notes_to_delete.setdefault(sheet_name, set()).add(cell)

    marks = presentation.marks(problems)
    new_notes: dict[str, dict[tuple[int, int], str]] = {}
    for (sheet_name, row, column), (fill, note) in marks.items():
        sheet_raw = raw.get(sheet_name)
        if sheet_raw is None:
            continue
        col = _column_numbers(sheet_raw).get(column.casefold())
        if col is None:
            continue
        colours.setdefault(sheet_name, {})[(row, col)] = fill
        new_notes.setdefault(sheet_name, {})[(row, col)] = note

    record: list[list[Any]] = [list(MARKS_HEADERS)]
    for sheet_name in sorted(set(colours) | set(new_notes)):
        sheet = find_sheet(book, sheet_name)
        if sheet is None:
            continue
        paint(sheet, colours.get(sheet_name, {}))
        ours = notes_to_delete.get(sheet_name, set())
        for cell in sorted(ours):
            rng = cells(sheet, *cell)
            if rng.note is not None:
                rng.note.delete()
        notes_ok = _notes_supported(sheet)
        for cell, text in sorted(new_notes.get(sheet_name, {}).items()):
            added = False
            rng = cells(sheet, *cell)
            if notes_ok and (cell in ours or rng.note is None):
                rng.add_note(text)
                added = True
            record.append([sheet_name, _a1(*cell), "Ja" if added else "Nej"])
    return record


def _notes_supported(sheet: Any) -> bool:
    api = getattr(sheet.impl, "api", None)
    if isinstance(api, dict):  # remote: the client says whether it can add notes (ExcelApi 1.18)
        return api.get("notes_supported") is not False and api.get("notes") is not None
    return True


def write_kontroll(book: Any, problems: Sequence[Problem], raw: dict[str, RawSheet],
                   checked_at: datetime) -> None:
    """Replace the Kontroll sheet, the marks and the hidden record of the marks."""
    previous = read_marks_record(book)
    record = write_marks(book, problems, raw, previous)

    sheet = replace_sheet(book, schema.KONTROLL)
    rows = presentation.kontroll_rows(problems)
    # Värde is the offending cell's value as Excel held it ("0012" stays text, a date a date),
    # not the core's display string of it.
    for out, p in zip(rows[1:], problems, strict=False):
        found = _raw_value(raw, p.sheet, p.row, p.column)
        if found is not None:
            out[3] = found
    rows.append([])
    rows.append([presentation.kontroll_summary(problems, checked_at)])
    write_block(sheet, 1, 1, rows, len(schema.KONTROLL_HEADERS))
    style_header(sheet, 1, len(schema.KONTROLL_HEADERS))
    cells(sheet, len(rows), 1).font.italic = True
    set_widths(book, sheet, KONTROLL_WIDTHS)
    if problems:
        last = len(problems) + 1
        cells(sheet, 2, 5, last, 5).wrap_text = True
        paint(sheet, {(r, 6): presentation.FILL_FEL if p.severity == schema.SEVERITY_FEL
                      else presentation.FILL_VARNING for r, p in enumerate(problems, start=2)})
    freeze_header(sheet)

    marks_sheet = replace_sheet(book, MARKS_SHEET, hidden=True)
    write_block(marks_sheet, 1, 1, record, len(MARKS_HEADERS))
    sheet.activate()


_CLIENT_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?Z")


def _row_values(sheet_raw: RawSheet, row: int) -> list[Any] | None:
    """The values of Excel row ``row``: ``raw_sheet`` keeps one entry per row below the header,
    in order, so it is looked up by position (and found by a search otherwise)."""
    rows = sheet_raw.rows
    at = row - sheet_raw.header_row - 1
    if 0 <= at < len(rows) and rows[at][0] == row:
        return rows[at][1]
    return next((values for number, values in rows if number == row), None)


def _raw_value(raw: dict[str, RawSheet], sheet: str, row: int | None, column: str) -> Any:
    """The value the client sent for a cell, with a date (an ISO string ending in Z, see
    ``read_grid``) as a date again; None when the cell is not in what was read."""
    sheet_raw = raw.get(sheet)
    if sheet_raw is None or not row:
        return None
    col = _column_numbers(sheet_raw).get(column.casefold())
    values = _row_values(sheet_raw, row)
    if col is None or values is None:
        return None
    value = values[col - 1] if col - 1 < len(values) else None
    if isinstance(value, str):
        m = _CLIENT_DATE.fullmatch(value)
        if m:
            year, month, day, hour, minute, second = (int(g) for g in m.groups())
            moment = datetime(year, month, day, hour, minute, second)
            return moment.date() if moment.time() == time() else moment
    return None if value in (None, "") else value


# --- Sammanställning --------------------------------------------------------------------------

def write_sammanstallning(book: Any, tally: Tally, generated_at: datetime,
                          basis: Basis | None = None) -> None:
    sheet = replace_sheet(book, schema.SAMMANSTALLNING)
    grid, layout = presentation.sammanstallning_grid(tally, generated_at, basis)
    width = max(len(r) for r in grid)
    write_block(sheet, 1, 1, grid, width)
    for r in layout["header_rows"]:
        style_header(sheet, r, len(grid[r - 1]))
        cells(sheet, r, 1, r, len(grid[r - 1])).wrap_text = True
    for r in layout["title_rows"]:
        font = cells(sheet, r, 1).font
        font.bold = True
        font.color = "#" + presentation.HEADER_FILL
    for r in layout.get("total_rows", []):
        cells(sheet, r, 1, r, len(grid[r - 1])).font.bold = True
    for first, last, col in _column_runs(layout["percent_cells"]):
        cells(sheet, first, col, last, col).number_format = "0%"
    set_widths(book, sheet, (44, 40) + (13,) * (width - 2))
    header, first, last = layout["chart"]
    if last >= first:
        _add_chart(book, sheet, header, last, width)
    sheet.activate()


def _column_runs(positions: Iterable[tuple[int, int]]) -> list[tuple[int, int, int]]:
    runs: list[list[int]] = []
    for r, c in sorted(positions, key=lambda rc: (rc[1], rc[0])):
        if runs and runs[-1][2] == c and runs[-1][1] == r - 1:
            runs[-1][1] = r
        else:
            runs.append([r, r, c])
    return [(a, b, c) for a, b, c in runs]


def _add_chart(book: Any, sheet: Any, header: int, last: int, width: int) -> None:
    """Mål against platser per förvaltning, beside the tables (as the openpyxl adapter does)."""
    left_chars = 44 + 40 + 13 * (width - 2) + 4
    chart = sheet.charts.add(left=left_chars * 5.6, top=15 * (header - 2), width=620, height=340)
    chart.set_source_data(cells(sheet, header, 1, last, 3))
    chart.chart_type = "bar_clustered"
    with contextlib.suppress(AttributeError, NotImplementedError):
        chart.name = "Mål och platser"


# --- appending rows to a table ----------------------------------------------------------------

def append_rows(book: Any, sheet_name: str, raw: RawSheet, rows: Sequence[dict[str, Any]]
                ) -> tuple[int, int]:
    """Append rows (contract header → value) below the last filled row; return (first, last).

    Only the contract's columns are written, each run of adjacent columns as one block, so extra
    columns (and a table's calculated columns) are left as they are. The sheet's table, if any,
    is resized to take the new rows in.
    """
    sheet = find_sheet(book, sheet_name)
    numbers = _column_numbers(raw)
    last_filled = max((r for r, values in raw.rows
                       if any(v not in (None, "") for v in values)), default=raw.header_row)
    first = last_filled + 1
    last = first + len(rows) - 1
    headers = [h for h in schema.SPEC_BY_NAME[sheet_name].headers if h.casefold() in numbers]
    columns = sorted((numbers[h.casefold()], h) for h in headers)
    runs: list[list[tuple[int, str]]] = []
    for col, header in columns:
        if runs and runs[-1][-1][0] == col - 1:
            runs[-1].append((col, header))
        else:
            runs.append([(col, header)])
    for run in runs:
        block = [[row.get(header) for _, header in run] for row in rows]
        write_block(sheet, first, run[0][0], block, len(run))
    _grow_table(sheet, last)
    return first, last


def excel_api(book: Any) -> tuple[int, ...] | None:
    """The ExcelApi version the client said it has (remote books; None when unknown)."""
    try:
        text = book.impl.api["book"].get("excel_api")
        return tuple(int(p) for p in str(text).split(".")) if text else None
    except (AttributeError, KeyError, TypeError, ValueError):
        return None


def _grow_table(sheet: Any, last_row: int) -> None:
    version = excel_api(sheet.book) if is_remote(sheet.book) else None
    if version is not None and version < (1, 13):
        return  # Table.resize needs ExcelApi 1.13: the rows stay, just outside the table
    try:
        tables = list(sheet.tables)
    except (AttributeError, NotImplementedError):
        return
    if not tables:
        return
    table = tables[0]
    top_left, _, bottom_right = table.range.address.replace("$", "").partition(":")
    bottom, right = _parse_a1(bottom_right or top_left)
    if last_row > bottom:
        top, left = _parse_a1(top_left)
        table.resize(cells(sheet, top, left, last_row, right))
