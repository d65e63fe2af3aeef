"""Building a register workbook from code: the empty template and, with data, the example.

Each sheet of the contract becomes an Excel table whose header is row 1, so it grows as rows are
added. Dropdowns point at the catalog tables through defined names (``Lista_Forvaltning`` refers to
``tblForvaltningar[Förvaltning]``), so a list grows with its table and openpyxl, Excel and
LibreOffice all keep the validation. Fixed lists of the contract (Status, Tillfälle …) are inline.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from ..catalog import catalog_rows
from ..core import schema
from .cells import DATE_FORMAT, write_value

VALIDATED_ROWS = 5000  # dropdowns and formats reach this far below the header
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
}

INSTRUCTIONS = [
    ("Arbetsmarknadsanställningar – register", "title"),
    ("Den här arbetsboken är förvaltningens register över erbjudna platser, deltagare, "
     "uppföljningar av kompetenser och mervärden. Knapparna under fliken Arbetsmarknad kontrollerar, "
     "sammanställer och utfärdar kompetensintyg.", ""),
    ("Så arbetar du", "heading"),
    ("1. Fyll i en rad per erbjuden plats på bladet Platser. Status Erbjuden så länge platsen inte "
     "är tillsatt; när den tillsätts anger du DeltagarID, handledare och startdatum.", ""),
    ("2. Lägg upp deltagaren på bladet Deltagare. Personnummer är frivilligt och används bara för "
     "att räkna fram födelsedatum på intyget; det skrivs aldrig ut.", ""),
    ("3. Följ upp kompetenserna på bladet Bedömningar (Uppföljning 1, Uppföljning 2 och "
     "Slutbedömning). Knappen Nytt bedömningsformulär ger en ifyllnadsmall per plats.", ""),
    ("4. Notera mervärdet för individen och arbetsplatsen på bladet Mervärde.", ""),
    ("5. När platsen tar slut: fyll i Slutdatum, Status (Avslutad eller Avbruten), Utfall vid "
     "avslut och, för avbrutna platser, Avbrottsorsak. Efter 90 dagar fyller du i Utfall efter "
     "90 dagar.", ""),
    ("Knapparna", "heading"),
    ("Kontrollera – går igenom alla regler, markerar varje cell med fel (röd) eller varning (gul) "
     "och listar dem på bladet Kontroll. Inga uppgifter ändras.", ""),
    ("Sammanställ – räknar platser per förvaltning, yrkesområde och anställningsform för "
     "rapportperioden och skriver bladet Sammanställning.", ""),
    ("Utfärda intyg – skapar kompetensintyg för avslutade platser med slutbedömning och utan fel.", ""),
    ("Skicka till styrgruppen – skickar en sammanställning utan personuppgifter till styrgruppen.", ""),
    ("Regler i korthet", "heading"),
    ("Datum skrivs ÅÅÅÅ-MM-DD. Slutdatum fylls i först när platsen har tagit slut. "
     "Anställningsformen ska gälla på startdatum. En deltagare kan inte ha två platser samtidigt. "
     "Sysselsättningsgrad anges i procent (1–100 %).", ""),
    ("Listorna (förvaltningar, yrkesområden, kompetenser, nivåer, anställningsformer, mervärden, "
     "utfall, avbrottsorsaker) finns på de grå bladen och kan ändras av samordnaren. Rubrikerna i "
     "rad 1 får inte ändras; egna kolumner får läggas till.", ""),
    ("Inställningar: rapportperiod, lägsta nivå som skrivs på intyget, minsta antal som redovisas "
     "(mindre antal visas som <5) och styrgruppens e-postadresser. Lösenord sparas aldrig här.", ""),
    ("Personuppgifter", "heading"),
    ("Registret innehåller sekretesskyddade uppgifter. Dela inte arbetsboken med e-post; "
     "styrgruppen får bara sammanställningar utan namn, personnummer eller fritext.", ""),
]


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
    ws.column_dimensions["A"].width = 110
    for i, (line, kind) in enumerate(INSTRUCTIONS, start=1):
        cell = ws.cell(row=i, column=1, value=line)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if kind == "title":
            cell.font = Font(size=16, bold=True, color="1F4E79")
        elif kind == "heading":
            cell.font = Font(size=12, bold=True, color="1F4E79")


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
