"""``amanst validate``, ``amanst tally`` and ``amanst new-workbook``: the workbook itself.

Each command imports the operations it runs when it runs, so ``amanst --help`` stays quick.
Each command also answers to its Swedish name (``kontrollera``, ``sammanstall``, ``ny-arbetsbok``).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .. import operations
from ..core.basis import tally_json
from ..core.identity import mask_identities
from ..core.model import Problem
from ..core.tally import GroupRow, Tally
from .common import (
    EXIT_OK,
    EXIT_PROBLEMS,
    HIDDEN_TODAY,
    REGISTER_HELP,
    add_overwrite,
    parse_date,
    refuse_existing,
    register_location,
    say,
)


def _as_dict(problem: Problem, reveal: bool) -> dict:
    shown = problem.as_dict()
    if not reveal:
        shown["value"] = mask_identities(shown["value"])
        shown["message"] = mask_identities(shown["message"])
    return shown


def cmd_validate(args: argparse.Namespace) -> int:
    refuse_existing(args.out, args.overwrite, source=args.workbook)
    result = operations.validate_workbook(args.workbook, out=args.out, today=args.today)
    reveal = args.show_personnummer
    if args.json:
        json.dump([_as_dict(p, reveal) for p in result.problems], sys.stdout, ensure_ascii=False,
                  indent=2)
        sys.stdout.write("\n")
    else:
        for p in result.problems:
            where = f"{p.sheet} rad {p.row}" if p.row else p.sheet
            value = f" (värde: {p.value})" if p.value else ""
            say(f"{p.severity:8} {where}, kolumn {p.column}: {p.message}{value}", reveal)
        say(result.summary)
    if result.written and not args.json:
        say(f"Skrev {result.written}" + (f" (säkerhetskopia: {result.backup})" if result.backup else ""))
    return EXIT_PROBLEMS if result.errors else EXIT_OK


def cmd_tally(args: argparse.Namespace) -> int:
    refuse_existing(args.out, args.overwrite,
                    source=args.workbooks[0] if len(args.workbooks) == 1 else None)
    result = operations.tally_workbooks(args.workbooks, period_from=args.period_from,
                                        period_to=args.period_to, out=args.out, today=args.today,
                                        register=register_location(args))
    t, basis = result.tally, result.computed.basis
    if args.json:
        json.dump(tally_json(t, basis), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return EXIT_OK
    say(f"Rapportperiod {t.period_from} – {t.period_to}"
        + (f" – {basis.headline()}" if basis.preliminary else ""))
    say(basis.quality())
    say(f"Underlag: {basis.combined()}")
    for note in basis.notes:
        say(f"  {note}")
    _table(t)
    say(t.certificate_source)
    if basis.left_out:
        say(f"Placeringar som inte kunde räknas ({len(basis.left_out)}):")
        for x in basis.left_out:
            say(f"  {x.source}, Platser rad {x.row}, {x.plats_id or '(utan PlatsID)'}: {x.reason}")
    if result.written:
        say(f"Skrev {result.written}" + (f" (säkerhetskopia: {result.backup})" if result.backup else ""))
    return EXIT_OK


def _table(t: Tally) -> None:
    header = f"{'Förvaltning':44} {'Mål':>4} {'Platser':>7} {'Påbörj.':>7} {'Pågår':>6} " \
             f"{'Avsl.':>6} {'Avbr.':>6} {'Arb/stud':>8} {'Intyg':>6}"
    say(header)
    say("-" * len(header))
    for row in [*t.forvaltningar, GroupRow("Totalt", t.total, t.total_mal)]:
        c = row.counts
        mal = "" if row.mal is None else str(row.mal)
        say(f"{row.name[:44]:44} {mal:>4} {c.platser:>7} {c.paborjade:>7} {c.pagaende:>6} "
            f"{c.avslutade:>6} {c.avbrutna:>6} {c.till_arbete_eller_studier:>8} "
            f"{c.utfardade_intyg:>6}")


def cmd_new_workbook(args: argparse.Namespace) -> int:
    from .. import operations

    path = operations.new_workbook(args.path)
    say(f"Skrev en tom arbetsbok: {path}")
    return EXIT_OK


TALLY_DESCRIPTION = (
    "Räknar platser, påbörjade, pågående, avslutade och avbrutna per förvaltning, yrkesområde, "
    "anställningsform och kön. Flera arbetsböcker slås ihop till en sammanställning; samma "
    "arbetsbok, PlatsID eller DeltagarID två gånger räknas en gång. Utfärdade intyg räknas i "
    "intygsregistret.")


def add_commands(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("validate", aliases=["kontrollera"],
                       help="kontrollera en arbetsbok mot alla regler",
                       description="Kontrollerar varje rad mot reglerna i arbetsboken. Slutkod 0: "
                                   "inga fel, 1: minst ett fel, 2: filen kunde inte läsas, "
                                   "70: ett oväntat fel (incident).")
    p.add_argument("workbook", metavar="ARBETSBOK", type=Path, help="arbetsboken (.xlsx)")
    p.add_argument("--out", metavar="SÖKVÄG", type=Path,
                   help="skriv en kopia med bladet Kontroll och markerade celler hit")
    p.add_argument("--json", action="store_true", help="skriv problemen som JSON på stdout")
    p.add_argument("--visa-personnummer", "--show-personnummer", dest="show_personnummer",
                   action="store_true",
                   help="visa hela personnummer (annars döljs de fyra sista siffrorna: "
                        "ÅÅÅÅMMDD-****)")
    add_overwrite(p, "en annan fil som redan finns på --out (samma fil som ARBETSBOK får en "
                     "säkerhetskopia)")
    p.add_argument("--today", **HIDDEN_TODAY)
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("tally", aliases=["sammanstall"],
                       help="sammanställ platser per förvaltning för en rapportperiod",
                       description=TALLY_DESCRIPTION)
    p.add_argument("workbooks", metavar="ARBETSBOK", type=Path, nargs="+", help="en eller flera arbetsböcker")
    p.add_argument("--from", dest="period_from", metavar="DATUM", type=parse_date,
                   help="periodens första dag (standard: Rapportperiod från i Inställningar)")
    p.add_argument("--to", dest="period_to", metavar="DATUM", type=parse_date,
                   help="periodens sista dag (standard: Rapportperiod till i Inställningar)")
    p.add_argument("--out", metavar="SÖKVÄG", type=Path,
                   help="skriv bladet Sammanställning (med diagram) till den här arbetsboken")
    p.add_argument("--json", action="store_true", help="skriv sammanställningen som JSON på stdout")
    p.add_argument("--register", metavar="REGISTER", help=REGISTER_HELP)
    add_overwrite(p, "en annan fil som redan finns på --out")
    p.add_argument("--today", **HIDDEN_TODAY)
    p.set_defaults(func=cmd_tally)

    p = sub.add_parser("new-workbook", aliases=["ny-arbetsbok"],
                       help="skapa en tom arbetsbok enligt mallen",
                       description="Skapar en tom arbetsbok med alla blad, listor och regler. "
                                   "En befintlig fil skrivs aldrig över.")
    p.add_argument("path", metavar="SÖKVÄG", type=Path, help="den nya arbetsboken (.xlsx)")
    p.set_defaults(func=cmd_new_workbook)
