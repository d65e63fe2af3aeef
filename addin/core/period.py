"""Report periods: the period a summary covers when the user gives none (one rule for every front
end), and the standard periods of a year the steering group gets."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from .errors import AmanstError
from .model import Register


def resolve_period(registers: Sequence[Register], period_from: date | None,
                   period_to: date | None, today: date) -> tuple[date, date]:
    """The report period: given dates, else the first workbook's settings, else this year."""
    settings = next((r.settings for r in registers if r.settings.period_from or r.settings.period_to),
                    None)
    start = period_from or (settings.period_from if settings else None) or date(today.year, 1, 1)
    end = period_to or (settings.period_to if settings else None) or date(start.year, 12, 31)
    if end < start:
        raise AmanstError(f"Rapportperioden slutar ({end}) före den börjar ({start}).")
    return start, end


TERTIAL_MONTHS = {1: "jan–apr", 2: "maj–aug", 3: "sep–dec"}


@dataclass(frozen=True)
class StandardPeriod:
    """A period the steering group gets: a tertial, the delår (Jan–Aug) or the helår of a year.

    Suppression is decided over the year's tertials up to ``last_tertial``, the same way in every
    standard report of the year, so no combination of them reveals a small count.
    """

    kind: str  # "tertial", "delår", "helår" or "annan"
    year: int
    first_tertial: int
    last_tertial: int
    start: date
    end: date

    @property
    def standard(self) -> bool:
        return self.kind != OTHER

    @property
    def label(self) -> str:
        if self.kind == TERTIAL:
            return (f"Tertial {self.first_tertial} {self.year} "
                    f"({TERTIAL_MONTHS[self.first_tertial]})")
        if self.kind == DELAR:
            return f"Delår {self.year} (januari–augusti)"
        if self.kind == HELAR:
            return f"Helår {self.year}"
        return (f"{self.start:%Y-%m-%d} – {self.end:%Y-%m-%d} (ingen standardperiod: får inte "
                "skickas till styrgruppen)")


TERTIAL, DELAR, HELAR, OTHER = "tertial", "delår", "helår", "annan"


def tertial_bounds(year: int, tertial: int) -> tuple[date, date]:
    first_month = 4 * (tertial - 1) + 1
    last_month = first_month + 3
    if last_month == 12:
        return date(year, first_month, 1), date(year, 12, 31)
    end = date(year, last_month + 1, 1) - timedelta(days=1)
    return date(year, first_month, 1), end


def standard_period(start: date, end: date) -> StandardPeriod:
    """Which standard period (start, end) is, or kind "annan" for any other."""
    year = start.year
    for t in (1, 2, 3):
        if (start, end) == tertial_bounds(year, t):
            return StandardPeriod(TERTIAL, year, t, t, start, end)
    if (start, end) == (date(year, 1, 1), tertial_bounds(year, 2)[1]):
        return StandardPeriod(DELAR, year, 1, 2, start, end)
    if (start, end) == (date(year, 1, 1), date(year, 12, 31)):
        return StandardPeriod(HELAR, year, 1, 3, start, end)
    return StandardPeriod(OTHER, year, 1, 1, start, end)


def standard_periods(year: int) -> list[StandardPeriod]:
    """Every standard period of a year: the three tertials, the delår and the helår."""
    found = [standard_period(*tertial_bounds(year, t)) for t in (1, 2, 3)]
    found.append(standard_period(date(year, 1, 1), tertial_bounds(year, 2)[1]))
    found.append(standard_period(date(year, 1, 1), date(year, 12, 31)))
    return found


def atoms(period: StandardPeriod) -> list[tuple[date, date]]:
    """The periods suppression is decided on: the year's tertials up to this one's last, or, for
    any other period, the period itself."""
    if not period.standard:
        return [(period.start, period.end)]
    return [tertial_bounds(period.year, t) for t in range(1, period.last_tertial + 1)]


def breakdown_atoms(period: StandardPeriod) -> list[tuple[date, date]] | None:
    """The periods suppression of breakdowns (per förvaltning, kön, anställningsform) is decided
    on: January–August and September–December. Breakdowns of outcomes are shown in the delår and
    the helår only (a tertial report shows the city's), so nothing finer can be derived."""
    if not period.standard:
        return [(period.start, period.end)]
    if period.kind == TERTIAL:
        return None
    first_half = (date(period.year, 1, 1), tertial_bounds(period.year, 2)[1])
    if period.kind == DELAR:
        return [first_half]
    return [first_half, tertial_bounds(period.year, 3)]
