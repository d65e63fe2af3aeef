"""The command line ``amanst``: Swedish help and messages, and nothing but translation to the core.

Each subcommand parses its arguments, calls the operations in ``addin.operations`` and prints the
result. A problem the user can fix (``AmanstError``) is printed as it is with exit code 2; anything
unexpected is logged with its traceback and the user sees a short message with an incident id.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

from . import incidents, operations
from .errors import AmanstError
from .values import NotAValue, to_date

EXIT_OK, EXIT_PROBLEMS, EXIT_UNREADABLE = 0, 1, 2

_SWEDISH = {
    "usage: ": "Användning: ",
    "positional arguments": "argument",
    "options": "flaggor",
    "show this help message and exit": "visa den här hjälpen och avsluta",
    "the following arguments are required: %s": "följande argument saknas: %s",
    "unrecognized arguments: %s": "okända argument: %s",
    "invalid choice: %(value)r (choose from %(choices)s)": "ogiltigt val: %(value)r (välj bland %(choices)s)",
    "expected one argument": "förväntade ett värde",
    "argument %(argument_name)s: %(message)s": "argument %(argument_name)s: %(message)s",
    "%(prog)s: error: %(message)s\n": "%(prog)s: fel: %(message)s\n",
    "invalid %(type)s value: %(value)r": "ogiltigt värde: %(value)r",
    "one of the arguments %s is required": "ett av argumenten %s krävs",
    "not allowed with argument %s": "kan inte kombineras med %s",
}
# argparse looks its words up through gettext; answering in Swedish here keeps help and errors in
# one language without replacing argparse.
argparse._ = lambda text: _SWEDISH.get(text, text)  # type: ignore[attr-defined]


def _date(text: str) -> date:
    try:
        parsed = to_date(text)
    except NotAValue:
        parsed = None
    if parsed is None:
        raise argparse.ArgumentTypeError(f"'{text}' är inget datum; skriv ÅÅÅÅ-MM-DD")
    return parsed


def _print(line: str = "") -> None:
    print(line, flush=True)


# --- validate ---------------------------------------------------------------------------------

def cmd_validate(args: argparse.Namespace) -> int:
    result = operations.validate_workbook(args.workbook, out=args.out, today=args.today)
    if args.json:
        json.dump([p.as_dict() for p in result.problems], sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        for p in result.problems:
            where = f"{p.sheet} rad {p.row}" if p.row else p.sheet
            value = f" (värde: {p.value})" if p.value else ""
            _print(f"{p.severity:8} {where}, kolumn {p.column}: {p.message}{value}")
        _print(result.summary)
    if result.written and not args.json:
        _print(f"Skrev {result.written}" + (f" (säkerhetskopia: {result.backup})" if result.backup else ""))
    return EXIT_PROBLEMS if result.errors else EXIT_OK


# --- tally ------------------------------------------------------------------------------------

def cmd_tally(args: argparse.Namespace) -> int:
    result = operations.tally_workbooks(args.workbooks, period_from=args.period_from,
                                        period_to=args.period_to, out=args.out, today=args.today)
    t = result.tally
    if args.json:
        json.dump(t.as_json(), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return EXIT_OK
    _print(f"Rapportperiod {t.period_from} – {t.period_to}")
    header = f"{'Förvaltning':44} {'Mål':>4} {'Platser':>7} {'Påbörj.':>7} {'Pågår':>6} " \
             f"{'Avsl.':>6} {'Avbr.':>6} {'Arb/stud':>8}"
    _print(header)
    _print("-" * len(header))
    for row in [*t.forvaltningar]:
        c = row.counts
        mal = "" if row.mal is None else str(row.mal)
        _print(f"{row.name[:44]:44} {mal:>4} {c.platser:>7} {c.paborjade:>7} {c.pagaende:>6} "
               f"{c.avslutade:>6} {c.avbrutna:>6} {c.till_arbete_eller_studier:>8}")
    c = t.total
    mal = "" if t.total_mal is None else str(t.total_mal)
    _print(f"{'Totalt':44} {mal:>4} {c.platser:>7} {c.paborjade:>7} {c.pagaende:>6} "
           f"{c.avslutade:>6} {c.avbrutna:>6} {c.till_arbete_eller_studier:>8}")
    if t.utelamnade_rader:
        _print(f"{t.utelamnade_rader} rader kunde inte läsas och är inte med "
               "(kör 'amanst validate' för att se vilka).")
    if result.written:
        _print(f"Skrev {result.written}" + (f" (säkerhetskopia: {result.backup})" if result.backup else ""))
    return EXIT_OK


# --- new-workbook and demo --------------------------------------------------------------------

def cmd_new_workbook(args: argparse.Namespace) -> int:
    path = operations.new_workbook(args.path)
    _print(f"Skrev en tom arbetsbok: {path}")
    return EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    for line in operations.demo(args.out_dir, today=args.today):
        _print(line)
    return EXIT_OK


# Later features add their commands here: (module path, function that adds its subparsers).
EXTENSIONS: list[Callable[[argparse._SubParsersAction], None]] = []
# Each feature registers its commands, and on import its demo step, in the order the demo runs:
# certificates before the steering group, whose figures count the certificates issued.
from .certificates.commands import add_commands as _certificate_commands  # noqa: E402
from .serve import add_commands as _serve_commands  # noqa: E402
from .steering.cli import add_commands as _steering_commands  # noqa: E402

EXTENSIONS.extend([_certificate_commands, _steering_commands, _serve_commands])


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="amanst",
        description="Register för arbetsmarknadsanställningar: kontrollera, sammanställ och "
                    "utfärda kompetensintyg från Excel-arbetsboken.")
    parser.add_argument("--version", action="version", version="amanst 0.1.0")
    sub = parser.add_subparsers(dest="command", metavar="KOMMANDO", title="kommandon")
    sub.required = True
    hidden_today = {"type": _date, "default": None, "help": argparse.SUPPRESS}

    p = sub.add_parser("validate", help="kontrollera en arbetsbok mot alla regler",
                       description="Kontrollerar varje rad mot reglerna i arbetsboken. Slutkod 0: "
                                   "inga fel, 1: minst ett fel, 2: filen kunde inte läsas.")
    p.add_argument("workbook", metavar="ARBETSBOK", type=Path, help="arbetsboken (.xlsx)")
    p.add_argument("--out", metavar="SÖKVÄG", type=Path,
                   help="skriv en kopia med bladet Kontroll och markerade celler hit")
    p.add_argument("--json", action="store_true", help="skriv problemen som JSON på stdout")
    p.add_argument("--today", **hidden_today)
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("tally", help="sammanställ platser per förvaltning för en rapportperiod",
                       description="Räknar platser, påbörjade, pågående, avslutade och avbrutna per "
                                   "förvaltning, yrkesområde och anställningsform. Flera arbetsböcker "
                                   "slås ihop till en sammanställning.")
    p.add_argument("workbooks", metavar="ARBETSBOK", type=Path, nargs="+", help="en eller flera arbetsböcker")
    p.add_argument("--from", dest="period_from", metavar="DATUM", type=_date,
                   help="periodens första dag (standard: Rapportperiod från i Inställningar)")
    p.add_argument("--to", dest="period_to", metavar="DATUM", type=_date,
                   help="periodens sista dag (standard: Rapportperiod till i Inställningar)")
    p.add_argument("--out", metavar="SÖKVÄG", type=Path,
                   help="skriv bladet Sammanställning (med diagram) till den här arbetsboken")
    p.add_argument("--json", action="store_true", help="skriv sammanställningen som JSON på stdout")
    p.add_argument("--today", **hidden_today)
    p.set_defaults(func=cmd_tally)

    p = sub.add_parser("new-workbook", help="skapa en tom arbetsbok enligt mallen",
                       description="Skapar en tom arbetsbok med alla blad, listor och regler. "
                                   "En befintlig fil skrivs aldrig över.")
    p.add_argument("path", metavar="SÖKVÄG", type=Path, help="den nya arbetsboken (.xlsx)")
    p.set_defaults(func=cmd_new_workbook)

    p = sub.add_parser("demo", help="kör allt på exempelarbetsboken",
                       description="Kör kontroll, sammanställning och det som finns i övrigt på "
                                   "exempelarbetsboken och skriver resultaten till en mapp.")
    p.add_argument("--out-dir", metavar="MAPP", type=Path, default=Path("ut"),
                   help="mappen resultaten skrivs till (standard: ut)")
    p.add_argument("--today", **hidden_today)
    p.set_defaults(func=cmd_demo)

    for extend in EXTENSIONS:
        extend(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except AmanstError as exc:
        print(f"Fel: {exc}", file=sys.stderr, flush=True)
        return EXIT_UNREADABLE
    except KeyboardInterrupt:
        print("Avbrutet. Inget har skrivits över.", file=sys.stderr)
        return 130
    except Exception:  # noqa: BLE001 - the last line of defence: no traceback reaches a user
        incident = incidents.record(f"amanst {args.command}", to_file=True)
        print(f"Ett oväntat fel inträffade (incident {incident}). Ingen fil har ändrats. Kontakta "
              "supporten och ange incidentnumret.", file=sys.stderr, flush=True)
        return EXIT_UNREADABLE


__all__ = ["main", "build_parser"]
