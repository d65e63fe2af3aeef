"""The example workbook: a fictitious city-wide register, generated with a fixed seed.

Everyone in it is invented: a name is a first name and a surname drawn from the same naming
tradition (so no "Mohammed Mohammed"), the first name matching the person's kön, and identity
numbers are generated with a valid check digit and a birth number from the rarely used series
980–999; they exist only inside the example file, never in the source. It covers all 13
förvaltningar with realistic differences in size (Arbetsmarknads- och socialförvaltningen runs the
most places, Miljöförvaltningen a handful), about 900 places started from May 2025 to October 2026
in every status, completed placements with and without a Slutbedömning (certificates pending),
mervärde rows, and a few realistic mistakes (``PLANTED``) that ``validate`` must find. Every date
lies on or before ``LAST_DAY`` so the example stays valid as time passes.

``build_example`` runs named steps: participants and places (``_Generator``), assessments
(``_assess``), the planted mistakes (``_plant_mistakes``) and the workbook itself.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from openpyxl.workbook.workbook import Workbook

from .catalog import catalog_rows
from .core import schema
from .xlsx.template import build_workbook

SEED = 20260101
FIRST_DAY = date(2025, 5, 5)
LAST_DAY = date(2026, 10, 30)
FINAL_ASSESSMENTS_UNTIL = date(2026, 10, 16)  # later completions still await their Slutbedömning

# (female first names, male first names, surnames) of one naming tradition, and its weight
NAMES: tuple[tuple[list[str], list[str], list[str], int], ...] = (
    (["Anna", "Elin", "Linnea", "Sofia", "Emma", "Ida", "Maja", "Hanna", "Agnes", "Petra", "Elsa",
      "Tove", "Karin", "Johanna", "Frida"],
     ["Johan", "Erik", "Karl", "Lars", "Nils", "Oskar", "Anders", "Mikael", "Fredrik", "Jonas",
      "Daniel", "Viktor", "Henrik", "Emil", "Gustav"],
     ["Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson", "Persson",
      "Svensson", "Gustafsson", "Pettersson", "Lindberg", "Lindqvist", "Berg", "Axelsson",
      "Nordin", "Holm", "Sandberg", "Ekström", "Lundgren"], 45),
    (["Amina", "Fatima", "Leyla", "Nour", "Zainab", "Hiba", "Khadija", "Aisha", "Layla", "Rania",
      "Yasmin", "Maryam"],
     ["Ahmed", "Mohammed", "Hassan", "Omar", "Ali", "Mustafa", "Samir", "Yusuf", "Karim", "Tariq",
      "Bilal", "Ibrahim"],
     ["Hussein", "Al-Khatib", "Haddad", "Saleh", "Mansour", "Khalil", "Nasser", "Aziz", "Hamdan",
      "Darwish", "Youssef", "Farouk"], 20),
    (["Hodan", "Sahra", "Faadumo", "Ayaan", "Ifrah", "Nimco"],
     ["Abdi", "Abdirahman", "Bashir", "Mahad", "Liban", "Guled"],
     ["Abdullahi", "Farah", "Warsame", "Jama", "Osman", "Mohamud", "Ismail", "Dahir"], 10),
    (["Dragana", "Ivana", "Jelena", "Amra", "Selma", "Mirela"],
     ["Goran", "Dragan", "Nikola", "Emir", "Adnan", "Zoran"],
     ["Jovanović", "Kovačević", "Hadžić", "Petrović", "Begović", "Nikolić", "Marković",
      "Mehmedović"], 12),
    (["Elif", "Zeynep", "Ayşe", "Rojda", "Berfin"],
     ["Mehmet", "Kemal", "Emre", "Serkan", "Baran"],
     ["Yilmaz", "Demir", "Kaya", "Aydin", "Çelik", "Özdemir", "Arslan"], 8),
    (["Shirin", "Parisa", "Nasrin", "Setareh"],
     ["Reza", "Dariush", "Babak", "Farid"],
     ["Ahmadi", "Rahimi", "Hosseini", "Karimi", "Moradi", "Jafari"], 5),
)
SUPERVISORS = ["Birgitta Lund", "Jonas Ek", "Malin Sjö", "Tarik Demir", "Ulla Ström",
               "Peter Dahl", "Lena Borg", "Kemal Aydin", "Sanna Vik", "Ola Ås", "Nadia Haddad",
               "Maria Holmberg", "Stefan Roos", "Aida Begić", "Göran Lilja"]

# How many places each förvaltning starts over the whole span, as in a city where the
# labour-market förvaltning and the big service organisations carry most of them.
PLACES_BY_FORVALTNING = {
    "Stadskontoret": 26,
    "Förskoleförvaltningen": 44,
    "Grundskoleförvaltningen": 40,
    "Gymnasie- och vuxenutbildningsförvaltningen": 24,
    "Kulturförvaltningen": 20,
    "Fritidsförvaltningen": 30,
    "Arbetsmarknads- och socialförvaltningen": 280,
    "Funktionsstödsförvaltningen": 34,
    "Hälsa-, vård- och omsorgsförvaltningen": 110,
    "Fastighets- och gatukontoret": 130,
    "Stadsbyggnadskontoret": 9,
    "Miljöförvaltningen": 7,
    "Serviceförvaltningen": 170,
}

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
FORMS = (["Kommunal arbetsmarknadsanställning"] * 10
         + ["Introduktionsjobb"] * 3 + ["Nystartsjobb"] * 2
         + ["Etableringsjobb", "Lönebidrag för anställning",
            "Lönebidrag för utveckling i anställning", "Offentligt skyddat arbete",
            "Arbetsträning", "Arbetsträning"])
# outcome at the end, with weights: about four in ten go on to work or studies
OUTCOMES = ["Arbete utan stöd"] * 20 + ["Arbete med stöd"] * 9 + ["Studier"] * 12 + [
    "Annan arbetsmarknadsinsats"] * 18 + ["Arbetssökande"] * 31 + ["Okänt"] * 10

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


class _Generator:
    """Participants and places, drawn in the order a city would have registered them."""

    def __init__(self, rng: random.Random, catalog: dict[str, list[list[Any]]],
                 area_en: dict[str, str]):
        self.rng = rng
        self.area_en = area_en  # Yrkesområde → its English name, for English tasks
        self.reasons = [r[0] for r in catalog[schema.AVBROTTSORSAKER]]
        self.mervarden = [tuple(r) for r in catalog[schema.MERVARDEN]]
        self.participants: list[list[Any]] = []
        self.places: list[dict[str, Any]] = []
        self.mervarde_rows: list[list[Any]] = []
        self.returning: list[tuple[str, date]] = []  # free for a second placement from a date
        self.languages: dict[str, str | None] = {}  # DeltagarID → Intygsspråk

    def person(self) -> str:
        rng = self.rng
        pid = f"D{len(self.participants) + 1:04d}"
        born = _date_between(rng, date(1964, 1, 1), date(2005, 12, 31))
        pnr = _pnr(rng, born, rng.random() < 0.15) if rng.random() < 0.7 else None
        kon = rng.choices(schema.KON, weights=[47, 53, 0, 0])[0]
        women, men, surnames, _ = rng.choices(NAMES, weights=[n[3] for n in NAMES])[0]
        first = rng.choice(women if kon == "Kvinna" else men if kon == "Man" else women + men)
        sprak = rng.choice([None, None, None, "Svenska", "Engelska"])
        self.participants.append([pid, first, rng.choice(surnames), pnr, kon, sprak])
        self.languages[pid] = sprak
        return pid

    def participant_for(self, start: date) -> str:
        if self.rng.random() < 0.12:
            reuse = next((r for r in self.returning if r[1] < start), None)
            if reuse is not None:
                self.returning.remove(reuse)
                return reuse[0]
        return self.person()

    def timeline(self) -> tuple[str, date, date, date | None]:
        """Status, start, planned end and end of one place that has started."""
        rng = self.rng
        start = _date_between(rng, FIRST_DAY, LAST_DAY - timedelta(days=10))
        length = rng.choice([91, 182, 182, 273, 365])
        planned = start + timedelta(days=length - 1)
        if rng.random() < 0.24:
            early = start + timedelta(days=rng.randint(20, length // 2))
            if early <= LAST_DAY:
                return schema.STATUS_AVBRUTEN, start, planned, early
        if planned <= LAST_DAY:
            return schema.STATUS_AVSLUTAD, start, planned, planned
        return schema.STATUS_PAGAENDE, start, planned, None

    def place(self, forvaltning: str, status: str, start: date | None, planned: date | None,
              end: date | None) -> dict[str, Any]:
        rng = self.rng
        area = rng.choice(AREAS_BY_FORVALTNING[forvaltning])
        row: dict[str, Any] = {"Förvaltning": forvaltning, "Status": status,
                               "Arbetsplats": f"{area.split(' ')[0]} – {rng.choice(UNITS)}",
                               "Yrkesområde": area, "Anställningsform": rng.choice(FORMS),
                               "Sysselsättningsgrad": rng.choice([0.5, 0.75, 1.0, 1.0, 1.0]),
                               "Startdatum": start, "Planerat slutdatum": planned,
                               "Slutdatum": end}
        if status != schema.STATUS_ERBJUDEN:
            row["Handledare"] = rng.choice(SUPERVISORS)
        return row

    def fill(self, row: dict[str, Any]) -> None:
        """The participant, outcomes and mervärde of a place that has started."""
        rng, status, start, end = self.rng, row["Status"], row["Startdatum"], row["Slutdatum"]
        row["DeltagarID"] = self.participant_for(start)
        if end is not None:
            self.returning.append((row["DeltagarID"], end))
            row["Utfall vid avslut"] = rng.choice(OUTCOMES)
            if end + timedelta(days=90) <= LAST_DAY and rng.random() < 0.85:
                row["Utfall efter 90 dagar"] = rng.choice(OUTCOMES)
        if status == schema.STATUS_AVSLUTAD:
            area = row["Yrkesområde"]
            row["Arbetsuppgifter"] = TASKS.get(area, f"Arbetsuppgifter inom {area.lower()} "
                                               "enligt arbetsplatsens rutiner")
            if self.languages[row["DeltagarID"]] == schema.SPRAK_ENGELSKA:
                row["Arbetsuppgifter" + schema.EN] = TASKS_EN.get(
                    area, f"Tasks in {self.area_en[area].lower()} following the workplace's "
                    "routines")
            row["_final"] = end <= FINAL_ASSESSMENTS_UNTIL and rng.random() < 0.24
        if status == schema.STATUS_AVBRUTEN:
            row["Avbrottsorsak"] = rng.choice(self.reasons)
        if status != schema.STATUS_PAGAENDE or rng.random() < 0.5:
            for perspektiv, mervarde in rng.sample(self.mervarden, rng.randint(3, 5)):
                self.mervarde_rows.append([None, _date_between(rng, start, end or LAST_DAY),
                                           perspektiv, mervarde,
                                           rng.choice(["Ja", "Ja", "Ja", "Delvis", "Nej"]), None])
                self.mervarde_rows[-1].append(row)  # the PlatsID is known once places are numbered

    def generate(self) -> None:
        started = [(forvaltning, *self.timeline())
                   for forvaltning, n in PLACES_BY_FORVALTNING.items() for _ in range(n)]
        started.sort(key=lambda s: (s[2], s[0]))
        for forvaltning, status, start, planned, end in started:
            row = self.place(forvaltning, status, start, planned, end)
            self.fill(row)
            self.places.append(row)
        for forvaltning, n in PLACES_BY_FORVALTNING.items():  # offered, nobody started yet
            for _ in range(self.rng.randint(0, 1 + n // 40)):
                self.places.append(self.place(forvaltning, schema.STATUS_ERBJUDEN, None, None,
                                              None))
        for n, row in enumerate(self.places, start=1):
            row["PlatsID"] = f"P{n:04d}"
        for m in self.mervarde_rows:
            m[0] = m.pop()["PlatsID"]


def _targets(rows: list[list[Any]], rng: random.Random) -> list[list[Any]]:
    """Mål antal platser: about two thirds of what each förvaltning starts, some set too high."""
    return [[*row[:3], max(5, 5 * round(PLACES_BY_FORVALTNING[row[0]] * rng.uniform(0.55, 0.8)
                                        / 5)), *row[4:]] for row in rows]


def _workbook(gen: _Generator, assessments: list[list[Any]], forvaltningar: list[list[Any]]
              ) -> Workbook:
    place_spec = schema.SPEC_BY_NAME[schema.PLATSER]
    data = {
        schema.DELTAGARE: gen.participants,
        schema.PLATSER: [[p.get(h) for h in place_spec.headers] for p in gen.places],
        schema.BEDOMNINGAR: assessments,
        schema.MERVARDE: gen.mervarde_rows,
        schema.FORVALTNINGAR: forvaltningar,
    }
    return build_workbook(data, SETTINGS)


SETTINGS = {
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


def build_example() -> Example:
    rng = random.Random(SEED)
    catalog = catalog_rows()
    competences = [(m, y or "", k) for m, y, k, *_ in catalog[schema.KOMPETENSER]]
    area_en = {str(row[0]): str(row[4]) for row in catalog[schema.YRKESOMRADEN]}
    general = [c for c in competences if c[0] != schema.MODUL_YRKESKOMPETENS]
    gen = _Generator(rng, catalog, area_en)
    gen.generate()
    assessments: list[list[Any]] = []
    for place in gen.places:
        if place["Status"] != schema.STATUS_ERBJUDEN:
            _assess(rng, place, general, competences, assessments)
    example = Example(workbook=None)
    _plant_mistakes(rng, gen.participants, gen.places, assessments, gen.mervarde_rows, competences,
                    example)
    example.workbook = _workbook(gen, assessments, _targets(catalog[schema.FORVALTNINGAR], rng))
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
    if place.get("_final"):
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


if __name__ == "__main__":  # pragma: no cover
    import sys

    for written in write_bundled(Path(sys.argv[1] if len(sys.argv) > 1 else "workbooks")):
        print(f"Skrev {written}")
