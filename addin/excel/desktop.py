"""Desktop xlwings entry points (RunPython), for users who have Python and xlwings on their PC.

Each is a thin wrapper around the same ``actions`` as the server buttons, on
``xw.Book.caller()``. VBA to paste into the workbook (docs/excel-tillagg.md)::

    Sub Kontrollera()
        RunPython "from addin.excel.desktop import kontrollera; kontrollera()"
    End Sub

(likewise ``sammanstall``, ``nytt_bedomningsformular``, ``spara_bedomning``, ``utfarda_intyg``
and ``skicka_till_styrgruppen``.)

A problem the user can fix is shown in an Excel message box as it is; anything else is logged with
its traceback (``addin.incidents``) and the message box gives only an incident id.
"""

from __future__ import annotations

import getpass
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .. import incidents
from ..errors import AmanstError
from . import actions, certificate_actions, files, steering_actions

TITLE = "Arbetsmarknad"


def _caller() -> Any:
    import xlwings as xw

    return xw.Book.caller()


def _run(label: str, action: Callable[[Any], actions.Outcome], book: Any = None) -> str:
    book = book if book is not None else _caller()
    try:
        message = action(book).summary
    except AmanstError as exc:
        message = str(exc)
    except Exception:  # noqa: BLE001 - the last line of defence: no traceback reaches a user
        incident = incidents.record(f"knappen {label} (skrivbord)")
        message = (f"Ett oväntat fel inträffade (incident {incident}). Kontakta supporten och "
                   "ange incidentnumret.")
    try:
        book.app.alert(message, title=TITLE)
    except Exception:  # noqa: BLE001 - no message box (e.g. Excel busy): the sheet shows the result
        pass
    return message


def kontrollera(book: Any = None) -> str:
    return _run("Kontrollera", actions.kontrollera, book)


def sammanstall(book: Any = None) -> str:
    return _run("Sammanställ", actions.sammanstall, book)


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
    """Certificates into ``AMANST_CERT_DIR`` or the folder ``intyg`` beside the workbook."""
    def action(b: Any) -> actions.Outcome:
        env = os.environ.get(files.ENV_CERT_DIR, "").strip()
        out_dir = Path(env) if env else _beside(b, "intyg")
        login = _login()
        return certificate_actions.utfarda_intyg(b, issuer=login, user_id=login, out_dir=out_dir)

    return _run("Utfärda intyg", action, book)


def skicka_till_styrgruppen(book: Any = None) -> str:
    """Send by SMTP if configured, else a draft ``.eml`` beside the workbook to open in Outlook."""
    def action(b: Any) -> actions.Outcome:
        login = _login()
        draft = files.new_draft_path(login).name
        return steering_actions.skicka_till_styrgruppen(b, user_id=login,
                                                        draft_path=_beside(b, ".") / draft)

    return _run("Skicka till styrgruppen", action, book)
