"""Typed records of a register: what the core computes on, with no trace of Excel in them.

A ``RawSheet`` is what every adapter hands the core: the header row and the rows of one sheet, as
plain values with their Excel row numbers. ``reading.load_register`` turns a set of them into a
``Register`` of the records below.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from . import schema


@dataclass
class RawSheet:
    """One sheet as values: ``rows`` holds (Excel row number, values in header order).

    ``formulas`` holds the cells (Excel row number, index in ``headers``) that hold a formula,
    where the adapter can tell; their values are what the formula gave.
    """

    name: str
    headers: list[str]
    rows: list[tuple[int, list[Any]]]
    header_row: int = 1
    formulas: set[tuple[int, int]] = field(default_factory=set)


@dataclass(frozen=True)
class Problem:
    sheet: str
    row: int | None
    column: str
    value: str
    message: str
    severity: str = schema.SEVERITY_FEL

    def as_dict(self) -> dict[str, Any]:
        return {"sheet": self.sheet, "row": self.row, "column": self.column, "value": self.value,
                "message": self.message, "severity": self.severity}


@dataclass(frozen=True)
class Forvaltning:
    name: str
    kod: str
    namnd: str
    mal: int | None
    name_en: str = ""  # the "(engelska)" columns: what the English certificate prints
    row: int = 0  # the Excel row on Förvaltningar, for messages


@dataclass(frozen=True)
class Yrkesomrade:
    name: str
    ssyk: str
    ssyk_benamning: str
    kraver_registerutdrag: bool
    name_en: str = ""
    ssyk_benamning_en: str = ""


@dataclass(frozen=True)
class Kompetens:
    modul: str
    yrkesomrade: str
    kompetens: str
    kompetens_en: str = field(default="", compare=False)


@dataclass(frozen=True)
class Niva:
    niva: int
    benamning: str
    beskrivning: str
    skrivs_pa_intyget: bool
    benamning_en: str = ""
    beskrivning_en: str = ""


@dataclass(frozen=True)
class Anstallningsform:
    name: str
    giltig_fran: date | None
    giltig_till: date | None
    rojer_halsouppgift: bool
    raknas_som_arbetsmarknadsanstallning: bool
    name_en: str = ""
    row: int = 0  # the Excel row on Anställningsformer, for messages

    def valid_on(self, day: date) -> bool:
        return ((self.giltig_fran is None or self.giltig_fran <= day)
                and (self.giltig_till is None or day <= self.giltig_till))


@dataclass
class Catalog:
    forvaltningar: dict[str, Forvaltning] = field(default_factory=dict)
    yrkesomraden: dict[str, Yrkesomrade] = field(default_factory=dict)
    kompetenser: list[Kompetens] = field(default_factory=list)
    nivaer: dict[int, Niva] = field(default_factory=dict)
    anstallningsformer: dict[str, Anstallningsform] = field(default_factory=dict)
    mervarden: list[tuple[str, str]] = field(default_factory=list)
    utfall: dict[str, bool] = field(default_factory=dict)  # name → counts as work or studies
    avbrottsorsaker: dict[str, bool] = field(default_factory=dict)  # name → sensitive

    def competences_for(self, yrkesomrade: str) -> list[Kompetens]:
        """The competences a follow-up of a placement in this area assesses, in catalog order."""
        general = [k for k in self.kompetenser if k.modul != schema.MODUL_YRKESKOMPETENS]
        own = [k for k in self.kompetenser
               if k.modul == schema.MODUL_YRKESKOMPETENS and k.yrkesomrade == yrkesomrade]
        return general + own


@dataclass
class Settings:
    values: dict[str, str] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)  # key → Excel row, for messages
    period_from: date | None = None
    period_to: date | None = None
    minsta_antal: int = schema.DEFAULT_MINSTA_ANTAL
    lagsta_niva: int = schema.DEFAULT_LAGSTA_NIVA

    def get(self, key: str) -> str:
        return self.values.get(key, "")


@dataclass(slots=True)
class Participant:
    row: int
    deltagar_id: str
    fornamn: str
    efternamn: str
    personnummer: str
    kon: str
    intygssprak: str
    birth_date: date | None = None
    # why the personnummer is not valid (Swedish), "" when it is or is empty: it is read once,
    # here, and the rule (checks.participants) reports it
    identity_fault: str = ""


@dataclass(slots=True)
class Placement:
    row: int
    plats_id: str
    forvaltning: str
    arbetsplats: str
    yrkesomrade: str
    anstallningsform: str
    deltagar_id: str
    handledare: str
    startdatum: date | None
    planerat_slutdatum: date | None
    slutdatum: date | None
    status: str
    sysselsattningsgrad: float | None
    arbetsuppgifter: str
    avbrottsorsak: str
    utfall_vid_avslut: str
    utfall_efter_90: str
    arbetsuppgifter_en: str = ""  # optional: the tasks in English, for an English certificate
    unreadable: bool = False  # a date or number could not be read: left out of the tally


@dataclass(slots=True)
class Assessment:
    row: int
    plats_id: str
    datum: date | None
    tillfalle: str
    modul: str
    kompetens: str
    niva: int | None
    kommentar: str
    bedomd_av: str


@dataclass(slots=True)
class MervardeEntry:
    row: int
    plats_id: str
    datum: date | None
    perspektiv: str
    mervarde: str
    bedomning: str
    kommentar: str


@dataclass(slots=True)
class CertificateEntry:
    """A row of the workbook's Intygsregister sheet (a mirror of the real register)."""

    row: int
    intygsnummer: str
    plats_id: str
    deltagar_id: str
    utfardat: str
    utfardat_av: str
    fil: str
    sha256: str
    status: str


@dataclass
class Register:
    """Everything one workbook holds, read and typed."""

    source: str
    catalog: Catalog
    settings: Settings
    participants: list[Participant]
    placements: list[Placement]
    assessments: list[Assessment]
    mervarden: list[MervardeEntry]
    certificates: list[CertificateEntry]
    read_problems: list[Problem]
