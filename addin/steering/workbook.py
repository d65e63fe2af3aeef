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

from ..xlsx.cells import write_value
from ..core.steering_summary import (COUNT, LABEL, SHARE, TARGET, SteeringSummary, SummaryTable,
                                     definitions, legend)

BLUE, LIGHT, TOTAL_FILL, GREY = "1F4E79", "DDEBF7", "F2F2F2", "595959"
THIN = Side(style="thin", color="BFBFBF")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
TITLE = "Arbetsmarknadsanställningar – sammanställning till styrgruppen"


def Font(**kw) -> _Font:  # noqa: N802 - openpyxl leaves the name empty, and LibreOffice then picks a serif
    return _Font(name="Calibri", **kw)


SHEETS = (("forvaltningar", "Förvaltningar"), ("yrkesomraden", "Yrkesområden"),
          ("anstallningsformer", "Anställningsformer"))


def _cell(ws: Worksheet, row: int, col: int, value, **style):
    cell = ws.cell(row=row, column=col)
    write_value(cell, value)
    for name, v in style.items():
        setattr(cell, name, v)
    return cell


def _title(ws: Worksheet, summary: SteeringSummary, heading: str) -> int:
    _cell(ws, 1, 1, heading, font=Font(bold=True, size=15, color=BLUE))
    _cell(ws, 2, 1, f"Rapportperiod {summary.period_from:%Y-%m-%d} – {summary.period_to:%Y-%m-%d}. "
                    f"{summary.below} = färre än {summary.threshold}, .. = redovisas inte. "
                    "Förklaringar på bladet Om sammanställningen.",
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
    for note in table.notes:
        _cell(ws, row, 1, note, font=Font(italic=True, size=9, color=GREY))
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
               size: tuple[float, float] | None = None) -> None:
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
    ws.add_chart(chart, anchor)


def _long_text(ws: Worksheet, row: int, text: str, **style) -> None:
    """Text over columns B:C, wrapped, with a row tall enough for LibreOffice and Excel alike."""
    ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=3)
    _cell(ws, row, 2, text, alignment=Alignment(wrap_text=True, vertical="top"),
          font=style.pop("font", Font()), **style)
    ws.row_dimensions[row].height = 15 * (1 + len(text) // 120)


def _heading(ws: Worksheet, row: int, text: str) -> None:
    _cell(ws, row, 1, text, font=Font(bold=True, size=12, color=BLUE))


def _cover(ws: Worksheet, summary: SteeringSummary) -> None:
    ws.sheet_view.showGridLines = False
    _cell(ws, 1, 1, TITLE, font=Font(bold=True, size=16, color=BLUE))
    if summary.organisation:
        _cell(ws, 2, 1, summary.organisation, font=Font(size=12, color=GREY))
    facts = [
        ("Rapportperiod", f"{summary.period_from:%Y-%m-%d} – {summary.period_to:%Y-%m-%d}"),
        ("Skapad", f"{summary.generated_at:%Y-%m-%d %H:%M}"),
        ("Underlag", ", ".join(summary.sources) or "–"),
        ("Minsta redovisade antal", str(summary.threshold)),
    ]
    if summary.left_out:
        facts.append(("Rader som inte kunde läsas", f"{summary.left_out} (inte med i siffrorna; "
                                                     "kör Kontrollera i arbetsboken)"))
    row = 4
    for label, value in facts:
        _cell(ws, row, 1, label, font=Font(bold=True))
        _long_text(ws, row, value)
        row += 1

    row += 1
    _heading(ws, row, "Nyckeltal för perioden")
    row += 1
    k = summary.key_figures
    figures = [("Mål antal platser", k["mal"], TARGET), ("Platser", k["platser"], COUNT),
               ("Påbörjade", k["paborjade"], COUNT),
               ("Pågående vid periodens slut", k["pagaende"], COUNT),
               ("Avslutade", k["avslutade"], COUNT), ("Avbrutna", k["avbrutna"], COUNT),
               ("Till arbete eller studier vid avslut", k["share_end"], SHARE),
               ("Till arbete eller studier efter 90 dagar", k["share_90"], SHARE),
               ("Utfärdade kompetensintyg", k["utfardade_intyg"], COUNT),
               ("Andel avslutade med intyg", k["share_intyg"], SHARE)]
    for i, (label, value, kind) in enumerate(figures):
        fill = PatternFill("solid", fgColor=LIGHT if i % 2 == 0 else "FFFFFF")
        _cell(ws, row, 1, label, border=BORDER, font=Font(), fill=fill)
        cell = _cell(ws, row, 2, "–" if value is None else value, border=BORDER, fill=fill,
                     font=Font(bold=True, size=12, color=BLUE),
                     alignment=Alignment(horizontal="right"))
        if kind == SHARE and isinstance(value, float):
            cell.number_format = "0%"
        row += 1

    row += 1
    _heading(ws, row, "Så läser du siffrorna")
    row += 1
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
    _cell(ws, row, 1, "Sammanställningen innehåller bara antal och andelar: inga namn, "
                      "personnummer, DeltagarID, fritext eller skäl för enskilda personer.",
          font=Font(italic=True, color=GREY))
    ws.column_dimensions["A"].width = 40
    ws.column_dimensions["B"].width = 14
    ws.column_dimensions["C"].width = 80


def build_workbook(summary: SteeringSummary) -> Workbook:
    wb = Workbook()
    cover = wb.active
    cover.title = "Om sammanställningen"
    _cover(cover, summary)
    _landscape(cover)

    for key, name in SHEETS:
        ws = wb.create_sheet(name)
        table = summary.table(key)
        top = _title(ws, summary, f"{table.title}")
        end = write_table(ws, top, table, title="Antal och andelar")
        _widths(ws, 48, 11.5, len(table.headers))
        ws.freeze_panes = ws.cell(row=top + 2, column=2)
        first, last = top + 2, top + len(table.rows)  # data rows without the total
        if key == "forvaltningar":
            _bar_chart(ws, "Mål och platser per förvaltning (dolda antal visas inte)", top + 1,
                       first, last, (2, 3), f"A{end + 1}", horizontal=True, size=(15, 36))
        _landscape(ws)

    ws = wb.create_sheet("Mervärde")
    row = _title(ws, summary, "Mervärde för individen och arbetsplatsen (rekommendation 1)")
    for key in ("mervarde_individ", "mervarde_arbetsplats"):
        table = summary.table(key)
        if table.rows:
            top = row
            row = write_table(ws, row, table)
            _bar_chart(ws, table.title, top + 1, top + 2, top + 1 + len(table.rows), (2, 3, 4),
                       f"H{top}", horizontal=True)
            row = max(row, top + 27)
        else:
            _cell(ws, row, 1, f"{table.title}: inga bedömningar under perioden.")
            row += 2
    _widths(ws, 44, 12, 6)
    _landscape(ws)

    ws = wb.create_sheet("Utveckling")
    top = _title(ws, summary, "Utveckling under perioden")
    table = summary.table("tertialer")
    end = write_table(ws, top, table)
    _bar_chart(ws, "Påbörjade och avslutade per tertial", top + 1, top + 2,
               top + len(table.rows), (2, 3, 4), f"A{end + 1}")
    _widths(ws, 30, 14, len(table.headers))
    _landscape(ws)
    return wb


def workbook_bytes(summary: SteeringSummary) -> bytes:
    buffer = io.BytesIO()
    build_workbook(summary).save(buffer)
    return buffer.getvalue()


def file_name(summary: SteeringSummary) -> str:
    """A clear, ASCII-safe attachment name: Styrgrupp-arbetsmarknadsanstallningar-2026-01-01--2026-12-31.xlsx."""
    return (f"Styrgrupp-arbetsmarknadsanstallningar-{summary.period_from:%Y-%m-%d}--"
            f"{summary.period_to:%Y-%m-%d}.xlsx")
