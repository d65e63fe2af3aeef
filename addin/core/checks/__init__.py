"""Every rule of the workbook contract as a check that returns problems.

Each sheet's rules live in a module of their own (``participants``, ``placements``, ``assessments``,
``mervarde``, ``catalog``, and ``text`` for what a certificate prints) and are listed in its
``RULES``; ``validate`` runs them all and sorts the problems in sheet, row and column order. Each
message is Swedish and says what is wrong and what to do. Lists come from the workbook's own
catalog sheets, never from code.

A cell that could not be read (an error value, a date that is no date) already has its problem
from reading; a rule's problem at the same cell would only repeat it in other words ("saknas"),
so it is left out.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import date

from .. import schema
from ..model import Problem, Register
from . import assessments, catalog, mervarde, participants, placements, text
from .base import FEL, Context, Rule

RULES: tuple[Rule, ...] = (*participants.RULES, *text.RULES, *placements.RULES, *assessments.RULES,
                           *mervarde.RULES, *catalog.RULES)


def validate(register: Register, today: date) -> list[Problem]:
    """All problems of a register, reading problems included, in sheet, row and column order."""
    ctx = Context(register, today)
    problems = list(register.read_problems)
    read_cells = {(p.sheet, p.row, p.column) for p in problems}
    for check in RULES:
        problems.extend(p for p in check(ctx) if (p.sheet, p.row, p.column) not in read_cells)
    return sort_problems(problems)


def sort_problems(problems: list[Problem]) -> list[Problem]:
    sheets = schema.DATA_SHEETS + schema.CATALOG_SHEETS
    sheet_order = {spec.name: i for i, spec in enumerate(sheets)}

    def key(p: Problem) -> tuple[int, int, int]:
        spec = schema.SPEC_BY_NAME.get(p.sheet)
        column = spec.headers.index(p.column) if spec and p.column in spec.headers else 99
        return sheet_order.get(p.sheet, 99), p.row or 0, column

    return sorted(problems, key=key)


def rows_with_errors(problems: Iterable[Problem]) -> dict[str, set[int]]:
    """Sheet → Excel rows that have at least one Fel (for eligibility of certificates)."""
    result: dict[str, set[int]] = defaultdict(set)
    for p in problems:
        if p.severity == FEL and p.row:
            result[p.sheet].add(p.row)
    return result


def count_by_severity(problems: Iterable[Problem]) -> Counter[str]:
    return Counter(p.severity for p in problems)


__all__ = ["RULES", "Context", "count_by_severity", "rows_with_errors", "sort_problems", "validate"]
