"""The tallies a steering summary needs: the period's own, and the year's atoms for suppression.

Disclosure control (``disclosure``) is decided on atoms: the year's tertials up to the period's
last for the city's figures, and January–August and September–December for breakdowns
(``period.breakdown_atoms``). For each atom the tally of the atom itself, of the span from the
start of the year to the atom's end, and of the day before the year began (what was running then)
are counted: every figure any standard report of the year shows is one of these or a sum of them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from .figures import NO_REGISTER, CertificateFacts
from .model import Register
from .period import StandardPeriod, atoms, breakdown_atoms
from .tally import Tally, tally


@dataclass
class AtomTallies:
    atoms: list[Tally]
    cumulative: list[Tally]  # from the first atom's start to each atom's end
    before: Tally  # the day before the first atom: what was running when it began
    covered: list[int]  # the atoms the period itself covers


@dataclass
class PeriodTallies:
    period: StandardPeriod
    tally: Tally
    city: AtomTallies  # tertials: for the city's figures
    breakdown: AtomTallies | None  # halves: for per förvaltning, kön, form (None: not shown)


def _atom_tallies(registers: Sequence[Register], bounds: list[tuple[date, date]],
                  period: StandardPeriod, certificates: CertificateFacts) -> AtomTallies:
    first = bounds[0][0]
    day_before = first - timedelta(days=1)
    return AtomTallies(
        [tally(registers, a, b, certificates) for a, b in bounds],
        [tally(registers, first, b, certificates) for _, b in bounds],
        tally(registers, day_before, day_before, certificates),
        [i for i, (a, _) in enumerate(bounds) if a >= period.start])


def period_tallies(registers: Sequence[Register], period: StandardPeriod,
                   certificates: CertificateFacts = NO_REGISTER) -> PeriodTallies:
    halves = breakdown_atoms(period)
    return PeriodTallies(
        period, tally(registers, period.start, period.end, certificates),
        _atom_tallies(registers, atoms(period), period, certificates),
        _atom_tallies(registers, halves, period, certificates) if halves else None)
