"""Sign-in, roles, which names can run, malformed requests, and the contract with the client JS."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import openpyxl
import pytest
import xlwings_server
from xlwings_server.config import settings

from addin.excel import excelapi, roles
from addin.excel.scripts import SCRIPTS

from .conftest import EXAMPLE
from .officejs_client import payload

CALL = "/xlwings/custom-scripts-call/"
CLIENT_JS = Path(xlwings_server.__file__).parent / "static" / "js" / "custom-scripts" / "index.js"


def body_for(script: str) -> dict:
    return payload(EXAMPLE, SCRIPTS[script].__xlscript__["include"])


@pytest.fixture(scope="module")
def sammanstall_body():
    return body_for("sammanstall")


@pytest.fixture()
def signed_in(monkeypatch):
    """The server's test ("custom") auth provider, as configured in production with Entra ID.

    Its token ``test-token`` signs in a user without roles. For a user with roles, a test double
    wraps it: ``test-token|role1,role2`` is validated by the real provider and given those roles.
    """
    monkeypatch.setattr(settings, "auth_providers", ["custom"])
    monkeypatch.setattr(settings, "environment", "prod")
    custom = importlib.import_module("xlwings_server.auth.custom")
    original = custom.validate_token

    async def validate_token(token_string: str):
        token, _, granted = token_string.partition("|")
        user = await original(token)
        return user.model_copy(update={"roles": [r for r in granted.split(",") if r]})

    monkeypatch.setattr(custom, "validate_token", validate_token)


def test_no_token_is_401(client, signed_in, sammanstall_body):
    response = client.post(CALL + "sammanstall", json=sammanstall_body)
    assert response.status_code == 401


def test_signed_in_without_the_role_is_refused_in_swedish(client, signed_in, sammanstall_body):
    response = client.post(CALL + "sammanstall", json=sammanstall_body,
                           headers={"Authorization": "test-token"})
    assert response.status_code == 403
    assert "behörighet" in response.json()["detail"]
    response = client.post(CALL + "sammanstall", json=sammanstall_body,
                           headers={"Authorization": f"test-token|{roles.SAMORDNARE}"})
    assert response.status_code == 403


def test_signed_in_with_the_role_runs(client, signed_in, sammanstall_body):
    response = client.post(CALL + "sammanstall", json=sammanstall_body,
                           headers={"Authorization": f"test-token|{roles.HANDLAGGARE}"})
    assert response.status_code == 200, response.text
    assert response.json()["actions"]
    response = client.post(CALL + "sammanstall", json=sammanstall_body,
                           headers={"Authorization": "wrong-token|" + roles.HANDLAGGARE})
    assert response.status_code == 401


def test_production_without_sign_in_refuses_every_button(client, monkeypatch, sammanstall_body):
    monkeypatch.setattr(settings, "auth_providers", [])
    monkeypatch.setattr(settings, "environment", "prod")
    response = client.post(CALL + "sammanstall", json=sammanstall_body)
    assert response.status_code == 403


def test_development_without_sign_in_runs(client, sammanstall_body):
    assert settings.environment == "dev" and not settings.auth_providers
    assert client.post(CALL + "sammanstall", json=sammanstall_body).status_code == 200


@pytest.mark.parametrize("name", ["run", "button", "_arg", "run_in_thread", "_user", "_links_base",
                                  "certificate_actions", "steering_actions", "actions", "xw", "roles",
                                  "__init__", "__class__", "__dict__", "SCRIPTS", "hello_world",
                                  "nonexistent"])
def test_only_scripts_can_run(client, name, sammanstall_body):
    response = client.post(CALL + name, json=sammanstall_body)
    assert response.status_code == 404, (name, response.status_code, response.text)


def test_custom_scripts_holds_nothing_but_the_scripts():
    module = importlib.import_module("custom_scripts")
    callables = {n for n, v in vars(module).items() if callable(v) and not n.startswith("__")}
    assert callables == set(SCRIPTS)
    assert all(hasattr(f, "__xlscript__") for f in SCRIPTS.values())


@pytest.mark.parametrize("body", [b"{not json", b"[1, 2]", b'"text"', b"", b'{"book": 1}',
                                  b"\xff\xfe"])
def test_malformed_requests_are_400(client, body):
    response = client.post(CALL + "kontrollera", content=body,
                           headers={"Content-Type": "application/json"})
    assert response.status_code == 400, response.text


def test_every_button_declares_a_role_and_its_sheets():
    for name, func in SCRIPTS.items():
        meta = func.__xlscript__
        assert meta["required_roles"] == [meta["role"]] and meta["role"] in roles.ALL_ROLES
        assert meta["include"], name


def _client_funcs() -> set[str]:
    js = CLIENT_JS.read_text(encoding="utf-8")
    block = js[js.index("let funcs = {"):]
    block = block[:block.index("};")]
    return set(re.findall(r"^\s*(\w+):", block, re.M))


def test_every_action_our_scripts_emit_exists_in_the_client(client):
    """Run every button on the example and check each action against the installed index.js."""
    known = _client_funcs()
    assert {"setValues", "setRangeColors", "addNote"} <= known
    wb = openpyxl.load_workbook(EXAMPLE)
    emitted: set[str] = set()
    from .officejs_client import apply
    from .test_server import _ongoing_place

    _, place = _ongoing_place()
    steps = [("kontrollera", None), ("kontrollera", None), ("sammanstall", None),
             ("nytt_bedomningsformular", None),
             ("nytt_bedomningsformular", [place.plats_id, "Uppföljning 2"])]
    for script, args in steps:
        body = payload(EXAMPLE, SCRIPTS[script].__xlscript__["include"], workbook=wb)
        if args:
            body["args"] = args
        response = client.post(CALL + script, json=body)
        assert response.status_code == 200, response.text
        acts = response.json()["actions"]
        emitted |= {a["func"] for a in acts}
        apply(acts, wb)
    ws = wb["Formulär"]
    ws["B6"] = "Kim"
    ws["C11"] = 2
    body = payload(EXAMPLE, SCRIPTS["spara_bedomning"].__xlscript__["include"], workbook=wb)
    response = client.post(CALL + "spara_bedomning", json=body)
    assert response.status_code == 200, response.text
    emitted |= {a["func"] for a in response.json()["actions"]}
    for script in ("utfarda_intyg", "utfarda_intyg", "skicka_till_styrgruppen"):
        body = payload(EXAMPLE, SCRIPTS[script].__xlscript__["include"], workbook=wb)
        response = client.post(CALL + script, json=body)
        assert response.status_code == 200, response.text
        acts = response.json()["actions"]
        emitted |= {a["func"] for a in acts}
        apply(acts, wb)
    assert {"deleteNote", "resizeTable", "setDataValidationList", "addTable"} <= emitted
    assert emitted <= known, emitted - known
    # each action's ExcelApi set was looked up (addin/excel/excelapi.py, the manifest's minimum)
    assert emitted <= set(excelapi.ACTIONS) | set(excelapi.FALLS_BACK), \
        emitted - set(excelapi.ACTIONS) - set(excelapi.FALLS_BACK)


def test_manifest_and_task_pane_show_every_button(client):
    manifest = client.get("/manifest.xml").text
    assert "Arbetsmarknad" in manifest and "Visa aktivitetsfönster" in manifest
    pane = client.get("/taskpane.html").text
    ribbon = client.get("/static/js/ribbon.js").text
    pane_js = client.get("/static/js/amanst.js").text  # the ribbon's commands are wired there
    assert "Office.actions.associate" in pane_js and "amanstButtons" in pane_js
    for name, func in SCRIPTS.items():
        label = func.__xlscript__["label"]
        assert f"<FunctionName>{name}</FunctionName>" in manifest
        assert f'DefaultValue="{label}"' in manifest
        assert label in pane and f'data-amanst-script="{name}"' in pane
    assert "hello-ribbon" not in manifest + ribbon


@pytest.mark.parametrize("body", [b"{not json", b'{"func_name": "run", "args": []}',
                                  b'{"func_name": "kontrollera", "args": []}'])
def test_no_worksheet_function_can_run(client, body):
    response = client.post("/xlwings/custom-functions-call", content=body,
                           headers={"Content-Type": "application/json"})
    assert response.status_code in (400, 404), response.text
    assert client.get("/xlwings/custom-functions-meta.json").json()["functions"] == []
