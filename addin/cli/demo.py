"""``amanst demo``: every step on the bundled example workbook, in the order a coordinator works:
check, issue certificates, tally, then the steering group's summary and the report section, so the
tally and everything after it count the certificates just issued.

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
from .common import DEMO_REGISTER, EXIT_OK, HIDDEN_TODAY, RESULT_BOOK, demo_workbook, say

DemoStep = Callable[[Path, Path, date | None], Iterable[str]]


def check(example: Path, out_dir: Path, today: date | None) -> Iterator[str]:
    from .. import operations

    result = operations.validate_workbook(example, out=out_dir / RESULT_BOOK, today=today)
    yield (f"Kontrollerade {example.name}: {result.summary} Bladet Kontroll och de markerade "
           f"cellerna finns i {result.written}.")


def tally_step(example: Path, out_dir: Path, today: date | None) -> Iterator[str]:
    """The tally after the certificates are issued: its JSON, its sheet and the steering group's
    figures all count the same register's certificates."""
    from .. import operations
    from ..core.basis import tally_json
    from ..xlsx import writer

    book = demo_workbook(example, out_dir)
    result = operations.tally_workbooks([book], today=today, register=out_dir / DEMO_REGISTER)
    t, basis = result.tally, result.computed.basis
    wb = writer.load_for_update(book)
    writer.write_sammanstallning(wb, t, datetime.now(), basis)
    writer.save_atomic(wb, out_dir / RESULT_BOOK)
    yield (f"Sammanställde {t.period_from} – {t.period_to}: {t.total.platser} platser, "
           f"{t.total.avslutade} avslutade, {t.total.avbrutna} avbrutna, "
           f"{t.total.utfardade_intyg} utfärdade kompetensintyg (bladet Sammanställning). "
           f"{basis.quality()}")
    json_path = out_dir / "sammanstallning.json"
    json_path.write_text(json.dumps(tally_json(t, basis), ensure_ascii=False, indent=2),
                         encoding="utf-8")
    yield f"Skrev sammanställningen som JSON till {json_path}."


def _steps() -> tuple[tuple[str, DemoStep], ...]:
    from . import certificates, steering

    return (
        ("kontroll", check),
        ("kompetensintyg", certificates.demo_step),
        ("sammanställning", tally_step),
        ("styrgrupp och nämnd", steering.demo_step),
    )


# What a demo writes into its folder (the steering group's and the report's names carry the period).
DEMO_OUTPUTS = (RESULT_BOOK, "sammanstallning.json", DEMO_REGISTER, "intyg",
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
                       description="Kör kontroll, kompetensintyg, sammanställning och styrgruppens "
                                   "sammanställning på exempelarbetsboken och skriver resultaten "
                                   "till en mapp. En mapp med resultat från en tidigare körning "
                                   "skrivs inte över.")
    p.add_argument("--out-dir", metavar="MAPP", type=Path, default=Path("ut"),
                   help="mappen resultaten skrivs till (standard: ut)")
    p.add_argument("--today", **HIDDEN_TODAY)
    p.set_defaults(func=cmd_demo)
