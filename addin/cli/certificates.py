"""``amanst issue``, ``amanst verify``, ``amanst revoke``, and the demo step that issues the
example workbook's certificates.

Only translation: arguments and settings in, Swedish lines out. The work is in
``addin.certificates.workflow``. The Swedish names ``utfarda``, ``verifiera`` and ``aterkalla`` work
as well.
"""

from __future__ import annotations

import argparse
import shlex
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

from .. import settings as settings_mod
from ..core.certificate_plan import Ineligible
from .common import (
    DEMO_REGISTER,
    EXIT_OK,
    EXIT_PROBLEMS,
    HIDDEN_TODAY,
    RESULT_BOOK,
    add_overwrite,
    refuse_existing,
    register_location,
    say,
)

PROGRESS_FROM = 20  # show a progress bar from this many files


@contextmanager
def _progress(label: str) -> Iterator:
    from tqdm import tqdm

    bar = None

    def step(n: int) -> None:
        nonlocal bar
        if bar is None:
            bar = tqdm(desc=label, unit=" filer", file=sys.stderr, leave=False, disable=None)
        bar.update(n)

    try:
        yield step
    finally:
        if bar is not None:
            bar.close()


def _report(outcome: Any) -> list[str]:
    """Lines about a ``workflow.WorkbookIssue``."""
    r = outcome.result
    lines = []
    for c in r.issued:
        extra = f" (ersätter {c.replaces})" if c.replaces else ""
        lines.append(f"Utfärdade {c.number} för plats {c.plats_id}{extra}: {c.docx.name}"
                     + (f", {c.pdf.name}" if c.pdf else "")
                     + "".join(f", {p.name}" for p in (c.credential, c.credential_jwt) if p)
                     + (" (gjort klart för en körning som avbröts)" if c.resumed else ""))
    for plats_id, number in r.already:
        lines.append(f"Plats {plats_id} har redan ett giltigt intyg ({number}); inget nytt "
                     "utfärdades. Använd --reissue för att ersätta det.")
    lines += ineligible_lines(r)
    if r.pdf_skipped_reason:
        lines.append(r.pdf_skipped_reason)
    if r.pdf_completed:
        lines.append("PDF skapades nu för tidigare utfärdade " + ", ".join(r.pdf_completed) + ".")
    if r.seal_error:
        lines.append(r.seal_error)
    if r.pdf_timeout:
        lines.append(r.pdf_timeout)
    elif r.pdf_missing:
        lines.append("PDF kunde inte skapas för " + ", ".join(r.pdf_missing) + ". Word-filerna "
                     "finns; försök igen med LibreOffice stängt.")
    lines.append(f"Klart: {r.summary}" + (f" Filerna finns i {r.out_dir}." if r.issued else ""))
    if outcome.workbook:
        lines.append(f"Bladet Intygsregister uppdaterat i {outcome.workbook}"
                     + (f" (säkerhetskopia: {outcome.backup})" if outcome.backup else "") + ".")
    if outcome.workbook_error:
        lines.append(outcome.workbook_error)
    return lines


def ineligible_lines(r: Any) -> list[str]:
    """One line per placement that got no certificate, naming it and saying why."""
    return _refusal_lines(r.ineligible)


def _refusal_lines(items: list[Ineligible]) -> list[str]:
    return [f"Inget intyg för plats {item.plats_id} (bladet Platser, rad {item.row}): {item.reason}"
            for item in items]


def demo_ineligible_lines(r: Any, examples: int = 3) -> list[str]:
    """Like ``ineligible_lines``, but the places that only wait for their Slutbedömning are
    counted in one line: the example has hundreds, and they need no fixing."""
    waiting = [item for item in r.ineligible if item.awaiting_final]
    lines = _refusal_lines([item for item in r.ineligible if not item.awaiting_final])
    if waiting:
        shown = ", ".join(item.plats_id for item in waiting[:examples])
        lines.append(f"{len(waiting)} avslutade platser har ännu ingen slutbedömning på bladet "
                     f"Bedömningar och fick inget intyg (till exempel {shown}"
                     f"{' …' if len(waiting) > examples else ''}).")
    return lines


def cmd_issue(args: argparse.Namespace) -> int:
    from ..certificates import workflow
    from ..certificates.backend import describe
    from ..certificates.installation import issue_options

    refuse_existing(args.out, args.overwrite, source=args.workbook)
    out_dir = args.out_dir or args.workbook.resolve().parent / "intyg"
    settings = settings_mod.load()
    location = register_location(args)
    say(f"Intygsregister: {describe(location)}")
    with _progress("Utfärdar intyg") as progress:
        outcome = workflow.issue_workbook(
            args.workbook, out_dir, pdf=args.pdf, reissue=args.reissue,
            register=location, workbook_out=args.out,
            issuer=args.issuer, today=args.today, progress=progress,
            templates_dir=settings.templates_dir, soffice=settings.soffice,
            journal_dir=settings.state_dir, prefixes=settings.prefixes(),
            options=issue_options(settings))
    if outcome.pdf_from_original:
        say("PDF skapas också, eftersom intyget som ersätts hade en PDF.")
    for line in _report(outcome):
        say(line)
    r = outcome.result
    return EXIT_PROBLEMS if (r.pdf_missing or outcome.workbook_error or
                             (args.reissue and not r.issued)) else EXIT_OK


def cmd_verify(args: argparse.Namespace) -> int:
    from ..certificates import public, workflow
    from ..certificates.backend import describe

    location = register_location(args)
    say(f"Intygsregister: {describe(location)}")
    v = workflow.verify(args.number, args.code, location, args.file)
    a = public.answer(v)
    if not a.found:
        say(public.not_found_text(a.number))
        return EXIT_PROBLEMS
    say(f"Intyget {a.number} finns.")
    say(f"Status: {public.status_text(a)}")
    for label, value in public.facts(a):
        say(f"{label}: {value}")
    if a.file_checked:
        say(public.file_text(a, args.file.name))
    if args.history:
        say("Historik (för utfärdaren):")
        for e in workflow.history(a.number, location):
            say(f"  {e.at.replace('T', ' ')} {e.who}: {e.from_status or 'nytt'} → "
                f"{e.to_status} ({e.reason})")
    return EXIT_OK if a.valid and (not a.file_checked or a.file_kind) else EXIT_PROBLEMS


def cmd_revoke(args: argparse.Namespace) -> int:
    from ..certificates import workflow
    from ..certificates.backend import describe

    location = register_location(args)
    say(f"Intygsregister: {describe(location)}")
    entry, written = workflow.revoke(args.number, location, args.reason or "", args.workbook)
    say(f"Intyget {entry.number} (plats {entry.plats_id}) är återkallat.")
    if written:
        say(f"Bladet Intygsregister uppdaterat i {written}.")
    return EXIT_OK


def add_commands(sub: argparse._SubParsersAction) -> None:
    register_help = ("intygsregistret: en databasfil eller en adress postgresql://... "
                     "(standard: installationens register, inställningen AMANST_REGISTER_URL "
                     "eller AMANST_REGISTER; se docs/installningar.md)")

    p = sub.add_parser(
        "issue", aliases=["utfarda"], help="utfärda kompetensintyg för avslutade platser",
        description="Utfärdar ett kompetensintyg (Word, och PDF med --pdf) för varje avslutad "
                    "plats som har en slutbedömning, saknar fel och inte redan har ett giltigt "
                    "intyg. Intygen registreras i intygsregistret och på bladet Intygsregister. "
                    "Att köra kommandot igen utfärdar inget två gånger.")
    p.add_argument("workbook", metavar="ARBETSBOK", type=Path, help="arbetsboken (.xlsx)")
    p.add_argument("--out-dir", metavar="MAPP", type=Path,
                   help="mappen intygen skrivs till (standard: mappen intyg bredvid arbetsboken)")
    p.add_argument("--pdf", action="store_true", help="skapa även PDF-filer (kräver LibreOffice)")
    p.add_argument("--reissue", metavar="PLATSID",
                   help="utfärda ett nytt intyg för den här platsen; det gamla blir Ersatt (i "
                        "samma format som det gamla: med PDF om det hade en)")
    p.add_argument("--register", metavar="REGISTER", help=register_help)
    p.add_argument("--out", metavar="SÖKVÄG", type=Path,
                   help="skriv arbetsboken med bladet Intygsregister hit (standard: arbetsboken "
                        "själv, med en säkerhetskopia bredvid)")
    p.add_argument("--issuer", metavar="NAMN",
                   help="vem som utfärdar (standard: inloggad användare)")
    add_overwrite(p, "en annan arbetsbok som redan finns på --out")
    p.add_argument("--today", **HIDDEN_TODAY)
    p.set_defaults(func=cmd_issue)

    p = sub.add_parser("verify", aliases=["verifiera"],
                       help="kontrollera att ett intyg är äkta och giltigt",
                       description="Säger om intyget finns, vilken status det har, vems det är "
                                   "(namn, utfärdandedatum, anställningsperiod, utfärdare) och, "
                                   "med --file, om filen är exakt den som utfärdades; samma svar "
                                   "som verifieringssidan. Skapar aldrig ett register. Slutkod 0 "
                                   "betyder giltigt (och rätt fil).")
    p.add_argument("number", metavar="INTYGSNUMMER")
    p.add_argument("code", metavar="KOD", help="verifieringskoden som står på intyget")
    p.add_argument("--file", metavar="FIL", type=Path, help="intygsfilen (.docx eller .pdf)")
    p.add_argument("--historik", dest="history", action="store_true",
                   help="visa också intygets historik: varje statusändring, när, av vem och "
                        "varför (för utfärdaren)")
    p.add_argument("--register", metavar="REGISTER", help=register_help)
    p.set_defaults(func=cmd_verify)

    p = sub.add_parser("revoke", aliases=["aterkalla"], help="återkalla ett utfärdat intyg",
                       description="Markerar intyget som Återkallat i intygsregistret (och på "
                                   "bladet Intygsregister med --workbook). Filen raderas inte.")
    p.add_argument("number", metavar="INTYGSNUMMER")
    p.add_argument("--reason", metavar="TEXT", help="varför (sparas i registret, skrivs inte ut)")
    p.add_argument("--workbook", metavar="ARBETSBOK", type=Path,
                   help="uppdatera bladet Intygsregister i den här arbetsboken")
    p.add_argument("--register", metavar="REGISTER", help=register_help)
    p.set_defaults(func=cmd_revoke)


def demo_step(example: Path, out_dir: Path, today: date | None) -> Iterator[str]:
    """Issue the example's certificates (with PDFs where LibreOffice exists) into the demo folder.

    These are example certificates: the demo's copy of the workbook gets the Intygsprefix
    EXEMPEL and EXEMPEL before the organisation's name, and they are issued into an example
    register of the demo's own, which issues nothing else and which no real register resembles.
    """
    from ..certificates import workflow
    from ..certificates.pdf import find_soffice
    from ..core.certificate_status import DEMO_PREFIX
    from ..example import mark_as_example

    settings = settings_mod.load()
    result_book = out_dir / RESULT_BOOK
    if not result_book.exists():
        shutil.copy(example, result_book)
    mark_as_example(result_book)
    cert_dir = out_dir / "intyg"
    register = out_dir / DEMO_REGISTER
    with _progress("Utfärdar intyg") as progress:
        outcome = workflow.issue_workbook(
            result_book, cert_dir, pdf=find_soffice(settings.soffice) is not None,
            templates_dir=settings.templates_dir, soffice=settings.soffice,
            register=register, issuer="Demo", today=today, progress=progress, backup=False,
            prefixes=(DEMO_PREFIX,), example=True)
    r = outcome.result
    yield (f"Kompetensintyg (exempel, nummer {DEMO_PREFIX}-…): {r.summary} Intygen finns i "
           f"{cert_dir}, exempelregistret i {register}.")
    yield from demo_ineligible_lines(r)
    if r.pdf_skipped_reason:
        yield r.pdf_skipped_reason
    if r.issued:
        first = r.issued[0]
        yield ("Prova att verifiera det första intyget (numret och koden står längst ned på "
               "intyget):")
        yield (f"  amanst verify {first.number} {first.code} --file {shlex.quote(str(first.docx))} "
               f"--register {shlex.quote(str(register))}")
    if outcome.workbook:
        yield f"Bladet Intygsregister finns i {outcome.workbook}."
