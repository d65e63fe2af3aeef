"""Desktop xlwings entry points (RunPython), for users who have Python and xlwings on their PC.

Each is a thin wrapper around the same ``actions`` as the server buttons, on
``xw.Book.caller()``. VBA to paste into the workbook (docs/excel-tillagg.md)::

    Sub Kontrollera()
        RunPython "from addin.excel.desktop import kontrollera; kontrollera()"
    End Sub

(likewise ``sammanstall``, ``nytt_bedomningsformular``, ``spara_bedomning``, ``utfarda_intyg``
and ``skicka_till_styrgruppen``.)

Errors go through the one boundary (``addin.boundary``): a problem the user can fix is shown in an
Excel message box as it is; anything else is logged with its traceback in the incident log and
the message box gives only the incident number.
"""

from __future__ import annotations

import getpass
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .. import boundary
from .. import settings as amanst_settings
from ..certificates.facts import read_facts
from . import actions, certificate_actions, files, steering_actions

TITLE = "Arbetsmarknad"


def _incident_dir() -> Path | None:
    try:
        return amanst_settings.load().incident_dir
    except Exception:  # noqa: BLE001 - a broken setting must not hide the incident itself
        return None


def _caller() -> Any:
    import xlwings as xw

    return xw.Book.caller()


def _run(label: str, action: Callable[[Any], actions.Outcome], book: Any = None) -> str:
    book = book if book is not None else _caller()
    try:
        message = action(book).summary
    except Exception as exc:  # noqa: BLE001 - the boundary decides what the user sees
        message = boundary.failure(exc, f"knappen {label} (skrivbord)",
                                   incident_dir=_incident_dir()).message
    try:
        book.app.alert(message, title=TITLE)
    except Exception:  # noqa: BLE001 - no message box (e.g. Excel busy): the sheet shows the result
        pass
    return message


def kontrollera(book: Any = None) -> str:
    return _run("Kontrollera", actions.kontrollera, book)


def sammanstall(book: Any = None) -> str:
    def action(b: Any) -> actions.Outcome:
        register = amanst_settings.load().register_location()
        return actions.sammanstall(b, certificates=read_facts(register))

    return _run("Sammanställ", action, book)


def nytt_bedomningsformular(book: Any = None) -> str:
    return _run("Nytt bedömningsformulär", actions.nytt_bedomningsformular, book)


def spara_bedomning(book: Any = None) -> str:
    return _run("Spara bedömning", actions.spara_bedomning, book)


def _login() -> str:
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name: still issue, say who is unknown
        return "okänd"


def _beside(book: Any, name: str) -> Path:
    """A folder beside the workbook (as ``amanst issue`` uses), or the current one."""
    try:
        return Path(book.fullname).resolve().parent / name
    except Exception:  # noqa: BLE001 - an unsaved book has no folder yet
        return Path.cwd() / name


def utfarda_intyg(book: Any = None) -> str:
    """Certificates into the setting ``cert_dir`` or the folder ``intyg`` beside the workbook."""
    def action(b: Any) -> actions.Outcome:
        settings = amanst_settings.load()
        out_dir = settings.cert_dir or _beside(b, "intyg")
        login = _login()
        return certificate_actions.utfarda_intyg(b, issuer=login, user_id=login,
                                                 settings=settings, out_dir=out_dir)

    return _run("Utfärda intyg", action, book)


def skicka_till_styrgruppen(book: Any = None) -> str:
    """Send by SMTP if configured, else a draft ``.eml`` beside the workbook to open in Outlook."""
    def action(b: Any) -> actions.Outcome:
        login = _login()
        settings = amanst_settings.load()
        draft = files.new_draft_path(settings.state_dir, login).name
        return steering_actions.skicka_till_styrgruppen(b, user_id=login, settings=settings,
                                                        draft_path=_beside(b, ".") / draft)

    return _run("Skicka till styrgruppen", action, book)
