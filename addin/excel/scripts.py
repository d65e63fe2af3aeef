"""The buttons of the add-in: one xlwings Server ``@script`` per button, each a few lines.

Every button is declared with ``@button``: its Swedish label and tooltip (for the ribbon and the
task pane), the role it needs and the sheets it reads (``include``: the Office.js client sends
only those sheets' values). ``@button`` registers the function in ``SCRIPTS``; the server project's
``custom_scripts`` exposes exactly ``SCRIPTS``, the ribbon, the manifest and the task pane are
generated from it, and any other name is refused before it reaches xlwings (``webapp``).

Adding a button is one function below::

    @button("Kontrollera", "Går igenom alla regler ...", role=roles.HANDLAGGARE,
            include=actions.KONTROLLERA_SHEETS)
    def kontrollera(book: xw.Book, current_user: CurrentUser):
        return run("Kontrollera", book, current_user, lambda: actions.kontrollera(book))

where the action returns an ``Outcome`` (summary line, optional links for the task pane). A button
that may take long (Utfärda intyg with PDFs, Skicka till styrgruppen over SMTP) is an ``async``
script that awaits ``run_in_thread``: xlwings Server calls a plain script on its event loop.

Errors go through the one boundary (``addin.boundary``): an ``AmanstError`` (or
``xw.XlwingsError``) is shown to the user as it is; anything else is logged with its traceback
under an incident number and the user sees only the number.
"""

# No ``from __future__ import annotations`` here: xlwings Server reads each button's annotations
# with typing.get_type_hints on every click, and text annotations are evaluated anew each time.
from collections.abc import Callable, Sequence
from typing import Any

import anyio.to_thread
import xlwings as xw
from xlwings.server import script
from xlwings_server.config import settings
from xlwings_server.models import CurrentUser

from .. import boundary
from ..certificates.facts import read_facts
from . import actions, certificate_actions, roles, runlog, server_settings, steering_actions
from .actions import Outcome

# function name → the script (the decorated function); filled by @button, in ribbon order.
SCRIPTS: dict[str, Callable[..., Any]] = {}


def button(label: str, tooltip: str, *, role: str, include: Sequence[str],
           icon: str = "icon") -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Declare a button: an xlwings ``@script`` with its role, sheets and Swedish texts."""

    def register(func: Callable[..., Any]) -> Callable[..., Any]:
        # script(f, **options) is documented and works; its overloads only know @script and
        # @script(...) without the function, so mypy refuses the call.
        wrapped = script(func, include=list(include), required_roles=[role],  # type: ignore[call-overload]
                         label=label, tooltip=tooltip, role=role, icon=icon)
        SCRIPTS[func.__name__] = wrapped
        return wrapped

    return register


def run(label: str, book: xw.Book, user: Any, action: Callable[[], Outcome],
        run_id: str | None = None) -> xw.Book:
    """Run one button's action with the error policy, and note what it did for the task pane.

    The run waits in the log for the client to report that Excel applied it (``runlog``)."""
    user_id = str(getattr(user, "id", "") or "okänd")
    run_id = run_id or runlog.current_run.get()
    state_dir = server_settings.load().state_dir
    try:
        outcome = action()
    except Exception as exc:  # noqa: BLE001 - the boundary decides what the user sees
        f = boundary.failure(exc, f"knappen {label}", user_errors=(xw.XlwingsError,))
        runlog.add(state_dir, user_id, label, f.message, ok=False, run_id=run_id)
        raise xw.XlwingsError(f.message) from None
    runlog.add(state_dir, user_id, label, outcome.summary, links=outcome.details.get("lankar"),
               run_id=run_id)
    return book


async def run_in_thread(label: str, book: xw.Book, user: Any,
                        action: Callable[[], Outcome]) -> xw.Book:
    """``run`` in a worker thread: xlwings Server calls a plain script on its event loop, so a
    long button (issuing with PDFs, SMTP) would hold up every other request of that worker."""
    run_id = runlog.current_run.get()  # read on the event loop, where the request set it
    return await anyio.to_thread.run_sync(lambda: run(label, book, user, action, run_id))


def _arg(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _user(user: Any) -> tuple[str, str]:
    """(id, name) of the signed-in user, for the register and for the owner of files."""
    user_id = str(getattr(user, "id", "") or "okänd")
    return user_id, str(getattr(user, "name", "") or user_id)


def _links_base() -> str:
    return f"{settings.app_path}/amanst"


# --- the buttons, in ribbon order ---------------------------------------------------------------

@button("Kontrollera", "Går igenom alla regler, markerar celler med fel (röd) och varningar (gul) "
        "och listar dem på bladet Kontroll. Inga uppgifter ändras.",
        role=roles.HANDLAGGARE, include=actions.KONTROLLERA_SHEETS, icon="kontrollera")
def kontrollera(book: xw.Book, current_user: CurrentUser):
    return run("Kontrollera", book, current_user, lambda: actions.kontrollera(book))


@button("Sammanställ", "Räknar platser per förvaltning, yrkesområde, anställningsform och kön "
        "för rapportperioden och skriver bladet Sammanställning, med antalet fel och varningar "
        "och utfärdade intyg enligt intygsregistret.",
        role=roles.HANDLAGGARE, include=actions.SAMMANSTALL_SHEETS, icon="sammanstall")
def sammanstall(book: xw.Book, current_user: CurrentUser):
    return run("Sammanställ", book, current_user, lambda: actions.sammanstall(
        book, certificates=read_facts(server_settings.load().register_location())))


@button("Nytt bedömningsformulär", "Skapar bladet Formulär för en plats och ett tillfälle: "
        "alla kompetenser att bedöma, med en lista för nivån.",
        role=roles.HANDLAGGARE, include=actions.NYTT_FORMULAR_SHEETS, icon="formular")
def nytt_bedomningsformular(book: xw.Book, plats_id: str = "", tillfalle: str = "",
                            current_user: CurrentUser = None):
    return run("Nytt bedömningsformulär", book, current_user,
               lambda: actions.nytt_bedomningsformular(book, _arg(plats_id), _arg(tillfalle)))


@button("Spara bedömning", "Kontrollerar formuläret och lägger de ifyllda raderna sist på bladet "
        "Bedömningar. Samma tillfälle sparas aldrig två gånger.",
        role=roles.HANDLAGGARE, include=actions.SPARA_SHEETS, icon="spara")
def spara_bedomning(book: xw.Book, current_user: CurrentUser):
    return run("Spara bedömning", book, current_user, lambda: actions.spara_bedomning(book))


@button("Utfärda intyg", "Skapar kompetensintyg (Word och PDF) för avslutade platser med "
        "slutbedömning och utan fel, och för in dem på bladet Intygsregister. Inget intyg "
        "utfärdas två gånger.",
        role=roles.INTYGSUTFARDARE, include=certificate_actions.SHEETS, icon="intyg")
async def utfarda_intyg(book: xw.Book, current_user: CurrentUser):
    user_id, name = _user(current_user)
    return await run_in_thread(
        "Utfärda intyg", book, current_user,
        lambda: certificate_actions.utfarda_intyg(book, issuer=name, user_id=user_id,
                                                  settings=server_settings.load(),
                                                  link_base=_links_base()))


@button("Skicka till styrgruppen", "Gör styrgruppens sammanställning för rapportperioden (bara "
        "antal och andelar) och skickar den med e-post, eller sparar ett utkast att öppna i "
        "Outlook.",
        role=roles.SAMORDNARE, include=steering_actions.SHEETS, icon="styrgrupp")
async def skicka_till_styrgruppen(book: xw.Book, current_user: CurrentUser):
    user_id, _ = _user(current_user)
    return await run_in_thread(
        "Skicka till styrgruppen", book, current_user,
        lambda: steering_actions.skicka_till_styrgruppen(book, user_id=user_id,
                                                         settings=server_settings.load(),
                                                         link_base=_links_base()))
