"""The task pane's packed form of a sheet's values, and unpacking it into xlwings' rows.

A register repeats its values: the example's 14,885 assessment rows hold 744 PlatsID, 408 dates
and 125 competences in 119,080 cells. Sent as xlwings sends them (``"values"``, a list of rows),
every cell is a string of its own for the server to decode, check, hash and free: most of what a
Kontrollera cost. The task pane (``amanst-run.js``, ``packValues``) therefore sends each sheet it
has read as

    "values": [[]],
    "amanst_packed": {"width": 16, "distinct": ["PlatsID", "Förvaltning", ...],
                      "index": [0, 1, ..., 17, 18, ...]}

``distinct`` holds each value once, in the order first met, and ``index`` the position in it of
every cell, row after row, ``width`` cells a row (``values: [[]]`` is what xlwings' own client
sends for a sheet it has not read, so the sheet's shape stays xlwings'). ``unpack`` turns it back
into the rows xlwings and the add-in read, the same rows as the plain form, each cell the one
object of its value; a malformed one is refused whole. The plain form is still read as it is.
"""

from __future__ import annotations

from itertools import repeat
from typing import Any

KEY = "amanst_packed"

# What a cell of a register costs as xlwings' own JSON (Kontrollera's sheets of the generated
# 10,000-place register: 27.4 MB for 1.61 million cells, 17 bytes a cell). The server's limit on
# a workbook (``max_book_bytes``, 64 MiB: about 20,000 places) is in bytes of that JSON; a packed
# workbook is held to the cells those bytes hold, or a few megabytes of indexes could unpack into
# a register many times the size the setting allows.
BYTES_PER_CELL = 20


def cells(data: Any) -> int:
    """How many cells the packed sheets of a decoded request unpack into (malformed ones are
    refused later, by ``unpack``)."""
    sheets = data.get("sheets") if isinstance(data, dict) else None
    if not isinstance(sheets, list):
        return 0
    total = 0
    for sheet in sheets:
        sent = sheet.get(KEY) if isinstance(sheet, dict) else None
        index = sent.get("index") if isinstance(sent, dict) else None
        if isinstance(index, list):
            total += len(index)
    return total


def unpack(packed: Any) -> list[list[Any]] | None:
    """The rows of a packed sheet, or None when it is not one (the caller answers 400).

    The distinct values are not checked here for being JSON scalars: the caller's shape check
    does that on them once, as it does on every cell of a plain sheet.
    """
    if not isinstance(packed, dict):
        return None
    width, distinct, index = packed.get("width"), packed.get("distinct"), packed.get("index")
    if (width.__class__ is not int or width < 1 or not isinstance(distinct, list)
            or not isinstance(index, list) or not index or len(index) % width):
        return None
    try:
        if min(index) < 0:  # -1 would read from the end
            return None
        cells = map(distinct.__getitem__, index)
        # ``width`` references to the one iterator: zip takes a row's cells in order
        rows = list(map(list, zip(*repeat(cells, width), strict=True)))
    except (TypeError, IndexError, OverflowError, ValueError):  # an index no whole number, too big
        return None
    return rows
