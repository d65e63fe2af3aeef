"""The example workbook: a fictitious city-wide register, generated with a fixed seed.

Everyone in it is invented: names are drawn at random from lists of common first names and
surnames, and identity numbers are generated with a valid check digit and a birth number from the
rarely used series 980–999; they exist only inside the example file, never in the source. It covers all 13 förvaltningar, about
180 places in 2025–2026 in every status, over 60 completed placements with a full Slutbedömning
and mervärde rows, and a few realistic mistakes (``PLANTED``) that ``validate`` must find. Every
date lies on or before ``LAST_DAY`` so the example stays valid as time passes.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from openpyxl.workbook.workbook import Workbook

from .core import schema
from .catalog import catalog_rows
from .xlsx.template import build_workbook

SEED = 20260101
FIRST_DAY = date(2025, 1, 7)
LAST_DAY = date(2026, 10, 30)

FIRST_NAMES = ["Amina", "Ahmed", "Sara", "Mohammed", "Fatima", "Johan", "Leyla", "Erik", "Nour",
               "Anna", "Hassan", "Maria", "Yusuf", "Elin", "Omar", "Linnea", "Ali", "Sofia",
               "Mustafa", "Emma", "Zainab", "Karl", "Hiba", "Lars", "Dragana", "Mehmet", "Ida",
               "Abdi", "Maja", "Samir", "Hanna", "Ivana", "Reza", "Agnes", "Khadija", "Nils",
               "Rukia", "Oskar", "Aisha", "Petra", "Bashir", "Elsa", "Goran", "Tove", "Layla"]
LAST_NAMES = ["Andersson", "Hussein", "Johansson", "Ali", "Karlsson", "Nilsson", "Mohammed",
              "Eriksson", "Larsson", "Ahmadi", "Olsson", "Persson", "Yilmaz", "Svensson",
              "Gustafsson", "Hassan", "Pettersson", "Jovanović", "Lindberg", "Abdullahi",
              "Lindqvist", "Rahimi", "Berg", "Kovačević", "Axelsson", "Nordin", "Farah", "Holm"]
SUPERVISORS = ["Birgitta Lund", "Jonas Ek", "Malin Sjö", "Tarik Demir", "Ulla Ström",
               "Peter Dahl", "Lena Borg", "Kemal Aydin", "Sanna Vik", "Ola Ås", "Nadia Haddad"]

AREAS_BY_FORVALTNING = {
    "Stadskontoret": ["Kontor och administration", "Vaktmästeri och intern service", "IT-support"],
    "Förskoleförvaltningen": ["Förskola", "Kök och servering", "Lokalvård"],
    "Grundskoleförvaltningen": ["Skola", "Kök och servering", "Vaktmästeri och intern service"],
    "Gymnasie- och vuxenutbildningsförvaltningen": ["Skola", "IT-support", "Bibliotek"],
    "Kulturförvaltningen": ["Bibliotek", "Vaktmästeri och intern service", "Kundmöte och kontaktcenter"],
    "Fritidsförvaltningen": ["Fritid och mötesplatser", "Lokalvård", "Fastighetsskötsel"],
    "Arbetsmarknads- och socialförvaltningen": ["Kontor och administration", "Lager och logistik",
                                                "Snickeri och byggunderhåll", "Måleri"],
    "Funktionsstödsförvaltningen": ["Funktionsstöd (LSS)", "Kök och servering"],
    "Hälsa-, vård- och omsorgsförvaltningen": ["Äldreomsorg", "Storköksmatlagning", "Lokalvård"],
    "Fastighets- och gatukontoret": ["Park och grönyta", "Renhållning och återvinning",
                                     "Fordonsvård och verkstad"],
    "Stadsbyggnadskontoret": ["Kontor och administration", "Kundmöte och kontaktcenter"],
    "Miljöförvaltningen": ["Park och grönyta", "Kontor och administration"],
    "Serviceförvaltningen": ["Storköksmatlagning", "Lokalvård", "Fordonsvård och verkstad",
                             "Lager och logistik"],
}
UNITS = ["Centrum", "Rosengård", "Limhamn", "Husie", "Fosie", "Hyllie", "Kirseberg", "Oxie",
         "Västra Innerstaden", "Södra Innerstaden"]
TASKS = {
    "Förskola": "Stöd i barngruppen, måltider, utevistelse och hygienrutiner",
    "Skola": "Stöd till elever på lektioner och raster, förberedelse av material",
    "Kök och servering": "Diskning, servering, enklare matlagning och egenkontroll",
    "Storköksmatlagning": "Tillagning enligt recept, specialkost och egenkontroll i storkök",
    "Lokalvård": "Daglig lokalvård enligt städschema, påfyllning och avfallshantering",
    "Äldreomsorg": "Stöd vid måltider och promenader, sociala aktiviteter och enklare omvårdnad",
    "Funktionsstöd (LSS)": "Stöd i vardagen och aktiviteter på boende och daglig verksamhet",
}
# the tasks in English, for participants whose certificate is in English (Arbetsuppgifter (engelska))
TASKS_EN = {
    "Förskola": "Support in the group of children, meals, outdoor time and hygiene routines",
    "Skola": "Support for pupils in lessons and breaks, preparing materials",
    "Kök och servering": "Washing up, serving, simple cooking and food safety self-checks",
    "Storköksmatlagning": "Cooking from recipes, special diets and food safety checks in a large kitchen",
    "Lokalvård": "Daily cleaning to the cleaning schedule, restocking and waste handling",
    "Äldreomsorg": "Support at meals and walks, social activities and simple personal care",
    "Funktionsstöd (LSS)": "Everyday support and activities in supported housing and day activities",
}
FORMS = ["Kommunal arbetsmarknadsanställning"] * 6 + [
    "Introduktionsjobb", "Nystartsjobb", "Etableringsjobb", "Lönebidrag för anställning",
    "Offentligt skyddat arbete", "Arbetsträning"]


@dataclass
class Example:
    workbook: Workbook
    planted: list[tuple[str, int, str, str]] = field(default_factory=list)  # sheet, row, column, severity


def _pnr(rng: random.Random, born: date, samordning: bool) -> str:
    day = born.day + (60 if samordning else 0)
    serial = rng.randint(980, 999)
    nine = f"{born:%y%m}{day:02d}{serial:03d}"
    total = 0
    for i, ch in enumerate(nine):
        v = int(ch) * (2 - i % 2)
        total += v - 9 if v > 9 else v
    check = (10 - total % 10) % 10
    return f"{born.year}{nine[2:4]}{day:02d}-{serial:03d}{check}"


def _date_between(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randint(0, max(0, (end - start).days)))


def build_example() -> Example:
    rng = random.Random(SEED)
    catalog = catalog_rows()
    competences = [(m, y or "", k) for m, y, k, *_ in catalog[schema.KOMPETENSER]]
    area_en = {row[0]: row[4] for row in catalog[schema.YRKESOMRADEN]}
    general = [c for c in competences if c[0] != schema.MODUL_YRKESKOMPETENS]
    forvaltningar = [row[0] for row in catalog[schema.FORVALTNINGAR]]
    catalog[schema.FORVALTNINGAR] = [row[:3] + [rng.randint(8, 18)] + row[4:]
                                     for row in catalog[schema.FORVALTNINGAR]]
    outcomes_end = ["Arbete utan stöd", "Arbete med stöd", "Studier", "Annan arbetsmarknadsinsats",
                    "Arbetssökande", "Arbetssökande", "Okänt"]
    reasons = [r[0] for r in catalog[schema.AVBROTTSORSAKER]]
    mervarden = [tuple(r) for r in catalog[schema.MERVARDEN]]

    participants: list[list[Any]] = []
    places: list[list[Any]] = []
    assessments: list[list[Any]] = []
    mervarde_rows: list[list[Any]] = []

    def new_participant() -> str:
        n = len(participants) + 1
        pid = f"D{n:04d}"
        born = _date_between(rng, date(1965, 1, 1), date(2004, 12, 31))
        pnr = _pnr(rng, born, rng.random() < 0.15) if rng.random() < 0.7 else None
        sprak = rng.choice([None, None, None, "Svenska", "Engelska"])
        participants.append([pid, rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES), pnr,
                             rng.choice(schema.KON[:2] * 4 + schema.KON[2:]), sprak])
        return pid

    statuses = ([schema.STATUS_ERBJUDEN] * 2 + [schema.STATUS_PAGAENDE] * 4
                + [schema.STATUS_AVSLUTAD] * 6 + [schema.STATUS_AVBRUTEN] * 2)
    returning: list[tuple[str, date]] = []  # participants free for a second placement, from a date
    for f_index, forvaltning in enumerate(forvaltningar):
        for k, status in enumerate(statuses):
            n = len(places) + 1
            area = rng.choice(AREAS_BY_FORVALTNING[forvaltning])
            form = FORMS[(n * 7) % len(FORMS)]
            workplace = f"{area.split(' ')[0]} – {rng.choice(UNITS)}"
            grad = rng.choice([0.5, 0.75, 1.0, 1.0, 1.0])
            row: dict[str, Any] = {"PlatsID": f"P{n:04d}", "Förvaltning": forvaltning,
                                   "Arbetsplats": workplace, "Yrkesområde": area,
                                   "Anställningsform": form, "Sysselsättningsgrad": grad}
            if status == schema.STATUS_ERBJUDEN:
                row["Planerat slutdatum"] = None
            else:
                if status == schema.STATUS_PAGAENDE:
                    start = _date_between(rng, date(2026, 1, 10), date(2026, 8, 31))
                elif status == schema.STATUS_AVSLUTAD:
                    start = _date_between(rng, FIRST_DAY, date(2026, 3, 1))
                else:
                    start = _date_between(rng, FIRST_DAY, date(2026, 6, 1))
                length = rng.choice([91, 182, 182, 273, 365])
                planned = start + timedelta(days=length - 1)
                end = None
                if status == schema.STATUS_AVSLUTAD:
                    end = min(planned, LAST_DAY)
                elif status == schema.STATUS_AVBRUTEN:
                    end = min(start + timedelta(days=rng.randint(20, length // 2)), LAST_DAY)
                reuse = next((r for r in returning if r[1] < start), None) if k % 5 == 0 else None
                if reuse is not None:
                    returning.remove(reuse)
                    pid = reuse[0]
                else:
                    pid = new_participant()
                if end is not None:
                    returning.append((pid, end))
                row.update({"DeltagarID": pid, "Handledare": rng.choice(SUPERVISORS),
                            "Startdatum": start, "Planerat slutdatum": planned, "Slutdatum": end,
                            "Status": status})
                if status == schema.STATUS_AVSLUTAD:
                    row["Arbetsuppgifter"] = TASKS.get(area, f"Arbetsuppgifter inom {area.lower()} "
                                                       "enligt arbetsplatsens rutiner")
                    language = next(p[5] for p in participants if p[0] == pid)
                    if language == schema.SPRAK_ENGELSKA:
                        row["Arbetsuppgifter" + schema.EN] = TASKS_EN.get(
                            area, f"Tasks in {area_en[area].lower()} following the workplace's "
                            "routines")
                if status == schema.STATUS_AVBRUTEN:
                    row["Avbrottsorsak"] = rng.choice(reasons)
                if end is not None:
                    row["Utfall vid avslut"] = rng.choice(outcomes_end)
                    if end + timedelta(days=90) <= date(2026, 10, 30):
                        row["Utfall efter 90 dagar"] = rng.choice(outcomes_end)
                _assess(rng, row, general, competences, assessments)
                if status != schema.STATUS_PAGAENDE or rng.random() < 0.5:
                    for perspektiv, mervarde in rng.sample(mervarden, rng.randint(3, 5)):
                        mervarde_rows.append([row["PlatsID"], _date_between(
                            rng, start, end or LAST_DAY), perspektiv, mervarde,
                            rng.choice(["Ja", "Ja", "Ja", "Delvis", "Nej"]), None])
            row.setdefault("Status", status)
            places.append(row)

    example = Example(workbook=None)  # type: ignore[arg-type]
    _plant_mistakes(rng, participants, places, assessments, mervarde_rows, competences, example)

    place_spec = schema.SPEC_BY_NAME[schema.PLATSER]
    data = {
        schema.DELTAGARE: participants,
        schema.PLATSER: [[p.get(h) for h in place_spec.headers] for p in places],
        schema.BEDOMNINGAR: assessments,
        schema.MERVARDE: mervarde_rows,
        schema.FORVALTNINGAR: catalog[schema.FORVALTNINGAR],
    }
    settings = {
        schema.S_ORGANISATION: "Malmö stad",
        schema.S_FORVALTNING: "Arbetsmarknads- och socialförvaltningen",
        schema.S_PREFIX: "ASF",
        schema.S_ORT: "Malmö",
        schema.S_UNDERTECKNARE: "Karin Exempelsson",
        schema.S_TITEL: "Enhetschef, Arbetsmarknadsenheten",
        schema.S_STYRGRUPP_EPOST: "styrgrupp@example.org; samordnare@example.org",
        schema.S_AVSANDARE_EPOST: "arbetsmarknad@example.org",
        schema.S_PERIOD_FRAN: date(2026, 1, 1),
        schema.S_PERIOD_TILL: date(2026, 12, 31),
        schema.S_VERIFIERINGSADRESS: "https://intyg.example.org/verifiera",
        schema.S_KONTAKT: "arbetsmarknad@example.org",
        schema.S_ORGANISATION_EN: "City of Malmö",
        schema.S_TITEL_EN: "Head of Unit, Labour Market Unit",
    }
    example.workbook = build_workbook(data, settings)
    return example


def _assess(rng: random.Random, place: dict[str, Any], general: list, competences: list,
            out: list[list[Any]]) -> None:
    start: date = place["Startdatum"]
    end: date = place.get("Slutdatum") or LAST_DAY
    own = [c for c in competences if c[0] == schema.MODUL_YRKESKOMPETENS and c[1] == place["Yrkesområde"]]
    items = general + own
    base = {c: rng.choice([1, 1, 2, 2, 3]) for c in items}
    occasions = []
    if (end - start).days >= 60:
        occasions.append(("Uppföljning 1", start + timedelta(days=30), 0))
    if place["Status"] == schema.STATUS_AVSLUTAD:
        occasions.append((schema.SLUTBEDOMNING, end, 1))
    for tillfalle, day, lift in occasions:
        subset = items if tillfalle == schema.SLUTBEDOMNING else rng.sample(items, len(items) // 2)
        for modul, _area, kompetens in subset:
            level = min(4, base[(modul, _area, kompetens)] + lift + rng.choice([0, 0, 1]))
            out.append([place["PlatsID"], day, tillfalle, modul, kompetens, level, None,
                        place["Handledare"]])


def _plant_mistakes(rng: random.Random, participants: list, places: list, assessments: list,
                    mervarde_rows: list, competences: list, example: Example) -> None:
    """Realistic mistakes, each causing exactly one problem; recorded with sheet, row, column."""
    fel, varning = schema.SEVERITY_FEL, schema.SEVERITY_VARNING
    def plant(sheet: str, index: int, column: str, severity: str = fel) -> None:
        example.planted.append((sheet, index + 2, column, severity))

    # 1. A typo in an identity number: the last two digits swapped.
    i = next(i for i, p in enumerate(participants) if p[3] and p[3][-1] != p[3][-2])
    participants[i][3] = participants[i][3][:-2] + participants[i][3][-1] + participants[i][3][-2]
    plant(schema.DELTAGARE, i, "Personnummer")

    def first(status: str, skip: int = 0, without_assessments: bool = False) -> int:
        assessed = {a[0] for a in assessments}
        hits = [i for i, p in enumerate(places) if p["Status"] == status
                and not (without_assessments and p["PlatsID"] in assessed)]
        return hits[skip]

    # 2. End date typed before the start date (a place without assessments, so nothing else moves).
    i = first(schema.STATUS_AVBRUTEN, 1, without_assessments=True)
    places[i]["Slutdatum"] = places[i]["Startdatum"] - timedelta(days=31)
    places[i]["Utfall efter 90 dagar"] = None
    plant(schema.PLATSER, i, "Slutdatum")
    # 3. An interrupted place without its reason.
    i = first(schema.STATUS_AVBRUTEN, 3)
    places[i]["Avbrottsorsak"] = None
    plant(schema.PLATSER, i, "Avbrottsorsak")
    # 4. A form that had ended before the place started.
    i = first(schema.STATUS_PAGAENDE, 2)
    places[i]["Anställningsform"] = "Extratjänst"
    plant(schema.PLATSER, i, "Anställningsform")
    # 5. A completed place whose outcome was never filled in (a warning).
    i = first(schema.STATUS_AVSLUTAD, 4)
    places[i]["Utfall vid avslut"] = None
    plant(schema.PLATSER, i, "Utfall vid avslut", varning)
    # 6. A participant ID that does not exist (a digit dropped).
    i = first(schema.STATUS_PAGAENDE, 5)
    places[i]["DeltagarID"] = "D999"
    plant(schema.PLATSER, i, "DeltagarID")
    # 7. A vocational competence from another occupational area.
    i = next(i for i, a in enumerate(assessments) if a[3] == schema.MODUL_YRKESKOMPETENS
             and a[2] == "Uppföljning 1")
    area = next(p["Yrkesområde"] for p in places if p["PlatsID"] == assessments[i][0])
    assessments[i][4] = next(c[2] for c in competences
                             if c[0] == schema.MODUL_YRKESKOMPETENS and c[1] and c[1] != area)
    plant(schema.BEDOMNINGAR, i, "Kompetens")
    # 8. A level outside the scale.
    i = next(i for i, a in enumerate(assessments) if a[2] == "Uppföljning 1" and i > 200)
    assessments[i][5] = 5
    plant(schema.BEDOMNINGAR, i, "Nivå")
    # 9. Added value recorded for a place ID with a typo.
    i = len(mervarde_rows) // 2
    mervarde_rows[i][0] = "P00" + mervarde_rows[i][0][-2:] + "0"
    plant(schema.MERVARDE, i, "PlatsID")


def write_bundled(folder: Path) -> list[Path]:
    """Regenerate the committed template and example: ``python -m addin.example workbooks``."""
    from .xlsx.writer import save_atomic

    folder.mkdir(parents=True, exist_ok=True)
    template, example = folder / "arbetsmarknadsanstallningar.xlsx", folder / "exempel.xlsx"
    save_atomic(build_workbook(), template)
    save_atomic(build_example().workbook, example)
    return [template, example]


if __name__ == "__main__":  # pragma: no cover
    import sys

    for written in write_bundled(Path(sys.argv[1] if len(sys.argv) > 1 else "workbooks")):
        print(f"Skrev {written}")


def mark_as_example(path: Path) -> None:
    """Make the demo's own copy of the example issue example certificates: Intygsprefix
    ``EXEMPEL`` (which no real register accepts) and EXEMPEL before the organisation's name, so
    that every page says what it is."""
    from .core.certificate_status import DEMO_PREFIX
    from .xlsx import writer

    wb = writer.load_for_update(path)
    ws = wb[schema.INSTALLNINGAR]
    for key, value in ws.iter_rows(min_row=2, max_col=2):
        if key.value == schema.S_PREFIX:
            value.value = DEMO_PREFIX
        elif key.value in (schema.S_ORGANISATION, schema.S_ORGANISATION_EN) and not str(
                value.value or "").startswith(DEMO_PREFIX):
            value.value = f"{DEMO_PREFIX} – {value.value or ''}".strip()
    writer.save_atomic(wb, path)
