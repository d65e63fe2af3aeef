"""Writing results into a workbook with openpyxl, without losing anything an administrator made.

The workbook is loaded whole (tables, validations, comments, extra columns and sheets survive);
only ``Kontroll``, ``Sammanställning`` and the marks of an earlier check are replaced. It is the
fallback of the fast writer (``addin.xlsx.results``) and does the same. A save goes through
``atomic.replace``, so a crash never leaves half a workbook nor a hidden copy; writing over
the input first keeps a dated backup beside it.
"""

from __future__ import annotations

import gc
import sys
import traceback
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO

import openpyxl
from openpyxl.chart import BarChart, Reference
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet

from ..core import presentation, schema
from ..core.basis import Basis
from ..core.errors import WorkbookLocked, WorkbookUnreadable
from ..core.model import Problem
from ..core.tally import Tally
from .atomic import replace
from .cells import write_value
from .links import link_target
from .safety import inspect_xlsx

NO_FILL = PatternFill(fill_type=None)
RESULT_TAB = "C55A11"


def load_for_update(path: Path) -> Workbook:
    inspect_xlsx(path)
    try:
        return openpyxl.load_workbook(path, keep_vba=path.suffix.lower() == ".xlsm",
                                      rich_text=True)
    except PermissionError:
        raise WorkbookLocked(f"{path.name} går inte att öppna: åtkomst nekad.") from None
    except Exception as exc:  # openpyxl raises many kinds for a damaged part
        raise WorkbookUnreadable(f"Arbetsboken {path.name} är skadad och kunde inte öppnas "
                                 f"({type(exc).__name__}). Öppna den i Excel och spara den igen.") from None


def _result_index(wb: Workbook, name: str) -> int:
    """Kontroll first after Instruktioner, Sammanställning after Kontroll (as the fast writer)."""
    names = [n.strip().casefold() for n in wb.sheetnames]
    after = [schema.INSTRUKTIONER] + ([schema.KONTROLL] if name == schema.SAMMANSTALLNING else [])
    return max([0] + [names.index(a.casefold()) + 1 for a in after if a.casefold() in names])


def _replace_sheet(wb: Workbook, name: str, index: int | None = None) -> Worksheet:
    if name in wb.sheetnames:
        index = wb.sheetnames.index(name) if index is None else index
        del wb[name]
    ws = wb.create_sheet(name, index)
    ws.sheet_properties.tabColor = RESULT_TAB
    return ws


def _print_setup(ws: Worksheet, landscape: bool, last_col: str) -> None:
    """Fit to the page width, header row on every page, the used range as the print area."""
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:1"
    ws.print_area = f"A1:{last_col}{ws.max_row}"
    ws.oddFooter.left.text = "&A"
    ws.oddFooter.right.text = "Sida &P av &N"


def _activate(wb: Workbook, ws: Worksheet) -> None:
    for other in wb.worksheets:
        other.sheet_view.tabSelected = False
    wb.active = wb.worksheets.index(ws)
    ws.sheet_view.tabSelected = True


def _header(ws: Worksheet, row: int, width: int) -> None:
    for col in range(1, width + 1):
        cell = ws.cell(row=row, column=col)
        cell.font = Font(name=presentation.FONT_NAME, bold=True, color=presentation.HEADER_FONT)
        cell.fill = PatternFill("solid", fgColor=presentation.HEADER_FILL)
        cell.alignment = Alignment(vertical="center", wrap_text=True)


def write_kontroll(wb: Workbook, problems: Sequence[Problem], checked_at: datetime) -> None:
    """Replace the Kontroll sheet and the marks on the data sheets."""
    clear_marks(wb)
    if schema.KONTROLL in wb.sheetnames:
        del wb[schema.KONTROLL]
    ws = _replace_sheet(wb, schema.KONTROLL, _result_index(wb, schema.KONTROLL))
    rows = presentation.kontroll_rows(problems)
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            if value is not None and value != "":
                write_value(ws.cell(row=r, column=c), value)
    _header(ws, 1, len(schema.KONTROLL_HEADERS))
    summary_row = len(rows) + 2
    ws.cell(row=summary_row, column=1, value=presentation.kontroll_summary(problems, checked_at)
            ).font = Font(name=presentation.FONT_NAME, italic=True)
    for col, width in zip("ABCDEF", (16, 6, 22, 28, 90, 12)):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A2"
    if len(rows) > 1:
        ws.auto_filter.ref = f"A1:F{len(rows)}"
    for r, p in enumerate(problems, start=2):
        ws.cell(row=r, column=5).alignment = Alignment(wrap_text=True, vertical="top")
        ws.cell(row=r, column=6).fill = PatternFill(
            "solid", fgColor=presentation.FILL_FEL if p.severity == schema.SEVERITY_FEL
            else presentation.FILL_VARNING)
    _link_rows(wb, ws, problems)
    _print_setup(ws, landscape=True, last_col="F")
    _mark_cells(wb, problems)
    _activate(wb, ws)


def _link_rows(wb: Workbook, ws: Worksheet, problems: Sequence[Problem]) -> None:
    """Each Kontroll row's Blad cell links to the cell the problem is about."""
    names = {n.strip().casefold(): n for n in wb.sheetnames}
    columns = {key: _column_numbers(wb[name]) for key, name in names.items()
               if key in {p.sheet.strip().casefold() for p in problems}}
    for r, p in enumerate(problems, start=2):
        location = link_target(p, names, columns)
        if location:
            cell = ws.cell(row=r, column=1)
            cell.hyperlink = Hyperlink(ref=cell.coordinate, location=location,
                                       tooltip="Gå till cellen", display="Gå till cellen")
            cell.font = Font(underline="single", color="0563C1")


def _column_numbers(ws: Worksheet) -> dict[str, int]:
    numbers = {}
    for cell in next(ws.iter_rows(min_row=1, max_row=1), ()):
        if cell.value is not None:
            numbers.setdefault(str(cell.value).strip().casefold(), cell.column)
    return numbers


def _mark_cells(wb: Workbook, problems: Sequence[Problem]) -> None:
    """Fill and note each offending cell; record them on the hidden marks sheet.

    A cell that already holds a note of the user's gets the fill but keeps its note.
    """
    columns_by_sheet: dict[str, dict[str, int]] = {}
    record: list[list[str]] = [list(presentation.MARKS_HEADERS)]
    for (sheet, row, column), (fill, note) in presentation.marks(problems).items():
        if sheet not in wb.sheetnames:
            continue
        ws = wb[sheet]
        columns = columns_by_sheet.setdefault(sheet, _column_numbers(ws))
        col = columns.get(column.casefold())
        if col is None:
            continue
        cell = ws.cell(row=row, column=col)
        cell.fill = PatternFill("solid", fgColor=fill)
        added = cell.comment is None
        if added:
            cell.comment = Comment(note, presentation.MARK_AUTHOR, width=320, height=110)
        record.append([sheet, cell.coordinate, "Ja" if added else "Nej"])
    ws = _replace_sheet(wb, presentation.MARKS_SHEET)
    ws.sheet_state = "hidden"
    for row in record:
        ws.append(row)


def clear_marks(wb: Workbook) -> None:
    """Reset the cells the last check marked (from the hidden record, or by our note's author)."""
    ours = {presentation.FILL_FEL, presentation.FILL_VARNING}
    if presentation.MARKS_SHEET in wb.sheetnames:
        for sheet, address, note in list(wb[presentation.MARKS_SHEET].iter_rows(
                min_row=2, max_col=3, values_only=True)):
            if sheet in wb.sheetnames and address:
                cell = wb[str(sheet)][str(address)]
                cell.fill = NO_FILL
                if note == "Ja":
                    cell.comment = None
        return
    for ws in wb.worksheets:  # a workbook marked before the record existed
        if ws.title in (schema.KONTROLL, schema.SAMMANSTALLNING, presentation.MARKS_SHEET):
            continue
        for row in ws.iter_rows():
            for cell in row:
                comment = cell.comment
                if comment is not None and comment.author == presentation.MARK_AUTHOR:
                    cell.comment = None
                    rgb = str(cell.fill.fgColor.rgb or "") if cell.fill is not None else ""
                    if rgb[-6:].upper() in ours:
                        cell.fill = NO_FILL


def write_sammanstallning(wb: Workbook, tally: Tally, generated_at: datetime,
                          basis: Basis | None = None) -> None:
    ws = _replace_sheet(wb, schema.SAMMANSTALLNING, _result_index(wb, schema.SAMMANSTALLNING)
                        if schema.SAMMANSTALLNING not in wb.sheetnames else None)
    grid, layout = presentation.sammanstallning_grid(tally, generated_at, basis)
    fill_grid(ws, grid, layout)
    header, first, last = layout["chart"]
    add_target_chart(ws, header, first, last, anchor=f"M{layout['title_rows'][1]}")
    _print_setup(ws, landscape=True, last_col=get_column_letter(max(len(r) for r in grid)))
    ws.print_title_rows = None


def fill_grid(ws: Worksheet, grid: list[list[Any]], layout: dict) -> None:
    width = max(len(r) for r in grid)
    for r, row in enumerate(grid, start=1):
        for c, value in enumerate(row, start=1):
            if value is not None and value != "":
                write_value(ws.cell(row=r, column=c), value)
    for r in layout["header_rows"]:
        _header(ws, r, len(grid[r - 1]))
        ws.row_dimensions[r].height = 32
    for r in layout["title_rows"]:
        ws.cell(row=r, column=1).font = Font(name=presentation.FONT_NAME, bold=True, size=13,
                                                  color=presentation.HEADER_FILL)
    for r in layout.get("total_rows", []):
        for c in range(1, len(grid[r - 1]) + 1):
            ws.cell(row=r, column=c).font = Font(name=presentation.FONT_NAME, bold=True)
    for r, c in layout["percent_cells"]:
        ws.cell(row=r, column=c).number_format = "0%"
    ws.column_dimensions["A"].width = 44
    ws.column_dimensions["B"].width = 40
    for c in range(3, width + 1):
        ws.column_dimensions[get_column_letter(c)].width = 13


def add_target_chart(ws: Worksheet, header: int, first: int, last: int, anchor: str) -> None:
    """A bar chart of mål against delivered places per förvaltning."""
    chart = BarChart()
    chart.type = "bar"
    chart.title = "Mål och platser per förvaltning"
    chart.y_axis.title = "Antal platser"
    chart.height, chart.width = 12, 22
    data = Reference(ws, min_col=2, max_col=3, min_row=header, max_row=last)
    cats = Reference(ws, min_col=1, min_row=first, max_row=last)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(cats)
    ws.add_chart(chart, anchor)


def save_atomic(wb: Workbook, target: Path, source: Path | None = None,
                now: datetime | None = None) -> Path | None:
    """Save ``wb`` to ``target`` atomically (``atomic.replace``); back up ``target`` first if it
    is the source. Returns the backup's path when one was made. A full disk or a read-only folder
    is a ``WorkbookLocked`` with a Swedish message; the target is then untouched and no backup or
    temporary file stays behind.
    """
    def write(fh: BinaryIO) -> None:
        try:
            wb.save(fh)
        except OSError as exc:
            _release_quietly(exc)
            raise

    return replace(target, write, source, now)


def _release_quietly(exc: BaseException) -> None:
    """openpyxl leaves its zip archive open when a save fails (a full disk); when the failure's
    frames are freed, the archive's own clean-up fails again and Python prints that traceback on
    stderr. Free them now, with that report silenced: the user gets one Swedish message."""
    hook = sys.unraisablehook
    sys.unraisablehook = lambda _: None
    try:
        traceback.clear_frames(exc.__traceback__)
        gc.collect()
    finally:
        sys.unraisablehook = hook
