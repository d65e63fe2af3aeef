"""Writing one value into an openpyxl cell so that it stays what it is.

openpyxl turns any string that starts with ``=`` into a formula, and Excel re-reads a text that
starts with ``=``, ``+``, ``-`` or ``@`` as a formula once someone edits the cell. Every value that
came from a user goes through ``write_value``: such text is stored as a string with Excel's quote
prefix, so it is shown, and kept, as text.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
DATE_FORMAT = "yyyy-mm-dd"


def looks_like_formula(value: str) -> bool:
    return value.startswith(FORMULA_TRIGGERS)


def write_value(cell: Any, value: Any) -> None:
    if isinstance(value, str):
        cell.value = value
        if value.startswith(FORMULA_TRIGGERS):
            cell.data_type = "s"
            cell.quotePrefix = True
        return
    cell.value = value
    if isinstance(value, (date, datetime)):
        cell.number_format = DATE_FORMAT
