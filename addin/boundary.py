"""The one boundary for errors, used by the command line, the server's scripts and desktop macros.

A problem the user can fix (``AmanstError``, and whatever a front end adds to that list) is shown
as its Swedish message. Anything else is a defect: its traceback is kept under a fresh incident
number, in the server's log or, on the command line where nothing else is configured, in
``incidents.log`` in the settings' log folder, and the user sees only the number. The exit codes
say which it was.
"""

from __future__ import annotations

import logging
import secrets
import traceback
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from .core.errors import AmanstError

EXIT_OK = 0  # done; no Fel found
EXIT_PROBLEMS = 1  # done, and the register has at least one Fel (or a certificate did not verify)
EXIT_UNREADABLE = 2  # nothing could be done: unreadable input, bad setting, refused operation
EXIT_INTERNAL = 70  # a defect in amanst (EX_SOFTWARE); the message gives an incident number
EXIT_INTERRUPTED = 130  # stopped with Ctrl+C

log = logging.getLogger("amanst")


@dataclass(frozen=True)
class Failure:
    message: str  # Swedish, complete, for the user
    exit_code: int
    incident: str | None = None  # set when the traceback was kept


def record_incident(where: str, folder: Path | None = None) -> str:
    """Keep the exception being handled under a fresh incident number, and return the number.

    With ``folder`` the traceback goes to ``folder/incidents.log``; without, to the ``amanst``
    logger (on a server, wherever its logging sends it).
    """
    incident = secrets.token_hex(4).upper()
    if folder is None:
        log.error("Incident %s i %s", incident, where, exc_info=True)
        return incident
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with (folder / "incidents.log").open("a", encoding="utf-8") as fh:
            fh.write(f"{datetime.now().isoformat(timespec='seconds')} incident {incident} i "
                     f"{where}\n{traceback.format_exc()}\n")
    except OSError:
        pass  # nowhere to write: the number alone still lets the user report it
    return incident


def failure(exc: BaseException, where: str, *, incident_dir: Path | None = None,
            user_errors: tuple[type[BaseException], ...] = ()) -> Failure:
    """What the user is told about ``exc`` (call it inside the ``except`` block).

    An ``AmanstError`` may carry its own ``exit_code`` (a run stopped by Ctrl+C after it had
    begun: 130). Notes added to an unexpected error (``add_note``: what a run had already done)
    are told after the incident number.
    """
    if isinstance(exc, (AmanstError, *user_errors)):
        return Failure(str(exc), getattr(exc, "exit_code", EXIT_UNREADABLE))
    if isinstance(exc, KeyboardInterrupt):
        return Failure("Avbrutet. Det som redan var klart står ovan; kör samma kommando igen för "
                       "att göra resten.", EXIT_INTERRUPTED)
    incident = record_incident(where, incident_dir)
    notes = " ".join(getattr(exc, "__notes__", ()))
    return Failure(f"Ett oväntat fel inträffade (incident {incident}). Kontakta supporten och ange "
                   "incidentnumret." + (f" {notes}" if notes else ""), EXIT_INTERNAL, incident)
