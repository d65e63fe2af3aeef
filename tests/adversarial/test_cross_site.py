"""Cross-site requests: a page on another site must not be able to run a button.

A form on any web page can POST to ``http://127.0.0.1:8000`` from the visitor's browser without
the browser asking the server first, and ``amanst serve`` (development) signs everyone in: a
cross-origin form post issued 77 certificates. A browser asks first (CORS preflight, never
granted here) only for what a form cannot send, such as ``Content-Type: application/json``
(Fetch standard, "CORS-safelisted request-header"); it labels a request made by another site's
page with ``Sec-Fetch-Site: cross-site`` (Fetch Metadata) and its ``Origin``. The server refuses
all three before it reads the body (``addin/excel/sameorigin.py``).
"""

from __future__ import annotations

import html
import json
import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from xlwings_server.config import settings

from addin import resources
from addin import settings as amanst_settings
from addin.excel import certificate_actions, sameorigin
from addin.excel.scripts import SCRIPTS
from tests.excel.officejs_client import payload

from .conftest import EXAMPLE

CALL = "/xlwings/custom-scripts-call/"
ATTACKER = "https://angripare.example"
CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="module")
def intyg_body() -> dict:
    return payload(EXAMPLE, SCRIPTS["utfarda_intyg"].__xlscript__["include"])


@pytest.fixture()
def issued(monkeypatch):
    """Counts runs of Utfärda intyg's work (the button that issued 77 certificates)."""
    calls = []
    real = certificate_actions.utfarda_intyg

    def counted(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(certificate_actions, "utfarda_intyg", counted)
    return calls


def _form(body: dict) -> dict:
    return {"bookData": json.dumps(body)}


def test_a_forged_cross_site_form_post_issues_nothing(client, intyg_body, issued):
    """The attack as a browser sends it: a form from another site, labelled as such."""
    response = client.post(CALL + "utfarda_intyg", data=_form(intyg_body),
                           headers={"Origin": ATTACKER, "Sec-Fetch-Site": "cross-site",
                                    "Sec-Fetch-Mode": "navigate", "Sec-Fetch-Dest": "iframe"})
    assert response.status_code == 403
    assert response.json()["detail"] == sameorigin.CROSS_SITE
    assert "annan webbplats" in response.json()["detail"]
    assert issued == []


@pytest.mark.parametrize("request_kwargs", [
    {"data": {"bookData": "{}"}},  # an older browser that sends neither Origin nor Sec-Fetch-*
    {"files": {"bookData": ("bok.json", b"{}")}},
    {"content": b"{}", "headers": {"Content-Type": "text/plain"}},
    {"content": b"{}", "headers": {}},  # fetch(url, {mode: "no-cors", body: new Blob([...])})
], ids=["urlencoded form", "multipart form", "text/plain", "no content type"])
def test_what_a_form_can_send_is_refused_even_without_origin_headers(client, intyg_body, issued,
                                                                     request_kwargs):
    if "data" in request_kwargs:
        request_kwargs = {"data": _form(intyg_body)}
    response = client.post(CALL + "utfarda_intyg", **request_kwargs)
    assert response.status_code == 403, response.text
    assert response.json()["detail"] == sameorigin.NOT_JSON
    assert issued == []


@pytest.mark.parametrize("headers", [
    {"Origin": ATTACKER},
    {"Origin": "null"},  # a sandboxed frame or a file:// page
    {"Origin": "http://testserver.angripare.example"},
    {"Sec-Fetch-Site": "cross-site"},
    {"Sec-Fetch-Site": "same-site"},  # a sibling host of the same site is still another origin
    {"Origin": "http://testserver", "Sec-Fetch-Site": "cross-site"},
], ids=["foreign origin", "null origin", "look-alike origin", "cross-site", "same-site",
        "own origin but cross-site fetch"])
def test_json_from_another_origin_is_refused(client, intyg_body, issued, headers):
    response = client.post(CALL + "utfarda_intyg", json=intyg_body, headers=headers)
    assert response.status_code == 403, response.text
    assert response.json()["detail"] == sameorigin.CROSS_SITE
    assert issued == []


@pytest.mark.parametrize("headers", [
    {},  # not a browser (a script, the command line's own tests)
    {"Origin": "http://testserver", "Sec-Fetch-Site": "same-origin"},  # the task pane
    {"Origin": "http://testserver:80"},
], ids=["no browser headers", "task pane", "default port spelled out"])
def test_the_task_panes_own_requests_still_run(client, intyg_body, issued, headers):
    response = client.post(CALL + "utfarda_intyg", json=intyg_body, headers=headers)
    assert response.status_code == 200, response.text
    assert issued == [1]


def test_behind_a_proxy_the_configured_host_name_is_the_servers_origin():
    """nginx may pass its upstream address as Host; XLWINGS_HOSTNAME names the public one."""
    middleware = sameorigin.SameOrigin(None, hostname="amanst.malmo.se")
    headers = {"host": "127.0.0.1:8000", "origin": "https://amanst.malmo.se",
               "sec-fetch-site": "same-origin", "content-type": "application/json"}
    assert sameorigin.refusal("POST", headers, middleware._own_hosts(headers, {}), []) is None
    headers["origin"] = "https://amanst.malmo.se.angripare.example"
    assert sameorigin.refusal("POST", headers, middleware._own_hosts(headers, {}), []) \
        == sameorigin.CROSS_SITE


def test_origins_it_allowed_may_post_but_never_a_wildcard():
    headers = {"host": "amanst.malmo.se", "origin": "https://excel.officescripts.example",
               "content-type": "application/json"}
    own = {"amanst.malmo.se"}
    assert sameorigin.refusal("POST", headers, own, ["https://excel.officescripts.example"]) is None
    assert sameorigin.SameOrigin(None, allowed_origins=["*"]).allowed_origins == []


def test_reading_is_never_refused_office_on_the_web_loads_the_pane_cross_site(client):
    """Excel on the web frames the task pane from its own site: those GETs are cross-site."""
    headers = {"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Dest": "iframe"}
    assert client.get("/taskpane.html", headers=headers).status_code == 200
    assert client.get("/manifest.xml", headers=headers).status_code == 200


def test_the_refusal_comes_before_the_body_limit_and_sign_in(client, monkeypatch):
    monkeypatch.setattr(settings, "auth_providers", ["custom"])
    monkeypatch.setattr(settings, "environment", "prod")
    response = client.post(CALL + "utfarda_intyg", content=b"x" * 100,
                           headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert response.status_code == 403


# --- the attack in a real browser ---------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(port: int, proc: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"amanst serve stopped: {proc.communicate()[0]}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise AssertionError("amanst serve did not start")


def _attack_page(target: str, body: dict) -> bytes:
    """The attacker's page: as soon as it loads, it posts the workbook twice, as a hidden form and
    as a ``no-cors`` fetch of an untyped Blob (no Content-Type, so the browser asks nothing)."""
    book = json.dumps(body)
    data = book.replace("</", "<\\/")
    value = html.escape(book, quote=True)
    return (f'<!doctype html><html><body><iframe name="sink"></iframe>'
            f'<form id="f" method="post" target="sink" action="{target}">'
            f'<input type="hidden" name="bookData" value="{value}"></form>'
            f'<script type="application/json" id="book">{data}</script>'
            f'<script>document.getElementById("f").submit();'
            f'fetch("{target}", {{method: "POST", mode: "no-cors", body: new Blob('
            f'[document.getElementById("book").textContent])}});</script></body></html>').encode()


@pytest.mark.slow
@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Chromium is not installed")
def test_chromium_posting_the_form_from_another_site_issues_nothing(tmp_path, intyg_body):
    port = _free_port()
    env = {**amanst_settings.xlwings_environment(resources.SERVER_DIR),
           "XLWINGS_ENVIRONMENT": "dev", "XLWINGS_AUTH_PROVIDERS": "[]",
           "AMANST_STATE_DIR": str(tmp_path / "state"), "AMANST_LOG_DIR": str(tmp_path),
           "AMANST_REGISTER": str(tmp_path / "register.sqlite3"), "AMANST_CERT_PDF": "0",
           "DOTENV_PATH": str(tmp_path / "no.env"), "PYTHONUNBUFFERED": "1"}
    env.pop("AMANST_REGISTER_URL", None)
    server = subprocess.Popen([sys.executable, "-m", "addin", "serve", "--port", str(port)],
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    page = _attack_page(f"http://127.0.0.1:{port}{CALL}utfarda_intyg", intyg_body)

    class Attacker(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, *args: object) -> None:
            pass

    attacker = ThreadingHTTPServer(("127.0.0.1", 0), Attacker)
    threading.Thread(target=attacker.serve_forever, daemon=True).start()
    try:
        _wait_for(port, server)
        # "localhost" and "127.0.0.1" are different sites to the browser
        subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                        "--disable-background-networking", "--virtual-time-budget=10000",
                        f"--user-data-dir={tmp_path / 'chromium'}", "--dump-dom",
                        f"http://localhost:{attacker.server_port}/"],
                       capture_output=True, timeout=120, check=False)
    finally:
        attacker.shutdown()
        server.terminate()
        log, _ = server.communicate(timeout=30)
    refused = [line for line in log.splitlines()
               if f"Nekad: POST {CALL}utfarda_intyg" in line and "'cross-site'" in line]
    assert len(refused) == 2, log[-3000:]  # the form and the fetch, labelled by Chromium
    assert log.count(f"POST {CALL}utfarda_intyg HTTP/1.1\" 403") == 2
    issued = list((tmp_path / "state").rglob("*.docx"))
    assert issued == [], issued
