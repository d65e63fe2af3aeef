"""No count from 1 to 4 can be derived from all the standard reports of a year.

The attacker (``attack.py``) gets the three tertial reports, the delår and the helår of one year
and solves linear programs over everything they publish. The property test runs it on generated
registers of every size, from a handful of placements (almost everything pooled) to a few hundred;
the last test runs the same attack on the bundled example.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from addin.catalog import catalog_rows
from addin.core import schema
from addin.core.compute import compute
from addin.core.figures import CertificateFacts
from addin.core.period import standard_periods
from addin.operations import read_register
from tests.builders import book
from addin.core.reading import load_register

from .attack import attack
from .conftest import EXAMPLE

YEAR = 2026
AFTER = date(YEAR + 1, 2, 1)  # every period of the year is over
NOW = datetime(YEAR + 1, 2, 1, 9, 0)
OUTCOMES = [r[0] for r in catalog_rows()[schema.UTFALL]]
FORMS = ["Kommunal arbetsmarknadsanställning", "Introduktionsjobb", "Nystartsjobb",
         "Lönebidrag för anställning", "Arbetsträning"]


def _generated(seed: int, places: int, forvaltningar: int) -> tuple:
    """A register of one year with ``places`` placements in ``forvaltningar`` förvaltningar."""
    rng = random.Random(seed)
    names = [r[0] for r in catalog_rows()[schema.FORVALTNINGAR]][:forvaltningar]
    weights = [rng.choice([1, 1, 2, 5, 12]) for _ in names]
    people, rows = [], []
    for n in range(1, places + 1):
        pid = f"D{n}"
        people.append({"DeltagarID": pid, "Förnamn": "Test", "Efternamn": f"Person{n}",
                       "Kön": rng.choices(schema.KON, weights=[45, 45, 3, 7])[0]})
        start = date(YEAR - 1, 9, 1) + timedelta(days=rng.randint(0, 450))
        planned = start + timedelta(days=rng.choice([90, 180, 270]))
        status, end = "Pågående", None
        if rng.random() < 0.25 and start + timedelta(days=30) < AFTER:
            status, end = "Avbruten", start + timedelta(days=rng.randint(10, 60))
        elif planned < AFTER:
            status, end = "Avslutad", planned
        rows.append({"PlatsID": f"P{n}", "Förvaltning": rng.choices(names, weights)[0],
                     "Arbetsplats": "Test", "Yrkesområde": "Lokalvård",
                     "Anställningsform": rng.choice(FORMS), "DeltagarID": pid,
                     "Handledare": "H", "Startdatum": start, "Planerat slutdatum": planned,
                     "Slutdatum": end, "Status": status, "Sysselsättningsgrad": 1.0,
                     "Arbetsuppgifter": "Test", "Avbrottsorsak": "Annat" if end and
                     status == "Avbruten" else None,
                     "Utfall vid avslut": rng.choice(OUTCOMES) if end else None,
                     "Utfall efter 90 dagar": rng.choice(OUTCOMES)
                     if end and rng.random() < 0.7 else None})
    for _ in range(rng.randint(0, 3)):
        rows.append({"PlatsID": f"E{_}", "Förvaltning": rng.choice(names), "Status": "Erbjuden"})
    register = load_register(book(participants=people, placements=rows), source="gen.xlsx",
                             today=AFTER)
    certified = frozenset(("TST", r["PlatsID"]) for r in rows
                          if r.get("Status") == "Avslutad" and rng.random() < 0.6)
    return register, CertificateFacts("test", certified)


def _year_reports(register, facts) -> list:
    return [compute([register], p.start, p.end, AFTER, facts).summary(NOW)
            for p in standard_periods(YEAR)]


@pytest.mark.slow
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10**9), places=st.integers(5, 300), forvaltningar=st.integers(2, 6))
def test_no_small_count_from_any_combination_of_a_years_reports(seed, places, forvaltningar):
    register, facts = _generated(seed, places, forvaltningar)
    reports = _year_reports(register, facts)
    assert attack(reports, 5) == []


def test_the_attacker_finds_what_per_report_suppression_leaks():
    """The attacker is not blind: cells that pass one report at a time but not the year leak."""
    from addin.core.steering_summary import SummaryTable

    from .attack import attack as run

    class Fake:
        def __init__(self, first, last, value):
            from addin.core.period import standard_period, tertial_bounds

            self.period = standard_period(tertial_bounds(YEAR, first)[0],
                                          tertial_bounds(YEAR, last)[1])
            self.key_figures = {}
            self.tables = [SummaryTable("kon", "", ["Kön", "Avbrutna"], ["label", "count"],
                                        [["Kvinna", value], ["Totalt", value]], keys=[
                                            "name", "avbrutna"])]

        def find(self, key):
            return next((t for t in self.tables if t.key == key), None)

    delar, helar = Fake(1, 2, 7), Fake(1, 3, 9)  # each shows 5 or more; helår − delår is 2
    leaks = run([delar, helar], 5)
    assert [(x.group, x.tertials, x.figure, x.value) for x in leaks] == [
        ("Kvinna", (3,), "avbrutna", 2)]


@pytest.mark.slow
def test_the_same_attack_on_the_example_finds_nothing():
    register = read_register(EXAMPLE, AFTER)
    facts = CertificateFacts("test", frozenset(
        ("ASF", p.plats_id) for p in register.placements if p.status == "Avslutad"
        and int(p.plats_id[1:]) % 3 == 0))
    reports = _year_reports(register, facts)
    assert attack(reports, 5) == []
    utfall = reports[-1].table("utfall_forvaltningar")
    assert len(utfall.rows) >= 3  # the helår still shows förvaltningar of their own
