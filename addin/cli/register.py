"""``amanst register backup|restore|advance``: the certificate register's upkeep, for IT.

Only translation: the register's location from the settings (or ``--register``), Swedish lines
out. The work is in ``addin.certificates.backup`` and the register itself. Each command says which
register it used.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from .common import EXIT_OK, register_location, say


def _high_water(summary: Any) -> str:
    """What a ``backup.Summary`` says of the numbering."""
    if not summary.high_water:
        return "inga nummer utdelade"
    return "högsta nummer " + ", ".join(sorted(summary.high_water.values()))


def cmd_backup(args: argparse.Namespace) -> int:
    from ..certificates import backup as backup_mod
    from ..certificates.backend import describe, open_store

    location = register_location(args)
    say(f"Intygsregister: {describe(location)}")
    with open_store(location, create=False) as store:
        summary = backup_mod.backup(store, args.path)
    say(f"Säkerhetskopian {args.path} är skriven: {summary.certificates} intyg, "
        f"{_high_water(summary)}. Den innehåller innehavarnas namn: förvara den som "
        "personuppgifter.")
    return EXIT_OK


def cmd_restore(args: argparse.Namespace) -> int:
    from ..certificates import backup as backup_mod
    from ..certificates.backend import describe, open_store

    location = register_location(args)
    say(f"Intygsregister: {describe(location)}")
    with open_store(location) as store:
        summary = backup_mod.restore(store, args.path)
    made = f" (gjord {summary.made_at.replace('T', ' ')} av {summary.made_of})" \
        if summary.made_at else ""
    say(f"Säkerhetskopian {args.path}{made} är inläst: {summary.certificates} intyg, "
        f"{_high_water(summary)}.")
    return EXIT_OK


def cmd_advance(args: argparse.Namespace) -> int:
    from ..certificates.backend import describe, open_store

    location = register_location(args)
    say(f"Intygsregister: {describe(location)}")
    with open_store(location, create=False) as store:
        before = store.advance(args.number)
    number = args.number.strip().upper()
    prefix_year = number.rsplit("-", 1)[0]
    say(f"Numreringen för {prefix_year} fortsätter efter {number} (förut: "
        f"{f'{prefix_year}-{before:05d}' if before else 'inget nummer'}).")
    return EXIT_OK


def add_commands(sub: argparse._SubParsersAction) -> None:
    register_help = ("intygsregistret: en databasfil eller en adress postgresql://... "
                     "(standard: inställningen register_url eller register)")
    group = sub.add_parser(
        "register", aliases=["intygsregister"],
        help="säkerhetskopiera och återställ intygsregistret (för IT)",
        description="Säkerhetskopiering och återställning av intygsregistret, medan det används. "
                    "Samma kommandon för SQLite och PostgreSQL.")
    commands = group.add_subparsers(dest="register_command", metavar="KOMMANDO",
                                    title="kommandon")
    commands.required = True

    p = commands.add_parser(
        "backup", help="skriv en säkerhetskopia av registret till en ny fil",
        description="Skriver hela registret som det är just nu till en ny SQLite-fil (en fil "
                    "som finns skrivs aldrig över), med högsta utdelade nummer. Registret kan "
                    "användas under tiden.")
    p.add_argument("path", metavar="SÖKVÄG", type=Path, help="den nya filen")
    p.add_argument("--register", metavar="REGISTER", help=register_help)
    p.set_defaults(func=cmd_backup)

    p = commands.add_parser(
        "restore", help="läs in en säkerhetskopia i registret",
        description="Läser in en säkerhetskopia (eller en kopia av en registerfil) i registret. "
                    "Vägrar om kopian är äldre än registret: numreringen sänks aldrig och ett "
                    "återkallat intyg blir aldrig giltigt igen.")
    p.add_argument("path", metavar="SÖKVÄG", type=Path, help="säkerhetskopian")
    p.add_argument("--register", metavar="REGISTER", help=register_help)
    p.set_defaults(func=cmd_restore)

    p = commands.add_parser(
        "advance", help="låt numreringen fortsätta efter ett givet nummer",
        description="När registret har återställts från en för gammal kopia och ingen nyare "
                    "finns: numreringen för numrets prefix och år fortsätter efter numret, så att "
                    "inget nummer delas ut två gånger. Sänker aldrig numreringen.")
    p.add_argument("number", metavar="INTYGSNUMMER", help="till exempel ASF-2026-00077")
    p.add_argument("--register", metavar="REGISTER", help=register_help)
    p.set_defaults(func=cmd_advance)
