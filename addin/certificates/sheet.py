"""The workbook's ``Intygsregister`` sheet: a mirror of the register for the administrator.

``sheet_changes`` (pure) compares the rows already on the sheet with the register's entries for
the workbook's placements: missing certificates become new rows, appended after the last one, and
a changed status (Ersatt, Återkallat) updates that row's Status cell. No other cell is rewritten,
so notes and extra columns an administrator added survive. Because it is recomputed from the
register each time, a run that could not write the workbook (open in Excel) is caught up by the
next one. ``write_sheet`` applies the changes to an openpyxl workbook.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..core import presentation, schema
from ..core.model import CertificateEntry, RawSheet
from ..xlsx.cells import write_value
from ..xlsx.stylebook import Look
from ..xlsx.tablesheet import TableSheet
from .store import Entry

HEADERS = schema.REGISTER_SHEET.headers
HEADER_LOOK = Look(bold=True, color=presentation.HEADER_FONT, fill=presentation.HEADER_FILL,
                   vertical="center")


def entry_row(e: Entry) -> list[str]:
    files = [e.files[k][0] for k in ("docx", "pdf") if k in e.files]
    return [e.number, e.plats_id, e.deltagar_id, e.issued_at.replace("T", " ")[:16], e.issuer,
            ", ".join(files), e.files.get("docx", ("", ""))[1], e.status]


@dataclass
class SheetChanges:
    append: list[list[str]] = field(default_factory=list)
    status: dict[int, str] = field(default_factory=dict)  # Excel row → new status

    def __bool__(self) -> bool:
        return bool(self.append or self.status)


def sheet_changes(existing: Sequence[CertificateEntry], entries: Sequence[Entry],
                  plats_ids: Collection[str]) -> SheetChanges:
    changes = SheetChanges()
    on_sheet = {c.intygsnummer: c for c in existing if c.intygsnummer}
    wanted = set(plats_ids)
    for e in entries:
        if e.plats_id not in wanted:
            continue
        row = on_sheet.get(e.number)
        if row is None:
            changes.append.append(entry_row(e))
        elif row.status != e.status:
            changes.status[row.row] = e.status
    return changes


def table_sheet(changes: SheetChanges) -> TableSheet:
    """The changes for the package writer (``addin.xlsx.tablesheet``)."""
    status = schema.REGISTER_SHEET.headers[-1]
    return TableSheet(schema.INTYGSREGISTER, schema.REGISTER_SHEET.table, HEADERS,
                      [c.width for c in schema.REGISTER_SHEET.columns], HEADER_LOOK, "C55A11",
                      {(row, status): value for row, value in changes.status.items()},
                      list(changes.append))


def find_raw(raw: dict[str, RawSheet], name: str) -> RawSheet | None:
    return next((s for n, s in raw.items() if n.strip().casefold() == name.casefold()), None)


def write_sheet(wb: Any, changes: SheetChanges) -> None:
    """Apply ``changes`` to an openpyxl workbook (the fallback; openpyxl is imported only here)."""
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    if schema.INTYGSREGISTER in wb.sheetnames:
        ws = wb[schema.INTYGSREGISTER]
    else:
        ws = wb.create_sheet(schema.INTYGSREGISTER)
        ws.sheet_properties.tabColor = "C55A11"
        for c, header in enumerate(HEADERS, start=1):
            cell = ws.cell(row=1, column=c, value=header)
            cell.font = Font(name=presentation.FONT_NAME, bold=True, color=presentation.HEADER_FONT)
            cell.fill = PatternFill("solid", fgColor=presentation.HEADER_FILL)
            cell.alignment = Alignment(vertical="center")
        for c, col in enumerate(schema.REGISTER_SHEET.columns, start=1):
            ws.column_dimensions[get_column_letter(c)].width = col.width
        ws.freeze_panes = "A2"
    columns: dict[str, int] = {}
    for cell in ws[1]:
        if cell.value is not None:
            columns.setdefault(str(cell.value).strip().casefold(), cell.column)
    for header in HEADERS:  # a sheet missing a column gets it at the end, never reordered
        if header.casefold() not in columns:
            new_col = max(columns.values(), default=0) + 1
            ws.cell(row=1, column=new_col, value=header)
            columns[header.casefold()] = new_col
    status_col = columns[schema.REGISTER_SHEET.headers[-1].casefold()]
    for row, status in changes.status.items():
        ws.cell(row=row, column=status_col, value=status)
    last = 1
    for r in range(ws.max_row, 1, -1):
        if any(ws.cell(row=r, column=c).value not in (None, "") for c in columns.values()):
            last = r
            break
    for values in changes.append:
        last += 1
        for header, value in zip(HEADERS, values, strict=True):
            write_value(ws.cell(row=last, column=columns[header.casefold()]), value)
    _fit_table(ws, last, max(columns.values()))


def _fit_table(ws: Any, last_row: int, last_col: int) -> None:
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.table import Table, TableStyleInfo

    ref = f"A1:{get_column_letter(last_col)}{max(last_row, 2)}"
    table = next(iter(ws.tables.values()), None)
    if table is None:
        if any(schema.REGISTER_SHEET.table in s.tables for s in ws.parent.worksheets):
            return  # the name is taken elsewhere: leave the sheet as a plain range
        table = Table(displayName=schema.REGISTER_SHEET.table, ref=ref)
        table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
        ws.add_table(table)
    else:
        table.ref = ref
        if table.autoFilter is not None:
            table.autoFilter.ref = ref
