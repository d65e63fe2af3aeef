"""Building a register workbook from code: the empty template and, with data, the example.

Each sheet of the contract becomes an Excel table whose header is row 1, so it grows as rows are
added. Dropdowns point at the catalog tables through defined names (``Lista_Forvaltning`` refers to
``tblForvaltningar[Förvaltning]``), so a list grows with its table and openpyxl, Excel and
LibreOffice all keep the validation. Fixed lists of the contract (Status, Tillfälle …) are inline.

Every sheet reads and prints the same in Excel and LibreOffice: one font (Calibri; Carlito in
LibreOffice), Instruktioner one paragraph a row with its height computed from the wrapped text,
and each sheet on A4 one page wide with its header row repeated (Platser landscape).
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from ..catalog import catalog_rows
from ..core import presentation, schema
from .cells import DATE_FORMAT, write_value

VALIDATED_ROWS = 5000  # dropdowns and formats reach this far below the header
LANDSCAPE_FROM = 200  # column widths (characters) from which a sheet prints landscape
PERCENT_FORMAT = "0%"
DATA_TAB, CATALOG_TAB, INFO_TAB = "1F6FB2", "8C8C8C", "2E7D32"

# Catalog-backed dropdowns: defined name → structured reference to the catalog table column.
CATALOG_LISTS = {
    schema.L_FORVALTNING: "tblForvaltningar[Förvaltning]",
    schema.L_YRKESOMRADE: "tblYrkesomraden[Yrkesområde]",
    schema.L_ANSTALLNINGSFORM: "tblAnstallningsformer[Anställningsform]",
    schema.L_AVBROTTSORSAK: "tblAvbrottsorsaker[Avbrottsorsak]",
    schema.L_UTFALL: "tblUtfall[Utfall]",
    schema.L_KOMPETENS: "tblKompetenser[Kompetens]",
    schema.L_NIVA: "tblNivaer[Nivå]",
    schema.L_MERVARDE: "tblMervarden[Mervärde]",
    schema.L_DELTAGARID: "tblDeltagare[DeltagarID]",
    schema.L_PLATSID: "tblPlatser[PlatsID]",
}
FIXED_LISTS = {
    schema.L_STATUS: schema.STATUSES,
    schema.L_KON: schema.KON,
    schema.L_INTYGSSPRAK: schema.INTYGSSPRAK,
    schema.L_TILLFALLE: schema.TILLFALLEN,
    schema.L_BEDOMNING: schema.BEDOMNING_VARDEN,
    schema.L_JANEJ: (schema.JA, schema.NEJ),
    schema.L_MODUL: schema.MODULER,
    schema.L_PERSPEKTIV: schema.PERSPEKTIV,
}

DEFAULT_SETTINGS: dict[str, Any] = {
    schema.S_ORGANISATION: "Malmö stad",
    schema.S_FORVALTNING: "",
    schema.S_PREFIX: "",
    schema.S_ORT: "Malmö",
    schema.S_UNDERTECKNARE: "",
    schema.S_TITEL: "",
    schema.S_STYRGRUPP_EPOST: "",
    schema.S_AVSANDARE_EPOST: "",
    schema.S_PERIOD_FRAN: None,
    schema.S_PERIOD_TILL: None,
    schema.S_MINSTA_ANTAL: schema.DEFAULT_MINSTA_ANTAL,
    schema.S_LAGSTA_NIVA: schema.DEFAULT_LAGSTA_NIVA,
    schema.S_VERIFIERINGSADRESS: "",
    schema.S_KONTAKT: "",
    schema.S_LOGOTYP: "",
    schema.S_ORGANISATION_EN: "City of Malmö",
    schema.S_TITEL_EN: "",
}

# The Instruktioner sheet: (text, kind). Kinds: title, heading, text (a paragraph) and item (a
# paragraph of a list). Each is one row of column A; its height is computed from the text, since
# neither Excel nor LibreOffice grows a wrapped row when a file is opened.
INSTRUCTIONS: list[tuple[str, str]] = [
    ("Arbetsmarknadsanställningar – register", "title"),
    ("Den här arbetsboken är förvaltningens register över erbjudna platser, deltagare, "
     "uppföljningar av kompetenser och mervärden. Knapparna under fliken Arbetsmarknad "
     "kontrollerar registret, sammanställer det och utfärdar kompetensintyg.", "text"),
    ("Så arbetar du", "heading"),
    ("1. Fyll i en rad per erbjuden plats på bladet Platser. Status är Erbjuden så länge platsen "
     "inte är tillsatt; när den tillsätts anger du DeltagarID, handledare och startdatum.", "item"),
    ("2. Lägg upp deltagaren på bladet Deltagare. Personnummer är frivilligt och används bara för "
     "att räkna fram födelsedatum på intyget; det skrivs aldrig ut.", "item"),
    ("3. Följ upp kompetenserna på bladet Bedömningar (Uppföljning 1, Uppföljning 2 och "
     "Slutbedömning). Knappen Nytt bedömningsformulär ger en ifyllnadsmall per plats.", "item"),
    ("4. Notera mervärdet för individen och arbetsplatsen på bladet Mervärde.", "item"),
    ("5. När platsen tar slut fyller du i Slutdatum, Status (Avslutad eller Avbruten), Utfall vid "
     "avslut och, för en avbruten plats, Avbrottsorsak. Efter 90 dagar fyller du i Utfall efter 90 "
     "dagar.", "item"),
    ("Bladen", "heading"),
    ("Blå flikar: Deltagare, Platser, Bedömningar och Mervärde är det dagliga arbetet, en Excel-"
     "tabell per blad med rubrikerna i rad 1. Grå flikar: listorna (förvaltningar, yrkesområden, "
     "kompetenser, nivåer, anställningsformer, mervärden, utfall, avbrottsorsaker) och "
     "Inställningar, som samordnaren sköter. Knapparna skriver bladen Kontroll, Sammanställning "
     "och Intygsregister.", "text"),
    ("Knapparna", "heading"),
    ("Kontrollera: går igenom alla regler, markerar varje cell med fel (röd) eller varning (gul) "
     "med en kommentar, och listar dem på bladet Kontroll. Inga uppgifter ändras.", "item"),
    ("Sammanställ: räknar platser per förvaltning, yrkesområde och anställningsform för "
     "rapportperioden och skriver bladet Sammanställning.", "item"),
    ("Utfärda intyg: skapar kompetensintyg för avslutade platser med slutbedömning och utan fel. "
     "Ett andra klick utfärdar inget två gånger.", "item"),
    ("Skicka till styrgruppen: skickar en sammanställning utan personuppgifter till styrgruppen.",
     "item"),
    ("Regler i korthet", "heading"),
    ("Datum skrivs ÅÅÅÅ-MM-DD och ska ligga mellan år 2000 och tio år fram. Slutdatum fylls i "
     "först när platsen har tagit slut. Anställningsformen ska gälla på startdatum. En deltagare "
     "kan inte ha två platser samtidigt, och en person står bara på en rad på bladet Deltagare. "
     "Sysselsättningsgrad anges i procent (1–100 %).", "text"),
    ("Skriv in värden, inte formler, i namn, personnummer, ID och datum. En cell som visar ett "
     "felvärde (#SAKNAS!, #REFERENS! …) räknas som ett fel. Text som står på intyget (namn, "
     "arbetsplats, arbetsuppgifter) får inte börja med =, +, - eller @.", "text"),
    ("Rubrikerna i rad 1 får inte ändras; egna kolumner får läggas till. Inställningar: "
     "rapportperiod, lägsta nivå som skrivs på intyget, minsta antal som redovisas (mindre antal "
     "visas som <5) och styrgruppens e-postadresser. Lösenord sparas aldrig här.", "text"),
    ("Så räknas sammanställningen", "heading"),
    ("Per förvaltning för rapportperioden (Rapportperiod från – till på bladet Inställningar): "
     "platser är rader med status Erbjuden och platser som har börjat senast periodens sista dag "
     "och inte slutat före dess första; påbörjade har startdatum i perioden; pågående har börjat "
     "men inte slutat vid periodens slut; avslutade och avbrutna har den statusen och slutdatum i "
     "perioden; till arbete eller studier är de som slutat i perioden med ett utfall som räknas "
     "som arbete eller studier på bladet Utfall. Mål kommer från bladet Förvaltningar. Rader som "
     "inte kan läsas räknas inte med, och sammanställningen säger hur många de är.", "text"),
    ("Utskrift", "heading"),
    ("Varje blad skrivs ut så att det passar sidans bredd, med rubrikraden överst på varje sida "
     "och bladets namn och sidnummer i sidfoten. Platser skrivs ut liggande.", "text"),
    ("Personuppgifter", "heading"),
    ("Registret innehåller sekretesskyddade uppgifter. Dela inte arbetsboken med e-post; "
     "styrgruppen får bara sammanställningar utan namn, personnummer eller fritext.", "text"),
]

PAGE_BREAK_BEFORE = "Så räknas sammanställningen"
INSTRUCTIONS_WIDTH = 96  # characters of column A: one A4 page wide, portrait
_FONT_SIZE = {"title": 16, "heading": 12, "text": 11, "item": 11}
# Points per line for Calibri/Carlito at each size, and the room above a heading.
_LINE_HEIGHT = {16: 21.0, 12: 16.0, 11: 15.0}
_SPACE_ABOVE = {"title": 0.0, "heading": 12.0, "text": 3.0, "item": 3.0}


def build_workbook(data: Mapping[str, Sequence[Sequence[Any]]] | None = None,
                   settings: Mapping[str, Any] | None = None) -> Workbook:
    """A register workbook: catalog sheets from the bundled catalog, data sheets from ``data``."""
    data = dict(data or {})
    catalog = catalog_rows()
    values = {**DEFAULT_SETTINGS, **(settings or {})}
    wb = Workbook()
    info = wb.active
    info.title = schema.INSTRUKTIONER
    _instructions(info)

    for spec in schema.DATA_SHEETS:
        _table_sheet(wb, spec, data.get(spec.name, []), DATA_TAB)
    for spec in schema.CATALOG_SHEETS:
        if spec.name == schema.INSTALLNINGAR:
            rows = [[k, v] for k, v in values.items()]
        else:
            rows = data.get(spec.name) or catalog[spec.name]
        ws = _table_sheet(wb, spec, rows, CATALOG_TAB)
        if spec.name == schema.INSTALLNINGAR:
            for row in ws.iter_rows(min_row=2, min_col=2, max_col=2):
                if isinstance(row[0].value, date):
                    row[0].number_format = DATE_FORMAT

    for name, ref in CATALOG_LISTS.items():
        wb.defined_names[name] = DefinedName(name, attr_text=ref)
    return wb


def _instructions(ws: Worksheet) -> None:
    ws.sheet_properties.tabColor = INFO_TAB
    ws.column_dimensions["A"].width = INSTRUCTIONS_WIDTH
    ws.sheet_view.showGridLines = False
    for i, (line, kind) in enumerate(INSTRUCTIONS, start=1):
        cell = ws.cell(row=i, column=1, value=line)
        size = _FONT_SIZE[kind]
        # a heading stands between the texts; a paragraph's spare room (the height is an upper
        # bound) goes below it, before the next heading
        cell.alignment = Alignment(wrap_text=True, indent=1 if kind == "item" else 0,
                                   vertical="center" if kind in ("title", "heading") else "top")
        cell.font = Font(name=presentation.FONT_NAME, size=size, bold=kind in ("title", "heading"),
                         color="1F4E79" if kind in ("title", "heading") else None)
        ws.row_dimensions[i].height = instruction_row_height(line, kind)
        if line == PAGE_BREAK_BEFORE:  # the first page is full here; keep heading and text together
            ws.row_breaks.append(Break(id=i - 1))
    _page_setup(ws, "A", len(INSTRUCTIONS), landscape=False, title_rows=False)


def instruction_row_height(line: str, kind: str, width: float = INSTRUCTIONS_WIDTH) -> float:
    """The height in points a wrapped paragraph needs in column A, with room to spare.

    Width is counted as Excel does, in widths of the digit 0 (7 pixels of Calibri 11). Swedish
    prose in Calibri averages about 6 pixels a character (LibreOffice fits 108 of them on a line
    of width 96); wrapping at 1.05 characters a width (fewer for larger type) leaves a margin for
    wide words, an indent and another renderer.
    """
    size = _FONT_SIZE[kind]
    per_line = max(10, int((width - (2 if kind == "item" else 0)) * 1.05 * 11 / size))
    lines = len(textwrap.wrap(line, per_line)) or 1
    return round(lines * _LINE_HEIGHT[size] + _SPACE_ABOVE[kind] + 3, 1)


def _page_setup(ws: Worksheet, last_column: str, last_row: int, landscape: bool,
                title_rows: bool = True) -> None:
    """A4, one page wide and as many long as needed, with a footer naming sheet and page.

    A table sheet repeats its header row on every page and prints what it holds (Excel's used
    range): a fixed print area would leave out the rows added after the file was made.
    """
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins = PageMargins(left=0.5, right=0.5, top=0.6, bottom=0.7, header=0.3,
                                  footer=0.3)
    ws.print_options.horizontalCentered = False
    if title_rows:
        ws.print_title_rows = "1:1"
    if not title_rows:  # fixed content; a table keeps growing, and a fixed area would cut it off
        ws.print_area = f"A1:{last_column}{max(last_row, 1)}"
    ws.oddFooter.left.text = "&A"
    ws.oddFooter.right.text = "Sida &P av &N"
    for part in (ws.oddFooter.left, ws.oddFooter.right):
        part.font, part.size = presentation.FONT_NAME, 9


def is_wide(spec: schema.SheetSpec) -> bool:
    """Whether a sheet prints landscape: when portrait would shrink it below about half size.

    Landscape for a narrow, long sheet only makes more pages (each holds fewer rows), so only
    sheets much wider than a portrait page turn (Platser).
    """
    return sum(c.width for c in spec.columns) > LANDSCAPE_FROM


def _table_sheet(wb: Workbook, spec: schema.SheetSpec, rows: Sequence[Sequence[Any]],
                 tab: str) -> Worksheet:
    ws = wb.create_sheet(spec.name)
    ws.sheet_properties.tabColor = tab
    ws.append(list(spec.headers))
    for r, row in enumerate(rows, start=2):  # not ws.max_row: it scans every cell, each time
        ws.append([None] * len(spec.columns))
        for c, value in enumerate(row, start=1):
            if value is not None and value != "":
                write_value(ws.cell(row=r, column=c), value)
    last_row = max(2, len(rows) + 1)
    last_col = get_column_letter(len(spec.columns))
    table = Table(displayName=spec.table, ref=f"A1:{last_col}{last_row}")
    table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
    ws.add_table(table)
    ws.freeze_panes = "B2" if spec.name == schema.PLATSER else "A2"
    _page_setup(ws, last_col, last_row, landscape=is_wide(spec))

    for index, column in enumerate(spec.columns, start=1):
        letter = get_column_letter(index)
        ws.column_dimensions[letter].width = column.width
        span = f"{letter}2:{letter}{VALIDATED_ROWS}"
        number_format = {schema.ColumnKind.DATE: DATE_FORMAT,
                         schema.ColumnKind.PERCENT: PERCENT_FORMAT,
                         schema.ColumnKind.IDENTITY: "@"}.get(column.kind)
        if number_format:
            ws.column_dimensions[letter].number_format = number_format
            for (cell,) in ws.iter_rows(min_row=2, max_row=last_row, min_col=index, max_col=index):
                cell.number_format = number_format
        validation = _validation(column)
        if validation is not None:
            ws.add_data_validation(validation)
            validation.add(span)
    return ws


def _validation(column: schema.Column) -> DataValidation | None:
    header = column.header
    if column.list_name in CATALOG_LISTS:
        return DataValidation(type="list", formula1=f"={column.list_name}", allow_blank=True,
                              showErrorMessage=True, errorStyle="stop", errorTitle=header,
                              error=f"Välj {header.lower()} i listan. Listan finns på ett grått blad "
                                    "och kan utökas av samordnaren.")
    if column.list_name in FIXED_LISTS:
        values = ",".join(FIXED_LISTS[column.list_name])
        return DataValidation(type="list", formula1=f'"{values}"', allow_blank=True,
                              showErrorMessage=True, errorStyle="stop", errorTitle=header,
                              error=f"Välj ett av värdena i listan: {values.replace(',', ', ')}.")
    if column.kind is schema.ColumnKind.DATE:
        return DataValidation(type="date", operator="between", formula1="18264", formula2="73051",
                              allow_blank=True, showErrorMessage=True, errorStyle="stop",
                              errorTitle=header, error="Skriv ett datum som ÅÅÅÅ-MM-DD.")
    if column.kind is schema.ColumnKind.PERCENT:
        return DataValidation(type="decimal", operator="between", formula1="0.01", formula2="1",
                              allow_blank=True, showErrorMessage=True, errorStyle="stop",
                              errorTitle=header, error="Skriv en procentsats mellan 1 % och 100 %.")
    return None
