"""What a user is told when issuing stops half way: exactly what was issued and what was not.

A run can stop after some certificates were issued: the disk fills, the folder turns read-only, the
database connection is lost, someone presses Ctrl+C. ``IssueStopped`` then says, in Swedish, what
happened, which numbers were issued and registered, which (if any) may or may not have been
registered when the register was lost (their files are set aside as ``NUMMER.EJ-GILTIGT``), how
many placements got nothing (their numbers are kept for the next run), and that running the same
command again completes the job. It never says that nothing changed after a change.
"""

from __future__ import annotations

import errno
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..boundary import EXIT_INTERRUPTED, EXIT_UNREADABLE
from ..core.errors import AmanstError
from .store import RegisterError, parse_number


def number_ranges(numbers: Sequence[str]) -> str:
    """``ASF-2026-00001 – ASF-2026-00006, ASF-2026-00009``: consecutive numbers as ranges."""
    parsed = sorted((p, n) for n in set(numbers) if (p := parse_number(n)) is not None)
    runs: list[list[tuple[tuple[str, int, int], str]]] = []
    for item in parsed:
        if runs and runs[-1][-1][0][:2] == item[0][:2] and runs[-1][-1][0][2] + 1 == item[0][2]:
            runs[-1].append(item)
        else:
            runs.append([item])
    return ", ".join(run[0][1] if len(run) == 1 else f"{run[0][1]} – {run[-1][1]}"
                     for run in runs)


def describe_cause(exc: BaseException, folder: Path) -> tuple[str, str]:
    """(what happened, what to do) for the error that stopped a run, in Swedish."""
    if isinstance(exc, KeyboardInterrupt):
        return "Körningen avbröts (Ctrl+C).", ""
    if isinstance(exc, RegisterError):
        return exc.reason, exc.advice
    if isinstance(exc, AmanstError):
        return str(exc), ""
    if isinstance(exc, OSError):
        if exc.errno == errno.ENOSPC:
            return f"Disken är full i mappen {folder}.", "Frigör utrymme på disken."
        if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
            return (f"Mappen {folder} går inte längre att skriva till (skrivskyddad eller utan "
                    "behörighet).", "Be IT ge skrivrätt till mappen.")
        return (f"Ett fel uppstod när intygen skrevs till mappen {folder} "
                f"({exc.strerror or type(exc).__name__}).", "Kontrollera mappen och disken.")
    return "Ett oväntat fel inträffade.", ""


@dataclass
class StopReport:
    """What a stopped run had done; ``message`` tells it."""

    cause: str
    advice: str
    folder: Path
    registered: list[str] = field(default_factory=list)
    uncertain: list[str] = field(default_factory=list)  # files set aside as NUMMER.EJ-GILTIGT
    uncertain_left: list[str] = field(default_factory=list)  # could not even be renamed
    not_issued: int = 0  # placements that got no certificate
    kept: list[str] = field(default_factory=list)  # their numbers, kept for the next run
    voided: list[str] = field(default_factory=list)  # numbers that can never be used (collision)
    files_left: list[str] = field(default_factory=list)  # unregistered files that stayed
    pdf_unfinished: bool = False  # stopped while making the PDFs of registered certificates

    def message(self) -> str:
        parts = [f"Utfärdandet avbröts. {self.cause}"]
        if self.registered:
            parts.append(f"Utfärdade och registrerade: {len(self.registered)} intyg "
                         f"({number_ranges(self.registered)}); filerna finns i {self.folder}.")
        elif not self.pdf_unfinished:
            parts.append("Inget intyg hann bli utfärdat.")
        if self.pdf_unfinished:
            parts.append("PDF-filerna blev inte klara; Word-filerna gäller. Med --pdf skapar nästa "
                         "körning de PDF-filer som saknas.")
        if self.uncertain:
            parts.append(f"Oklart om {len(self.uncertain)} intyg "
                         f"({number_ranges(self.uncertain)}) hann registreras innan felet: deras "
                         "filer har fått namn som slutar på .EJ-GILTIGT och gäller inte som "
                         "intyg; nästa körning ger dem tillbaka sina namn om de registrerades och "
                         "tar annars bort dem.")
        if self.uncertain_left:
            parts.append(f"Filerna för {number_ranges(self.uncertain_left)} gick inte att byta "
                         "namn på; nästa körning gör klart eller ersätter dem.")
        if self.not_issued:
            text = f"Inte utfärdade: {self.not_issued} intyg"
            if self.kept:
                text += (f"; deras nummer ({number_ranges(self.kept)}) är reserverade och "
                         "används av nästa körning")
            parts.append(text + ".")
        if self.voided:
            parts.append(f"Numren {number_ranges(self.voided)} makulerades och används aldrig.")
        if self.files_left:
            parts.append("Filerna " + ", ".join(self.files_left) + " gick inte att ta bort; de "
                         "är inga giltiga intyg och ersätts eller tas bort av nästa körning.")
        again = "Kör sedan samma kommando igen" if self.advice else "Kör samma kommando igen"
        parts.append((self.advice + " " if self.advice else "") + again +
                     ": då utfärdas resten, inget utfärdas två gånger och bladet "
                     "Intygsregister kommer ikapp.")
        return " ".join(parts)


class IssueStopped(AmanstError):
    """A run stopped after it had begun issuing; the message says what was and wasn't done."""

    def __init__(self, report: StopReport, interrupted: bool = False):
        self.report = report
        self.exit_code = EXIT_INTERRUPTED if interrupted else EXIT_UNREADABLE
        super().__init__(report.message())
