"""Every rule in ``checks.RULES`` proven both ways, from one table of cases.

``CASES`` lists, per rule, registers that break it (with the problem WORKBOOK.md says they give:
sheet, row, column, severity and the gist of the message) and registers on its edges that pass.
Each date rule is tried the day before, on and after its boundary. Every case runs through
``checks.validate`` (so removing a rule from ``RULES`` fails its cases) and through the named rule
alone (so a case is attributed to the rule that owns it), on several "todays": the builders'
usual day, a new year, the last days of the tertials, a year's end and a leap day. A rule in
``RULES`` without a failing and a passing case here fails ``test_every_rule_has_cases_both_ways``.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pytest

from addin.catalog import catalog_rows
from addin.core import checks, schema
from addin.core.model import Register
from addin.core.reading import load_register
from tests.builders import TODAY, assessment, book, luhn_number, mervarde, participant, placement

# The builders' day, then a new year, the last day of each tertial, a year's end and a leap day.
TODAYS = (TODAY, date(2027, 1, 1), date(2027, 4, 30), date(2027, 8, 31), date(2027, 12, 31),
          date(2028, 2, 29))
DAY = timedelta(days=1)
P, D, B, M = schema.PLATSER, schema.DELTAGARE, schema.BEDOMNINGAR, schema.MERVARDE
FEL, VARNING = "Fel", "Varning"
START, END = date(2026, 1, 12), date(2026, 7, 10)  # the builders' placement P1

Expected = tuple[str, int, str, str]  # sheet, row, column, severity


@dataclass(frozen=True)
class Case:
    rule: str
    name: str
    build: Callable[[date], Register]
    expect: Expected | list[Expected] | None = None  # None: the register passes every rule
    says: str = ""  # a phrase the message must contain

    @property
    def id(self) -> str:
        return f"{self.rule}-{'fails' if self.expect else 'passes'}-{self.name}"


RAW: dict[int, dict] = {}  # id of a register built here → the raw sheets it was read from


def reg(today: date, **kwargs) -> Register:
    """The builders' valid register with some rows replaced, read as of ``today``."""
    kwargs.setdefault("participants", [participant()])
    kwargs.setdefault("placements", [placement()])
    kwargs.setdefault("assessments", [assessment()])
    kwargs.setdefault("mervarden", [mervarde()])
    raw = book(**kwargs)
    register = load_register(raw, source="test", today=today)
    RAW[id(register)] = raw
    return register


def cell_text(value, column: str = "") -> str:
    """docs/arbetsboken.md, the Kontroll sheet: "Värde är cellens innehåll som text" (a date as
    ÅÅÅÅ-MM-DD, a percentage with a decimal comma and %, an empty cell empty, a hidden or control
    character as its code)."""
    if column == "Sysselsättningsgrad" and isinstance(value, (int, float)):
        return f"{value:g} %".replace(".", ",")
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.isoformat()
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return "".join(ch.encode("unicode_escape").decode()
                   if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") else ch
                   for ch in str(value).strip())


def offered(**overrides) -> dict:
    return placement(**{"Status": "Erbjuden", "DeltagarID": None, "Handledare": None,
                        "Startdatum": None, "Slutdatum": None, "Planerat slutdatum": None,
                        "Utfall vid avslut": None, **overrides})


def ongoing(**overrides) -> dict:
    return placement(**{"Status": "Pågående", "Slutdatum": None, "Planerat slutdatum": None,
                        "Utfall vid avslut": None, **overrides})


def only_rows(placements: list[dict], **kwargs) -> Callable[[date], Register]:
    """Placements without assessments or mervärde rows (so no date of theirs interferes)."""
    return lambda t: reg(t, placements=placements, assessments=[], mervarden=[], **kwargs)


def with_catalog(sheet: str, *rows: list) -> dict[str, list]:
    return {sheet: [*catalog_rows()[sheet], *rows]}


def ran(start: date, end: date, **overrides) -> dict:
    """P1 as a completed placement from ``start`` to ``end``."""
    return placement(Startdatum=start, Slutdatum=end, **{"Planerat slutdatum": end, **overrides})


def fails(rule, name, build, expect, says=""):
    return Case(rule, name, build, expect, says)


def passes(rule, name, build):
    return Case(rule, name, build)


# Extratjänst in the bundled catalog is valid 2015-11-01 … 2021-12-31; a form of our own is used
# instead so the boundary comes from this file, not from the catalog's data.
FORM = ["Provform", date(2020, 3, 1), date(2020, 10, 31), "Nej", "Ja"]
FORM_CATALOG = with_catalog(schema.ANSTALLNINGSFORMER, FORM)


def form_starting(start: date) -> Callable[[date], Register]:
    return only_rows([ran(start, start + 10 * DAY, Anställningsform="Provform")],
                     catalog=FORM_CATALOG)


def hundred_plus(year: int) -> str:
    """A 12-digit number with '+' for someone born on 31 December of ``year``."""
    return luhn_number(date(year, 12, 31), 123).replace("-", "+")


CASES: list[Case] = [
    # --- Deltagare -------------------------------------------------------------------------
    fails("deltagar_id_required_and_unique", "missing",
          only_rows([offered()], participants=[participant(DeltagarID=None)]),
          (D, 2, "DeltagarID", FEL), "DeltagarID saknas"),
    fails("deltagar_id_required_and_unique", "twice",
          lambda t: reg(t, participants=[participant(), participant(Förnamn="Annan")]),
          (D, 3, "DeltagarID", FEL), "finns redan på rad 2"),
    passes("deltagar_id_required_and_unique", "two-ids",
           lambda t: reg(t, participants=[participant(), participant(DeltagarID="D2")])),

    fails("names_required", "no-fornamn", lambda t: reg(t, participants=[participant(Förnamn=" ")]),
          (D, 2, "Förnamn", FEL), "Förnamn saknas"),
    fails("names_required", "no-efternamn",
          lambda t: reg(t, participants=[participant(Efternamn="")]),
          (D, 2, "Efternamn", FEL), "Efternamn saknas"),
    passes("names_required", "one-letter",
           lambda t: reg(t, participants=[participant(Förnamn="Å", Efternamn="O")])),

    fails("no_hidden_characters", "right-to-left-override",
          lambda t: reg(t, participants=[participant(Förnamn="Anna\u202eanoJ")]),
          (D, 2, "Förnamn", FEL), "dolda tecken"),
    fails("no_hidden_characters", "zero-width-space",
          lambda t: reg(t, participants=[participant(Efternamn="Ber\u200bg")]),
          (D, 2, "Efternamn", FEL), "dolda tecken"),
    fails("no_hidden_characters", "bell-in-arbetsplats",
          lambda t: reg(t, placements=[placement(Arbetsplats="Kök\x07Centrum")]),
          (P, 2, "Arbetsplats", FEL), "dolda tecken"),
    fails("no_hidden_characters", "isolate-in-handledare",
          lambda t: reg(t, placements=[placement(Handledare="Hanna\u2066Berg")]),
          (P, 2, "Handledare", FEL), "dolda tecken"),
    fails("no_hidden_characters", "line-break-in-arbetsuppgifter",
          lambda t: reg(t, placements=[placement(Arbetsuppgifter="Städning\nDisk")]),
          (P, 2, "Arbetsuppgifter", FEL), "dolda tecken"),
    # U+2028 and U+2029 are line breaks by another name (categories Zl, Zp, not Cc)
    fails("no_hidden_characters", "line-separator-in-efternamn",
          lambda t: reg(t, participants=[participant(Efternamn="Berg\u2028Lund")]),
          (D, 2, "Efternamn", FEL), "dolda tecken"),
    fails("no_hidden_characters", "paragraph-separator-in-arbetsplats",
          lambda t: reg(t, placements=[placement(Arbetsplats="Kök\u2029Centrum")]),
          (P, 2, "Arbetsplats", FEL), "dolda tecken"),
    # a no-break space is not printable by Python's measure but hides nothing (category Zs)
    passes("no_hidden_characters", "no-break-space-in-a-name",
           lambda t: reg(t, participants=[participant(Förnamn="Anna\u00a0Maria")])),
    passes("no_hidden_characters", "letters-of-the-world",
           lambda t: reg(t, participants=[participant(Förnamn="Nguyễn Zoë", Efternamn="محمد")],
                         placements=[placement(Arbetsplats="Kök – Centrum, hus 2")])),

    fails("personnummer_valid", "check-digit",
          lambda t: reg(t, participants=[participant(Personnummer="19121212-1213")]),
          (D, 2, "Personnummer", FEL), "Kontrollsiffran"),
    fails("personnummer_valid", "born-tomorrow",
          lambda t: reg(t, participants=[participant(Personnummer=luhn_number(t + DAY, 123))]),
          (D, 2, "Personnummer", FEL), "framtiden"),
    passes("personnummer_valid", "born-today",
           lambda t: reg(t, participants=[participant(Personnummer=luhn_number(t, 123))])),
    passes("personnummer_valid", "born-yesterday",
           lambda t: reg(t, participants=[participant(Personnummer=luhn_number(t - DAY, 123))])),
    # Skatteverket: '+' replaces '-' from the year in which the person turns 100.
    passes("personnummer_valid", "plus-in-the-year-of-100",
           lambda t: reg(t, participants=[participant(Personnummer=hundred_plus(t.year - 100))])),
    fails("personnummer_valid", "plus-the-year-before-100",
          lambda t: reg(t, participants=[participant(Personnummer=hundred_plus(t.year - 99))]),
          (D, 2, "Personnummer", FEL), "100 år"),

    fails("personnummer_once", "the-same-number-written-two-ways",
          lambda t: reg(t, participants=[
              participant(Personnummer=luhn_number(date(1990, 3, 4), 123)),
              participant(DeltagarID="D2", Personnummer=luhn_number(date(1990, 3, 4), 123,
                                                                    long=False).replace("-", ""))]),
          [(D, 2, "Personnummer", FEL), (D, 3, "Personnummer", FEL)], "rad 2 (D1) och rad 3 (D2)"),
    # the same ten digits a century apart are two people (19190506-… and 20190506-…)
    passes("personnummer_once", "the-same-ten-digits-a-century-apart",
           lambda t: reg(t, participants=[
               participant(Personnummer=luhn_number(date(1919, 5, 6), 123)),
               participant(DeltagarID="D2", Personnummer=luhn_number(date(2019, 5, 6), 123))])),
    passes("personnummer_once", "two-people",
           lambda t: reg(t, participants=[
               participant(Personnummer=luhn_number(date(1990, 3, 4), 123)),
               participant(DeltagarID="D2", Personnummer=luhn_number(date(1990, 3, 4), 124))])),

    fails("kon_and_sprak_from_lists", "kon", lambda t: reg(t, participants=[participant(Kön="K")]),
          (D, 2, "Kön", FEL), "Kvinna"),
    fails("kon_and_sprak_from_lists", "sprak",
          lambda t: reg(t, participants=[participant(Intygsspråk="Arabiska")]),
          (D, 2, "Intygsspråk", FEL), "Svenska eller Engelska"),
    passes("kon_and_sprak_from_lists", "listed-or-empty",
           lambda t: reg(t, participants=[
               participant(Kön="Uppgift saknas", Intygsspråk="Engelska"),
               participant(DeltagarID="D2", Kön=None, Intygsspråk=None)])),

    # --- Platser ---------------------------------------------------------------------------
    fails("plats_id_required_and_unique", "missing", only_rows([placement(PlatsID=" ")]),
          (P, 2, "PlatsID", FEL), "PlatsID saknas"),
    fails("plats_id_required_and_unique", "twice",
          lambda t: reg(t, placements=[placement(), offered()]),
          (P, 3, "PlatsID", FEL), "finns redan på rad 2"),
    passes("plats_id_required_and_unique", "two-ids",
           lambda t: reg(t, placements=[placement(), offered(PlatsID="P2")])),

    fails("status_from_list", "missing", lambda t: reg(t, placements=[placement(Status=None)]),
          (P, 2, "Status", FEL), "Status saknas"),
    fails("status_from_list", "unknown", lambda t: reg(t, placements=[placement(Status="Klar")]),
          (P, 2, "Status", FEL), "Okänd status"),
    passes("status_from_list", "each-status",
           lambda t: reg(t, participants=[participant(), participant(DeltagarID="D2"),
                                          participant(DeltagarID="D3")],
                         placements=[placement(), offered(PlatsID="P2"),
                                     ongoing(PlatsID="P3", DeltagarID="D2"),
                                     placement(PlatsID="P4", DeltagarID="D3", Status="Avbruten",
                                               Avbrottsorsak="Fått arbete")])),

    fails("catalog_references", "no-forvaltning",
          lambda t: reg(t, placements=[placement(Förvaltning="")]),
          (P, 2, "Förvaltning", FEL), "Förvaltning saknas"),
    fails("catalog_references", "unknown-forvaltning",
          lambda t: reg(t, placements=[placement(Förvaltning="Okända förvaltningen")]),
          (P, 2, "Förvaltning", FEL), "bladet Förvaltningar"),
    fails("catalog_references", "no-yrkesomrade",
          lambda t: reg(t, placements=[placement(Yrkesområde=None)]),
          (P, 2, "Yrkesområde", FEL), "Yrkesområde saknas"),
    fails("catalog_references", "unknown-yrkesomrade",
          lambda t: reg(t, placements=[placement(Yrkesområde="Astronaut")]),
          (P, 2, "Yrkesområde", FEL), "bladet Yrkesområden"),
    fails("catalog_references", "no-arbetsplats",
          lambda t: reg(t, placements=[placement(Arbetsplats="")]),
          (P, 2, "Arbetsplats", FEL), "Arbetsplats saknas"),
    passes("catalog_references", "a-forvaltning-added-to-the-catalog",
           lambda t: reg(t, placements=[placement(Förvaltning="Nya förvaltningen")],
                         catalog=with_catalog(schema.FORVALTNINGAR,
                                              ["Nya förvaltningen", "NYF", "Nya nämnden", 3]))),

    fails("anstallningsform_valid_on_start", "missing",
          lambda t: reg(t, placements=[placement(Anställningsform="")]),
          (P, 2, "Anställningsform", FEL), "Anställningsform saknas"),
    fails("anstallningsform_valid_on_start", "unknown",
          lambda t: reg(t, placements=[placement(Anställningsform="Sommarjobb")]),
          (P, 2, "Anställningsform", FEL), "bladet Anställningsformer"),
    fails("anstallningsform_valid_on_start", "day-before-giltig-fran",
          form_starting(date(2020, 2, 29)),
          (P, 2, "Anställningsform", FEL), "2020-03-01–2020-10-31"),
    passes("anstallningsform_valid_on_start", "on-giltig-fran", form_starting(date(2020, 3, 1))),
    passes("anstallningsform_valid_on_start", "day-after-giltig-fran",
           form_starting(date(2020, 3, 2))),
    passes("anstallningsform_valid_on_start", "day-before-giltig-till",
           form_starting(date(2020, 10, 30))),
    passes("anstallningsform_valid_on_start", "on-giltig-till", form_starting(date(2020, 10, 31))),
    fails("anstallningsform_valid_on_start", "day-after-giltig-till",
          form_starting(date(2020, 11, 1)),
          (P, 2, "Anställningsform", FEL), "startar 2020-11-01"),

    fails("participant_and_supervisor", "unknown-participant",
          lambda t: reg(t, placements=[placement(DeltagarID="D9")]),
          (P, 2, "DeltagarID", FEL), "finns inte på bladet Deltagare"),
    fails("participant_and_supervisor", "no-participant-once-started",
          lambda t: reg(t, placements=[ongoing(DeltagarID=None)], assessments=[], mervarden=[]),
          (P, 2, "DeltagarID", FEL), "DeltagarID saknas"),
    fails("participant_and_supervisor", "no-supervisor",
          lambda t: reg(t, placements=[placement(Handledare=" ")]),
          (P, 2, "Handledare", FEL), "Handledare saknas"),
    passes("participant_and_supervisor", "offered-needs-neither", only_rows([offered()])),

    fails("dates_in_order", "no-start-when-ongoing", only_rows([ongoing(Startdatum=None)]),
          (P, 2, "Startdatum", FEL), "Startdatum saknas"),
    fails("dates_in_order", "no-start-when-ended", only_rows([placement(Startdatum=None)]),
          (P, 2, "Startdatum", FEL), "Startdatum saknas"),
    fails("dates_in_order", "planned-end-day-before-start",
          only_rows([placement(**{"Planerat slutdatum": START - DAY})]),
          (P, 2, "Planerat slutdatum", FEL), "före startdatum"),
    passes("dates_in_order", "planned-end-on-start",
           only_rows([placement(**{"Planerat slutdatum": START})])),
    fails("dates_in_order", "end-day-before-start", only_rows([placement(Slutdatum=START - DAY)]),
          (P, 2, "Slutdatum", FEL), "före startdatum"),
    passes("dates_in_order", "end-on-start", only_rows([placement(Slutdatum=START)])),
    fails("dates_in_order", "end-tomorrow", lambda t: only_rows([placement(Slutdatum=t + DAY)])(t),
          (P, 2, "Slutdatum", FEL), "framtiden"),
    passes("dates_in_order", "end-today", lambda t: only_rows([placement(Slutdatum=t)])(t)),
    passes("dates_in_order", "end-yesterday",
           lambda t: only_rows([placement(Slutdatum=t - DAY)])(t)),
    fails("dates_in_order", "ended-without-end", only_rows([placement(Slutdatum=None)]),
          (P, 2, "Slutdatum", FEL), "Slutdatum saknas"),
    fails("dates_in_order", "ongoing-with-end", only_rows([ongoing(Slutdatum=END)]),
          (P, 2, "Slutdatum", FEL), "ska inte ha något slutdatum"),

    fails("sysselsattningsgrad_in_range", "zero", lambda t: reg(t, placements=[placement(
          Sysselsättningsgrad=0)]), (P, 2, "Sysselsättningsgrad", FEL), "mellan 1 och 100"),
    fails("sysselsattningsgrad_in_range", "just-under-one-percent",
          lambda t: reg(t, placements=[placement(Sysselsättningsgrad="0,5 %")]),
          (P, 2, "Sysselsättningsgrad", FEL), "mellan 1 och 100"),
    passes("sysselsattningsgrad_in_range", "one-percent",
           lambda t: reg(t, placements=[placement(Sysselsättningsgrad="1 %")])),
    passes("sysselsattningsgrad_in_range", "hundred-percent",
           lambda t: reg(t, placements=[placement(Sysselsättningsgrad="100 %")])),
    fails("sysselsattningsgrad_in_range", "just-over-hundred",
          lambda t: reg(t, placements=[placement(Sysselsättningsgrad="100,5 %")]),
          (P, 2, "Sysselsättningsgrad", FEL), "mellan 1 och 100"),
    fails("sysselsattningsgrad_in_range", "missing-when-completed",
          lambda t: reg(t, placements=[placement(Sysselsättningsgrad=None)]),
          (P, 2, "Sysselsättningsgrad", VARNING), "kompetensintyget"),
    passes("sysselsattningsgrad_in_range", "missing-while-ongoing",
           only_rows([ongoing(Sysselsättningsgrad=None)])),

    fails("arbetsuppgifter_when_completed", "missing-when-completed",
          lambda t: reg(t, placements=[placement(Arbetsuppgifter="")]),
          (P, 2, "Arbetsuppgifter", FEL), "Arbetsuppgifter saknas"),
    passes("arbetsuppgifter_when_completed", "missing-while-ongoing",
           only_rows([ongoing(Arbetsuppgifter="")])),

    fails("avbrottsorsak_only_when_interrupted", "unknown",
          lambda t: reg(t, placements=[placement(Status="Avbruten", Avbrottsorsak="Tråkigt")]),
          (P, 2, "Avbrottsorsak", FEL), "bladet Avbrottsorsaker"),
    fails("avbrottsorsak_only_when_interrupted", "missing-when-interrupted",
          lambda t: reg(t, placements=[placement(Status="Avbruten")]),
          (P, 2, "Avbrottsorsak", FEL), "Avbrottsorsak saknas"),
    fails("avbrottsorsak_only_when_interrupted", "given-when-completed",
          lambda t: reg(t, placements=[placement(Avbrottsorsak="Fått arbete")]),
          (P, 2, "Avbrottsorsak", FEL), "bara anges när status är Avbruten"),
    passes("avbrottsorsak_only_when_interrupted", "given-when-interrupted",
           lambda t: reg(t, placements=[placement(Status="Avbruten",
                                                  Avbrottsorsak="Fått arbete")])),

    fails("utfall", "unknown-at-end",
          lambda t: reg(t, placements=[placement(**{"Utfall vid avslut": "Lyckat"})]),
          (P, 2, "Utfall vid avslut", FEL), "bladet Utfall"),
    fails("utfall", "unknown-after-90",
          lambda t: reg(t, placements=[placement(**{"Utfall efter 90 dagar": "Lyckat"})]),
          (P, 2, "Utfall efter 90 dagar", FEL), "bladet Utfall"),
    fails("utfall", "missing-at-end", lambda t: reg(t, placements=[placement(
          **{"Utfall vid avslut": None})]), (P, 2, "Utfall vid avslut", VARNING), "saknas"),
    fails("utfall", "given-while-ongoing",
          only_rows([ongoing(**{"Utfall vid avslut": "Studier"})]),
          (P, 2, "Utfall vid avslut", FEL), "avslutad eller avbruten"),
    fails("utfall", "after-90-without-end",
          only_rows([ongoing(**{"Utfall efter 90 dagar": "Studier"})]),
          (P, 2, "Utfall efter 90 dagar", FEL), "kräver ett slutdatum"),
    fails("utfall", "after-89-days",
          lambda t: only_rows([placement(Slutdatum=t - 89 * DAY,
                                         **{"Utfall efter 90 dagar": "Studier"})])(t),
          (P, 2, "Utfall efter 90 dagar", FEL), "först från"),
    passes("utfall", "after-90-days",
           lambda t: only_rows([placement(Slutdatum=t - 90 * DAY,
                                          **{"Utfall efter 90 dagar": "Studier"})])(t)),
    passes("utfall", "after-91-days",
           lambda t: only_rows([placement(Slutdatum=t - 91 * DAY,
                                          **{"Utfall efter 90 dagar": "Studier"})])(t)),

    fails("no_overlapping_placements", "starts-the-day-before-the-first-ends",
          only_rows([placement(), ongoing(PlatsID="P2", Startdatum=END - DAY)]),
          (P, 3, "Startdatum", FEL), "redan plats P1"),
    fails("no_overlapping_placements", "starts-the-day-the-first-ends",
          only_rows([placement(), ongoing(PlatsID="P2", Startdatum=END)]),
          (P, 3, "Startdatum", FEL), "redan plats P1 (rad 2)"),
    passes("no_overlapping_placements", "starts-the-day-after-the-first-ends",
           only_rows([placement(), ongoing(PlatsID="P2", Startdatum=END + DAY)])),
    fails("no_overlapping_placements", "inside-an-open-ended-one",
          only_rows([ongoing(), placement(PlatsID="P2", Startdatum=date(2026, 3, 1),
                                          Slutdatum=date(2026, 4, 1))]),
          (P, 3, "Startdatum", FEL), "samma tid"),
    passes("no_overlapping_placements", "other-participant-same-time",
           lambda t: reg(t, participants=[participant(), participant(DeltagarID="D2")],
                         placements=[placement(), placement(PlatsID="P2", DeltagarID="D2")])),

    # --- Bedömningar -----------------------------------------------------------------------
    fails("assessment_placement", "no-plats-id",
          lambda t: reg(t, assessments=[assessment(PlatsID="")]),
          (B, 2, "PlatsID", FEL), "PlatsID saknas"),
    fails("assessment_placement", "unknown-plats",
          lambda t: reg(t, assessments=[assessment(PlatsID="P7")]),
          (B, 2, "PlatsID", FEL), "finns inte på bladet Platser"),
    fails("assessment_placement", "offered-plats",
          lambda t: reg(t, placements=[placement(), offered(PlatsID="P2")],
                        assessments=[assessment(PlatsID="P2")]),
          (B, 2, "PlatsID", FEL), "Erbjuden"),
    fails("assessment_placement", "day-before-start",
          lambda t: reg(t, assessments=[assessment(Datum=START - DAY)]),
          (B, 2, "Datum", FEL), "utanför anställningen (2026-01-12 – 2026-07-10)"),
    passes("assessment_placement", "on-start",
           lambda t: reg(t, assessments=[assessment(Datum=START)])),
    passes("assessment_placement", "on-end", lambda t: reg(t, assessments=[assessment(Datum=END)])),
    fails("assessment_placement", "day-after-end",
          lambda t: reg(t, assessments=[assessment(Datum=END + DAY)]),
          (B, 2, "Datum", FEL), "utanför anställningen"),
    passes("assessment_placement", "ongoing-today",
           lambda t: reg(t, placements=[ongoing()], assessments=[assessment(Datum=t)])),
    fails("assessment_placement", "ongoing-tomorrow",
          lambda t: reg(t, placements=[ongoing()], assessments=[assessment(Datum=t + DAY)]),
          (B, 2, "Datum", FEL), "utanför anställningen"),

    fails("assessment_fields", "no-date", lambda t: reg(t, assessments=[assessment(Datum=None)]),
          (B, 2, "Datum", FEL), "Datum saknas"),
    fails("assessment_fields", "unknown-tillfalle",
          lambda t: reg(t, assessments=[assessment(Tillfälle="Uppföljning 3")]),
          (B, 2, "Tillfälle", FEL), "Uppföljning 1"),
    fails("assessment_fields", "no-niva", lambda t: reg(t, assessments=[assessment(Nivå=None)]),
          (B, 2, "Nivå", FEL), "Nivå saknas"),
    fails("assessment_fields", "niva-below", lambda t: reg(t, assessments=[assessment(Nivå=-1)]),
          (B, 2, "Nivå", FEL), "bladet Nivåer"),
    fails("assessment_fields", "niva-above", lambda t: reg(t, assessments=[assessment(Nivå=5)]),
          (B, 2, "Nivå", FEL), "bladet Nivåer"),
    passes("assessment_fields", "niva-0-and-4",
           lambda t: reg(t, assessments=[assessment(Nivå=0),
                                         assessment(Nivå=4, Tillfälle="Uppföljning 1")])),
    fails("assessment_fields", "no-assessor",
          lambda t: reg(t, assessments=[assessment(**{"Bedömd av": " "})]),
          (B, 2, "Bedömd av", FEL), "vem som har gjort bedömningen"),

    fails("assessment_competence", "unknown-modul",
          lambda t: reg(t, assessments=[assessment(Modul="Matematik")]),
          (B, 2, "Modul", FEL), "Språk"),
    fails("assessment_competence", "competence-not-in-modul",
          lambda t: reg(t, assessments=[assessment(Kompetens="Kan flyga")]),
          (B, 2, "Kompetens", FEL), "modulen Språk"),
    fails("assessment_competence", "yrkeskompetens-of-another-area",
          lambda t: reg(t, assessments=[assessment(
              Modul="Yrkeskompetens", Kompetens="Kör truck enligt behörighet och regler")],
              catalog=with_catalog(schema.KOMPETENSER, ["Yrkeskompetens", "Lager och logistik",
                                                        "Kör truck enligt behörighet och regler"])),
          (B, 2, "Kompetens", FEL), "hör till Lager och logistik"),
    passes("assessment_competence", "yrkeskompetens-of-its-area",
           lambda t: reg(t, assessments=[assessment(
               Modul="Yrkeskompetens",
               Kompetens="Följer städschema och kvitterar utförda moment")])),

    fails("assessment_not_twice", "same-occasion",
          lambda t: reg(t, assessments=[assessment(), assessment(Nivå=4)]),
          (B, 3, "Kompetens", VARNING), "rad 2"),
    passes("assessment_not_twice", "another-occasion",
           lambda t: reg(t, assessments=[assessment(), assessment(Tillfälle="Uppföljning 2")])),

    # --- Mervärde --------------------------------------------------------------------------
    fails("mervarde_rows", "no-plats-id", lambda t: reg(t, mervarden=[mervarde(PlatsID=None)]),
          (M, 2, "PlatsID", FEL), "PlatsID saknas"),
    fails("mervarde_rows", "unknown-plats", lambda t: reg(t, mervarden=[mervarde(PlatsID="P9")]),
          (M, 2, "PlatsID", FEL), "finns inte på bladet Platser"),
    fails("mervarde_rows", "no-date", lambda t: reg(t, mervarden=[mervarde(Datum=None)]),
          (M, 2, "Datum", FEL), "Datum saknas"),
    fails("mervarde_rows", "unknown-perspektiv",
          lambda t: reg(t, mervarden=[mervarde(Perspektiv="Samhälle")]),
          (M, 2, "Perspektiv", FEL), "Individ eller Arbetsplats"),
    fails("mervarde_rows", "mervarde-of-the-other-perspektiv",
          lambda t: reg(t, mervarden=[mervarde(Perspektiv="Arbetsplats")]),
          (M, 2, "Mervärde", FEL), "perspektivet Arbetsplats"),
    fails("mervarde_rows", "unknown-bedomning",
          lambda t: reg(t, mervarden=[mervarde(Bedömning="Kanske")]),
          (M, 2, "Bedömning", FEL), "Ja, Delvis eller Nej"),
    passes("mervarde_rows", "arbetsplats-nej",
           lambda t: reg(t, mervarden=[mervarde(Perspektiv="Arbetsplats", Bedömning="Nej",
                                                Mervärde="Avlastning för ordinarie personal")])),

    # --- Catalog and settings --------------------------------------------------------------
    fails("catalog_consistency", "negative-mal",
          lambda t: reg(t, catalog={schema.FORVALTNINGAR: [
              ["Serviceförvaltningen", "SF", "Servicenämnden", 4],
              ["Stadskontoret", "STK", "Kommunstyrelsen", -1]]}),
          (schema.FORVALTNINGAR, 3, "Mål antal platser", FEL), "Stadskontoret"),
    passes("catalog_consistency", "zero-mal",
           lambda t: reg(t, catalog={schema.FORVALTNINGAR: [
               ["Serviceförvaltningen", "SF", "Servicenämnden", 0]]})),
    fails("catalog_consistency", "giltig-till-the-day-before-giltig-fran",
          lambda t: reg(t, catalog=with_catalog(schema.ANSTALLNINGSFORMER,
                                                ["Provform", date(2020, 3, 1), date(2020, 2, 29),
                                                 "Nej", "Ja"])),
          (schema.ANSTALLNINGSFORMER, len(catalog_rows()[schema.ANSTALLNINGSFORMER]) + 2,
           "Giltig till", FEL), "Provform: Giltig till ligger före Giltig från"),
    passes("catalog_consistency", "giltig-one-day",
           lambda t: reg(t, catalog=with_catalog(schema.ANSTALLNINGSFORMER,
                                                 ["Provform", date(2020, 3, 1), date(2020, 3, 1),
                                                  "Nej", "Ja"]))),

    # Inställningar rows in the builders: period från 2, till 3, minsta antal 4, lägsta nivå 5.
    fails("settings_in_range", "lagsta-niva-below-0",
          lambda t: reg(t, settings={schema.S_LAGSTA_NIVA: -1}),
          (schema.INSTALLNINGAR, 5, "Värde", FEL), "mellan 0 och 4"),
    fails("settings_in_range", "lagsta-niva-above-4",
          lambda t: reg(t, settings={schema.S_LAGSTA_NIVA: 5}),
          (schema.INSTALLNINGAR, 5, "Värde", FEL), "mellan 0 och 4"),
    passes("settings_in_range", "lagsta-niva-0",
           lambda t: reg(t, settings={schema.S_LAGSTA_NIVA: 0})),
    passes("settings_in_range", "lagsta-niva-4",
           lambda t: reg(t, settings={schema.S_LAGSTA_NIVA: 4})),
    fails("settings_in_range", "minsta-antal-0",
          lambda t: reg(t, settings={schema.S_MINSTA_ANTAL: 0}),
          (schema.INSTALLNINGAR, 4, "Värde", FEL), "minst 1"),
    fails("settings_in_range", "minsta-antal-negative",
          lambda t: reg(t, settings={schema.S_MINSTA_ANTAL: -5}),
          (schema.INSTALLNINGAR, 4, "Värde", FEL), "minst 1"),
    passes("settings_in_range", "minsta-antal-1",
           lambda t: reg(t, settings={schema.S_MINSTA_ANTAL: 1})),
    passes("settings_in_range", "minsta-antal-empty",
           lambda t: reg(t, settings={schema.S_MINSTA_ANTAL: None})),
    fails("settings_in_range", "period-ends-the-day-before-it-starts",
          lambda t: reg(t, settings={schema.S_PERIOD_FRAN: date(2026, 1, 1),
                                     schema.S_PERIOD_TILL: date(2025, 12, 31)}),
          (schema.INSTALLNINGAR, 3, "Värde", FEL), "före dess början"),
    passes("settings_in_range", "one-day-period",
           lambda t: reg(t, settings={schema.S_PERIOD_FRAN: date(2026, 1, 1),
                                      schema.S_PERIOD_TILL: date(2026, 1, 1)})),
]

RULES_BY_NAME = {r.__name__: r for r in checks.RULES}


def test_every_rule_has_cases_both_ways():
    """A rule added to RULES without a case that breaks it (and one that passes) fails here."""
    in_rules = set(RULES_BY_NAME)
    failing = {c.rule for c in CASES if c.expect}
    passing = {c.rule for c in CASES if c.expect is None}
    assert in_rules == failing, ("rules without a failing case", in_rules - failing,
                                 "cases for rules not in RULES", failing - in_rules)
    assert in_rules == passing, ("rules without a passing case", in_rules - passing)
    assert len({c.id for c in CASES}) == len(CASES)


@pytest.mark.parametrize("today", TODAYS, ids=str)
def test_the_valid_register_passes_every_rule(today):
    register = reg(today)
    ctx = checks.Context(register, today)
    for name, check in RULES_BY_NAME.items():
        assert list(check(ctx)) == [], name
    assert checks.validate(register, today) == []


@pytest.mark.parametrize("today", TODAYS, ids=str)
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_case(case: Case, today: date):
    register = case.build(today)
    problems = checks.validate(register, today)
    found = [(p.sheet, p.row, p.column, p.severity) for p in problems]
    if case.expect is None:
        assert found == [], [p.message for p in problems]
        return
    assert found == (case.expect if isinstance(case.expect, list) else [case.expect]), \
        [p.message for p in problems]
    raw = RAW.get(id(register), {})
    for p in problems:
        assert case.says in p.message
        assert p.message.endswith(".") and p.message[0].isupper()
        sheet = raw.get(p.sheet)
        cells = dict(sheet.rows) if sheet else {}
        if p.row in cells and p.column in sheet.headers:  # a problem at a cell the case wrote
            assert p.value == cell_text(cells[p.row][sheet.headers.index(p.column)],
                                        p.column), p
    own = list(RULES_BY_NAME[case.rule](checks.Context(register, today)))
    assert own == problems, f"the problem does not come from {case.rule}"
