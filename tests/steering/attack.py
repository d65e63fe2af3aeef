"""An attacker with every standard report of a year: linear programming over what they publish.

Written apart from ``addin.core.disclosure`` and knowing nothing of its pools or atoms: it reads
only the published tables (as a reader would get them: the three tertial reports, the delår and
the helår) and what any reader knows about them:

* every count is a whole number, at least 0;
* per group and tertial the flows add up: a report's cell for a row (one group, a pool of the
  groups the note names, or Totalt) is the sum of its groups' tertial values over the tertials
  the report covers, so helår − delår is the third tertial;
* the city's value per tertial is in each tertial report (key figures and Utveckling);
* the places ended per förvaltning per tertial are shown exactly (the places table), so
  avslutade + avbrutna is known for each förvaltning and tertial;
* a part is never more than its whole (till arbete ≤ ended, intyg ≤ avslutade, ...).

For every group and every tertial, and every group and standard period, it asks the LP for the
smallest and largest value of each count consistent with all of that. A count pinned to a value
from 1 to threshold − 1 is a disclosure. Counts the reports show (0 or at least the threshold)
are checked as they are. Stocks (places running, pågående) are not attacked here.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import linprog

from addin.core.steering_summary import SteeringSummary, SummaryTable

FLOWS = ("avslutade", "avbrutna", "till_arbete_eller_studier", "med_utfall_efter_90",
         "till_arbete_eller_studier_efter_90", "utfardade_intyg")
# a part and its whole: count ≤ whole, per group and tertial
PARTS = (("till_arbete_eller_studier", ("avslutade", "avbrutna")),
         ("med_utfall_efter_90", ("avslutade", "avbrutna")),
         ("till_arbete_eller_studier_efter_90", ("med_utfall_efter_90",)),
         ("utfardade_intyg", ("avslutade",)))
BREAKDOWNS = {"forvaltning": ("utfall_forvaltningar", "intyg_forvaltningar",
                              "utfall90_forvaltningar"),
              "kon": ("kon", "intyg_kon"),
              "anstallningsform": ("anstallningsformer",)}
TOTAL = "Totalt"


@dataclass
class Leak:
    breakdown: str
    group: str
    tertials: tuple[int, ...]
    figure: str
    value: int


@dataclass
class _System:
    groups: list[str]
    index: dict[tuple[str, int, str], int] = field(default_factory=dict)
    rows: list[dict[int, float]] = field(default_factory=list)
    rhs: list[float] = field(default_factory=list)
    le_rows: list[dict[int, float]] = field(default_factory=list)

    def var(self, group: str, tertial: int, figure: str) -> int:
        return self.index.setdefault((group, tertial, figure), len(self.index))

    def equal(self, terms: dict[int, float], value: float) -> None:
        self.rows.append(terms)
        self.rhs.append(value)

    def matrices(self) -> tuple:
        n = len(self.index)

        def dense(rows: list[dict[int, float]]) -> np.ndarray:
            m = np.zeros((len(rows), n))
            for i, terms in enumerate(rows):
                for j, c in terms.items():
                    m[i, j] += c
            return m

        a_ub = dense(self.le_rows) if self.le_rows else None
        b_ub = np.zeros(len(self.le_rows)) if self.le_rows else None
        return dense(self.rows), np.array(self.rhs), a_ub, b_ub, n


def _row_groups(table: SummaryTable, row: list, units: list[str]) -> list[str]:
    name = str(row[0])
    if name == TOTAL:
        return units
    return list(table.pools.get(name, [name]))


def _units(tables: Sequence[SummaryTable]) -> list[str]:
    units: list[str] = []
    for table in tables:
        for row in table.rows:
            for g in _row_groups(table, row, []):
                if g != TOTAL and g not in units:
                    units.append(g)
    return units


def _tertials(summary: SteeringSummary) -> tuple[int, ...]:
    p = summary.period
    return tuple(range(p.first_tertial, p.last_tertial + 1))


def attack(reports: Sequence[SteeringSummary], threshold: int) -> list[Leak]:
    """Every count 1..threshold-1 the reports of one year reveal, by group and tertials."""
    leaks: list[Leak] = []
    for breakdown, keys in BREAKDOWNS.items():
        leaks += _attack_breakdown(reports, breakdown, keys, threshold)
    return leaks


def _published(reports: Sequence[SteeringSummary], keys: Sequence[str]
               ) -> list[tuple[tuple[int, ...], SummaryTable]]:
    return [(_tertials(s), t) for s in reports for t in (s.find(k) for k in keys) if t]


def _attack_breakdown(reports: Sequence[SteeringSummary], breakdown: str, keys: Sequence[str],
                      threshold: int) -> list[Leak]:
    published = _published(reports, keys)
    if not published:
        return []
    units = _units([t for _, t in published])
    system = _System(units)
    shown: list[tuple[str, tuple[int, ...], str, int]] = []
    for tertials, table in published:
        for row in table.rows:
            members = _row_groups(table, row, units)
            for figure, value in zip(table.keys, row):
                if figure in FLOWS and isinstance(value, int):
                    system.equal({system.var(g, t, figure): 1 for g in members for t in tertials},
                                 value)
                    if len(members) == 1:
                        shown.append((members[0], tertials, figure, value))
    _city(system, reports, units)
    if breakdown == "forvaltning":
        _public_ended(system, reports, units)
    _parts(system, units)
    return _pinned(system, units, breakdown, threshold, shown)


def _city(system: _System, reports: Sequence[SteeringSummary], units: list[str]) -> None:
    """The city's value per tertial, from the tertial reports' key figures."""
    for s in reports:
        tertials = _tertials(s)
        if len(tertials) != 1:
            continue
        for figure in FLOWS:
            value = s.key_figures.get(figure)
            if isinstance(value, int):
                system.equal({system.var(g, tertials[0], figure): 1 for g in units}, value)


def _public_ended(system: _System, reports: Sequence[SteeringSummary], units: list[str]) -> None:
    for s in reports:
        tertials = _tertials(s)
        table = s.find("forvaltningar")
        if table is None:
            continue
        col = table.keys.index("ended")
        for row in table.rows[:-1]:
            if row[0] in units and isinstance(row[col], int):
                system.equal({system.var(str(row[0]), t, f): 1 for t in tertials
                              for f in ("avslutade", "avbrutna")}, row[col])


def _parts(system: _System, units: list[str]) -> None:
    for g in units:
        for t in (1, 2, 3):
            for part, whole in PARTS:
                terms = {system.var(g, t, part): 1.0}
                for w in whole:
                    terms[system.var(g, t, w)] = terms.get(system.var(g, t, w), 0.0) - 1.0
                system.le_rows.append(terms)


TARGET_PERIODS = ((1,), (2,), (3,), (1, 2), (1, 2, 3), (2, 3), (1, 3))


def _pinned(system: _System, units: list[str], breakdown: str, threshold: int,
            shown: list[tuple[str, tuple[int, ...], str, int]]) -> list[Leak]:
    leaks = [Leak(breakdown, g, ts, f, v) for g, ts, f, v in shown if 0 < v < threshold]
    a_eq, b_eq, a_ub, b_ub, n = system.matrices()
    for g in units:
        for figure in FLOWS:
            for tertials in TARGET_PERIODS:
                keys = [(g, t, figure) for t in tertials]
                if not all(k in system.index for k in keys):
                    continue
                c = np.zeros(n)
                for k in keys:
                    c[system.index[k]] = 1.0
                lo, hi = _bounds(c, a_eq, b_eq, a_ub, b_ub, n)
                if math.isinf(hi):
                    continue
                low, high = math.ceil(lo - 1e-6), math.floor(hi + 1e-6)
                if low == high and 0 < low < threshold:
                    leaks.append(Leak(breakdown, g, tertials, figure, low))
    return leaks


def _bounds(c: np.ndarray, a_eq, b_eq, a_ub, b_ub, n: int) -> tuple[float, float]:
    kw = {"A_eq": a_eq if len(b_eq) else None, "b_eq": b_eq if len(b_eq) else None,
          "A_ub": a_ub, "b_ub": b_ub, "bounds": [(0, None)] * n, "method": "highs"}
    low = linprog(c, **kw)
    high = linprog(-c, **kw)
    lo = low.fun if low.status == 0 else 0.0
    hi = -high.fun if high.status == 0 else math.inf
    return lo, hi
