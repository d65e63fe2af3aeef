"""``amanst``: the parser, the list of command groups, and the one call into the error boundary.

Each command group lives in its own module and adds its subcommands with ``add_commands``; the
list below is the whole wiring. ``main`` loads nothing heavy: a command imports what it needs when
it runs. Every command has a Swedish name beside the English one (``kontrollera`` for
``validate`` …); the README's command table lists both, and a test holds it to ``--help``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from .. import __version__, boundary
from ..core.identity import mask_identities
from . import certificates, checking, demo, doctor, register, serve, steering

# The command groups, in the order ``amanst --help`` lists them.
COMMAND_GROUPS = (
    ("kontroll och sammanställning", checking.add_commands),
    ("kompetensintyg", certificates.add_commands),
    ("intygsregistret", register.add_commands),
    ("styrgrupp och nämnd", steering.add_commands),
    ("server", serve.add_commands),
    ("installationen", doctor.add_commands),
    ("exempel", demo.add_commands),
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="amanst",
        description="Register för arbetsmarknadsanställningar: kontrollera, sammanställ och "
                    "utfärda kompetensintyg från Excel-arbetsboken.")
    parser.add_argument("--version", action="version", version=f"amanst {__version__}",
                        help="visa versionen och avsluta")
    sub = parser.add_subparsers(dest="command", metavar="KOMMANDO", title="kommandon")
    sub.required = True
    for _, add_commands in COMMAND_GROUPS:
        add_commands(sub)
    return parser


def _incident_dir():
    from .. import settings

    try:
        return settings.load().incident_dir
    except Exception:  # noqa: BLE001 - a broken setting must not hide the incident itself
        return settings.Settings().incident_dir.expanduser()


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (Exception, KeyboardInterrupt) as exc:
        f = boundary.failure(exc, f"amanst {args.command}", incident_dir=_incident_dir())
        print(("Fel: " if f.exit_code == boundary.EXIT_UNREADABLE else "")
              + mask_identities(f.message), file=sys.stderr, flush=True)
        return f.exit_code


__all__ = ["COMMAND_GROUPS", "build_parser", "main"]
