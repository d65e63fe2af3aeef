"""Registers made by hypothesis and written as real workbooks from the bundled template.

Dates cluster on the edges of the report period (the day before, on and after its first and last
day) and of the tertials; statuses, outcomes, forms and areas come from the template's catalog
plus a few values outside it; some rows cannot be read (a date that is not a date, an unknown
förvaltning or status). Imports nothing from addin: the template is a file like any other.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import openpyxl
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "workbooks" / "arbetsmarknadsanstallningar.xlsx"
DAY = timedelta(days=1)

FORVALTNINGAR = ["Stadskontoret", "Serviceförvaltningen", "Miljöförvaltningen",
                 "Fritidsförvaltningen", "Okänd förvaltning"]
YRKEN = ["Lokalvård", "Vaktmästeri och intern service", "Kök och servering", "Astronaut", ""]
STATUSES = ["Erbjuden", "Pågående", "Avslutad", "Avbruten", "Klar", ""]
OUTCOMES = ["", "Arbete utan stöd", "Studier", "Annan arbetsmarknadsinsats", "Arbetssökande",
            "Okänt utfall"]
KON = ["Kvinna", "Man", "Annat", "Uppgift saknas", ""]
CERT_STATUSES = ["Giltigt", "Ersatt", "Återkallat"]
BEDOMNING = ["Ja", "Delvis", "Nej", "Kanske"]
PLATS_IDS = [f"P{i}" for i in range(1, 31)]
DELTAGAR_IDS = [f"D{i}" for i in range(1, 13)]


def _template_bytes() -> bytes:
    return TEMPLATE.read_bytes()


FORMS = ["Kommunal arbetsmarknadsanställning", "Introduktionsjobb", "Arbetsträning",
         "Lönebidrag för anställning", "Offentligt skyddat arbete", "Okänd form", ""]
MERVARDEN = [tuple(r) for r in (("Individ", "Har brutit social isolering"),
                                ("Individ", "Har utvecklat sin svenska"),
                                ("Arbetsplats", "Nya perspektiv i arbetsgruppen"),
                                ("Arbetsplats", "Har brutit social isolering"))]


@dataclass
class Generated:
    period: tuple[date, date]
    placements: list[dict] = field(default_factory=list)
    participants: list[dict] = field(default_factory=list)
    mervarden: list[dict] = field(default_factory=list)
    certificates: list[dict] = field(default_factory=list)
    targets: dict[str, int | None] = field(default_factory=dict)
    minsta_antal: int | None = None

    def write(self, path: Path) -> Path:
        wb = openpyxl.load_workbook(io.BytesIO(_template_bytes()))
        _append(wb["Deltagare"], self.participants)
        _append(wb["Platser"], self.placements)
        _append(wb["Mervärde"], self.mervarden)
        if self.certificates:
            ws = wb.create_sheet("Intygsregister")
            ws.append(["Intygsnummer", "PlatsID", "DeltagarID", "Utfärdat", "Utfärdat av", "Fil",
                       "SHA-256", "Status"])
            _append(ws, self.certificates)
        forv = wb["Förvaltningar"]
        header = [c.value for c in forv[1]]
        for row in forv.iter_rows(min_row=2):
            name = row[0].value
            if name in self.targets:
                row[header.index("Mål antal platser")].value = self.targets[name]
        settings = wb["Inställningar"]
        for row in settings.iter_rows(min_row=2):
            if row[0].value == "Minsta redovisade antal":
                row[1].value = self.minsta_antal
            elif row[0].value == "Intygsprefix":  # the register's certificates are per prefix
                row[1].value = "TST"
        wb.save(path)
        return path


def _append(ws, rows: list[dict]) -> None:
    header = [c.value for c in ws[1]]
    for row in rows:
        ws.append([row.get(h) for h in header])


def _edge_days(start: date, end: date) -> list[date]:
    days = {start - DAY, start, start + DAY, end - DAY, end, end + DAY}
    for year in range(start.year - 1, end.year + 2):  # tertial edges around the period
        for month in (1, 5, 9):
            first = date(year, month, 1)
            days.update({first - DAY, first})
    return sorted(days)


@st.composite
def registers(draw, period: tuple[date, date] | None = None, max_placements: int = 40):
    if period is None:
        year = draw(st.sampled_from([2025, 2026, 2027, 2028]))
        period = draw(st.sampled_from([(date(year, 1, 1), date(year, 4, 30)),
                                       (date(year, 5, 1), date(year, 8, 31)),
                                       (date(year, 9, 1), date(year, 12, 31)),
                                       (date(year, 1, 1), date(year, 8, 31)),
                                       (date(year, 1, 1), date(year, 12, 31))]))
    start, end = period
    any_day = st.dates(min_value=start - 400 * DAY, max_value=end + 200 * DAY)
    a_day = st.one_of(st.sampled_from(_edge_days(start, end)), any_day)
    cell_date = st.one_of(a_day, a_day, a_day, st.none(),
                          a_day.map(lambda d: f" {d.isoformat()} "), st.just("i våras"))
    g = Generated(period)
    g.participants = [{"DeltagarID": d, "Förnamn": "Testa", "Efternamn": "Testsson",
                       "Kön": draw(st.sampled_from(KON))} for d in DELTAGAR_IDS]
    n = draw(st.integers(min_value=0, max_value=max_placements))
    for _ in range(n):
        s = draw(cell_date)
        e = draw(st.one_of(st.none(), cell_date,
                           st.integers(0, 200).map(lambda k, s=s: s + k * DAY
                                                   if isinstance(s, date) else None)))
        g.placements.append({
            "PlatsID": draw(st.sampled_from(PLATS_IDS)),
            "Förvaltning": draw(st.sampled_from(FORVALTNINGAR)),
            "Arbetsplats": "Arbetsplats",
            "Yrkesområde": draw(st.sampled_from(YRKEN)),
            "Anställningsform": draw(st.sampled_from(FORMS)),
            "DeltagarID": draw(st.sampled_from(DELTAGAR_IDS)),
            "Handledare": "Hanna Handledare",
            "Startdatum": s, "Slutdatum": e,
            "Planerat slutdatum": draw(st.one_of(st.none(), cell_date)),
            "Status": draw(st.sampled_from(STATUSES)),
            "Sysselsättningsgrad": draw(st.sampled_from([1.0, 0.75, 75, None, "50 %", "mycket"])),
            "Utfall vid avslut": draw(st.sampled_from(OUTCOMES)) or None,
            "Utfall efter 90 dagar": draw(st.sampled_from(OUTCOMES)) or None,
        })
    for _ in range(draw(st.integers(0, 25))):
        perspektiv, mervarde = draw(st.sampled_from(MERVARDEN))
        g.mervarden.append({"PlatsID": draw(st.sampled_from(PLATS_IDS)),
                            "Datum": draw(st.one_of(a_day, a_day, st.none())),
                            "Perspektiv": perspektiv, "Mervärde": mervarde,
                            "Bedömning": draw(st.sampled_from(BEDOMNING))})
    for i in range(draw(st.integers(0, 10))):
        g.certificates.append({"Intygsnummer": f"TST-2026-{i + 1:05d}",
                               "PlatsID": draw(st.sampled_from(PLATS_IDS)),
                               "Status": draw(st.sampled_from(CERT_STATUSES))})
    g.targets = {f: draw(st.one_of(st.none(), st.integers(0, 40))) for f in FORVALTNINGAR[:4]}
    g.minsta_antal = draw(st.sampled_from([None, 3, 5, 10]))
    return g
