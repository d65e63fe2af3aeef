"""Desktop xlwings entry points (RunPython), for users who have Python and xlwings on their PC.

Each is a thin wrapper around the same ``actions`` as the server buttons, on
``xw.Book.caller()``. VBA to paste into the workbook (docs/excel-tillagg.md)::

    Sub Kontrollera()
        RunPython "from addin.excel.desktop import kontrollera; kontrollera()"
    End Sub

A problem the user can fix is shown in an Excel message box as it is; anything else is logged with
its traceback (``addin.incidents``) and the message box gives only an incident id.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .. import incidents
from ..errors import AmanstError
from . import actions

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
