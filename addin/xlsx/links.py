"""Where a Kontroll row leads: the cell a problem is about, as an internal hyperlink location."""

from __future__ import annotations

from collections.abc import Mapping

from ..core.model import Problem


def column_letter(n: int) -> str:
    letters = ""
    while n:
        n, rest = divmod(n - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def link_target(p: Problem, sheet_names: Mapping[str, str],
                columns: Mapping[str, Mapping[str, int]]) -> str:
    """``'Blad'!K12`` for a problem at a known cell, the row's A cell, the sheet's A1, or ''."""
    sheet = sheet_names.get(p.sheet.strip().casefold())
    if not sheet:
        return ""
    quoted = "'" + sheet.replace("'", "''") + "'"
    col = columns.get(p.sheet.strip().casefold(), {}).get(p.column.strip().casefold())
    if p.row and col:
        return f"{quoted}!{column_letter(col)}{p.row}"
    if p.row:
        return f"{quoted}!A{p.row}"
    return f"{quoted}!A1"
