"""The steering-group workbook (openpyxl): a new file built from a ``SteeringSummary`` only.

Nothing of the register is copied: each cell holds a suppressed count, a share, a symbol or a
heading, and every text goes through ``xlsx.cells.write_value`` so nothing can become a formula.
Charts read the sheet's own cells, so a hidden count (``<5``, ``..``) is never drawn.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Border, PatternFill, Side
from openpyxl.styles import Font as _Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ..core import figures
from ..core.steering_summary import (
    LABEL,
    SHARE,
    SteeringSummary,
    SummaryTable,
    chart_series,
    definitions,
    legend,
)
from ..xlsx.cells import write_value

BLUE, LIGHT, TOTAL_FILL, GREY = "1F4E79", "DDEBF7", "F2F2F2", "595959"
THIN = Side(style="thin", color="BFBFBF")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
TITLE = "Arbetsmarknadsanställningar – sammanställning till styrgruppen"


def Font(**kw) -> _Font:
    return _Font(name="Calibri", **kw)




def _cell(ws: Worksheet, row: int, col: int, value, **style):
    cell = ws.cell(row=row, column=col)
    write_value(cell, value)
    for name, v in style.items():
        setattr(cell, name, v)
    return cell


def _title(ws: Worksheet, summary: SteeringSummary, heading: str) -> int:
    _cell(ws, 1, 1, heading, font=Font(bold=True, size=15, color=BLUE))
    _cell(ws, 2, 1, f"{summary.period.label}"
                    + (f". {summary.basis.quality()}" if summary.basis.preliminary else ".")
                    + " (sammanslagna) = för få för att visas var för sig, .. = redovisas inte, "
                    "– = ingen andel (nämnaren under 10). Förklaringar på bladet Om siffrorna.",
          font=Font(italic=True, color=GREY))
    return 4


def write_table(ws: Worksheet, top: int, table: SummaryTable, title: str | None = None) -> int:
    """Write a titled table from row ``top``; return the first free row below it and its notes."""
    _cell(ws, top, 1, title or table.title, font=Font(bold=True, size=12, color=BLUE))
    header_row = top + 1
    for c, header in enumerate(table.headers, start=1):
        _cell(ws, header_row, c, header, font=Font(bold=True, color="FFFFFF"),
              fill=PatternFill("solid", fgColor=BLUE), border=BORDER,
              alignment=Alignment(wrap_text=True, vertical="center",
                                  horizontal="left" if c == 1 else "center"))
    ws.row_dimensions[header_row].height = 64
    for i, values in enumerate(table.rows):
        r = header_row + 1 + i
        is_total = table.total_row and i == len(table.rows) - 1
        for c, (value, kind) in enumerate(zip(values, table.kinds), start=1):
            cell = _cell(ws, r, c, value, border=BORDER, font=Font())
            if kind == SHARE and isinstance(value, float):
                cell.number_format = "0%"
            if kind != LABEL:
                cell.alignment = Alignment(horizontal="right")
            if is_total:
                cell.font = Font(bold=True)
                cell.fill = PatternFill("solid", fgColor=TOTAL_FILL)
            elif i % 2 == 1:
                cell.fill = PatternFill("solid", fgColor="F7FBFF")
    row = header_row + len(table.rows) + 1
    width = len(table.headers)
    for note in table.notes:  # wrapped over the table's width, so the page keeps its width
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
        _cell(ws, row, 1, note, font=Font(italic=True, size=9, color=GREY),
              alignment=Alignment(wrap_text=True, vertical="top"))
        ws.row_dimensions[row].height = 12 * (1 + len(note) // (40 + 12 * width))
        row += 1
    return row + 1


def _widths(ws: Worksheet, first: float, others: float, count: int) -> None:
    ws.column_dimensions["A"].width = first
    for c in range(2, count + 1):
        ws.column_dimensions[get_column_letter(c)].width = others


def _landscape(ws: Worksheet) -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 1  # one page per sheet: it is read as a whole
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.gridLines = False


def _bar_chart(ws: Worksheet, title: str, header_row: int, first: int, last: int,
               columns: Sequence[int], anchor: str, horizontal: bool = False, y_title: str = "Antal",
               size: tuple[float, float] | None = None, target: Worksheet | None = None) -> None:
    chart = BarChart()
    chart.type = "bar" if horizontal else "col"
    chart.title = title
    chart.y_axis.title = y_title
    chart.height, chart.width = size or ((13, 24) if horizontal else (8, 16))
    chart.y_axis.delete = False
    chart.x_axis.delete = False
    for col in columns:
        chart.add_data(Reference(ws, min_col=col, min_row=header_row, max_row=last),
                       titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=first, max_row=last))
    if horizontal:
        chart.x_axis.scaling.orientation = "maxMin"  # first förvaltning on top, as in the table
    (target or ws).add_chart(chart, anchor)


def _long_text(ws: Worksheet, row: int, text: str, **style) -> None:
    """Text over columns B:D, wrapped, with a row tall enough for LibreOffice and Excel alike."""
    ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=4)
    _cell(ws, row, 2, text, alignment=Alignment(wrap_text=True, vertical="top"),
          font=style.pop("font", Font()), **style)
    ws.row_dimensions[row].height = 15 * (1 + len(text) // 95)


def _heading(ws: Worksheet, row: int, text: str) -> None:
    _cell(ws, row, 1, text, font=Font(bold=True, size=12, color=BLUE))


KEY_ROWS = (("mal", "Mål antal platser"), ("platser", None), ("paborjade", None),
            ("pagaende", None), ("ended", None), ("share_end", None), ("share_90", None),
            ("utfardade_intyg", None), ("share_intyg", None))


def _key_figures(ws: Worksheet, row: int, summary: SteeringSummary) -> int:
    k = summary.key_figures
    for i, (key, label) in enumerate(KEY_ROWS):
        fill = PatternFill("solid", fgColor=LIGHT if i % 2 == 0 else "FFFFFF")
        value = k[key]
        _cell(ws, row, 1, label or figures.label(key), border=BORDER, font=Font(), fill=fill)
        cell = _cell(ws, row, 2, "–" if value is None else value, border=BORDER, fill=fill,
                     font=Font(bold=True, size=12, color=BLUE),
                     alignment=Alignment(horizontal="right"))
        if figures.BY_KEY[key].kind == SHARE and isinstance(value, float):
            cell.number_format = "0%"
        row += 1
    return row


def _basis_facts(summary: SteeringSummary) -> list[tuple[str, str]]:
    basis = summary.basis
    facts = [("Underlaget", basis.quality()),
             ("Arbetsböcker", basis.combined()),
             ("Utfärdade intyg", summary.certificate_statement),
             ("Skapad", f"{summary.generated_at:%Y-%m-%d %H:%M}"),
             ("Kontakt", summary.contact or summary.organisation or "–")]
    facts[2:2] = [("Dubbletter", note) for note in basis.notes]
    if basis.left_out:
        facts.append(("Inte räknade", basis.left_out_sentence()))
    return facts


def _overview(ws: Worksheet, summary: SteeringSummary) -> None:
    """What the steering group needs first, on one screen: period, status, key figures, chart."""
    ws.sheet_view.showGridLines = False
    _cell(ws, 1, 1, TITLE, font=Font(bold=True, size=16, color=BLUE))
    _cell(ws, 2, 1, summary.period.label + (f" – {summary.organisation}" if summary.organisation
                                            else ""), font=Font(bold=True, size=12, color=GREY))
    row = 3
    if summary.basis.preliminary or not summary.period.standard:
        text = summary.basis.quality() if summary.basis.preliminary else summary.period.label
        _cell(ws, row, 1, text, font=Font(bold=True, color="9C0006"),
              fill=PatternFill("solid", fgColor="FFC7CE"))
        row += 1
    _heading(ws, row + 1, "Nyckeltal för perioden")
    row = _key_figures(ws, row + 2, summary) + 1
    for label, text in _basis_facts(summary):
        _cell(ws, row, 1, label, font=Font(bold=True), alignment=Alignment(vertical="top"))
        _long_text(ws, row, text, font=Font(size=10, color=GREY))
        row += 1
    ws.column_dimensions["A"].width = 40
    ws.column_dimensions["B"].width = 14
    ws.column_dimensions["C"].width = 30
    ws.column_dimensions["D"].width = 30
    _overview_chart(ws, summary)


def _overview_chart(ws: Worksheet, summary: SteeringSummary) -> None:
    """Mål and places per förvaltning beside the key figures: exact figures, nothing hidden."""
    names, mal, platser = chart_series(summary)
    data = ws.parent.create_sheet("Diagramdata")
    data.sheet_state = "hidden"
    rows = [("Förvaltning", "Mål antal platser", "Platser under perioden"),
            *zip(names, mal, platser, strict=True)]
    for r, row in enumerate(rows, start=1):  # through write_value: a name never becomes a formula
        for c, value in enumerate(row, start=1):
            _cell(data, r, c, value)
    _bar_chart(data, "Mål och platser per förvaltning", 1, 2, len(names) + 1, (2, 3), "F4",
               horizontal=True, size=(15, 20), target=ws)


def _about(ws: Worksheet, summary: SteeringSummary) -> None:
    ws.sheet_view.showGridLines = False
    _cell(ws, 1, 1, "Så läser du siffrorna", font=Font(bold=True, size=14, color=BLUE))
    row = 3
    for symbol, text in legend(summary.threshold):
        _cell(ws, row, 1, symbol, font=Font(bold=True),
              alignment=Alignment(horizontal="right", vertical="top"))
        _long_text(ws, row, text)
        row += 1
    row += 1
    _heading(ws, row, "Vad siffrorna betyder")
    row += 1
    for term, text in definitions():
        _cell(ws, row, 1, term, font=Font(bold=True), alignment=Alignment(vertical="top"))
        _long_text(ws, row, text)
        row += 1
    row += 1
    _cell(ws, row, 1, f"Minsta redovisade antal: {summary.threshold}. Sammanställningen innehåller "
                      "bara antal och andelar: inga namn, personnummer, DeltagarID, fritext eller "
                      "skäl för enskilda personer.", font=Font(italic=True, color=GREY))
    ws.column_dimensions["A"].width = 40
    for letter in "BCD":
        ws.column_dimensions[letter].width = 30


BREAKDOWN_NOTE = ("Utfall per förvaltning, kön och anställningsform redovisas i delårs- och "
                  "helårsrapporten; ett tertial visar stadens utfall (bladet Översikt).")


def _tables_sheet(wb: Workbook, name: str, summary: SteeringSummary, heading: str,
                  keys: Sequence[str]) -> Worksheet:
    ws = wb.create_sheet(name)
    row = _title(ws, summary, heading)
    tables = [t for t in (summary.find(k) for k in keys) if t is not None]
    for table in tables:
        top = row
        row = write_table(ws, row, table)
        if table.key == "forvaltningar":
            _bar_chart(ws, "Mål och platser per förvaltning", top + 1, top + 2,
                       top + len(table.rows), (2, 3), f"A{row}", horizontal=True, size=(14, 26))
            row += 29
    if len(tables) < len(keys):
        _cell(ws, row, 1, BREAKDOWN_NOTE, font=Font(italic=True, color=GREY))
        row += 1
    _widths(ws, 44, 12.5, max(len(t.headers) for t in tables) if tables else 2)
    _landscape(ws)
    return ws


def _numeric_columns(table: SummaryTable, columns: Sequence[int]) -> list[int]:
    """Columns with at least one drawn bar: a series with nothing to draw gets no legend entry."""
    body = table.rows[:-1] if table.total_row else table.rows
    return [c for c in columns if any(isinstance(r[c - 1], int) and r[c - 1] > 0 for r in body)]


def build_workbook(summary: SteeringSummary) -> Workbook:
    wb = Workbook()
    overview = wb.active
    overview.title = "Översikt"
    _overview(overview, summary)
    _landscape(overview)
    _tables_sheet(wb, "Förvaltningar", summary, "Platser per förvaltning", ("forvaltningar",))
    _tables_sheet(wb, "Utfall", summary, "Utfall och kompetensintyg per förvaltning",
                  ("utfall_forvaltningar", "intyg_forvaltningar", "utfall90_forvaltningar"))
    _tables_sheet(wb, "Kön", summary, "Per kön", ("kon", "intyg_kon"))
    _tables_sheet(wb, "Yrkesområden", summary, "Per yrkesområde", ("yrkesomraden",))
    _tables_sheet(wb, "Anställningsformer", summary, "Per anställningsform",
                  ("anstallningsformer",))
    _mervarde_sheet(wb, summary)
    _development_sheet(wb, summary)
    about = wb.create_sheet("Om siffrorna")
    _about(about, summary)
    _landscape(about)
    wb.move_sheet("Diagramdata", offset=len(wb.sheetnames))
    return wb


def _mervarde_sheet(wb: Workbook, summary: SteeringSummary) -> None:
    ws = wb.create_sheet("Mervärde")
    row = _title(ws, summary, "Mervärde för individen och arbetsplatsen (rekommendation 1)")
    tables = [t for t in (summary.find(k) for k in ("mervarde_individ", "mervarde_arbetsplats"))
              if t is not None]
    for table in tables:
        top = row
        row = write_table(ws, row, table)
        series = _numeric_columns(table, (2, 3, 4))
        if series:
            _bar_chart(ws, table.title, top + 1, top + 2, top + 1 + len(table.rows), series,
                       f"H{top}", horizontal=True, size=(9, 17))
        row = max(row, top + 19)
    if not tables:
        _cell(ws, row, 1, "Mervärdet redovisas i delårs- och helårsrapporten.",
              font=Font(italic=True, color=GREY))
    _widths(ws, 44, 12, 6)
    _landscape(ws)


def _development_sheet(wb: Workbook, summary: SteeringSummary) -> None:
    ws = wb.create_sheet("Utveckling")
    top = _title(ws, summary, "Utveckling under perioden")
    table = summary.table("tertialer")
    end = write_table(ws, top, table)
    series = _numeric_columns(table, (2, 3, 4))
    if series and len(table.rows) > 2:
        _bar_chart(ws, "Påbörjade och avslutade per tertial", top + 1, top + 2,
                   top + len(table.rows), series, f"A{end + 1}")
    _widths(ws, 30, 14, len(table.headers))
    _landscape(ws)


def workbook_bytes(summary: SteeringSummary) -> bytes:
    buffer = io.BytesIO()
    build_workbook(summary).save(buffer)
    return buffer.getvalue()


def file_name(summary: SteeringSummary) -> str:
    """A clear, ASCII-safe attachment name: Styrgrupp-arbetsmarknadsanstallningar-2026-01-01--2026-12-31.xlsx."""
    return (f"Styrgrupp-arbetsmarknadsanstallningar-{summary.period_from:%Y-%m-%d}--"
            f"{summary.period_to:%Y-%m-%d}.xlsx")
