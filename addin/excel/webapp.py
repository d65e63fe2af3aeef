"""How the add-in adapts xlwings Server, installed from the project's ``routers/custom.py``.

xlwings Server calls ``getattr(custom_scripts, name)`` for any name in the URL, answers malformed
JSON with a 500, and gives an anonymous user (development without sign-in) no roles, so a script
with ``required_roles`` refuses it. Without changing the server's code (a route of our own ahead
of its script route, ``run_button``, which then does what that route does; FastAPI's
``dependency_overrides`` for sign-in and the custom functions) this module:

- refuses any script name that is not in ``scripts.SCRIPTS`` (404) before anything runs, and the
  custom-functions endpoint altogether (the add-in has no worksheet functions);
- answers a body that is not the Office.js client's JSON object with 400 (FastAPI's own 422 for
  an unreadable body becomes 400 too): malformed or too deeply nested JSON, a content type that
  is not JSON, a book or sheet of the wrong shape (forms and bodies without a content type never
  get here: ``sameorigin.SameOrigin`` refuses them with 403 before the app reads them);
- unpacks the sheets the task pane sends packed, each value once (``packed``), into the rows
  xlwings' own client would have sent;
- signs the user in before the body is decoded, so a request without a valid token costs no JSON
  parsing (401 first);
- refuses a body over the setting ``max_body_bytes`` with 413 before anything reads it
  (``bodylimit.BodyLimit``, ASGI middleware); the task pane sends the workbook gzip-compressed
  (``Content-Encoding: gzip``), which is unpacked, after sign-in and before parsing, only up to
  the setting ``max_book_bytes`` (413 beyond it);
- checks the script's role itself and answers 403 with a Swedish message;
- in development (``XLWINGS_ENVIRONMENT=dev``) without an auth provider, signs everything in as a
  stand-in user with every role; in any other environment an anonymous user has no role, so a
  server deployed without sign-in refuses every button instead of opening them to everyone.

It also adds ``GET /amanst/senaste`` (the signed-in user's last runs, for the task pane),
``POST /amanst/korning/<id>`` (the client's report that Excel applied a run, or why not: the run
was given its id in the ``X-Amanst-Korning`` header of the button's request), the
downloads the task pane links to (``GET /amanst/intyg/<nummer>.docx|pdf``: a certificate, to the
user who issued it; ``GET /amanst/utkast/<namn>.eml``: the user's own draft to the steering group;
the rules are in ``files``) and the template global ``amanst_buttons`` from which the ribbon,
manifest and task pane are drawn. ``site`` adds the web-facing defences (cross-site requests,
page headers) and the start page. ``amanst_limits`` gives the body and workbook
limits the task pane checks before it sends anything.
"""

from __future__ import annotations

import inspect
import json
import logging
import zlib
from contextlib import nullcontext
from itertools import chain
from typing import Any

import orjson
import xlwings as xw
import xlwings.server
from fastapi import APIRouter, Header, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse
from fastapi.routing import APIRoute
from xlwings_server import dependencies as dep
from xlwings_server.config import settings
from xlwings_server.databases import get_redis_client
from xlwings_server.models import CurrentUser, User
from xlwings_server.routers import xlwings as xlwings_routes
from xlwings_server.templates import templates

from .. import settings as amanst_settings
from ..collector import bulk_objects
from ..core.errors import AmanstError
from . import files, issuer_service, packed, roles, runlog, server_settings, site, verification_page
from .bodylimit import BodyLimit
from .excelapi import MIN_EXCEL_API
from .scripts import SCRIPTS
from .turns import ArrivalOrder

log = logging.getLogger("amanst")

DEV_USER_ID = "utvecklare"
DEV_USER_NAME = "Utvecklare (ingen inloggning)"


def dev_mode() -> bool:
    return not settings.auth_providers and settings.environment == "dev"


async def authenticate(token_string: str = Header(default="", alias="Authorization"),
                       auth_provider: str | None = Header(default=None)) -> User:
    if dev_mode():
        return User(id=DEV_USER_ID, name=DEV_USER_NAME, roles=list(roles.ALL_ROLES))
    return await dep.authenticate(token_string, auth_provider)


JSON_TYPES = {"application/json", "text/json"}
CLIENTS = {"Office.js", "Google Apps Script", "Microsoft Office"}  # the clients xlwings knows
SCALARS = (str, int, float, bool, type(None))


def _shape_ok(data: Any) -> bool:
    """What xlwings' remote Book and our adapter read, with the types they assume."""
    if not isinstance(data, dict) or data.get("client") not in CLIENTS:
        return False
    book, sheets, names = data.get("book"), data.get("sheets"), data.get("names", [])
    if (not isinstance(data.get("version"), str) or not isinstance(book, dict)
            or not isinstance(book.get("name"), str)
            or not isinstance(book.get("active_sheet_index", 0), int)
            or not isinstance(sheets, list) or not sheets or not isinstance(names, list)
            or not all(isinstance(n, dict) for n in names)):
        return False
    return all(_sheet_ok(sheet) for sheet in sheets)


def _sheet_ok(sheet: Any) -> bool:
    """A sheet as xlwings reads it; one the task pane packed is unpacked into its rows here."""
    if not isinstance(sheet, dict) or not isinstance(sheet.get("name"), str):
        return False
    if packed.KEY in sheet:
        sent = sheet.pop(packed.KEY)
        rows = packed.unpack(sent)
        if rows is None or not _scalars([sent["distinct"]]):  # each value once, not each cell
            return False
        sheet["values"] = rows
    else:
        values = sheet.get("values")
        if not isinstance(values, list) or not all(isinstance(row, list) for row in values):
            return False
        if not _scalars(values):
            return False
    for key in ("tables", "notes", "pictures", "shapes", "charts", "pivot_tables"):
        items = sheet.get(key, [])
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            return False
    return True


_SCALAR_TYPES = frozenset(SCALARS)


def _scalars(values: list) -> bool:
    """Every value a JSON scalar (one pass in C over the whole sheet: it runs on every cell)."""
    return _SCALAR_TYPES.issuperset(map(type, chain.from_iterable(values)))


def decode_book(body: bytes | str, max_book_bytes: int | None = None) -> dict:
    """The request's JSON as the client's book, or a 400 with a Swedish message (413 for packed
    sheets with more cells than ``max_book_bytes`` of xlwings' JSON would hold).

    orjson reads the megabytes of a workbook several times faster than ``json``; what it refuses
    but ``json`` reads (a lone surrogate in a cell, bytes that are not UTF-8, which are replaced
    as before) goes to ``json``, so the same requests are read as before, only sooner.
    """
    with bulk_objects():  # a list per row, no cycles: see collector
        try:
            data = orjson.loads(body)
        except orjson.JSONDecodeError:
            text = body.decode("utf-8", errors="replace") if isinstance(body, bytes) else body
            try:
                data = json.loads(text)
            except (ValueError, RecursionError):  # RecursionError: nesting deeper than the limit
                raise HTTPException(status_code=400, detail="Förfrågan är inte giltig JSON och "
                                    "kunde inte läsas.") from None
        most = None if max_book_bytes is None else max_book_bytes // packed.BYTES_PER_CELL
        if most is not None and packed.cells(data) > most:
            raise HTTPException(status_code=413, detail=too_large(
                f"mer än {most:,} celler".replace(",", "\u00a0")))
        if not _shape_ok(data):  # which unpacks what the task pane packed (packed)
            raise HTTPException(status_code=400, detail="Förfrågan har inte arbetsbokens format "
                                "och kunde inte läsas.")
    return data


def too_large(what: str) -> str:
    return (f"Arbetsboken är för stor ({what}). Dela upp registret per år eller förvaltning, "
            "eller flytta äldre bedömningar till en arkivbok.")


def gunzip(raw: bytes, limit: int) -> bytes:
    """A gzip body unpacked, refused (413) as soon as it would pass ``limit`` bytes."""
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        data = inflater.decompress(raw, limit + 1)
    except zlib.error:
        raise HTTPException(status_code=400, detail="Förfrågan är inte giltig gzip och kunde "
                            "inte läsas.") from None
    if len(data) > limit or inflater.unconsumed_tail:
        raise HTTPException(status_code=413,
                            detail=too_large(f"mer än {limit / 1_000_000:.0f} MB uppackad"))
    if not inflater.eof:
        raise HTTPException(status_code=400, detail="Förfrågan är ofullständig och kunde inte "
                            "läsas.")
    return data


async def parse_book_input(request: Request) -> dict:
    # Forms (xlwings' htmx client) and bodies without a content type are refused with 403 by
    # sameorigin.SameOrigin before they get here: a page on another site can send those.
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    encoding = request.headers.get("content-encoding", "").strip().lower()
    if encoding not in ("", "identity", "gzip"):
        raise HTTPException(status_code=400, detail="Förfrågan har en okänd kodning; servern tar "
                            "emot arbetsboken som JSON, okomprimerad eller med gzip.")
    if content_type not in JSON_TYPES:
        raise HTTPException(status_code=400, detail="Förfrågan har fel innehållstyp; servern tar "
                            "emot arbetsboken som JSON (application/json).")
    raw = await request.body()
    max_book_bytes = amanst_settings.load().max_book_bytes
    if raw and encoding == "gzip":
        raw = gunzip(raw, max_book_bytes)
    if not raw:
        raise HTTPException(status_code=400, detail="Förfrågan saknar arbetsboken.")
    return decode_book(raw, max_book_bytes)


def buttons() -> list[dict[str, Any]]:
    """Every button, in ribbon order, with what the ribbon and task pane need to show and run it."""
    result = []
    for name, func in SCRIPTS.items():
        meta = _script_meta(func)
        result.append({"function_name": name, "label": meta["label"], "tooltip": meta["tooltip"],
                       "role": meta["role"], "icon": meta["icon"],
                       "include": ",".join(meta["include"] or [])})
    return result


def _script_meta(func: Any) -> dict[str, Any]:
    """What xlwings' ``@script`` attached to a button function (not in its static type)."""
    return func.__xlscript__


async def known_script(request: Request) -> Any:
    """The button named in the URL, or 404 before anything else (sign-in, body) is looked at."""
    func = SCRIPTS.get(request.path_params.get("script_name", ""))
    if func is None:
        raise HTTPException(status_code=404, detail="Det finns ingen sådan knapp på servern.")
    return func


async def script_args(request: Request, func: Any, current_user: User, book_data: dict) -> list:
    """The button's arguments, once the user is known to have its role (403 otherwise)."""
    name = func.__name__
    run_id = request.headers.get("x-amanst-korning", "")
    # The client's id for this run, so the log can wait for its report (runlog); a malformed one
    # is ignored rather than refused: the run itself does not depend on it.
    runlog.current_run.set(run_id if runlog.RUN_ID.fullmatch(run_id) else None)
    required = _script_meta(func).get("required_roles") or []
    if not await current_user.has_required_roles(required):
        missing = ", ".join(roles.DESCRIPTIONS.get(r, r) for r in required
                            if r not in current_user.roles)
        log.warning("Nekad: %s saknar roll för %s", current_user.id, name)
        raise HTTPException(status_code=403, detail=f"Du har inte behörighet till den här knappen. "
                            f"Den kräver rollen {missing}. Kontakta IT om du behöver den.")
    args = book_data.pop("args", None)
    if args is None:
        return []
    if not isinstance(args, list):
        raise HTTPException(status_code=400, detail="'args' ska vara en lista.")
    return args


ARRIVALS = ArrivalOrder()  # this process's queue of the buttons that run on its event loop


async def run_button(request: Request) -> Any:
    """``POST /xlwings/custom-scripts-call/<knapp>``: xlwings Server's own route for a script,
    with the add-in's steps called one after the other instead of as FastAPI dependencies.

    The order is the point: an unknown button is 404 and a request without a valid sign-in 401
    before the body is decoded, so neither costs any JSON parsing; then the body (400, 413), the
    button's role (403), the arguments (400). A button that runs on the event loop then waits
    for the requests that arrived before it (``turns``). Why not dependency overrides on
    xlwings' route, as for the rest of the server: with any override in place FastAPI rebuilds
    every dependency of the route on each request (16 signatures and their pydantic fields, 3 ms
    of every click). What follows the checks is xlwings Server's route as it is
    (``routers/xlwings.py``).
    """
    ticket = ARRIVALS.ticket()
    func = await known_script(request)
    current_user = await dep.get_user(request, await authenticate(
        request.headers.get("authorization", ""), request.headers.get("auth-provider")))
    book_data = await parse_book_input(request)
    args = await script_args(request, func, current_user, book_data)
    name = func.__name__
    xlwings_routes.logger.info('Script "%s" called by %s', name,
                               xlwings_routes.sanitize_log_input(current_user.name))
    book = xw.Book(json=book_data)
    in_thread = inspect.iscoroutinefunction(inspect.unwrap(func))  # scripts.run_in_thread
    try:
        async with nullcontext() if in_thread else ARRIVALS.turn(ticket):
            try:
                book = await xlwings.server.custom_scripts_call(
                    xlwings_routes.custom_scripts, name, current_user,
                    typehint_to_value={CurrentUser: current_user, xw.Book: book}, args=args)
            except xw.XlwingsError as e:
                message = str(e)
                if "missing required argument" in message or "extra argument" in message:
                    raise HTTPException(status_code=400, detail=message) from None
                raise
            return book.json()
    finally:
        book.close()


async def no_custom_functions() -> None:
    """Stands in for the object cache that only ``/xlwings/custom-functions-call`` asks for."""
    raise HTTPException(status_code=404, detail="Tillägget har inga egna kalkylbladsfunktioner.")


async def unreadable_request(request: Request, exc: RequestValidationError) -> JSONResponse:
    return JSONResponse({"detail": "Förfrågan kunde inte läsas (ogiltig JSON)."}, status_code=400)


router = APIRouter(prefix=f"{settings.app_path}/amanst")


@router.get("/senaste")
async def senaste(current_user: dep.User) -> dict[str, Any]:
    """The signed-in user's last runs (newest first), for the task pane."""
    return {"anvandare": current_user.name,
            "korningar": runlog.entries(server_settings.load().state_dir, str(current_user.id))}


@router.post("/korning/{run_id}")
async def korning(run_id: str, request: Request, current_user: dep.User) -> dict[str, Any]:
    """The client's report on a run: Excel applied its actions (``{"ok": true}``), or failed
    (``{"ok": false, "fel": "..."}``, the Swedish message the user saw)."""
    if not runlog.RUN_ID.fullmatch(run_id):
        raise HTTPException(status_code=404, detail="Det finns ingen sådan körning.")
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "application/json":
        raise HTTPException(status_code=400, detail="Rapporten ska vara JSON.")
    raw = await request.body()
    if len(raw) > 4096:
        raise HTTPException(status_code=413, detail="Rapporten är för stor.")
    try:
        report = json.loads(raw)
    except ValueError:
        report = None
    if not isinstance(report, dict) or not isinstance(report.get("ok"), bool) or not isinstance(
            report.get("fel", ""), str):
        raise HTTPException(status_code=400, detail="Rapporten har fel format.")
    if not runlog.confirm(amanst_settings.load().state_dir, str(current_user.id), run_id,
                          report["ok"], report.get("fel", "")):
        raise HTTPException(status_code=404, detail="Det finns ingen sådan körning som väntar.")
    return {"ok": True}


def limits() -> dict[str, int | str]:
    """What the task pane checks before it sends a workbook."""
    current = amanst_settings.load()
    return {"max_body_bytes": current.max_body_bytes, "max_book_bytes": current.max_book_bytes,
            "max_cells": current.max_book_bytes // packed.BYTES_PER_CELL,
            "min_excel_api": MIN_EXCEL_API}


NOT_FOUND = "Filen finns inte, eller så är den inte din att hämta."


async def _with_role(user: User, role: str) -> None:
    if not await user.has_required_roles([role]):
        raise HTTPException(status_code=403, detail="Du har inte behörighet att hämta den här "
                            f"filen. Den kräver rollen {roles.DESCRIPTIONS.get(role, role)}.")


def _download(path: Any, name: str, kind: str) -> FileResponse:
    return FileResponse(path, media_type=files.MEDIA_TYPES[kind], filename=name,
                        headers={"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"})


@router.get("/intyg/{name}")
async def hamta_intyg(name: str, current_user: dep.User) -> FileResponse:
    """A certificate file, to the user who issued it through the add-in (``files``' rule)."""
    await _with_role(current_user, roles.INTYGSUTFARDARE)
    path = files.certificate_file(name, str(current_user.id),
                                  files.cert_dir(server_settings.load()))
    if path is None:
        log.warning("Nekad nedladdning av intyg för %s", current_user.id)
        raise HTTPException(status_code=404, detail=NOT_FOUND)
    return _download(path, name, name.rsplit(".", 1)[-1])


@router.get("/utkast/{name}")
async def hamta_utkast(name: str, current_user: dep.User) -> FileResponse:
    """The user's own draft e-mail to the steering group."""
    await _with_role(current_user, roles.SAMORDNARE)
    path = files.draft_file(name, str(current_user.id), server_settings.load().state_dir)
    if path is None:
        raise HTTPException(status_code=404, detail=NOT_FOUND)
    return _download(path, name, "eml")


def _max_body_bytes() -> int:
    """The setting ``max_body_bytes``; an unusable value gives the default, logged, so that a typo
    never leaves the server without a limit."""
    try:
        return server_settings.load().max_body_bytes
    except amanst_settings.SettingsError as exc:
        fallback = amanst_settings.Settings().max_body_bytes
        log.error("%s Använder %d byte.", exc, fallback)
        return fallback


def _check_register_on_start() -> None:
    """The register must be beyond every number in the server's certificate folder and its
    journal (a register restored from an older copy): said in the log at start; the button
    refuses to issue until it is put right (``store.SequenceBehind``)."""
    from ..certificates import evidence, journal
    from ..certificates.backend import open_store
    from ..certificates.store import RegisterMissing

    try:
        current = server_settings.load()
        with open_store(current.register_location(), create=False) as store:
            seen = evidence.combined(evidence.seen_in_folder(files.cert_dir(current)),
                                     journal.seen(current.state_dir, store.register_id()))
            store.check_beyond(seen)
    except RegisterMissing:
        log.info("Intygsregistret finns inte än; det skapas när det första intyget utfärdas.")
    except AmanstError as exc:
        log.error("Intygsregistret vid start: %s", exc)


def install(app: Any) -> APIRouter:
    """Hook the overrides into the xlwings Server app; return the router it should include."""
    # the app is still being built, so middleware can be added
    app.add_middleware(BodyLimit, max_bytes=_max_body_bytes())
    site.install(app)  # cross-site refusals, page headers, the start page (outside BodyLimit)
    app.dependency_overrides[dep.authenticate] = authenticate
    app.dependency_overrides[get_redis_client] = no_custom_functions
    # ahead of xlwings Server's route for the same path, which it answers instead (run_button)
    app.router.routes.insert(0, APIRoute(
        f"{settings.app_path}/xlwings/custom-scripts-call/{{script_name}}", run_button,
        methods=["POST"]))
    app.exception_handlers[RequestValidationError] = unreadable_request
    templates.env.globals["amanst_buttons"] = buttons
    templates.env.globals["amanst_limits"] = limits
    app.include_router(verification_page.install())  # public: no sign-in
    app.include_router(issuer_service.router)  # public: the keys and the issuer profile
    _check_register_on_start()
    if not settings.auth_providers and settings.environment != "dev":
        log.warning("Ingen inloggning är konfigurerad (XLWINGS_AUTH_PROVIDERS) och miljön är "
                    "%s: alla knappar nekas.", settings.environment)
    return router
