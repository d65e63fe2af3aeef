"""``amanst demo``: every step on the bundled example workbook, in the order a coordinator works.

The steps are listed by name below; each takes (example workbook, output folder, today) and yields
the lines to print. A folder that already holds a demo's results is refused, so nothing is written
over (the certificate register there would also make the certificates count as issued already).
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime
from pathlib import Path

from ..core.errors import AmanstError
from .common import EXIT_OK, HIDDEN_TODAY, say

DemoStep = Callable[[Path, Path, date | None], Iterable[str]]


def check_and_tally(example: Path, out_dir: Path, today: date | None) -> Iterator[str]:
    from .. import operations
    from ..core import checks
    from ..core.period import resolve_period
    from ..core.tally import tally
    from ..xlsx import writer

    today = today or date.today()
    register = operations.read_register(example, today)
    problems = checks.validate(register, today)
    start, end = resolve_period([register], None, None, today)
    t = tally([register], start, end)
    result_path = out_dir / "exempel-resultat.xlsx"
    wb = writer.load_for_update(example)
    now = datetime.now()
    writer.write_kontroll(wb, problems, now)
    writer.write_sammanstallning(wb, t, now)
    writer.save_atomic(wb, result_path)
    yield (f"Kontrollerade {example.name}: {operations.ValidateResult(problems).summary} Bladet "
           f"Kontroll och de markerade cellerna finns i {result_path}.")
    yield (f"Sammanställde {t.period_from} – {t.period_to}: {t.total.platser} platser, "
           f"{t.total.avslutade} avslutade, {t.total.avbrutna} avbrutna (bladet Sammanställning).")
    json_path = out_dir / "sammanstallning.json"
    json_path.write_text(json.dumps(t.as_json(), ensure_ascii=False, indent=2), encoding="utf-8")
    yield f"Skrev sammanställningen som JSON till {json_path}."


def _steps() -> tuple[tuple[str, DemoStep], ...]:
    from . import certificates, steering

    return (
        ("kontroll och sammanställning", check_and_tally),
        ("kompetensintyg", certificates.demo_step),
        ("styrgrupp och nämnd", steering.demo_step),
    )


# What a demo writes into its folder (the steering group's and the report's names carry the period).
DEMO_OUTPUTS = ("exempel-resultat.xlsx", "sammanstallning.json", "intygsregister.sqlite3", "intyg",
                "styrgrupp-utkast.eml", "Styrgrupp-*.xlsx", "Rapport-*.docx")


def refuse_earlier_results(out_dir: Path) -> None:
    found = sorted({p.name for pattern in DEMO_OUTPUTS for p in out_dir.glob(pattern)})
    if found:
        raise AmanstError(f"Mappen {out_dir} innehåller redan resultat från en tidigare körning "
                          f"({', '.join(found[:3])}{' …' if len(found) > 3 else ''}) och skrivs "
                          "inte över. Välj en ny mapp med --out-dir, eller ta bort den gamla.")


def demo(out_dir: Path, today: date | None = None) -> Iterator[str]:
    refuse_earlier_results(out_dir)
    from .. import operations

    out_dir.mkdir(parents=True, exist_ok=True)
    example = operations.bundled_example(out_dir)
    yield f"Exempelarbetsbok: {example}"
    for _, step in _steps():
        yield from step(example, out_dir, today)
    yield f"Klart. Allt finns i {out_dir}/."


def cmd_demo(args: argparse.Namespace) -> int:
    for line in demo(args.out_dir, today=args.today):
        say(line)
    return EXIT_OK


def add_commands(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("demo", aliases=["exempel"], help="kör allt på exempelarbetsboken",
                       description="Kör kontroll, sammanställning, kompetensintyg och styrgruppens "
                                   "sammanställning på exempelarbetsboken och skriver resultaten "
                                   "till en mapp. En mapp med resultat från en tidigare körning "
                                   "skrivs inte över.")
    p.add_argument("--out-dir", metavar="MAPP", type=Path, default=Path("ut"),
                   help="mappen resultaten skrivs till (standard: ut)")
    p.add_argument("--today", **HIDDEN_TODAY)
    p.set_defaults(func=cmd_demo)
