"""The one place every summary's figures are computed: combine, check, tally, say what they rest on.

The command line's ``tally`` (and its JSON), the Sammanställning sheet, the steering workbook, its
e-mail and the report section all call ``compute`` with the registers, the period and the
certificate register's facts, and read their figures from the result, so they cannot disagree.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from . import checks
from .basis import Basis, build_basis
from .combine import Combination, combine
from .errors import AmanstError
from .figures import NO_REGISTER, CertificateFacts
from .model import Register
from .period import StandardPeriod, resolve_period, standard_period
from .steering_summary import SteeringSummary, build_summary
from .tally import Tally
from .year_tallies import PeriodTallies, period_tallies


@dataclass
class Computed:
    combination: Combination
    basis: Basis
    tallies: PeriodTallies
    threshold: int

    @property
    def tally(self) -> Tally:
        return self.tallies.tally

    @property
    def period(self) -> StandardPeriod:
        return self.tallies.period

    def summary(self, generated_at: datetime, organisation: str = "", contact: str = ""
                ) -> SteeringSummary:
        return build_summary(self.tallies, self.basis, self.threshold, generated_at, organisation,
                             contact)


def compute(registers: Sequence[Register], period_from: date | None, period_to: date | None,
            today: date, certificates: CertificateFacts = NO_REGISTER) -> Computed:
    if not registers:
        raise AmanstError("Ange minst en arbetsbok.")
    start, end = resolve_period(registers, period_from, period_to, today)
    combination = combine(registers)
    problems = [p for reg in combination.originals for p in checks.validate(reg, today)]
    tallies = period_tallies(combination.registers, standard_period(start, end), certificates)
    # several workbooks: the strictest threshold of them all applies
    threshold = max(r.settings.minsta_antal for r in registers)
    return Computed(combination, build_basis(combination, problems, tallies.tally), tallies,
                    threshold)
