"""What every command of ``amanst`` shares: Swedish argparse, date arguments, printing, exit codes.

The exit codes themselves belong to the error boundary (``addin.boundary``); they are re-exported
here because every command returns one.
"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path
from typing import Any

from ..boundary import EXIT_INTERNAL, EXIT_OK, EXIT_PROBLEMS, EXIT_UNREADABLE
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


def say(line: str = "") -> None:
    """One line to the user, at once (a long run shows its progress as it goes)."""
    print(line, flush=True)


__all__ = ["EXIT_INTERNAL", "EXIT_OK", "EXIT_PROBLEMS", "EXIT_UNREADABLE", "HIDDEN_TODAY",
           "parse_date", "say"]

REGISTER_HELP = ("intygsregistret som utfärdade intyg räknas i: en databasfil eller en adress "
                 "postgresql://... (standard: inställningen, se docs/installningar.md)")

DEMO_REGISTER = "intygsregister.sqlite3"  # the demo's own register: it never touches a real one
RESULT_BOOK = "exempel-resultat.xlsx"


def demo_workbook(example: Path, out_dir: Path) -> Path:
    """The demo's copy of the example (with Kontroll and Intygsregister once written)."""
    result = out_dir / RESULT_BOOK
    return result if result.exists() else example
