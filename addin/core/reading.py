"""From raw sheets to a typed ``Register``: the only place that maps Swedish headers to fields.

Headers are matched after trimming and ignoring case, so ``' personnummer '`` still finds its
column; columns may come in any order and extra columns are ignored. Empty rows are skipped. A value
that cannot be read as its column's kind becomes a problem here and the field is left empty, so the
checks and the tally can run on everything else.

Reading is honest about what a cell holds: an Excel error value (``#N/A``), a date no register can
mean (Excel's zero date 1899-12-30, before 2000, decades ahead), a formula where a typed value
belongs, and text for a certificate that starts like a formula are each a Fel at their cell. Text
is composed (NFC) as it is read. Each sheet has its own reader below; ``load_register`` runs them.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterator, Mapping
from datetime import date
from typing import Any

from . import columnar, schema
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
from .values import (
    EXCEL_ERRORS,
    NotAValue,
    excel_error,
    format_date,
    identity_text,
    text,
    to_date,
    to_int,
    to_percent,
)

RawBook = Mapping[str, RawSheet]

PLAUSIBLE_FROM = date(2000, 1, 1)  # no placement in a register of today has an earlier date
PLAUSIBLE_YEARS_AHEAD = 10  # a date further ahead than this is a typing mistake
EXCEL_ZERO_DATES = (date(1899, 12, 30), date(1899, 12, 31))  # what 0 in a date cell shows as
FORMULA_TRIGGERS = frozenset("=+-@\t\r")
_SPECIAL_FIRST = FORMULA_TRIGGERS | {"#"}
_TRIGGER_NAMES = {"\t": "en tabb", "\r": "en radbrytning (CR)"}

# What each error value usually means, after "Cellen visar Excels felvärde X:".
_ERROR_CAUSES = {
    "#N/A": "en sökning (till exempel LETARAD eller XLETAUPP) hittade inget värde",
    "#REF!": "formeln pekar på en cell eller ett blad som har tagits bort",
    "#VALUE!": "formeln räknar med fel sorts värde, till exempel text i stället för ett tal",
    "#DIV/0!": "formeln delar med noll eller med en tom cell",
    "#NAME?": "formeln använder en funktion eller ett namn som inte finns",
    "#NUM!": "formeln gav ett tal som inte går att räkna med",
    "#NULL!": "formeln använder två områden som inte möts",
    "#SPILL!": "formelns resultat får inte plats där det ska stå",
}


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
        for header in (c.header for c in spec.columns if not c.optional):
            if _key(header) not in present:
                missing.append(f"kolumnen '{header}' på bladet '{spec.name}' "
                               f"(rad {sheet.header_row})")
    if missing:
        raise WorkbookStructureError(
            "Arbetsboken följer inte mallen. Det saknas " + ", ".join(missing) + ". "
            "Lägg till det som saknas (rubrikerna ska stå i rad 1) eller utgå från mallen "
            "arbetsmarknadsanstallningar.xlsx.")


# --- Messages ---------------------------------------------------------------------------------

def error_value_message(header: str, code: str) -> str:
    """What a cell showing Excel's error value ``code`` means, and what to do."""
    shown = EXCEL_ERRORS.get(code, code)
    name = code if shown == code else f"{code} (i svenska Excel {shown})"
    cause = _ERROR_CAUSES.get(code, "en formel kunde inte räknas ut")
    return (f"{header}: cellen visar Excels felvärde {name}, vilket oftast betyder att {cause}. "
            "Skriv in värdet direkt i cellen (eller rätta formeln), eller töm cellen om uppgiften "
            "saknas.")


def implausible_date_message(header: str, day: date, latest: date) -> str:
    if day in EXCEL_ZERO_DATES:
        why = (f"är {format_date(day)}, Excels nolldatum: cellen innehåller 0 eller en formel som "
               "inte gav något datum")
    elif day < PLAUSIBLE_FROM:
        why = f"{format_date(day)} ligger före år {PLAUSIBLE_FROM.year} och är troligen felskrivet"
    else:
        why = (f"{format_date(day)} ligger efter {format_date(latest)}, mer än "
               f"{PLAUSIBLE_YEARS_AHEAD} år fram i tiden, och är troligen felskrivet")
    return f"'{header}' {why}. Skriv datumet som ÅÅÅÅ-MM-DD."


def formula_text_message(header: str, value: str) -> str:
    first = value[0]
    sign = _TRIGGER_NAMES.get(first, f"tecknet {first}")
    return (f"{header} börjar med {sign}, som i Excel och andra kalkylprogram inleder en formel. "
            "Texten skrivs ut på kompetensintyget: ta bort tecknet i början av texten.")


def formula_cell_message(header: str) -> str:
    return (f"{header} räknas fram med en formel. Här ska värdet skrivas in: en formel kan ge ett "
            "annat värde när andra celler ändras. Kopiera cellen och klistra in den som värde "
            "(Klistra in special > Värden).")


# --- Rows -------------------------------------------------------------------------------------

class _Rows:
    """Iterates a sheet's non-empty rows, giving getters by contract header.

    ``plausible`` is the (first, last) date a date column of this sheet may hold.
    """

    def __init__(self, sheet: RawSheet, spec: schema.SheetSpec, problems: list[Problem],
                 plausible: tuple[date, date] | None = None):
        self.sheet, self.spec, self.problems, self.plausible = sheet, spec, problems, plausible
        self.composed: dict[str, str] = {}
        self.dates: dict[str, date] = {}  # text → the date it was read as (only good ones)
        index: dict[str, int] = {}
        for i, h in enumerate(sheet.headers):
            index.setdefault(_key(h), i)
        self.index = {h: index[_key(h)] for h in spec.headers if _key(h) in index}
        self.certificate_text = frozenset(schema.CERTIFICATE_TEXT.get(spec.name, ()))
        self.bad = False  # set when a value of the current row could not be read
        _flag_formulas(sheet, spec, self.index, problems)

    def __iter__(self) -> Iterator[int]:
        width = len(self.sheet.headers)
        for row_number, values in self.sheet.rows:
            if all(map(columnar.is_blank, values)):  # stops at the first filled cell
                continue
            if len(values) < width:
                values = list(values) + [None] * (width - len(values))
            self.row_number, self.values, self.bad = row_number, values, False
            yield row_number

    def problem(self, header: str, value: str, message: str, unreadable: bool = True) -> None:
        """A Fel at this row's ``header`` cell; ``unreadable`` leaves the row out of the tally."""
        self.bad = self.bad or unreadable
        self.problems.append(Problem(self.spec.name, self.row_number, header, value, message))

    def _error(self, header: str, code: str) -> None:
        self.problem(header, code, error_value_message(header, code))

    def text(self, header: str) -> str:
        value = self.values[self.index[header]]
        if value.__class__ is not str:
            return text(value)
        s = value.strip()
        if not s:
            return s
        if s.isascii():
            if s[0] not in _SPECIAL_FIRST:
                return s
        else:  # most text repeats (lists, names of competences): it is composed once
            composed = self.composed.get(s)
            if composed is not None:
                return composed
        return self._unusual_text(header, s)

    def _unusual_text(self, header: str, s: str) -> str:
        """Text that may be an error value or start like a formula, or is not yet composed."""
        if s[0] == "#":
            code = excel_error(s)
            if code:
                self._error(header, code)
                return ""
        elif s[0] in FORMULA_TRIGGERS and header in self.certificate_text:
            self.problem(header, s, formula_text_message(header, s), unreadable=False)
        if s.isascii():
            return s
        composed = unicodedata.normalize("NFC", s)
        if s[0] not in _SPECIAL_FIRST:  # such text is looked at again each time it comes
            self.composed[s] = composed
        return composed

    def identity(self, header: str) -> str:
        value = self.values[self.index[header]]
        code = excel_error(value)
        if code:
            self._error(header, code)
            return ""
        return identity_text(value)

    def optional(self, header: str) -> str:
        """An optional column's text; "" when the workbook does not have the column."""
        return self.text(header) if header in self.index else ""

    def _typed(self, header: str, parse: Callable[[Any], Any], message: str) -> Any:
        value = self.values[self.index[header]]
        code = excel_error(value)
        if code:
            self._error(header, code)
            return None
        try:
            return parse(value)
        except NotAValue:
            self.problem(header, text(value), message)
            return None

    def date(self, header: str) -> date | None:
        value = self.values[self.index[header]]
        if value.__class__ is not date:
            # dates from Excel on the web come as text, and repeat: each text is parsed once
            known = self.dates.get(value) if value.__class__ is str else None
            if known is None:
                known = self._typed(header, to_date,
                                    f"'{header}' är inget datum. Skriv datumet som ÅÅÅÅ-MM-DD.")
                if known is None:
                    return None
                if value.__class__ is str:
                    self.dates[value] = known
            value = known
        plausible = self.plausible
        if plausible is None or plausible[0] <= value <= plausible[1]:
            return value
        self.problem(header, format_date(value),
                     implausible_date_message(header, value, plausible[1]))
        return None

    def int(self, header: str) -> int | None:
        value = self.values[self.index[header]]
        if value.__class__ is int:
            return value
        if value.__class__ is float and value.is_integer():
            return int(value)
        return self._typed(header, to_int, f"'{header}' ska vara ett heltal.")

    def percent(self, header: str) -> float | None:
        return self._typed(header, to_percent, f"'{header}' ska vara en procentsats mellan 1 "
                                               "och 100, till exempel 75 %.")

    def yes(self, header: str) -> bool:
        return self.text(header).casefold() == schema.JA.casefold()


def _flag_formulas(sheet: RawSheet, spec: schema.SheetSpec, index: dict[str, int],
                   problems: list[Problem]) -> None:
    """A Fel for each formula the adapter found in a column where a value is to be typed."""
    typed = {index[h]: h for h in schema.TYPED_COLUMNS.get(spec.name, ()) if h in index}
    cells = sorted(cell for cell in sheet.formulas if cell[1] in typed)
    if not cells:
        return
    values = dict(sheet.rows)
    for row, column in cells:
        row_values = values.get(row, [])
        shown = text(row_values[column]) if column < len(row_values) else ""
        problems.append(Problem(spec.name, row, typed[column], shown,
                                formula_cell_message(typed[column])))


# --- One reader per sheet ---------------------------------------------------------------------

class _Book:
    """The raw book, the problems found so far, and the dates a data sheet may hold."""

    def __init__(self, book: RawBook, today: date):
        self.book, self.today = book, today
        self.problems: list[Problem] = []
        self.plausible = (PLAUSIBLE_FROM, date(today.year + PLAUSIBLE_YEARS_AHEAD, 12, 31))

    def rows(self, name: str, dated: bool = False) -> _Rows:
        return _Rows(find_sheet(self.book, name), schema.SPEC_BY_NAME[name],  # type: ignore[arg-type]
                     self.problems, self.plausible if dated else None)


def _read_forvaltningar(b: _Book, catalog: Catalog) -> None:
    r = b.rows(schema.FORVALTNINGAR)
    for row in r:
        name = r.text("Förvaltning")
        if name:
            catalog.forvaltningar.setdefault(name, Forvaltning(
                name, r.text("Kod"), r.text("Nämnd"), r.int("Mål antal platser"),
                r.optional("Förvaltning" + schema.EN), row))


def _read_yrkesomraden(b: _Book, catalog: Catalog) -> None:
    r = b.rows(schema.YRKESOMRADEN)
    for _ in r:
        name = r.text("Yrkesområde")
        if name:
            catalog.yrkesomraden.setdefault(name, Yrkesomrade(
                name, r.text("SSYK 2012"), r.text("SSYK-benämning"),
                r.yes("Kräver registerutdrag"), r.optional("Yrkesområde" + schema.EN),
                r.optional("SSYK-benämning" + schema.EN)))


def _read_kompetenser(b: _Book, catalog: Catalog) -> None:
    r = b.rows(schema.KOMPETENSER)
    for _ in r:
        kompetens = r.text("Kompetens")
        if kompetens:
            catalog.kompetenser.append(Kompetens(r.text("Modul"), r.text("Yrkesområde"), kompetens,
                                                 r.optional("Kompetens" + schema.EN)))


def _read_nivaer(b: _Book, catalog: Catalog) -> None:
    r = b.rows(schema.NIVAER)
    for _ in r:
        level = r.int("Nivå")
        if level is not None:
            catalog.nivaer[level] = Niva(level, r.text("Benämning"), r.text("Beskrivning"),
                                         r.yes("Skrivs på intyget"),
                                         r.optional("Benämning" + schema.EN),
                                         r.optional("Beskrivning" + schema.EN))


def _read_anstallningsformer(b: _Book, catalog: Catalog) -> None:
    r = b.rows(schema.ANSTALLNINGSFORMER)
    for row in r:
        name = r.text("Anställningsform")
        if name:
            catalog.anstallningsformer.setdefault(name, Anstallningsform(
                name, r.date("Giltig från"), r.date("Giltig till"), r.yes("Röjer hälsouppgift"),
                r.yes("Räknas som arbetsmarknadsanställning"),
                r.optional("Anställningsform" + schema.EN), row))


def _read_small_lists(b: _Book, catalog: Catalog) -> None:
    r = b.rows(schema.MERVARDEN)
    for _ in r:
        mervarde = r.text("Mervärde")
        if mervarde:
            catalog.mervarden.append((r.text("Perspektiv"), mervarde))
    r = b.rows(schema.UTFALL)
    for _ in r:
        utfall = r.text("Utfall")
        if utfall:
            catalog.utfall[utfall] = r.yes("Räknas som arbete eller studier")
    r = b.rows(schema.AVBROTTSORSAKER)
    for _ in r:
        reason = r.text("Avbrottsorsak")
        if reason:
            catalog.avbrottsorsaker[reason] = r.yes("Känslig")


def read_catalog(b: _Book) -> Catalog:
    catalog = Catalog()
    for read in (_read_forvaltningar, _read_yrkesomraden, _read_kompetenser, _read_nivaer,
                 _read_anstallningsformer, _read_small_lists):
        read(b, catalog)
    return catalog


def read_settings(b: _Book) -> Settings:
    settings = Settings()
    r = b.rows(schema.INSTALLNINGAR, dated=True)
    for row in r:
        key = r.text("Inställning")
        if not key:
            continue
        value = r.text("Värde")
        settings.values[key] = value
        settings.rows[key] = row
        if key in schema.CERTIFICATE_SETTINGS and value and value[0] in FORMULA_TRIGGERS:
            r.problem("Värde", value, formula_text_message(key, value), unreadable=False)
        if value:  # an error value was reported as the text was read
            _typed_setting(r, key, settings)
    return settings


def _typed_setting(r: _Rows, key: str, settings: Settings) -> None:
    if key == schema.S_PERIOD_FRAN:
        settings.period_from = r.date("Värde")
    elif key == schema.S_PERIOD_TILL:
        settings.period_to = r.date("Värde")
    elif key in (schema.S_MINSTA_ANTAL, schema.S_LAGSTA_NIVA):
        number = r.int("Värde")
        if number is None:
            return
        if key == schema.S_MINSTA_ANTAL:
            settings.minsta_antal = number
        else:
            settings.lagsta_niva = number


def read_participants(b: _Book) -> list[Participant]:
    participants: list[Participant] = []
    r = b.rows(schema.DELTAGARE)
    for row in r:
        pnr = r.identity("Personnummer")
        birth, fault = None, ""
        if pnr:
            # an invalid number is reported by the checks, which own the rule
            try:
                birth = parse_identity(pnr, b.today).birth_date
            except InvalidIdentity as reason:
                fault = str(reason)
        participants.append(Participant(row, r.text("DeltagarID"), r.text("Förnamn"),
                                        r.text("Efternamn"), pnr, r.text("Kön"),
                                        r.text("Intygsspråk"), birth, fault))
    return participants


def read_placements(b: _Book) -> list[Placement]:
    r = b.rows(schema.PLATSER, dated=True)
    text, day = r.text, r.date
    return columnar.records(r, Placement, (
        (text, "PlatsID"), (text, "Förvaltning"), (text, "Arbetsplats"), (text, "Yrkesområde"),
        (text, "Anställningsform"), (text, "DeltagarID"), (text, "Handledare"),
        (day, "Startdatum"), (day, "Planerat slutdatum"), (day, "Slutdatum"), (text, "Status"),
        (r.percent, "Sysselsättningsgrad"), (text, "Arbetsuppgifter"), (text, "Avbrottsorsak"),
        (text, "Utfall vid avslut"), (text, "Utfall efter 90 dagar"),
        (r.optional, "Arbetsuppgifter" + schema.EN)), unreadable=True)


def read_assessments(b: _Book) -> list[Assessment]:
    r = b.rows(schema.BEDOMNINGAR, dated=True)  # the largest sheet: a column at a time
    return columnar.records(r, Assessment, (
        (r.text, "PlatsID"), (r.date, "Datum"), (r.text, "Tillfälle"), (r.text, "Modul"),
        (r.text, "Kompetens"), (r.int, "Nivå"), (r.text, "Kommentar"), (r.text, "Bedömd av")))


def read_mervarden(b: _Book) -> list[MervardeEntry]:
    r = b.rows(schema.MERVARDE, dated=True)
    return columnar.records(r, MervardeEntry, (
        (r.text, "PlatsID"), (r.date, "Datum"), (r.text, "Perspektiv"), (r.text, "Mervärde"),
        (r.text, "Bedömning"), (r.text, "Kommentar")))


def read_certificates(b: _Book) -> list[CertificateEntry]:
    sheet = find_sheet(b.book, schema.INTYGSREGISTER)
    if sheet is None:
        return []
    r = _Rows(sheet, schema.REGISTER_SHEET, b.problems)
    return [CertificateEntry(row, r.text("Intygsnummer"), r.text("PlatsID"), r.text("DeltagarID"),
                             r.text("Utfärdat"), r.text("Utfärdat av"), r.text("Fil"),
                             r.text("SHA-256"), r.text("Status"))
            for row in r]


def load_register(book: RawBook, source: str = "", *, today: date) -> Register:
    """Read a workbook's sheets into a Register; raise WorkbookStructureError if one is missing."""
    check_structure(book)
    b = _Book(book, today)
    catalog = read_catalog(b)
    settings = read_settings(b)
    return Register(source, catalog, settings, read_participants(b), read_placements(b),
                    read_assessments(b), read_mervarden(b), read_certificates(b), b.problems)
