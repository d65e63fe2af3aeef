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
from . import certificates, checking, demo, doctor, guard, register, serve, steering

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


# A server runs until stopped and reads no workbook file: it is not run in a watched child.
UNWATCHED = {"serve"}


def _run(args: argparse.Namespace) -> int:
    try:
        return args.func(args)
    except (Exception, KeyboardInterrupt) as exc:  # noqa: BLE001 - the boundary: catches all
        f = boundary.failure(exc, f"amanst {args.command}", incident_dir=_incident_dir())
        print(("Fel: " if f.exit_code == boundary.EXIT_UNREADABLE else "")
              + mask_identities(f.message), file=sys.stderr, flush=True)
        return f.exit_code


def _parse_limits() -> tuple[int, int]:
    from .. import settings

    try:
        loaded = settings.load()
    except Exception:  # noqa: BLE001 - the command itself reports a broken setting
        loaded = settings.Settings()
    return loaded.parse_memory_mb, loaded.parse_seconds


def main(argv: Sequence[str] | None = None) -> int:
    """``amanst``. Run from a shell (``argv`` None), each command but the server runs in a
    watched child process with limits on parsing (``guard``); called with ``argv`` (tests, the
    benchmark), in this process."""
    args = build_parser().parse_args(argv)
    if argv is not None or args.command in UNWATCHED:
        return _run(args)
    memory_mb, seconds = _parse_limits()
    return guard.run(lambda: _run(args), memory_mb, seconds, f"amanst {args.command}",
                     _incident_dir())


__all__ = ["COMMAND_GROUPS", "build_parser", "main"]
