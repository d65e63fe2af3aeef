"""From raw sheets to a typed ``Register``: the only place that maps Swedish headers to fields.

Headers are matched after trimming and ignoring case, so ``' personnummer '`` still finds its
column; columns may come in any order and extra columns are ignored. Empty rows are skipped. A value
that cannot be read as its column's kind becomes a problem here and the field is left empty, so the
checks and the tally can run on everything else.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from . import schema
from .errors import WorkbookStructureError
from .identity import InvalidIdentity, parse_identity
from .model import (
    Anstallningsform,
    Assessment,
    Catalog,
    CertificateEntry,
    Forvaltning,
    Kompetens,
    MervardeEntry,
    Niva,
    Participant,
    Placement,
    Problem,
    RawSheet,
    Register,
    Settings,
    Yrkesomrade,
)
from .values import NotAValue, identity_text, text, to_date, to_int, to_percent

RawBook = Mapping[str, RawSheet]


def _key(header: object) -> str:
    return unicodedata.normalize("NFC", text(header)).casefold()


def find_sheet(book: RawBook, name: str) -> RawSheet | None:
    if name in book:
        return book[name]
    wanted = _key(name)
    for sheet_name, sheet in book.items():
        if _key(sheet_name) == wanted:
            return sheet
    return None


def check_structure(book: RawBook, specs: tuple[schema.SheetSpec, ...] = schema.REQUIRED_SHEETS
                    ) -> None:
    """Raise WorkbookStructureError naming every missing sheet and column at once."""
    missing: list[str] = []
    for spec in specs:
        sheet = find_sheet(book, spec.name)
        if sheet is None:
            missing.append(f"bladet '{spec.name}'")
            continue
        present = {_key(h) for h in sheet.headers}
        for header in spec.headers:
            if _key(header) not in present:
                missing.append(f"kolumnen '{header}' på bladet '{spec.name}' (rad {sheet.header_row})")
    if missing:
        raise WorkbookStructureError(
            "Arbetsboken följer inte mallen. Det saknas " + ", ".join(missing) + ". "
            "Lägg till det som saknas (rubrikerna ska stå i rad 1) eller utgå från mallen "
            "arbetsmarknadsanstallningar.xlsx.")


class _Rows:
    """Iterates a sheet's non-empty rows, giving getters by contract header."""

    def __init__(self, sheet: RawSheet, spec: schema.SheetSpec, problems: list[Problem]):
        self.sheet, self.spec, self.problems = sheet, spec, problems
        index = {}
        for i, h in enumerate(sheet.headers):
            index.setdefault(_key(h), i)
        self.index = {h: index[_key(h)] for h in spec.headers if _key(h) in index}
        self.bad = False  # set when a value of the current row could not be read

    def __iter__(self):
        width = len(self.sheet.headers)
        for row_number, values in self.sheet.rows:
            for v in values:  # the first non-empty cell ends the look; most rows stop at once
                if v is not None and v != "" and (v.__class__ is not str or v.strip()):
                    break
            else:
                continue
            if len(values) < width:
                values = list(values) + [None] * (width - len(values))
            self.row_number, self.values, self.bad = row_number, values, False
            yield row_number

    def raw(self, header: str) -> Any:
        return self.values[self.index[header]]

    def text(self, header: str) -> str:
        value = self.values[self.index[header]]
        return value.strip() if value.__class__ is str else text(value)

    def _typed(self, header: str, parse: Callable[[Any], Any], message: str) -> Any:
        value = self.values[self.index[header]]
        try:
            return parse(value)
        except NotAValue:
            self.bad = True
            self.problems.append(Problem(self.spec.name, self.row_number, header, text(value),
                                         message))
            return None

    def date(self, header: str) -> date | None:
        value = self.values[self.index[header]]
        if value.__class__ is date:
            return value
        return self._typed(header, to_date, f"'{header}' är inget datum. Skriv datumet som ÅÅÅÅ-MM-DD.")

    def int(self, header: str) -> int | None:
        value = self.values[self.index[header]]
        if value.__class__ is int:
            return value
        if value.__class__ is float and value.is_integer():
            return int(value)
        return self._typed(header, to_int, f"'{header}' ska vara ett heltal.")

    def percent(self, header: str) -> float | None:
        return self._typed(header, to_percent,
                           f"'{header}' ska vara en procentsats mellan 1 och 100, till exempel 75 %.")

    def yes(self, header: str) -> bool:
        return self.text(header).casefold() == schema.JA.casefold()


def load_register(book: RawBook, source: str = "", today: date | None = None) -> Register:
    """Read a workbook's sheets into a Register; raise WorkbookStructureError if one is missing."""
    today = today or date.today()
    check_structure(book)
    problems: list[Problem] = []

    def rows(name: str) -> _Rows:
        return _Rows(find_sheet(book, name), schema.SPEC_BY_NAME[name], problems)  # type: ignore[arg-type]

    catalog = Catalog()
    r = rows(schema.FORVALTNINGAR)
    for row in r:
        name = r.text("Förvaltning")
        if name:
            catalog.forvaltningar.setdefault(name, Forvaltning(
                name, r.text("Kod"), r.text("Nämnd"), r.int("Mål antal platser"), row))
    r = rows(schema.YRKESOMRADEN)
    for _ in r:
        name = r.text("Yrkesområde")
        if name:
            catalog.yrkesomraden.setdefault(name, Yrkesomrade(
                name, r.text("SSYK 2012"), r.text("SSYK-benämning"), r.yes("Kräver registerutdrag")))
    r = rows(schema.KOMPETENSER)
    for _ in r:
        if r.text("Kompetens"):
            catalog.kompetenser.append(Kompetens(r.text("Modul"), r.text("Yrkesområde"),
                                                 r.text("Kompetens")))
    r = rows(schema.NIVAER)
    for _ in r:
        level = r.int("Nivå")
        if level is not None:
            catalog.nivaer[level] = Niva(level, r.text("Benämning"), r.text("Beskrivning"),
                                         r.yes("Skrivs på intyget"))
    r = rows(schema.ANSTALLNINGSFORMER)
    for row in r:
        name = r.text("Anställningsform")
        if name:
            catalog.anstallningsformer.setdefault(name, Anstallningsform(
                name, r.date("Giltig från"), r.date("Giltig till"), r.yes("Röjer hälsouppgift"),
                r.yes("Räknas som arbetsmarknadsanställning"), row))
    r = rows(schema.MERVARDEN)
    for _ in r:
        if r.text("Mervärde"):
            catalog.mervarden.append((r.text("Perspektiv"), r.text("Mervärde")))
    r = rows(schema.UTFALL)
    for _ in r:
        if r.text("Utfall"):
            catalog.utfall[r.text("Utfall")] = r.yes("Räknas som arbete eller studier")
    r = rows(schema.AVBROTTSORSAKER)
    for _ in r:
        if r.text("Avbrottsorsak"):
            catalog.avbrottsorsaker[r.text("Avbrottsorsak")] = r.yes("Känslig")

    settings = _read_settings(rows(schema.INSTALLNINGAR))

    participants: list[Participant] = []
    r = rows(schema.DELTAGARE)
    for row in r:
        pnr = identity_text(r.raw("Personnummer"))
        birth = None
        if pnr:
            try:
                birth = parse_identity(pnr, today).birth_date
            except InvalidIdentity:
                pass  # reported by the checks, which own the rule
        participants.append(Participant(row, r.text("DeltagarID"), r.text("Förnamn"),
                                        r.text("Efternamn"), pnr, r.text("Kön"),
                                        r.text("Intygsspråk"), birth))

    placements: list[Placement] = []
    r = rows(schema.PLATSER)
    for row in r:
        p = Placement(row, r.text("PlatsID"), r.text("Förvaltning"), r.text("Arbetsplats"),
                      r.text("Yrkesområde"), r.text("Anställningsform"), r.text("DeltagarID"),
                      r.text("Handledare"), r.date("Startdatum"), r.date("Planerat slutdatum"),
                      r.date("Slutdatum"), r.text("Status"), r.percent("Sysselsättningsgrad"),
                      r.text("Arbetsuppgifter"), r.text("Avbrottsorsak"),
                      r.text("Utfall vid avslut"), r.text("Utfall efter 90 dagar"))
        p.unreadable = r.bad
        placements.append(p)

    assessments: list[Assessment] = []
    r = rows(schema.BEDOMNINGAR)
    for row in r:
        assessments.append(Assessment(row, r.text("PlatsID"), r.date("Datum"), r.text("Tillfälle"),
                                      r.text("Modul"), r.text("Kompetens"), r.int("Nivå"),
                                      r.text("Kommentar"), r.text("Bedömd av")))

    mervarden: list[MervardeEntry] = []
    r = rows(schema.MERVARDE)
    for row in r:
        mervarden.append(MervardeEntry(row, r.text("PlatsID"), r.date("Datum"), r.text("Perspektiv"),
                                       r.text("Mervärde"), r.text("Bedömning"), r.text("Kommentar")))

    certificates: list[CertificateEntry] = []
    register_sheet = find_sheet(book, schema.INTYGSREGISTER)
    if register_sheet is not None:
        r = _Rows(register_sheet, schema.REGISTER_SHEET, problems)
        for row in r:
            certificates.append(CertificateEntry(
                row, r.text("Intygsnummer"), r.text("PlatsID"), r.text("DeltagarID"),
                r.text("Utfärdat"), r.text("Utfärdat av"), r.text("Fil"), r.text("SHA-256"),
                r.text("Status")))

    return Register(source, catalog, settings, participants, placements, assessments, mervarden,
                    certificates, problems)


def _read_settings(r: _Rows) -> Settings:
    settings = Settings()
    for row in r:
        key = r.text("Inställning")
        if key:
            settings.values[key] = r.text("Värde")
            settings.rows[key] = row
            if key in (schema.S_PERIOD_FRAN, schema.S_PERIOD_TILL):
                parsed = r.date("Värde")
                if key == schema.S_PERIOD_FRAN:
                    settings.period_from = parsed
                else:
                    settings.period_to = parsed
            elif key in (schema.S_MINSTA_ANTAL, schema.S_LAGSTA_NIVA):
                number = r.int("Värde")
                if number is not None:
                    if key == schema.S_MINSTA_ANTAL:
                        settings.minsta_antal = number
                    else:
                        settings.lagsta_niva = number
    return settings
