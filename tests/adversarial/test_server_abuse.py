"""Abuse of the add-in's server over HTTP: oversized, malformed and unauthenticated requests,
names that are not buttons, and workbook text that tries to become a formula.

Each case asserts the safe outcome and that nothing expensive ran: ``spy`` counts every JSON
decode of a request body (the add-in's only parser of the workbook) and every run of a button.
"""

from __future__ import annotations

import asyncio
import copy
import importlib
import json
import re
from pathlib import Path

import openpyxl
import pytest
from xlwings_server.config import settings

from addin.core import schema
from addin.excel import actions as xactions
from addin.excel import bodylimit, webapp
from addin.excel.scripts import SCRIPTS
from tests.excel.officejs_client import apply, payload

from .conftest import EXAMPLE

CALL = "/xlwings/custom-scripts-call/"
LIMIT = 6 * 1024 * 1024  # the documented default (README, docs/installningar.md): 6 MiB
JSON_HEADERS = {"Content-Type": "application/json"}
DOCS = Path(__file__).resolve().parents[2] / "docs"
# docs/security.md: text starting with =, +, -, @, tab or CR can become a formula in Excel
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def include_of(script: str) -> list[str]:
    return SCRIPTS[script].__xlscript__["include"]


@pytest.fixture(scope="module")
def kontrollera_body() -> dict:
    return payload(EXAMPLE, include_of("kontrollera"))


@pytest.fixture()
def spy(monkeypatch):
    """Count body decodes and button runs (``fail=True`` makes a decode fail the request)."""
    calls = {"decode": 0, "script": 0}

    real_decode = webapp.decode_book

    def counting_decode(*args, **kwargs):
        calls["decode"] += 1
        return real_decode(*args, **kwargs)

    monkeypatch.setattr(webapp, "decode_book", counting_decode)
    for name in ("kontrollera", "sammanstall", "nytt_bedomningsformular", "spara_bedomning"):
        real = getattr(xactions, name)

        def counted(*args, _real=real, **kwargs):
            calls["script"] += 1
            return _real(*args, **kwargs)

        monkeypatch.setattr(xactions, name, counted)
    return calls


# --- body size ----------------------------------------------------------------------------------

def test_oversized_body_with_length_is_413_in_swedish_and_never_parsed(client, spy):
    response = client.post(CALL + "kontrollera", content=b"[" * (LIMIT + 1), headers=JSON_HEADERS)
    assert response.status_code == 413
    assert "för stor" in response.json()["detail"]
    assert spy == {"decode": 0, "script": 0}


def test_oversized_chunked_body_is_413_and_never_parsed(client, spy):
    def chunks():  # no Content-Length: httpx sends Transfer-Encoding: chunked
        for _ in range(LIMIT // (1 << 20) + 2):
            yield b" " * (1 << 20)

    response = client.post(CALL + "kontrollera", content=chunks(), headers=JSON_HEADERS)
    assert response.status_code == 413
    assert spy == {"decode": 0, "script": 0}


def test_a_body_exactly_at_the_limit_gets_through_to_the_parser(client, spy):
    body = b" " * (LIMIT - 2) + b"{}"
    response = client.post(CALL + "kontrollera", content=body, headers=JSON_HEADERS)
    assert response.status_code == 400  # parsed: an empty object is not a workbook
    assert spy == {"decode": 1, "script": 0}


def test_a_real_workbook_in_chunks_still_runs(client, spy, kontrollera_body):
    data = json.dumps(kontrollera_body).encode()
    response = client.post(CALL + "kontrollera", headers=JSON_HEADERS,
                           content=(data[i:i + 65536] for i in range(0, len(data), 65536)))
    assert response.status_code == 200, response.text
    assert spy == {"decode": 1, "script": 1}


@pytest.mark.parametrize("length", ["abc", "-1", "1e9", " "])
def test_a_malformed_content_length_is_400(length):
    sent = []

    async def app(scope, receive, send):  # pragma: no cover - must not be reached
        raise AssertionError("the app ran")

    async def send(message):
        sent.append(message)

    async def receive():  # pragma: no cover - must not be reached
        raise AssertionError("the body was read")

    scope = {"type": "http", "path": "/", "headers": [(b"content-length", length.encode())]}
    asyncio.run(bodylimit.BodyLimit(app, max_bytes=10)(scope, receive, send))
    assert sent[0]["status"] == 400


def test_the_middleware_reads_no_byte_of_a_body_announced_too_large():
    received, sent = [], []

    async def app(scope, receive, send):  # pragma: no cover - must not be reached
        raise AssertionError("the app ran")

    async def receive():
        received.append(1)
        return {"type": "http.request", "body": b"x" * 100, "more_body": True}

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "path": "/", "headers": [(b"content-length", b"1001")]}
    asyncio.run(bodylimit.BodyLimit(app, max_bytes=1000)(scope, receive, send))
    assert received == [] and sent[0]["status"] == 413
    # Without a length, it reads only until the count passes the limit, then stops.
    received.clear(), sent.clear()
    scope["headers"] = []
    asyncio.run(bodylimit.BodyLimit(app, max_bytes=1000)(scope, receive, send))
    assert len(received) == 11 and sent[0]["status"] == 413


def test_the_limit_is_configurable_and_a_bad_value_keeps_the_default(monkeypatch):
    monkeypatch.setenv("AMANST_MAX_BODY_BYTES", "12582912")
    assert webapp._max_body_bytes() == 12 * 1024 * 1024
    for bad in ("abc", "0", "-5", "6m"):
        monkeypatch.setenv("AMANST_MAX_BODY_BYTES", bad)
        assert webapp._max_body_bytes() == LIMIT
    for unset in ("", None):
        if unset is None:
            monkeypatch.delenv("AMANST_MAX_BODY_BYTES")
        else:
            monkeypatch.setenv("AMANST_MAX_BODY_BYTES", unset)
        assert webapp._max_body_bytes() == LIMIT


def test_the_documented_proxy_limit_agrees_with_the_app_limit():
    for doc in ("excel-tillagg.md", "security.md"):
        sizes = re.findall(r"client_max_body_size (\d+)m", (DOCS / doc).read_text(encoding="utf-8"))
        assert sizes and all(int(s) * 1024 * 1024 == LIMIT for s in sizes), (doc, sizes)


# --- malformed requests -------------------------------------------------------------------------

def _reshaped(body: dict, change) -> bytes:
    body = copy.deepcopy(body)
    change(body)
    return json.dumps(body).encode()


DEEP = 100_000
MALFORMED = {
    "open brackets": b"[" * DEEP,
    "nested arrays": b"[" * DEEP + b"]" * DEEP,
    "nested objects": b'{"a":' * DEEP + b"1" + b"}" * DEEP,
    "truncated": b'{"client": "Office.js", "book": {',
    "not json": b"{not json",
    "invalid utf-8": b"\xff\xfe\xfa",
    "empty": b"",
    "a number": b"42",
    "null": b"null",
}
SHAPES = {
    "sheets are numbers": lambda b: b.update(sheets=[1, 2]),
    "no sheets": lambda b: b.update(sheets=[]),
    "book is a list": lambda b: b.update(book=[]),
    "book without name": lambda b: b["book"].pop("name"),
    "names is text": lambda b: b.update(names="x"),
    "sheet name is a number": lambda b: b["sheets"][1].update(name=5),
    "values is text": lambda b: b["sheets"][1].update(values="abc"),
    "values is flat": lambda b: b["sheets"][1].update(values=[1, 2, 3]),
    "a cell holds an object": lambda b: b["sheets"][1].update(values=[[{"a": 1}]]),
    "tables is text": lambda b: b["sheets"][1].update(tables="x"),
    "unknown client": lambda b: b.update(client="curl"),
    "version is a number": lambda b: b.update(version=37),
    "deep inside a cell": lambda b: b["sheets"][1].update(values=[[[[[[1]]]]]]),
}


@pytest.mark.parametrize("name", MALFORMED)
def test_malformed_json_is_400_never_500(client, spy, name):
    response = client.post(CALL + "kontrollera", content=MALFORMED[name], headers=JSON_HEADERS)
    assert response.status_code == 400, (name, response.status_code, response.text)
    assert spy["script"] == 0


@pytest.mark.parametrize("name", SHAPES)
def test_wrong_shapes_are_400_and_no_button_runs(client, spy, kontrollera_body, name):
    response = client.post(CALL + "kontrollera", content=_reshaped(kontrollera_body, SHAPES[name]),
                           headers=JSON_HEADERS)
    assert response.status_code == 400, (name, response.status_code, response.text)
    assert "format" in response.json()["detail"]
    assert spy["script"] == 0


@pytest.mark.parametrize("content_type", ["application/xml", "text/html",
                                          "application/octet-stream", "image/png"])
def test_wrong_content_types_are_400_and_never_parsed(client, spy, kontrollera_body, content_type):
    response = client.post(CALL + "kontrollera", content=json.dumps(kontrollera_body).encode(),
                           headers={"Content-Type": content_type})
    assert response.status_code == 400, response.text
    assert "innehållstyp" in response.json()["detail"]
    assert spy == {"decode": 0, "script": 0}


@pytest.mark.parametrize("request_kwargs", [
    {"content": b"--xx\r\nfoo", "headers": {"Content-Type": "multipart/form-data; boundary=xx"}},
    {"content": b"abc", "headers": {"Content-Type": "multipart/form-data"}},
    {"files": {"bookData": ("bok.json", b"{}")}},
    {"data": {"bookData": "[" * DEEP}},
    {"data": {"bookData": "{not json"}},
    {"data": {"annat": "x"}},
    {"content": b'{"client": "Office.js"}', "headers": {"Content-Type": "text/plain"}},
    {"content": b"{}", "headers": {}},
], ids=["broken multipart", "no boundary", "file part", "deep form", "form not json", "no field",
        "text/plain", "no content type"])
def test_forms_and_untyped_bodies_are_403_and_never_parsed(client, spy, request_kwargs):
    """What a page on another site can send without asking (see test_cross_site.py)."""
    response = client.post(CALL + "kontrollera", **request_kwargs)
    assert response.status_code == 403, response.text
    assert "JSON" in response.json()["detail"]
    assert spy == {"decode": 0, "script": 0}


# --- names that are not buttons -----------------------------------------------------------------

@pytest.mark.parametrize("name", ["run", "button", "_arg", "script", "actions", "incidents",
                                  "runlog", "roles", "xw", "__class__", "__globals__", "SCRIPTS",
                                  "hello_world", "Kontrollera", "kontrollera ", "ingen"])
def test_unknown_scripts_and_helpers_are_404_before_the_body_is_decoded(client, spy,
                                                                        kontrollera_body, name):
    response = client.post(CALL + name, json=kontrollera_body)
    assert response.status_code == 404, (name, response.status_code)
    assert spy == {"decode": 0, "script": 0}


def test_custom_functions_are_404(client, spy):
    response = client.post("/xlwings/custom-functions-call",
                           json={"func_name": "run", "args": [], "caller_address": "A1"})
    assert response.status_code == 404
    assert spy == {"decode": 0, "script": 0}


# --- unauthenticated flood ----------------------------------------------------------------------

@pytest.fixture()
def production_sign_in(monkeypatch):
    """Production settings with xlwings Server's test auth provider (token ``test-token``)."""
    monkeypatch.setattr(settings, "auth_providers", ["custom"])
    monkeypatch.setattr(settings, "environment", "prod")
    importlib.import_module("xlwings_server.auth.custom")


FLOOD = 300


@pytest.mark.parametrize("headers", [{}, {"Authorization": "fel-token"},
                                     {"Authorization": "Bearer " + "x" * 4000}],
                         ids=["no token", "wrong token", "long garbage token"])
def test_an_unauthenticated_flood_is_401_and_decodes_nothing(client, spy, production_sign_in,
                                                             kontrollera_body, headers):
    data = json.dumps(kontrollera_body).encode()  # a full workbook each time: ~0.8 MB
    statuses = set()
    for _ in range(FLOOD):
        response = client.post(CALL + "kontrollera", content=data,
                               headers={**JSON_HEADERS, **headers})
        statuses.add(response.status_code)
    assert statuses == {401}
    assert spy == {"decode": 0, "script": 0}  # neither the JSON parser nor a button ever ran


def test_signed_in_the_same_request_does_run(client, spy, production_sign_in, monkeypatch,
                                             kontrollera_body):
    """The control for the flood: with a valid token and role the request is decoded and run."""
    custom = importlib.import_module("xlwings_server.auth.custom")
    original = custom.validate_token

    async def with_roles(token):
        user = await original(token)
        return user.model_copy(update={"roles": ["amanst.handlaggare"]})

    monkeypatch.setattr(custom, "validate_token", with_roles)
    response = client.post(CALL + "kontrollera", json=kontrollera_body,
                           headers={"Authorization": "test-token"})
    assert response.status_code == 200, response.text
    assert spy == {"decode": 1, "script": 1}


# --- formula injection through the actions ------------------------------------------------------

HOSTILE = ["=HYPERLINK(\"http://x.invalid\",\"klicka\")", "+1+1", "-2+3", "@SUMMA(A1)",
           "\t=1+1", "\r=1+1"]


def _plant(wb) -> list[str]:
    """Put hostile text where Kontrollera and Sammanställ echo it; return what was planted."""
    planted = []

    def put(cell, text: str) -> None:  # as typed into a text cell: a string, not a formula
        cell.value = text
        cell.data_type = "s"

    def rename(sheet: str, column: str, old: str, new: str) -> None:
        ws = wb[sheet]
        col = [c.value for c in ws[1]].index(column) + 1
        for row in range(2, ws.max_row + 1):
            if ws.cell(row=row, column=col).value == old:
                put(ws.cell(row=row, column=col), new)

    def first(sheet: str, column: str, row: int = 2):
        ws = wb[sheet]
        return ws.cell(row=row, column=[c.value for c in ws[1]].index(column) + 1)

    # catalogue names (and every reference to them): the Sammanställning rows echo them
    forvaltning = first(schema.FORVALTNINGAR, "Förvaltning").value
    rename(schema.PLATSER, "Förvaltning", forvaltning, HOSTILE[0])
    rename(schema.FORVALTNINGAR, "Förvaltning", forvaltning, HOSTILE[0])
    area = first(schema.YRKESOMRADEN, "Yrkesområde").value
    for sheet in (schema.PLATSER, schema.KOMPETENSER, schema.YRKESOMRADEN):
        rename(sheet, "Yrkesområde", area, HOSTILE[3])
    form = first(schema.ANSTALLNINGSFORMER, "Anställningsform").value
    for sheet in (schema.PLATSER, schema.ANSTALLNINGSFORMER):
        rename(sheet, "Anställningsform", form, HOSTILE[1])
    planted += [HOSTILE[0], HOSTILE[3], HOSTILE[1]]
    # values the checks complain about: the Kontroll sheet echoes them
    put(first(schema.PLATSER, "Förvaltning", 3), HOSTILE[2])   # not in the catalogue
    put(first(schema.PLATSER, "PlatsID", 4), HOSTILE[4])
    put(first(schema.DELTAGARE, "Personnummer", 2), HOSTILE[5])  # not an identity number
    put(first(schema.DELTAGARE, "Förnamn", 3), HOSTILE[2])
    put(first(schema.DELTAGARE, "Efternamn", 3), HOSTILE[4])
    put(first(schema.PLATSER, "Status", 5), HOSTILE[1])         # not a status
    planted += [HOSTILE[2], HOSTILE[4], HOSTILE[5]]
    return planted


def _text_cells_after(acts, wb, check) -> None:
    """Replay action by action; before each write of values (xlwings' setValues, or the add-in's
    amanstWrite, which carries the number formats it sets first), ``check`` sees the sheet, the
    top-left cell (0-based), the values and the formats (None: none set with them)."""
    for act in acts:
        if act["func"] == "setValues":
            check(wb.worksheets[act["sheet_position"]], act["start_row"], act["start_column"],
                  act["values"], None)
        elif act["func"] == "runMacro" and act["args"][0] == "amanstWrite":
            position, top, left, values, formats = act["args"][1:]
            check(wb.worksheets[position], top, left, values, formats)
        apply([act], wb)


def test_text_that_looks_like_a_formula_never_comes_back_as_one(client):
    wb = openpyxl.load_workbook(EXAMPLE)
    planted = _plant(wb)
    echoed = set()

    def check(ws, top, left, values, formats):
        for r, row in enumerate(values):
            for c, value in enumerate(row):
                if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
                    # the cell is formatted as text before the value arrives (in an earlier
                    # action, or first in the same one), so Excel keeps the text
                    cell = ws.cell(row=top + r + 1, column=left + c + 1)
                    fmt = formats[r][c] if formats else None
                    assert "@" in (fmt, cell.number_format), (ws.title, cell.coordinate, value)
                    echoed.update(h for h in planted if h in value)

    for script in ("kontrollera", "sammanstall", "kontrollera"):
        body = payload(EXAMPLE, include_of(script), workbook=wb)
        response = client.post(CALL + script, json=body)
        assert response.status_code == 200, (script, response.text)
        acts = response.json()["actions"]
        assert not any(a["func"] in ("setFormula", "setFormulaR1C1", "setFormulas") for a in acts)
        _text_cells_after(acts, wb, check)
    # the test proves something only if our scripts did echo the planted text
    assert {HOSTILE[0], HOSTILE[3], HOSTILE[1]} <= echoed, echoed
    assert len(echoed) >= 4, echoed
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
