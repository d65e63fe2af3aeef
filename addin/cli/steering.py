"""``amanst steering`` and ``amanst report`` (Swedish names ``styrgrupp`` and ``rapport``), and the
demo step that writes the steering group's summary workbook, the draft e-mail and the report
section for the nämnd. Neither command writes over a file that exists unless told to."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from datetime import date
from pathlib import Path

from .. import settings as settings_mod
from ..core.steering_summary import SteeringSummary
from .common import (
    DEMO_REGISTER,
    EXIT_OK,
    HIDDEN_TODAY,
    REGISTER_HELP,
    add_overwrite,
    demo_workbook,
    parse_date,
    refuse_existing,
    register_location,
    say,
)


def cmd_steering(args: argparse.Namespace) -> int:
    from ..steering import mail, service

    settings = settings_mod.load()
    package = service.prepare_paths(args.workbooks, args.period_from, args.period_to, args.today,
                                    sender=settings.smtp_from,
                                    register=register_location(args))
    s = package.summary
    if args.send:
        service.require_standard_period(s)
    out = args.out or Path(package.file_name)
    refuse_existing(out, args.overwrite)
    refuse_existing(args.eml, args.overwrite)
    service.write_workbook(package, out, args.workbooks)
    say(f"Skrev styrgruppens sammanställning för {s.period.label} till {out}.")
    for line in _basis_lines(s):
        say(line)
    if args.eml:
        service.save_draft(package.message, args.eml)
        say(f"Sparade e-postutkastet {args.eml}: öppna det i Outlook, granska och skicka.")
    if args.send:
        sent = service.send_message(package.message, package.recipients,
                                    mail.SmtpConfig.from_settings(settings), s)
        say(f"Skickade sammanställningen till {', '.join(sent)}.")
    return EXIT_OK


def _basis_lines(summary: SteeringSummary) -> list[str]:
    """What the figures rest on, for the coordinator who made them."""
    basis = summary.basis
    lines = [basis.quality(), f"Underlag: {basis.combined()}", *basis.notes]
    lines += [f"  {x.source}, Platser rad {x.row}, {x.plats_id or '(utan PlatsID)'}: {x.reason} "
              "(inte med i siffrorna)" for x in basis.left_out]
    if not summary.period.standard:
        lines.append("Perioden är ingen standardperiod och får inte skickas till styrgruppen.")
    return lines


def cmd_report(args: argparse.Namespace) -> int:
    from .. import operations
    from ..steering import report, service

    summary = service.summarize(operations.read_registers(args.workbooks, args.today),
                                args.period_from, args.period_to, args.today,
                                certificates=operations.certificate_facts(register_location(args)))
    out = args.out or Path(report.file_name(summary))
    refuse_existing(out, args.overwrite)
    service.write_report(summary, out, args.workbooks)
    say(f"Skrev rapportavsnittet för nämnden för {summary.period.label} till {out}.")
    for line in _basis_lines(summary):
        say(line)
    return EXIT_OK


def add_commands(sub: argparse._SubParsersAction) -> None:
    def period(p: argparse.ArgumentParser) -> None:
        p.add_argument("workbooks", metavar="ARBETSBOK", type=Path, nargs="+",
                       help="en eller flera arbetsböcker")
        p.add_argument("--from", dest="period_from", metavar="DATUM", type=parse_date,
                       help="periodens första dag (standard: Rapportperiod från i Inställningar)")
        p.add_argument("--to", dest="period_to", metavar="DATUM", type=parse_date,
                       help="periodens sista dag (standard: Rapportperiod till i Inställningar)")
        p.add_argument("--register", metavar="REGISTER", help=REGISTER_HELP)
        p.add_argument("--today", **HIDDEN_TODAY)
        add_overwrite(p)

    p = sub.add_parser(
        "steering", aliases=["styrgrupp"],
        help="styrgruppens sammanställning: arbetsbok, e-post eller utkast",
        description="Gör styrgruppens sammanställning (bara antal och andelar, små antal visas som "
                    "<5) som en egen arbetsbok, och skicka den till Styrgruppens e-post eller spara "
                    "ett e-postutkast. E-postservern ställs in med AMANST_SMTP_HOST, _PORT, _USER, "
                    "_PASSWORD (se docs/styrgrupp.md).")
    period(p)
    how = p.add_mutually_exclusive_group()
    how.add_argument("--send", action="store_true", help="skicka e-post till styrgruppen nu")
    how.add_argument("--eml", metavar="SÖKVÄG", type=Path,
                     help="spara e-postmeddelandet som utkast (.eml) att granska i Outlook")
    p.add_argument("--out", metavar="SÖKVÄG", type=Path,
                   help="sammanställningens filnamn (standard: Styrgrupp-...-PERIOD.xlsx)")
    p.set_defaults(func=cmd_steering)

    p = sub.add_parser(
        "report", aliases=["rapport"],
        help="rapportavsnitt för nämnden (Word) till delårsrapport och årsanalys",
        description="Skriver ett Word-dokument med levererade platser mot mål, utfall, utfärdade "
                    "kompetensintyg och mervärde, med diagram och samma skydd för små antal som "
                    "styrgruppens sammanställning.")
    period(p)
    p.add_argument("--out", metavar="SÖKVÄG", type=Path,
                   help="dokumentets filnamn (standard: Rapport-...-PERIOD.docx)")
    p.set_defaults(func=cmd_report)


def demo_step(example: Path, out_dir: Path, today: date | None) -> Iterator[str]:
    """The steering group's workbook, the draft and the report section, from the same register
    and certificate register as the demo's tally, so every figure agrees."""
    from .. import operations
    from ..steering import report, service

    register = operations.read_register(demo_workbook(example, out_dir), today)
    package = service.prepare([register], today=today, sender=settings_mod.load().smtp_from,
                              certificates=operations.certificate_facts(out_dir / DEMO_REGISTER))
    xlsx = service.write_workbook(package, out_dir / package.file_name)
    yield f"Skrev styrgruppens sammanställning till {xlsx}."
    eml = service.save_draft(package.message, out_dir / "styrgrupp-utkast.eml")
    yield f"Sparade e-postutkastet till styrgruppen i {eml} (öppna det i Outlook)."
    docx = service.write_report(package.summary, out_dir / report.file_name(package.summary))
    yield f"Skrev rapportavsnittet för nämnden till {docx}."
