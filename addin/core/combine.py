"""Combining several workbooks into one tally without counting anything twice.

The same workbook given twice (or a copy of it under another name) is counted once. A PlatsID or
a DeltagarID that occurs in two workbooks is one place or one person: identical rows are counted
once and reported as duplicates; rows that differ are a Fel naming both files, sheets and rows,
and only the first workbook's place is counted (people are not counted, so every participant row
stays for the kön breakdown). Pure: registers in, registers and findings out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, fields, replace
from typing import Any

from . import schema
from .model import MervardeEntry, Placement, Problem, Register


@dataclass
class Combination:
    """The registers to count, with what combining them found."""

    registers: list[Register]
    sources: list[str]  # every file given, in order, as the reader should see them
    notes: list[str] = field(default_factory=list)  # duplicates, in words
    problems: list[Problem] = field(default_factory=list)  # conflicts (Fel)
    duplicate_rows: int = 0
    originals: list[Register] = field(default_factory=list)  # each distinct workbook, to check

    @property
    def described_sources(self) -> str:
        return ", ".join(self.sources) or "–"


def _content(record: Any) -> tuple:
    return tuple(getattr(record, f.name) for f in fields(record) if f.name != "row")


def _fingerprint(reg: Register) -> tuple:
    return (tuple(_content(p) for p in reg.placements),
            tuple(_content(d) for d in reg.participants),
            tuple(_content(m) for m in reg.mervarden))


class _Seen:
    """Rows already counted, by key, with the file and row they came from."""

    def __init__(self, sheet: str, key_column: str):
        self.sheet, self.key_column = sheet, key_column
        self.rows: dict[str, tuple[str, Any]] = {}

    def admit(self, combination: Combination, source: str, key: str, record: Any) -> bool:
        """True when the row is new; a duplicate is noted, a conflict is a Fel."""
        if not key or key not in self.rows:
            if key:
                self.rows[key] = (source, record)
            return True
        first_source, first = self.rows[key]
        where = (f"{first_source} (bladet {self.sheet}, rad {first.row}) och {source} "
                 f"(bladet {self.sheet}, rad {record.row})")
        if _content(first) == _content(record):
            combination.duplicate_rows += 1
            combination.notes.append(f"{self.key_column} {key} finns likadan i {where}: "
                                     "räknad en gång.")
        else:
            combination.problems.append(Problem(
                self.sheet, record.row, self.key_column, key,
                f"{self.key_column} {key} finns i både {where} men med olika uppgifter. Bara "
                f"raden i {first_source} räknas; rätta den som är fel."))
        return False


def combine(registers: Sequence[Register]) -> Combination:
    """Drop repeated workbooks and rows; report duplicates and conflicts."""
    combination = Combination([], [r.source for r in registers])
    fingerprints: dict[tuple, str] = {}
    places, people = _Seen(schema.PLATSER, "PlatsID"), _Seen(schema.DELTAGARE, "DeltagarID")
    for reg in registers:
        fp = _fingerprint(reg)
        if fp in fingerprints:
            first = fingerprints[fp]
            same = ("angavs mer än en gång" if first == reg.source
                    else f"har samma innehåll som {first}")
            combination.notes.append(f"{reg.source} {same} och räknas en gång.")
            continue
        fingerprints[fp] = reg.source
        combination.originals.append(reg)
        combination.registers.append(_filtered(combination, reg, places, people))
    return combination


def _filtered(combination: Combination, reg: Register, places: _Seen, people: _Seen) -> Register:
    kept_places: list[Placement] = [p for p in reg.placements
                                    if places.admit(combination, reg.source, p.plats_id, p)]
    for d in reg.participants:  # people are not counted, only checked: all stay for kön
        people.admit(combination, reg.source, d.deltagar_id, d)
    if len(kept_places) == len(reg.placements):
        return reg
    dropped = {p.plats_id for p in reg.placements} - {p.plats_id for p in kept_places}
    kept_mervarden: list[MervardeEntry] = [m for m in reg.mervarden if m.plats_id not in dropped]
    return replace(reg, placements=kept_places, mervarden=kept_mervarden)
