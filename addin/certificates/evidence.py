"""Certificate numbers seen outside the register: what a restored register would hand out again.

A register restored from an older copy has a sequence that is behind numbers already printed on
certificates. Those numbers are still visible elsewhere: on the workbook's Intygsregister sheet
and as file names in the folders the certificates are written to. ``seen_on_sheet`` and
``seen_in_folder`` collect the highest number per prefix and year from each (number → where,
in Swedish); the register's ``claim`` and ``check_beyond`` refuse when their sequence is not
beyond them (``store.SequenceBehind``).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Mapping
from pathlib import Path

from ..core.model import Register
from .store import parse_number


def highest(numbers: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Of (number, where) pairs, the highest number per prefix and year, with where it was."""
    best: dict[tuple[str, int], tuple[int, str, str]] = {}
    for number, where in numbers:
        parsed = parse_number(number)
        if parsed is None:
            continue
        key = parsed[:2]
        if key not in best or parsed[2] > best[key][0]:
            best[key] = (parsed[2], number.strip().upper(), where)
    return {number: where for _, number, where in best.values()}


def seen_on_sheet(register: Register) -> dict[str, str]:
    where = f"på bladet Intygsregister i {Path(register.source).name or 'arbetsboken'}"
    return highest((c.intygsnummer, where) for c in register.certificates if c.intygsnummer)


def seen_in_folder(folder: Path) -> dict[str, str]:
    """Numbers that name files in ``folder`` (``ASF-2026-00042.docx``, ``….EJ-GILTIGT.pdf``)."""
    where = f"som fil i mappen {folder}"
    names: list[str] = []
    with contextlib.suppress(OSError):
        names = [p.name for p in Path(folder).iterdir()]
    return highest((name.split(".", 1)[0], where) for name in names)


def combined(*sources: Mapping[str, str]) -> dict[str, str]:
    return highest((number, where) for source in sources for number, where in source.items())
