"""The file-based operations behind the command line: read, check, tally, write.

Each function takes paths, runs the core and the .xlsx adapters, and returns a result object; it
prints nothing, so the command line, the demo and any other front end can share it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from . import resources
from .collector import bulk_objects
from .core import checks, schema
from .core.basis import Basis
from .core.compute import Computed, compute
from .core.errors import AmanstError
from .core.figures import NO_REGISTER, CertificateFacts
from .core.model import Problem, Register
from .core.reading import load_register
from .core.tally import Tally
from .xlsx import reader

EXAMPLE_NAME = "exempel.xlsx"
TEMPLATE_NAME = "arbetsmarknadsanstallningar.xlsx"


def read_register(path: Path, today: date | None = None) -> Register:
    with bulk_objects():
        return load_register(reader.read_raw_book(path), source=path.name,
                             today=today or date.today())


def _write_kontroll(path: Path, out: Path, raw: dict, problems: list[Problem]) -> Path | None:
    """The fast writer, or openpyxl for a package it does not handle; returns the backup."""
    from .xlsx import atomic, results, writer

    with atomic.kept_backup(out, path) as backup:  # removed again if the save fails
        try:
            results.write_kontroll(path, out, raw, problems, datetime.now())
            return backup
        except results.UnsupportedPackage:
            pass
        wb = writer.load_for_update(path)
        writer.write_kontroll(wb, problems, datetime.now())
        writer.save_atomic(wb, out)
    return backup


def read_registers(paths: Sequence[Path], today: date | None = None) -> list[Register]:
    """Each workbook once, however often it is named: a repeat is the same register again, so
    combining counts it once and says so."""
    read: dict[Path, Register] = {}
    for p in paths:
        if p.resolve() not in read:
            read[p.resolve()] = read_register(p, today)
    return [read[p.resolve()] for p in paths]


def certificate_facts(register: str | Path | None) -> CertificateFacts:
    """The certificate register's valid certificates (``None``: no register is read)."""
    if register is None:
        return NO_REGISTER
    from .certificates.facts import read_facts

    return read_facts(register)


def compute_paths(paths: Sequence[Path], period_from: date | None = None,
                  period_to: date | None = None, today: date | None = None,
                  register: str | Path | None = None) -> Computed:
    today = today or date.today()
    return compute(read_registers(paths, today), period_from, period_to, today,
                   certificate_facts(register))


@dataclass
class ValidateResult:
    problems: list[Problem]
    written: Path | None = None
    backup: Path | None = None

    @property
    def errors(self) -> int:
        return sum(1 for p in self.problems if p.severity == schema.SEVERITY_FEL)

    @property
    def warnings(self) -> int:
        return len(self.problems) - self.errors

    @property
    def summary(self) -> str:
        if not self.problems:
            return "Inga fel och inga varningar."
        varningar = "varning" if self.warnings == 1 else "varningar"
        return f"{self.errors} fel och {self.warnings} {varningar}."


def validate_workbook(path: Path, out: Path | None = None, today: date | None = None
                      ) -> ValidateResult:
    today = today or date.today()
    with bulk_objects():
        raw = reader.read_raw_book(path)
        register = load_register(raw, source=path.name, today=today)
        problems = checks.validate(register, today)
        result = ValidateResult(problems)
        if out is not None:
            result.backup = _write_kontroll(path, out, raw, problems)
            result.written = out
    return result


@dataclass
class TallyResult:
    computed: Computed
    written: Path | None = None
    backup: Path | None = None

    @property
    def tally(self) -> Tally:
        return self.computed.tally


def tally_workbooks(paths: Sequence[Path], period_from: date | None = None,
                    period_to: date | None = None, out: Path | None = None,
                    today: date | None = None, register: str | Path | None = None
                    ) -> TallyResult:
    result = TallyResult(compute_paths(paths, period_from, period_to, today, register))
    if out is not None:
        result.backup = _write_sammanstallning(paths, out, result.tally, result.computed.basis)
        result.written = out
    return result


def _write_sammanstallning(paths: Sequence[Path], out: Path, t: Tally, basis: Basis
                           ) -> Path | None:
    from .xlsx import atomic, results, writer

    with atomic.kept_backup(out, paths[0]) as backup:  # removed again if the save fails
        if len(paths) == 1:
            try:
                results.write_sammanstallning(paths[0], out, t, datetime.now(), basis)
                return backup
            except results.UnsupportedPackage:
                pass
            wb = writer.load_for_update(paths[0])
        else:  # a combined tally gets a workbook of its own: no one's register is copied into it
            from openpyxl import Workbook

            wb = Workbook()
            wb.remove(wb.active)
        writer.write_sammanstallning(wb, t, datetime.now(), basis)
        writer.save_atomic(wb, out)
    return backup


def new_workbook(path: Path) -> Path:
    if path.exists():
        raise AmanstError(f"{path} finns redan och skrivs inte över. Välj ett annat namn.")
    if path.suffix.lower() != ".xlsx":
        raise AmanstError("Arbetsboken ska ha filändelsen .xlsx.")
    path.parent.mkdir(parents=True, exist_ok=True)
    from .xlsx import writer
    from .xlsx.template import build_workbook

    writer.save_atomic(build_workbook(), path)
    return path


def bundled_example(out_dir: Path) -> Path:
    """The example workbook shipped in the repository, or a freshly generated one."""
    shipped = resources.workbooks_dir() / EXAMPLE_NAME
    if shipped.exists():
        return shipped
    from .example import build_example
    from .xlsx import writer

    target = out_dir / EXAMPLE_NAME
    if not target.exists():
        writer.save_atomic(build_example().workbook, target)
    return target
