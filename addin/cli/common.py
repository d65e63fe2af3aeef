"""What every command of ``amanst`` shares: Swedish argparse, date arguments, printing, exit codes,
the rule that no output is silently written over, and the mask on identity numbers.

Everything printed goes through ``say``, which masks identity numbers (``19121212-****``) unless a
command was asked to show them. The exit codes themselves belong to the error boundary
(``addin.boundary``); they are re-exported here because every command returns one.
"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path
from typing import Any

from ..boundary import EXIT_INTERNAL, EXIT_OK, EXIT_PROBLEMS, EXIT_UNREADABLE
from ..core.errors import AmanstError
from ..core.identity import mask_identities
from ..core.values import NotAValue, to_date

_SWEDISH = {
    "usage: ": "Användning: ",
    "positional arguments": "argument",
    "options": "flaggor",
    "show this help message and exit": "visa den här hjälpen och avsluta",
    "show program's version number and exit": "visa versionen och avsluta",
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


def parse_date(text: str) -> date:
    """A date argument (ÅÅÅÅ-MM-DD), refused with a Swedish message."""
    try:
        parsed = to_date(text)
    except NotAValue:
        parsed = None
    if parsed is None:
        raise argparse.ArgumentTypeError(f"'{text}' är inget datum; skriv ÅÅÅÅ-MM-DD")
    return parsed


# ``--today`` is for tests and demonstrations: it is hidden from the help.
HIDDEN_TODAY: dict[str, Any] = {"type": parse_date, "default": None, "help": argparse.SUPPRESS}


def register_location(args: argparse.Namespace):
    """The register a command uses: ``--register`` if given, else the settings' one."""
    from .. import settings

    return getattr(args, "register", None) or settings.load().register_location()


def say(line: str = "", reveal: bool = False) -> None:
    """One line to the user, at once (a long run shows its progress as it goes).

    Identity numbers are masked unless ``reveal`` (the user asked for them with a flag).
    """
    print(line if reveal else mask_identities(line), flush=True)


OVERWRITE_FLAG = "--skriv-over"


def add_overwrite(parser: argparse.ArgumentParser, what: str = "filer som redan finns") -> None:
    parser.add_argument(OVERWRITE_FLAG, "--overwrite", dest="overwrite", action="store_true",
                        help=f"skriv över {what} (annars avbryts kommandot utan att något ändras)")


def refuse_existing(path: Path | None, overwrite: bool, source: Path | None = None) -> None:
    """Refuse to write over ``path`` unless the user said so.

    Writing back into the workbook that was read (``source``) is allowed: the writer keeps a dated
    backup of it, and the user named it.
    """
    if path is None or overwrite or not path.exists():
        return
    if source is not None and path.resolve() == source.resolve():
        return
    raise AmanstError(f"{path} finns redan och skrivs inte över. Välj ett annat namn, eller lägg "
                      f"till {OVERWRITE_FLAG} om filen ska ersättas.")


__all__ = ["EXIT_INTERNAL", "EXIT_OK", "EXIT_PROBLEMS", "EXIT_UNREADABLE", "HIDDEN_TODAY",
           "OVERWRITE_FLAG", "REGISTER_HELP", "DEMO_REGISTER", "RESULT_BOOK", "add_overwrite",
           "demo_workbook", "parse_date", "refuse_existing", "register_location", "say"]

REGISTER_HELP = ("intygsregistret som utfärdade intyg räknas i: en databasfil eller en adress "
                 "postgresql://... (standard: inställningen, se docs/installningar.md)")

DEMO_REGISTER = "intygsregister.sqlite3"  # the demo's own register: it never touches a real one
RESULT_BOOK = "exempel-resultat.xlsx"


def demo_workbook(example: Path, out_dir: Path) -> Path:
    """The demo's copy of the example (with Kontroll and Intygsregister once written)."""
    result = out_dir / RESULT_BOOK
    return result if result.exists() else example
