"""Test data builders: raw workbooks for the core, made in code, with fictitious people.

``book(...)`` returns what an adapter would hand the core: the bundled catalog, default settings
and the given data rows (dicts keyed by Swedish header), each with its Excel row number.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from addin.core import schema
from addin.catalog import catalog_rows
from addin.core.model import RawSheet, Register
from addin.core.reading import load_register

TODAY = date(2026, 11, 27)
# Skatteverket's published test number, and its samordningsnummer twin built in code.
TEST_PNR = "19121212-1212"


def luhn_number(born: date, serial: int, samordning: bool = False, long: bool = True) -> str:
    day = born.day + (60 if samordning else 0)
    nine = f"{born:%y%m}{day:02d}{serial:03d}"
    total = sum((v - 9 if v > 9 else v) for v in (int(c) * (2 - i % 2) for i, c in enumerate(nine)))
    check = (10 - total % 10) % 10
    century = f"{born.year // 100}" if long else ""
    return f"{century}{nine[:6]}-{nine[6:]}{check}"


def participant(**overrides: Any) -> dict[str, Any]:
    row = {"DeltagarID": "D1", "Förnamn": "Testa", "Efternamn": "Testsson", "Personnummer": None,
           "Kön": "Kvinna", "Intygsspråk": "Svenska"}
    row.update(overrides)
    return row


def placement(**overrides: Any) -> dict[str, Any]:
    row = {"PlatsID": "P1", "Förvaltning": "Serviceförvaltningen", "Arbetsplats": "Kök – Centrum",
           "Yrkesområde": "Lokalvård", "Anställningsform": "Kommunal arbetsmarknadsanställning",
           "DeltagarID": "D1", "Handledare": "Hanna Handledare", "Startdatum": date(2026, 1, 12),
           "Planerat slutdatum": date(2026, 7, 10), "Slutdatum": date(2026, 7, 10),
           "Status": "Avslutad", "Sysselsättningsgrad": 1.0, "Arbetsuppgifter": "Lokalvård",
           "Avbrottsorsak": None, "Utfall vid avslut": "Arbete utan stöd",
           "Utfall efter 90 dagar": None}
    row.update(overrides)
    return row


def assessment(**overrides: Any) -> dict[str, Any]:
    row = {"PlatsID": "P1", "Datum": date(2026, 7, 10), "Tillfälle": "Slutbedömning",
           "Modul": "Språk", "Kompetens": "Ställer frågor och ber om förtydligande", "Nivå": 3,
           "Kommentar": None, "Bedömd av": "Hanna Handledare"}
    row.update(overrides)
    return row


def mervarde(**overrides: Any) -> dict[str, Any]:
    row = {"PlatsID": "P1", "Datum": date(2026, 7, 1), "Perspektiv": "Individ",
           "Mervärde": "Har brutit social isolering", "Bedömning": "Ja", "Kommentar": None}
    row.update(overrides)
    return row


def _sheet(spec: schema.SheetSpec, rows: list[list[Any]] | list[dict[str, Any]]) -> RawSheet:
    body = []
    for i, row in enumerate(rows, start=2):
        values = [row.get(h) for h in spec.headers] if isinstance(row, dict) else list(row)
        body.append((i, values))
    return RawSheet(spec.name, list(spec.headers), body)


def book(participants: list[dict] | None = None, placements: list[dict] | None = None,
         assessments: list[dict] | None = None, mervarden: list[dict] | None = None,
         settings: dict[str, Any] | None = None, catalog: dict[str, list] | None = None
         ) -> dict[str, RawSheet]:
    cat = {**catalog_rows(), **(catalog or {})}
    values = {schema.S_PERIOD_FRAN: date(2026, 1, 1), schema.S_PERIOD_TILL: date(2026, 12, 31),
              schema.S_MINSTA_ANTAL: 5, schema.S_LAGSTA_NIVA: 2, schema.S_PREFIX: "TST",
              **(settings or {})}
    raw = {spec.name: _sheet(spec, cat.get(spec.name, [])) for spec in schema.CATALOG_SHEETS
           if spec.name != schema.INSTALLNINGAR}
    raw[schema.INSTALLNINGAR] = _sheet(schema.SPEC_BY_NAME[schema.INSTALLNINGAR],
                                       [[k, v] for k, v in values.items()])
    for spec, rows in ((schema.SPEC_BY_NAME[schema.DELTAGARE], participants),
                       (schema.SPEC_BY_NAME[schema.PLATSER], placements),
                       (schema.SPEC_BY_NAME[schema.BEDOMNINGAR], assessments),
                       (schema.SPEC_BY_NAME[schema.MERVARDE], mervarden)):
        raw[spec.name] = _sheet(spec, rows if rows is not None else [])
    return raw


def register(**kwargs: Any) -> Register:
    return load_register(book(**kwargs), source="test", today=TODAY)


def valid_register(**kwargs: Any) -> Register:
    """One participant, one completed placement, one assessment and one mervärde row: no problems."""
    kwargs.setdefault("participants", [participant()])
    kwargs.setdefault("placements", [placement()])
    kwargs.setdefault("assessments", [assessment()])
    kwargs.setdefault("mervarden", [mervarde()])
    return register(**kwargs)
