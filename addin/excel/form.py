"""The Formulär sheet: a follow-up of one placement, filled in row by row. Pure, no Excel.

Layout (rows are Excel rows)::

    1   Bedömningsformulär
    2   (what to do)
    3   PlatsID      | P0012          ← chosen from a dropdown
    4   Tillfälle    | Uppföljning 1  ← chosen from a dropdown
    5   Datum        | 2026-11-27
    6   Bedömd av    | (name)
    7   Platsen      | workplace · yrkesområde · förvaltning (no personal data)
    8   Status       | Ej sparad / Sparad ...
    10  Modul | Kompetens | Nivå | Kommentar
    11… one row per competence of the four general modules and the placement's yrkesområde

``Nytt bedömningsformulär`` writes it; ``Spara bedömning`` reads it back with ``parse`` and appends
the rows that have a Nivå to Bedömningar.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from ..core import schema
from ..core.model import Kompetens, Placement
from ..core.values import NotAValue, format_date, text, to_date

TITLE = "Bedömningsformulär"
LABELS = ("PlatsID", "Tillfälle", "Datum", "Bedömd av", "Platsen", "Status")
ROW_PLATS, ROW_TILLFALLE, ROW_DATUM, ROW_BEDOMD_AV, ROW_INFO, ROW_STATUS = range(3, 9)
HEADER_ROW = 10
FIRST_ROW = 11
HEADERS = ("Modul", "Kompetens", "Nivå", "Kommentar")
WIDTHS = (24, 70, 8, 50)
STATUS_NEW = "Ej sparad"
STATUS_SAVED = "Sparad"
CHOOSE = ("Välj PlatsID och Tillfälle i cellerna B3 och B4 och klicka sedan på Nytt "
          "bedömningsformulär igen.")
FILL_IN = ("Fyll i Nivå (och gärna en kommentar) för varje kompetens som bedömts, och Bedömd av. "
           "Klicka sedan på Spara bedömning. Rader utan nivå sparas inte.")


@dataclass
class Head:
    plats_id: str = ""
    tillfalle: str = ""
    datum: Any = None
    bedomd_av: str = ""
    status: str = ""

    @property
    def saved(self) -> bool:
        return self.status.startswith(STATUS_SAVED)


@dataclass
class Row:
    row: int
    modul: str
    kompetens: str
    niva: Any
    kommentar: str


@dataclass
class Form:
    head: Head = field(default_factory=Head)
    rows: list[Row] = field(default_factory=list)

    @property
    def filled(self) -> list[Row]:
        return [r for r in self.rows if text(r.niva)]


def _cell(grid: list[list[Any]], row: int, col: int) -> Any:
    if row - 1 < len(grid) and col - 1 < len(grid[row - 1]):
        return grid[row - 1][col - 1]
    return None


def parse(grid: list[list[Any]]) -> Form:
    """Read a Formulär sheet's values (from A1) back into a Form."""
    head = Head(text(_cell(grid, ROW_PLATS, 2)), text(_cell(grid, ROW_TILLFALLE, 2)),
                _cell(grid, ROW_DATUM, 2), text(_cell(grid, ROW_BEDOMD_AV, 2)),
                text(_cell(grid, ROW_STATUS, 2)))
    rows = []
    for r in range(FIRST_ROW, len(grid) + 1):
        modul, kompetens = text(_cell(grid, r, 1)), text(_cell(grid, r, 2))
        if modul or kompetens:
            rows.append(Row(r, modul, kompetens, _cell(grid, r, 3), text(_cell(grid, r, 4))))
    return Form(head, rows)


def choose_grid(today: date, plats_id: str = "", tillfalle: str = "") -> list[list[Any]]:
    """An empty form asking for PlatsID and Tillfälle."""
    return [[TITLE], [CHOOSE], ["PlatsID", plats_id or None], ["Tillfälle", tillfalle or None],
            ["Datum", today], ["Bedömd av", None], ["Platsen", None], ["Status", STATUS_NEW]]


def place_info(p: Placement) -> str:
    return " · ".join(x for x in (p.arbetsplats, p.yrkesomrade, p.forvaltning) if x)


def form_grid(placement: Placement, tillfalle: str, competences: list[Kompetens], today: date,
              bedomd_av: str = "") -> list[list[Any]]:
    grid: list[list[Any]] = [
        [TITLE], [FILL_IN], ["PlatsID", placement.plats_id], ["Tillfälle", tillfalle],
        ["Datum", today], ["Bedömd av", bedomd_av or None], ["Platsen", place_info(placement)],
        ["Status", STATUS_NEW], [], list(HEADERS)]
    for k in competences:
        grid.append([k.modul, k.kompetens, None, None])
    return grid


def saved_status(when: datetime, first: int, last: int) -> str:
    count = last - first + 1
    noun = "rad" if count == 1 else "rader"
    return (f"{STATUS_SAVED} {when:%Y-%m-%d %H:%M}: {count} {noun} på bladet "
            f"{schema.BEDOMNINGAR} (rad {first}–{last}).")


def form_date(head: Head, today: date) -> date:
    """The form's Datum, or today when it is empty; raises NotAValue for a non-date."""
    return to_date(head.datum) or today


def assessment_rows(form: Form, datum: date) -> list[dict[str, Any]]:
    """The filled rows as Bedömningar rows (contract header → value)."""
    return [{"PlatsID": form.head.plats_id, "Datum": datum, "Tillfälle": form.head.tillfalle,
             "Modul": r.modul, "Kompetens": r.kompetens, "Nivå": _level(r.niva),
             "Kommentar": r.kommentar or None, "Bedömd av": form.head.bedomd_av}
            for r in form.filled]


def _level(value: Any) -> Any:
    if isinstance(value, float) and value == int(value):
        return int(value)
    return value


__all__ = [
    "Form",
    "Head",
    "NotAValue",
    "Row",
    "assessment_rows",
    "choose_grid",
    "form_date",
    "form_grid",
    "format_date",
    "parse",
    "saved_status",
]
