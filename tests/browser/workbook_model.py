"""A workbook as the Excel stand-in (``excel_standin.js``) holds it: JSON built from an .xlsx.

Excel keeps a date as a serial number with a date number format, text as text, numbers as
numbers; so does the model: ``values`` row by row from A1 (``None`` for an empty cell),
``formats`` the number format of each cell (``None`` for General), plus notes, tables and defined
names. ``from_openpyxl`` reads everything the example workbook has; ``from_calamine`` reads a
large generated register quickly (values and dates only: it has no tables or notes).
"""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.utils import range_boundaries

EPOCH = datetime(1899, 12, 30)
DATE_FORMAT = "yyyy-mm-dd"


def serial(value: date | datetime) -> float:
    """Excel's serial number of a date (1900 date system, as Excel for the web uses)."""
    if not isinstance(value, datetime):
        value = datetime.combine(value, time())
    delta = value - EPOCH
    return delta.days + delta.seconds / 86400


def from_serial(number: float) -> datetime:
    return EPOCH + timedelta(days=number)


def _cell(value: Any, number_format: str | None) -> tuple[Any, str | None]:
    fmt = None if number_format in (None, "General") else number_format
    if isinstance(value, (datetime, date)):
        return serial(value), fmt or DATE_FORMAT
    if isinstance(value, time):
        return (value.hour * 3600 + value.minute * 60 + value.second) / 86400, fmt or "hh:mm"
    if value == "":
        return None, fmt
    return value, fmt


def from_openpyxl(path: Path) -> dict[str, Any]:
    wb = openpyxl.load_workbook(path)
    sheets = []
    for ws in wb.worksheets:
        values, formats, notes = [], [], []
        for row in ws.iter_rows():
            vrow, frow = [], []
            for cell in row:
                v, f = _cell(cell.value, cell.number_format)
                vrow.append(v)
                frow.append(f)
                if cell.comment is not None:
                    notes.append({"address": cell.coordinate, "content": cell.comment.text,
                                  "author": cell.comment.author or ""})
            values.append(vrow)
            formats.append(frow if any(frow) else None)
        tables = [{"name": t.name, "address": t.ref} for t in ws.tables.values()]
        sheets.append({"name": ws.title,
                       "visibility": "Visible" if ws.sheet_state == "visible" else "Hidden",
                       "values": values, "formats": formats, "notes": notes, "tables": tables})
    names = [{"name": n, "formula": "=" + wb.defined_names[n].attr_text}
             for n in wb.defined_names]
    active = wb.worksheets.index(wb.active) if wb.active in wb.worksheets else 0
    return {"name": Path(path).name, "activeSheet": active, "sheets": sheets, "names": names}


def from_calamine(path: Path) -> dict[str, Any]:
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_path(str(path))
    sheets = []
    for name in wb.sheet_names:
        rows = wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
        values, formats = [], []
        for row in rows:
            vrow, frow = [], []
            for value in row:
                v, f = _cell(value, None)
                vrow.append(v)
                frow.append(f)
            values.append(vrow)
            formats.append(frow if any(frow) else None)
        sheets.append({"name": name, "values": values, "formats": formats})
    return {"name": Path(path).name, "activeSheet": 0, "sheets": sheets, "names": []}


def write(model: dict[str, Any], path: Path) -> Path:
    path.write_text(json.dumps(model, ensure_ascii=False), encoding="utf-8")
    return path


def table_rows(snapshot: dict[str, Any]) -> list[dict[str, Any]]:
    """A sheet snapshot from the stand-in as dicts under its header row."""
    values = snapshot["values"]
    if not values:
        return []
    headers = values[0]
    return [dict(zip(headers, row, strict=False)) for row in values[1:]
            if any(v is not None for v in row)]


def bounds(address: str) -> tuple[int, int, int, int]:
    """(top, left, bottom, right), 1-based, of an A1 address."""
    left, top, right, bottom = range_boundaries(address)
    return top, left, bottom, right
