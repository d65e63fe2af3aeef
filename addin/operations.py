"""The file-based operations behind the command line: read, check, tally, write.

Each function takes paths, runs the core and the .xlsx adapters, and returns a result object; it
prints nothing, so the command line and any other front end can share it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from . import checks, schema
from .errors import AmanstError
from .model import Problem, Register
from .reading import load_register
from .tally import Tally, tally
from .xlsx import reader, writer
from .xlsx.template import build_workbook

REPO_ROOT = Path(__file__).resolve().parent.parent
WORKBOOKS_DIR = REPO_ROOT / "workbooks"
EXAMPLE_NAME = "exempel.xlsx"
TEMPLATE_NAME = "arbetsmarknadsanstallningar.xlsx"


def read_register(path: Path, today: date | None = None) -> Register:
    return load_register(reader.read_raw_book(path), source=path.name, today=today)


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
        return f"{self.errors} fel och {self.warnings} {'varning' if self.warnings == 1 else 'varningar'}."


def validate_workbook(path: Path, out: Path | None = None, today: date | None = None
                      ) -> ValidateResult:
    register = read_register(path, today)
    problems = checks.validate(register, today)
    result = ValidateResult(problems)
    if out is not None:
        wb = writer.load_for_update(path)
        writer.write_kontroll(wb, problems, datetime.now())
        result.backup = writer.save_atomic(wb, out, source=path)
        result.written = out
    return result


def resolve_period(registers: Sequence[Register], period_from: date | None,
                   period_to: date | None, today: date | None = None) -> tuple[date, date]:
    """The report period: given dates, else the first workbook's settings, else this year."""
    today = today or date.today()
    settings = next((r.settings for r in registers if r.settings.period_from or r.settings.period_to),
                    None)
    start = period_from or (settings.period_from if settings else None) or date(today.year, 1, 1)
    end = period_to or (settings.period_to if settings else None) or date(start.year, 12, 31)
    if end < start:
        raise AmanstError(f"Rapportperioden slutar ({end}) före den börjar ({start}).")
    return start, end


@dataclass
class TallyResult:
    tally: Tally
    registers: list[Register]
    written: Path | None = None
    backup: Path | None = None


def tally_workbooks(paths: Sequence[Path], period_from: date | None = None,
                    period_to: date | None = None, out: Path | None = None,
                    today: date | None = None) -> TallyResult:
    registers = [read_register(p, today) for p in paths]
    start, end = resolve_period(registers, period_from, period_to, today)
    result = TallyResult(tally(registers, start, end), registers)
    if out is not None:
        if len(paths) == 1:
            wb = writer.load_for_update(paths[0])
        else:  # a combined tally gets a workbook of its own: no one's register is copied into it
            from openpyxl import Workbook

            wb = Workbook()
            wb.remove(wb.active)
        writer.write_sammanstallning(wb, result.tally, datetime.now())
        result.backup = writer.save_atomic(wb, out, source=paths[0])
        result.written = out
    return result


def new_workbook(path: Path) -> Path:
    if path.exists():
        raise AmanstError(f"{path} finns redan och skrivs inte över. Välj ett annat namn.")
    if path.suffix.lower() != ".xlsx":
        raise AmanstError("Arbetsboken ska ha filändelsen .xlsx.")
    path.parent.mkdir(parents=True, exist_ok=True)
    writer.save_atomic(build_workbook(), path)
    return path


def bundled_example(out_dir: Path) -> Path:
    """The example workbook shipped in the repository, or a freshly generated one."""
    shipped = WORKBOOKS_DIR / EXAMPLE_NAME
    if shipped.exists():
        return shipped
    from .example import build_example

    target = out_dir / EXAMPLE_NAME
    if not target.exists():
        writer.save_atomic(build_example().workbook, target)
    return target


# A demo step takes (example workbook, output folder, today) and yields lines to print. Later
# features (certificates, the steering group) append theirs.
DemoStep = Callable[[Path, Path, date | None], Iterable[str]]
DEMO_STEPS: list[DemoStep] = []


def _demo_check_and_tally(example: Path, out_dir: Path, today: date | None) -> Iterator[str]:
    import json

    register = read_register(example, today)
    problems = checks.validate(register, today)
    start, end = resolve_period([register], None, None, today)
    t = tally([register], start, end)
    result_path = out_dir / "exempel-resultat.xlsx"
    wb = writer.load_for_update(example)
    now = datetime.now()
    writer.write_kontroll(wb, problems, now)
    writer.write_sammanstallning(wb, t, now)
    writer.save_atomic(wb, result_path)
    yield (f"Kontrollerade {example.name}: {ValidateResult(problems).summary} Bladet Kontroll och "
           f"de markerade cellerna finns i {result_path}.")
    yield (f"Sammanställde {t.period_from} – {t.period_to}: {t.total.platser} platser, "
           f"{t.total.avslutade} avslutade, {t.total.avbrutna} avbrutna (bladet Sammanställning).")
    json_path = out_dir / "sammanstallning.json"
    json_path.write_text(json.dumps(t.as_json(), ensure_ascii=False, indent=2), encoding="utf-8")
    yield f"Skrev sammanställningen som JSON till {json_path}."


DEMO_STEPS.append(_demo_check_and_tally)


def demo(out_dir: Path, today: date | None = None) -> Iterator[str]:
    out_dir.mkdir(parents=True, exist_ok=True)
    example = bundled_example(out_dir)
    yield f"Exempelarbetsbok: {example}"
    for step in DEMO_STEPS:
        yield from step(example, out_dir, today)
    yield f"Klart. Allt finns i {out_dir}/."
