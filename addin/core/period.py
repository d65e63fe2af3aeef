"""The report period a summary covers, when the user gives none: one rule for every front end."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

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
