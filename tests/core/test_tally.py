"""The tally against hand-counted cases and an independent count of the example workbook."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from addin.core import tally as tally_module
from addin.operations import read_register
from tests.builders import participant, placement, register

EXAMPLE = Path(__file__).resolve().parents[2] / "workbooks" / "exempel.xlsx"
START, END = date(2026, 1, 1), date(2026, 6, 30)


def _tally(placements, **kwargs):
    people = [participant(DeltagarID=f"D{i}") for i in range(1, 10)]
    reg = register(participants=people, placements=placements, assessments=[], **kwargs)
    return tally_module.tally([reg], START, END)


def test_definitions_on_hand_made_rows():
    rows = [
        placement(PlatsID="A", Status="Erbjuden", DeltagarID=None, Startdatum=None, Slutdatum=None),
        placement(PlatsID="B", DeltagarID="D2", Status="Pågående", Startdatum=date(2025, 11, 1),
                  Slutdatum=None),
        placement(PlatsID="C", DeltagarID="D3", Startdatum=date(2026, 2, 1),
                  Slutdatum=date(2026, 5, 31), **{"Utfall vid avslut": "Studier"}),
        placement(PlatsID="D", DeltagarID="D4", Status="Avbruten", Startdatum=date(2026, 3, 1),
                  Slutdatum=date(2026, 4, 1), Avbrottsorsak="Fått arbete",
                  **{"Utfall vid avslut": "Arbetssökande"}),
        placement(PlatsID="E", DeltagarID="D5", Startdatum=date(2026, 5, 1),
                  Slutdatum=date(2026, 8, 31)),  # ends after the period: ongoing at its end
        placement(PlatsID="F", DeltagarID="D6", Startdatum=date(2025, 1, 1),
                  Slutdatum=date(2025, 12, 31)),  # before the period: not counted at all
        placement(PlatsID="G", DeltagarID="D7", Status="Klar"),  # unreadable status
        placement(PlatsID="H", DeltagarID="D8", Förvaltning="Okänd"),  # unknown förvaltning
        placement(PlatsID="I", DeltagarID="D9", Startdatum="i våras"),  # not a date
    ]
    t = _tally(rows)
    service = next(r for r in t.forvaltningar if r.name == "Serviceförvaltningen").counts
    assert (service.platser, service.paborjade, service.pagaende, service.avslutade,
            service.avbrutna, service.till_arbete_eller_studier) == (5, 3, 2, 1, 1, 1)
    assert t.utelamnade_rader == 3
    assert t.total.platser == 5 and len(t.forvaltningar) == 13
    data = t.as_json()
    assert data["period"] == {"from": "2026-01-01", "to": "2026-06-30"}
    assert data["utelamnade_rader"] == 3
    first = data["forvaltningar"][0]
    assert set(first) >= {"forvaltning", "mal", "platser", "paborjade", "pagaende", "avslutade",
                          "avbrutna", "till_arbete_eller_studier"}
    assert first["mal"] is None


def test_targets_and_several_workbooks_combine():
    targets = {"Förvaltningar": [["Serviceförvaltningen", "SF", "Servicenämnden", 7]]}
    one = register(participants=[participant()], placements=[placement()], catalog=targets)
    two = register(participants=[participant()], placements=[placement(PlatsID="P2")])
    t = tally_module.tally([one, two], START, date(2026, 12, 31))
    service = next(r for r in t.forvaltningar if r.name == "Serviceförvaltningen")
    assert service.mal == 7 and service.counts.avslutade == 2


def _independent_count(path: Path, start: date, end: date) -> dict[str, dict[str, int]]:
    """Count the example with openpyxl and plain comparisons, written apart from the core."""
    wb = openpyxl.load_workbook(path, data_only=True)
    work = {r[0] for r in wb["Utfall"].iter_rows(min_row=2, values_only=True) if r[1] == "Ja"}
    known = {r[0] for r in wb["Förvaltningar"].iter_rows(min_row=2, values_only=True) if r[0]}
    rows = wb["Platser"].iter_rows(values_only=True)
    header = next(rows)
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))

    def day(v):
        return v.date() if isinstance(v, datetime) else v

    for values in rows:
        r = dict(zip(header, values))
        if not r["PlatsID"] or r["Förvaltning"] not in known:
            continue
        s, e, status = day(r["Startdatum"]), day(r["Slutdatum"]), r["Status"]
        c = counts[r["Förvaltning"]]
        if status == "Erbjuden" or (s and s <= end and (e is None or e >= start)):
            c["platser"] += 1
        if s and start <= s <= end:
            c["paborjade"] += 1
        if status in ("Pågående", "Avslutad", "Avbruten") and s and s <= end and (not e or e > end):
            c["pagaende"] += 1
        if status == "Avslutad" and e and start <= e <= end:
            c["avslutade"] += 1
        if status == "Avbruten" and e and start <= e <= end:
            c["avbrutna"] += 1
        if status in ("Avslutad", "Avbruten") and e and start <= e <= end and \
                r["Utfall vid avslut"] in work:
            c["till_arbete_eller_studier"] += 1
    return counts


@pytest.mark.calendar
def test_example_tally_matches_an_independent_count():
    start, end = date(2026, 1, 1), date(2026, 12, 31)
    t = tally_module.tally([read_register(EXAMPLE)], start, end)
    expected = _independent_count(EXAMPLE, start, end)
    keys = ("platser", "paborjade", "pagaende", "avslutade", "avbrutna", "till_arbete_eller_studier")
    for row in t.forvaltningar:
        got = {k: getattr(row.counts, k) for k in keys}
        assert got == {k: expected[row.name][k] for k in keys}, row.name
    assert t.total.platser > 100 and t.utelamnade_rader == 0
