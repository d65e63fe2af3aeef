"""A stand-in for xlwings Server's Office.js client, for tests and the benchmark (a test double).

``payload(path, include)`` builds the JSON body exactly as ``getBookData`` in the installed
``xlwings_server/static/js/custom-scripts/index.js`` does: every sheet is listed, but only the
``include``d sheets carry values (from A1 to the last cell holding a value), their tables and
which cells have a note; a number in a date-formatted cell is sent as an ISO string ending in
``Z`` (``convertDateValues``), an empty cell as ``""``.

``apply(actions, workbook)`` replays the returned actions onto an openpyxl workbook, so a test can
look at the end state the way Excel would show it. It knows only the actions our scripts emit and
raises on any other.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.table import Table, TableStyleInfo

XLWINGS_VERSION = "0.37.8"


def _js_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"
    if isinstance(value, date):
        return datetime.combine(value, time()).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    if isinstance(value, time):
        return value.isoformat()
    return value


def _used_extent(ws: Any) -> tuple[int, int]:
    last_row = last_col = 0
    for row in ws.iter_rows():
        for cell in row:
            if cell.value not in (None, ""):
                last_row = max(last_row, cell.row)
                last_col = max(last_col, cell.column)
    return last_row, last_col


def _address(top: int, left: int, bottom: int, right: int) -> str:
    a = f"{get_column_letter(left)}{top}"
    b = f"{get_column_letter(right)}{bottom}"
    return a if a == b else f"{a}:{b}"


def _tables(ws: Any) -> list[dict[str, Any]]:
    result = []
    for table in ws.tables.values():
        left, top, right, bottom = range_boundaries(table.ref)
        columns = [ws.cell(row=top, column=c).value for c in range(left, right + 1)]
        result.append({
            "name": table.name, "range_address": table.ref, "row_count": bottom - top + 1,
            "column_count": right - left + 1, "columns": columns,
            "header_row_range_address": _address(top, left, top, right),
            "data_body_range_address": _address(top + 1, left, max(bottom, top + 1), right),
            "total_row_range_address": None, "show_headers": True, "show_totals": False,
            "table_style": "TableStyleMedium2", "show_autofilter": True,
            "show_table_style_first_column": False, "show_table_style_last_column": False,
            "show_table_style_row_stripes": True, "show_table_style_column_stripes": False})
    return result


def _names(wb: Any) -> list[dict[str, Any]]:
    tables = {t.name: (ws, t) for ws in wb.worksheets for t in ws.tables.values()}
    result = []
    for name in wb.defined_names:
        text = wb.defined_names[name].attr_text
        address, sheet_index = None, None
        m = re.fullmatch(r"(\w+)\[(.+)\]", text)
        if m and m[1] in tables:
            ws, table = tables[m[1]]
            left, top, right, bottom = range_boundaries(table.ref)
            for c in range(left, right + 1):
                if ws.cell(row=top, column=c).value == m[2]:
                    address = _address(top + 1, c, bottom, c)
                    sheet_index = wb.worksheets.index(ws)
        result.append({"name": name, "refers_to": "=" + text, "type": "Range",
                       "sheet_index": sheet_index, "address": address, "scope_sheet_name": None,
                       "scope_sheet_index": None, "book_scope": True})
    return result


def payload(path: Path, include: str | list[str] = "", workbook: Any = None) -> dict[str, Any]:
    wb = workbook or openpyxl.load_workbook(path)
    names = include.split(",") if isinstance(include, str) else list(include)
    wanted = {n.strip() for n in names if n.strip()}
    sheets = []
    for ws in wb.worksheets:
        excluded = bool(wanted) and ws.title not in wanted
        entry: dict[str, Any] = {
            "name": ws.title,
            "visibility": "Visible" if ws.sheet_state == "visible" else "Hidden",
            "show_gridlines": True, "print_area": None, "notes": [], "notes_supported": True,
            "used_range_address": None, "used_range_row_count": 0, "used_range_column_count": 0,
            "values": [[]], "pictures": [], "shapes": [], "charts": [], "tables": [],
            "pivot_tables": []}
        if not excluded:
            rows, cols = _used_extent(ws)
            if rows:
                entry["used_range_address"] = _address(1, 1, rows, cols)
                entry["used_range_row_count"], entry["used_range_column_count"] = rows, cols
                entry["values"] = [[_js_value(ws.cell(row=r, column=c).value)
                                    for c in range(1, cols + 1)] for r in range(1, rows + 1)]
            else:
                entry["values"] = [[""]]
            entry["notes"] = [{"address": cell.coordinate} for row in ws.iter_rows()
                              for cell in row if cell.comment is not None]
            entry["tables"] = _tables(ws)
        sheets.append(entry)
    active = wb.worksheets.index(wb.active) if wb.active in wb.worksheets else 0
    return {"client": "Office.js", "version": XLWINGS_VERSION,
            "book": {"name": Path(path).name, "active_sheet_index": active, "selection": "A1",
                     "calculation": "Automatic"},
            "names": _names(wb), "sheets": sheets}


def _key(value: Any) -> tuple[type, Any]:
    """A value as a JavaScript Map tells values apart: 1 is not "1" nor true; 1 and 1.0 are one
    number in JavaScript."""
    return (float if value.__class__ is int else value.__class__, value)


def pack_values(values: list[list[Any]]) -> dict[str, Any] | None:
    """A sheet's rows packed as the task pane packs them (``packValues`` in amanst-run.js): each
    distinct value once, in the order first met, and every cell's position among them."""
    width = len(values[0]) if values else 0
    if not width or any(len(row) != width for row in values):
        return None
    seen: dict[tuple[type, Any], int] = {}
    distinct: list[Any] = []
    index: list[int] = []
    for row in values:
        for value in row:
            position = seen.setdefault(_key(value), len(distinct))
            if position == len(distinct):
                distinct.append(value)
            index.append(position)
    return {"width": width, "distinct": distinct, "index": index}


def packed(body: dict[str, Any]) -> dict[str, Any]:
    """``payload``'s book with every sheet read packed, as the task pane's ``readBook`` sends it
    (a copy: the book given is not changed)."""
    sheets = []
    for sheet in body["sheets"]:
        packed = pack_values(sheet["values"]) if sheet["used_range_address"] else None
        sheets.append({**sheet, "values": [[]], "amanst_packed": packed} if packed else sheet)
    return {**body, "sheets": sheets}


# --- replaying actions onto openpyxl (a test double for Excel) ----------------------------------

TEXT_FORMAT = "@"


def _cells(ws: Any, action: dict[str, Any]):
    top, left = action["start_row"] + 1, action["start_column"] + 1
    for r in range(action["row_count"]):
        for c in range(action["column_count"]):
            yield r, c, ws.cell(row=top + r, column=left + c)


def _excel_value(cell: Any, value: Any) -> None:
    """What Excel stores when Office.js assigns ``value`` to a cell."""
    if value == "" or value is None:
        cell.value = None
    elif isinstance(value, str) and cell.number_format == TEXT_FORMAT:
        cell.value = value
        cell.data_type = "s"
    elif isinstance(value, str) and value.startswith(("=", "+", "-", "@")):
        raise AssertionError(f"{cell.coordinate}: {value!r} would become a formula")
    elif isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        cell.value = date.fromisoformat(value)
    else:
        cell.value = value


def _from_serial(number: float, fmt: str) -> Any:
    moment = datetime(1899, 12, 30) + timedelta(days=number)
    return moment if "h" in fmt else moment.date()


def apply(actions: list[dict[str, Any]], wb: Any) -> Any:
    for action in actions:
        func, args = action["func"], action.get("args") or []
        sheets = wb.worksheets
        ws = sheets[action["sheet_position"]] if action.get("sheet_position") is not None else None
        if func == "addSheet":
            position, name = args
            wb.create_sheet(name, position)
        elif func == "sheetDelete":
            wb.remove(ws)
        elif func == "setSheetVisibility":
            ws.sheet_state = "visible" if args[0] in (True, "Visible") else "hidden"
        elif func == "setValues":
            for r, c, cell in _cells(ws, action):
                _excel_value(cell, action["values"][r][c])
        elif func == "runMacro" and args and args[0] == "amanstWrite":
            # The add-in's own action (amanst-run.js): number formats first, then the values;
            # null keeps a cell as it is. A date arrives as Excel's serial number.
            position, top, left, values, formats = args[1:]
            target = wb.worksheets[position]
            for r, row in enumerate(values):
                for c, value in enumerate(row):
                    cell = target.cell(row=top + r + 1, column=left + c + 1)
                    fmt = formats[r][c] if formats else None
                    if fmt is not None:
                        cell.number_format = fmt
                    if value is None:
                        continue
                    if isinstance(value, (int, float)) and not isinstance(value, bool) and \
                            fmt and fmt.startswith("yyyy"):
                        value = _from_serial(value, fmt)
                    _excel_value(cell, value)
        elif func == "setNumberFormat":
            for _, _, cell in _cells(ws, action):
                cell.number_format = args[0]
        elif func == "setRangeColor":
            for _, _, cell in _cells(ws, action):
                cell.fill = (PatternFill(fill_type=None) if args[0] is None else
                             PatternFill("solid", fgColor=args[0].lstrip("#").upper()))
        elif func == "setRangeColors":
            for r, c, cell in _cells(ws, action):
                colour = args[0][r][c]
                if colour == "keep":
                    continue
                cell.fill = (PatternFill(fill_type=None) if colour is None else
                             PatternFill("solid", fgColor=colour.lstrip("#").upper()))
        elif func == "addNote":
            cell = ws[args[0]]
            assert cell.comment is None, f"{args[0]} already has a note"
            cell.comment = Comment(args[1], "Excel")
        elif func == "deleteNote":
            cell = ws[args[0]] if args else next(c for _, _, c in _cells(ws, action))
            assert cell.comment is not None, "no note to delete"
            cell.comment = None
        elif func == "setFontProperty":
            for _, _, cell in _cells(ws, action):
                font = cell.font
                prop, value = args
                if prop == "color":
                    value = value.lstrip("#").upper()
                cell.font = Font(**{**{k: getattr(font, k) for k in ("b", "i", "color", "sz")},
                                    {"bold": "b", "italic": "i", "size": "sz"}.get(prop, prop): value})
        elif func == "setDataValidationList":
            source = args[0]
            formula = ('"' + ",".join(str(v) for v in source["values"]) + '"'
                       if source["type"] == "literal" else "=$A$1")
            dv = DataValidation(type="list", formula1=formula)
            dv.add(next(_cells(ws, action))[2].coordinate)
            ws.add_data_validation(dv)
        elif func == "addTable":
            address, has_headers, style, name = args
            assert has_headers, "the add-in always creates tables with their header row"
            table = Table(displayName=name or f"Tabell{len(ws.tables) + 1}",
                          ref=address.replace("$", ""))
            table.tableStyleInfo = TableStyleInfo(name=style or "TableStyleMedium2",
                                                  showRowStripes=True)
            ws.add_table(table)
        elif func == "resizeTable":
            table_index, address = args
            table = list(ws.tables.values())[table_index]
            table.ref = address.replace("$", "")
        elif func in ("setColumnWidth", "setWrapText", "freezePaneAtRange", "activateSheet",
                      "addChart", "setChartType", "setChartName", "setChartSourceData"):
            pass  # layout only: nothing the tests look at
        else:
            raise AssertionError(f"the test double does not know the action {func}")
    return wb
