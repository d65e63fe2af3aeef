"""What every rule shares: the context a rule reads, and how a problem is made and worded.

A rule is a function ``(ctx) -> Iterable[Problem]``; each sheet's module lists its rules in
``RULES``, and ``addin.core.checks`` runs them all.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cached_property

from .. import schema
from ..model import Placement, Problem, Register
from ..values import format_date

FEL, VARNING = schema.SEVERITY_FEL, schema.SEVERITY_VARNING
P, D, B, M = schema.PLATSER, schema.DELTAGARE, schema.BEDOMNINGAR, schema.MERVARDE
NINETY_DAYS = timedelta(days=90)


@dataclass
class Context:
    register: Register
    today: date

    @cached_property
    def placements_by_id(self) -> dict[str, Placement]:
        result: dict[str, Placement] = {}
        for p in self.register.placements:
            result.setdefault(p.plats_id, p)
        return result

    @cached_property
    def participant_ids(self) -> set[str]:
        return {d.deltagar_id for d in self.register.participants if d.deltagar_id}

    @cached_property
    def unreadable_rows(self) -> dict[str, set[int]]:
        """Sheet → rows with a value that could not be read (already reported while reading)."""
        rows: dict[str, set[int]] = defaultdict(set)
        for p in self.register.read_problems:
            rows[p.sheet].add(p.row)  # type: ignore[arg-type]
        return rows

    @cached_property
    def competence_pairs(self) -> dict[tuple[str, str], set[str]]:
        """(modul, kompetens) → the yrkesområden it belongs to ('' for the general modules)."""
        pairs: dict[tuple[str, str], set[str]] = defaultdict(set)
        for k in self.register.catalog.kompetenser:
            pairs[(k.modul, k.kompetens)].add(k.yrkesomrade)
        return pairs


Rule = Callable[[Context], Iterable[Problem]]


def problem(sheet: str, row: int, column: str, value: object, message: str,
            severity: str = FEL) -> Problem:
    shown = format_date(value) if isinstance(value, date) else ("" if value is None else str(value))
    return Problem(sheet, row, column, shown, message, severity)


def listed(items: Iterable[str]) -> str:
    items = list(items)
    return ", ".join(items[:6]) + (" …" if len(items) > 6 else "")


def ids_required_and_unique(sheet: str, records: Iterable, attr: str, column: str,
                            what: str) -> Iterator[Problem]:
    seen: dict[str, int] = {}
    for record in records:
        value = getattr(record, attr)
        if not value:
            yield problem(sheet, record.row, column, "", f"{column} saknas. Varje {what} behöver "
                          "ett eget ID.")
        elif value in seen:
            yield problem(sheet, record.row, column, value, f"{column} {value} finns redan på rad "
                          f"{seen[value]}. Ett ID får bara användas en gång.")
        else:
            seen[value] = record.row
