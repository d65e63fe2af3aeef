"""A second, deliberately simple count of every figure amanst publishes. Imports nothing from addin.

It reads the workbooks with openpyxl and applies the definitions as the documents state them
(WORKBOOK.md "Tally definitions", the README's `amanst tally --json` and "Beslut där kontraktet är
tyst", docs/styrgrupp.md), one plain loop per figure. It is slow and obvious on purpose: where it
and the product disagree, one of them has misread the definition.

Adding a figure: write a function ``(Row, Period) -> bool`` (does this placement count?) and put it
in ``FIGURES`` under the name the tally JSON uses; adding a breakdown: a function ``Row -> str`` in
``BREAKDOWNS``. Every comparison in tests/independent reads these two tables.

Where the documents are silent this count decides, and the product must agree:
- a row "cannot be read" (and is left out, counted in ``utelamnade_rader``) when its Förvaltning is
  not on Förvaltningar, its Status is not one of the four, a date or percent cell holds something
  that is not a date or a percent, or it has started (not Erbjuden) but has no Startdatum (it cannot
  be placed in time);
- the share after 90 days is of the placements with a known outcome after 90 days (an outcome is
  entered only once 90 days have passed, docs/arbetsboken.md, so the not-yet-known are not
  failures);
- a PlatsID counted once (README: the same PlatsID in two workbooks) has its mervärde rows counted
  once too, the first file's;
- a placement with an unknown yrkesområde or anställningsform is counted under that name.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import openpyxl

STATUSES = ("Erbjuden", "Pågående", "Avslutad", "Avbruten")
ENDED = ("Avslutad", "Avbruten")
YES = "Ja"
UNREADABLE = object()
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}")
_PERCENT = re.compile(r"[+-]?\d+(?:[.,]\d+)?\s*%?")


def text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def a_date(value):
    """A date, None for an empty cell, or UNREADABLE."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, str) and _ISO.fullmatch(value.strip()):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            return UNREADABLE
    return UNREADABLE


def a_percent_is_readable(value) -> bool:
    if value is None or isinstance(value, bool):
        return value is None
    if isinstance(value, (int, float)):
        return math.isfinite(value)
    return not value.strip() or bool(_PERCENT.fullmatch(value.strip().replace("\u00a0", "")))


def table(ws) -> list[dict]:
    """A sheet as dicts keyed by its header row (header text stripped), empty rows skipped."""
    rows = ws.iter_rows(values_only=True)
    header = [text(h) for h in next(rows, ())]
    result = []
    for values in rows:
        if any(text(v) for v in values):
            result.append(dict(zip(header, values, strict=False)))
    return result


@dataclass
class Period:
    start: date
    end: date

    def holds(self, day: date | None) -> bool:
        return day is not None and self.start <= day <= self.end


@dataclass
class Row:
    """One readable placement row with what the figures need of its workbook."""

    plats_id: str
    forvaltning: str
    yrkesomrade: str
    anstallningsform: str
    status: str
    start: date | None
    end: date | None
    utfall: str
    utfall_90: str
    work: set[str]  # the workbook's outcomes that count as work or studies
    mervarde_dates: list[date | None]  # dates of its workbook's Mervärde rows for this PlatsID
    certified: bool  # a Giltigt row in its workbook's Intygsregister
    kon: str = ""
    health_form: bool = False
    readable: bool = True  # False: the row holds its PlatsID but cannot be counted


# --- figures: does this placement count? -----------------------------------------------------

def platser(r: Row, p: Period) -> bool:
    return r.status == "Erbjuden" or (r.start is not None and r.start <= p.end
                                      and (r.end is None or r.end >= p.start))


def paborjade(r: Row, p: Period) -> bool:
    return p.holds(r.start)


def pagaende(r: Row, p: Period) -> bool:
    return (r.status in ("Pågående", "Avslutad", "Avbruten") and r.start is not None
            and r.start <= p.end and (r.end is None or r.end > p.end))


def avslutade(r: Row, p: Period) -> bool:
    return r.status == "Avslutad" and p.holds(r.end)


def avbrutna(r: Row, p: Period) -> bool:
    return r.status == "Avbruten" and p.holds(r.end)


def ended(r: Row, p: Period) -> bool:
    return avslutade(r, p) or avbrutna(r, p)


def till_arbete_eller_studier(r: Row, p: Period) -> bool:
    return ended(r, p) and r.utfall in r.work


def med_utfall_efter_90(r: Row, p: Period) -> bool:
    return ended(r, p) and r.utfall_90 != ""


def till_arbete_eller_studier_efter_90(r: Row, p: Period) -> bool:
    return ended(r, p) and r.utfall_90 in r.work


def med_mervarde(r: Row, p: Period) -> bool:
    """README: places in the period with at least one mervärde row dated by the period's end."""
    return platser(r, p) and any(d is not None and d <= p.end for d in r.mervarde_dates)


def utfardade_intyg(r: Row, p: Period) -> bool:
    return avslutade(r, p) and r.certified


FIGURES: dict[str, Callable[[Row, Period], bool]] = {
    "platser": platser, "paborjade": paborjade, "pagaende": pagaende, "avslutade": avslutade,
    "avbrutna": avbrutna, "till_arbete_eller_studier": till_arbete_eller_studier,
    "med_utfall_efter_90": med_utfall_efter_90,
    "till_arbete_eller_studier_efter_90": till_arbete_eller_studier_efter_90,
    "med_mervarde": med_mervarde, "utfardade_intyg": utfardade_intyg,
}
# shares: name → (numerator, denominator)
SHARES = {"andel_avslutade_med_intyg": ("utfardade_intyg", "avslutade")}
# docs/styrgrupp.md: a share is null when fewer than 10 placements ended the way its denominator
# counts ("null när färre än 10 avslutade, som alla andelar")
SHARE_MIN = 10
# docs/arbetsboken.md, Deltagare.Kön: "Frivilligt: Kvinna, Man, Annat, Uppgift saknas" (kon_of
# says where a placement without one goes)
KON = ("Kvinna", "Man", "Annat", "Uppgift saknas")

BREAKDOWNS: dict[str, Callable[[Row], str]] = {
    "forvaltningar": lambda r: r.forvaltning,
    "yrkesomraden": lambda r: r.yrkesomrade,
    "anstallningsformer": lambda r: r.anstallningsform,
    "per_kon": lambda r: r.kon,
}


# --- reading ---------------------------------------------------------------------------------

@dataclass
class Book:
    name: str
    forvaltningar: list[tuple[str, int | None]]  # catalog order, with mål
    yrkesomraden: list[str]
    anstallningsformer: list[tuple[str, bool]]  # with "röjer hälsouppgift"
    mervarde_pairs: list[tuple[str, str]]
    rows: list[Row]
    left_out: int
    mervarde_rows: list[dict]
    certified: set[str] = field(default_factory=set)
    certificate_rows: list[dict] = field(default_factory=list)  # the Intygsregister sheet
    content: tuple = ()  # every sheet but the Intygsregister copy, to find a copy of a workbook
    settings: dict[str, object] = field(default_factory=dict)


def read_book(path: Path) -> Book:
    wb = openpyxl.load_workbook(path, data_only=True, read_only=True)
    sheets = {name: table(wb[name]) for name in wb.sheetnames}
    forv = [(text(r["Förvaltning"]), _mal(r.get("Mål antal platser")))
            for r in sheets["Förvaltningar"] if text(r["Förvaltning"])]
    known = {name for name, _ in forv}
    work = {text(r["Utfall"]) for r in sheets["Utfall"]
            if text(r.get("Räknas som arbete eller studier")) == YES}
    forms = [(text(r["Anställningsform"]), text(r.get("Röjer hälsouppgift")) == YES)
             for r in sheets["Anställningsformer"] if text(r["Anställningsform"])]
    health = {name for name, h in forms if h}
    mervarde_rows = sheets["Mervärde"]
    certified = {text(r["PlatsID"]) for r in sheets.get("Intygsregister", [])
                 if text(r.get("Status")) == "Giltigt"}
    kon = {text(r["DeltagarID"]): text(r.get("Kön")) for r in sheets["Deltagare"]}
    rows, left_out = [], 0
    for r in sheets["Platser"]:
        start, end, planned = (a_date(r.get(c)) for c in
                               ("Startdatum", "Slutdatum", "Planerat slutdatum"))
        status = text(r.get("Status"))
        if (text(r.get("Förvaltning")) not in known or status not in STATUSES
                or UNREADABLE in (start, end, planned)
                or not a_percent_is_readable(r.get("Sysselsättningsgrad"))
                or (status != "Erbjuden" and start is None)):
            left_out += 1
            # docs/styrgrupp.md: of rows with one PlatsID "bara den första räknas"; a first row
            # that cannot be read still holds the PlatsID, and is listed as not counted
            rows.append(Row(text(r.get("PlatsID")), "", "", "", status, None, None, "", "",
                            set(), [], False, readable=False))
            continue
        plats_id = text(r.get("PlatsID"))
        rows.append(Row(
            plats_id, text(r["Förvaltning"]), text(r.get("Yrkesområde")),
            text(r.get("Anställningsform")), status, start, end, text(r.get("Utfall vid avslut")),
            text(r.get("Utfall efter 90 dagar")), work,
            [_date_or_none(m.get("Datum")) for m in mervarde_rows
             if text(m.get("PlatsID")) == plats_id],
            plats_id in certified, kon_of(text(r.get("DeltagarID")), status, kon),
            text(r.get("Anställningsform")) in health))
    settings = {text(r["Inställning"]): r.get("Värde") for r in sheets["Inställningar"]}
    wb.close()
    return Book(path.name, forv, [text(r["Yrkesområde"]) for r in sheets["Yrkesområden"]
                                  if text(r["Yrkesområde"])],
                forms, [(text(r["Perspektiv"]), text(r["Mervärde"])) for r in sheets["Mervärden"]
                        if text(r["Mervärde"])], rows, left_out, mervarde_rows, certified,
                sheets.get("Intygsregister", []), _content(sheets), settings)


def kon_of(deltagar_id: str, status: str, kon: dict[str, str]) -> str:
    """docs/styrgrupp.md: a participant without Kön (or with a value outside the list) and a
    started place with no DeltagarID are "Uppgift saknas"; an offered place nobody holds yet and a
    DeltagarID missing from Deltagare are in no kön group."""
    if not deltagar_id:
        return "" if status == "Erbjuden" else "Uppgift saknas"
    if deltagar_id not in kon:
        return ""
    return kon[deltagar_id] if kon[deltagar_id] in KON else "Uppgift saknas"


def _content(sheets: dict[str, list[dict]]) -> tuple:
    return tuple((name, tuple(tuple(map(text, r.values())) for r in rows))
                 for name, rows in sorted(sheets.items()) if name != "Intygsregister")


def distinct(books: list[Book]) -> list[Book]:
    """docs/styrgrupp.md: the same file twice, or a copy with the same content, is counted once.
    The sheet Intygsregister is left out of "content": it is a copy of the register, which
    counts."""
    seen: set[tuple] = set()
    result = []
    for b in books:
        if b.content not in seen:
            seen.add(b.content)
            result.append(b)
    return result


def _mal(value) -> int | None:
    if value is None or text(value) == "":
        return None
    return int(float(text(value).replace(",", ".")))


def _date_or_none(value) -> date | None:
    d = a_date(value)
    return None if d is UNREADABLE else d


# --- the tally JSON --------------------------------------------------------------------------

def counts(rows: Iterable[Row], period: Period) -> dict[str, int | float | None]:
    rows = list(rows)
    result: dict[str, int | float | None] = {
        name: sum(1 for r in rows if counts_it(r, period)) for name, counts_it in FIGURES.items()}
    for name, (num, den) in SHARES.items():
        result[name] = _share(result[num], result[den])
    return result


def _share(num, den) -> float | None:
    return round(num / den, 4) if den >= SHARE_MIN else None


def _ordered(names: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(names))


def tally_json(paths: list[Path], start: date, end: date) -> dict:
    """What `amanst tally --json --from START --to END PATHS...` should print."""
    period = Period(start, end)
    given = [read_book(p) for p in paths]
    books = distinct(given)
    rows = counted_rows(books, given)
    mal: dict[str, int | None] = {}
    for b in books:
        for name, target in b.forvaltningar:
            if mal.get(name) is None:
                mal[name] = target
    health: dict[str, bool] = {}
    for b in books:
        for name, h in b.anstallningsformer:
            health.setdefault(name, h)
    for r in rows:
        health.setdefault(r.anstallningsform, r.health_form)
    catalog_order = {
        "forvaltningar": _ordered(n for b in books for n, _ in b.forvaltningar),
        "yrkesomraden": _ordered([*(n for b in books for n in b.yrkesomraden),
                                  *(r.yrkesomrade for r in rows if r.yrkesomrade)]),
        "anstallningsformer": _ordered([*(n for b in books for n, _ in b.anstallningsformer),
                                        *(r.anstallningsform for r in rows if r.anstallningsform)]),
        "per_kon": list(KON),
    }
    key = {"forvaltningar": "forvaltning", "yrkesomraden": "yrkesomrade",
           "anstallningsformer": "anstallningsform", "per_kon": "kon"}
    result: dict = {"period": {"from": start.isoformat(), "to": end.isoformat()}}
    for breakdown, group_of in BREAKDOWNS.items():
        groups = []
        for name in catalog_order[breakdown]:
            group = {key[breakdown]: name}
            if breakdown == "forvaltningar":
                group["mal"] = mal.get(name)
            group.update(counts((r for r in rows if group_of(r) == name), period))
            if breakdown == "anstallningsformer":
                group["rojer_halsouppgift"] = health.get(name, False)
            groups.append(group)
        result[breakdown] = groups
    result["mervarden"] = mervarden(books, period)
    targets = [m for m in mal.values() if m is not None]
    total = counts(rows, period)
    total.pop("andel_avslutade_med_intyg")
    result["totalt"] = {"mal": sum(targets) if targets else None, **total}
    result["nyckeltal"] = nyckeltal(result["totalt"])
    result["utelamnade_rader"] = sum(1 for r in first_rows(books) if not r.readable)
    # docs/styrgrupp.md: the files the figures were counted from; a copy stands once
    result["kallor"] = [b.name for b in books]
    return result


# docs/styrgrupp.md: the key figures of the Översikt, by name, from the totals; ended is
# avslutade + avbrutna, share_end is to work or studies of those ended, share_90 of those with
# a known outcome after 90 days (see the module docstring), share_intyg is
# utfärdade intyg of avslutade (each null below SHARE_MIN, like every share)
NYCKELTAL = ("mal", "platser", "paborjade", "pagaende", "ended", "avslutade", "avbrutna",
             "till_arbete_eller_studier", "share_end", "med_utfall_efter_90",
             "till_arbete_eller_studier_efter_90", "share_90", "utfardade_intyg", "share_intyg")


def nyckeltal(totalt: dict) -> dict[str, object]:
    """The values of the tally JSON's ``nyckeltal`` (labels are the product's wording, not
    counted)."""
    ended = totalt["avslutade"] + totalt["avbrutna"]
    values = {**totalt, "ended": ended,
              "share_end": _share(totalt["till_arbete_eller_studier"], ended),
              "share_90": _share(totalt["till_arbete_eller_studier_efter_90"],
                                 totalt["med_utfall_efter_90"]),
              "share_intyg": _share(totalt["utfardade_intyg"], totalt["avslutade"])}
    return {name: values[name] for name in NYCKELTAL}


def first_rows(books: list[Book]) -> list[Row]:
    """README's tally row: the same PlatsID in two workbooks is one place, the first file's row
    (docs/styrgrupp.md: "bara den första räknas"); rows without a PlatsID are each their own."""
    seen: set[str] = set()
    rows = []
    for r in (r for b in books for r in b.rows):
        if r.plats_id and r.plats_id in seen:
            continue
        seen.add(r.plats_id)
        rows.append(r)
    return rows


def counted_rows(books: list[Book], given: list[Book] | None = None) -> list[Row]:
    """The first row of each place when it can be read; its certificate is the register's,
    which every workbook's Intygsregister sheet copies."""
    # every given workbook's copy of the register counts, a workbook counted once included
    certified = {p for b in (given or books) for p in b.certified}
    rows = [r for r in first_rows(books) if r.readable]
    for r in rows:
        r.certified = r.plats_id in certified
    return rows


def mervarden(books: list[Book], period: Period) -> list[dict]:
    """Per (perspektiv, mervärde) of the catalog: the Ja, Delvis and Nej given in the period."""
    pairs = _ordered(pair for b in books for pair in b.mervarde_pairs)
    owner: dict[str, int] = {}  # PlatsID → the first book that has the placement
    for i, b in enumerate(books):
        for r in b.rows:
            owner.setdefault(r.plats_id, i)
    result = []
    for perspektiv, name in pairs:
        row = {"perspektiv": perspektiv, "mervarde": name, "ja": 0, "delvis": 0, "nej": 0}
        for i, b in enumerate(books):
            own = {r.plats_id for r in b.rows}
            for m in b.mervarde_rows:
                plats_id = text(m.get("PlatsID"))
                if plats_id in own and owner[plats_id] != i:
                    # its workbook's placement, and so its mervärde, is counted from an earlier
                    # book; a row for a place its workbook does not have stays (a Fel the checks
                    # report)
                    continue
                d = a_date(m.get("Datum"))
                answer = text(m.get("Bedömning"))
                if (text(m.get("Perspektiv")), text(m.get("Mervärde"))) == (perspektiv, name) \
                        and d is not UNREADABLE and period.holds(d) \
                        and answer in ("Ja", "Delvis", "Nej"):
                    row[answer.lower()] += 1
        result.append(row)
    return result


def tertial_of(day: date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 4 + 1
