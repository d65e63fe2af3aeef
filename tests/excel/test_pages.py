"""The server's pages: the task pane's Content-Security-Policy and headers, and the start page.

Office on the web shows the task pane in an iframe of its own page ("Privacy and security for
Office Add-ins", "Prevent clickjacking"), so the pane must allow Microsoft's Office hosts as frame
ancestors, and only them; ``X-Frame-Options: DENY`` would break it there.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from xlwings_server.config import settings

from addin import resources
from addin.excel import pageheaders, startpage

CHROMIUM = "/usr/bin/chromium"


def directives(policy: str) -> dict[str, list[str]]:
    parsed = {}
    for part in policy.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


def test_the_task_pane_sends_a_content_security_policy(client):
    response = client.get("/taskpane.html")
    csp = directives(response.headers["content-security-policy"])
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'"]  # no inline script, no eval
    assert csp["object-src"] == ["'none'"] and csp["base-uri"] == ["'self'"]
    assert csp["connect-src"] == ["'self'"] and csp["form-action"] == ["'self'"]
    ancestors = csp["frame-ancestors"]
    assert ancestors[0] == "'self'" and "https://*.officeapps.live.com" in ancestors
    assert "https://*.sharepoint.com" in ancestors and "https://*.cloud.microsoft" in ancestors
    assert "*" not in ancestors and "'none'" not in ancestors
    assert "x-frame-options" not in response.headers
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"


def test_json_gets_the_safe_headers_but_no_page_policy(client):
    response = client.get("/amanst/senaste")
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "content-security-policy" not in response.headers


def test_it_may_set_its_own_policy(client, monkeypatch):
    own = {"Content-Security-Policy": "default-src 'self'"}
    monkeypatch.setattr(settings, "custom_headers", own)  # XLWINGS_CUSTOM_HEADERS
    assert client.get("/taskpane.html").headers["content-security-policy"] == "default-src 'self'"


def test_the_frame_ancestors_come_from_the_setting_and_the_cdn_is_opt_in():
    policy = directives(pageheaders.content_security_policy(["https://oos.malmo.se"]))
    assert policy["frame-ancestors"] == ["'self'", "https://oos.malmo.se"]
    cdn = directives(pageheaders.content_security_policy([], cdn_officejs=True))
    assert cdn["script-src"] == ["'self'", pageheaders.OFFICE_CDN]


def test_the_start_page_says_what_the_server_is_in_swedish(client):
    response = client.get("/")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    page = response.text
    assert "servern för Malmö stads Excel-tillägg" in page and 'lang="sv"' in page
    assert 'href="/manifest.xml"' in page and "ExcelApi 1.9" in page
    assert "content-security-policy" in response.headers
    assert client.head("/").status_code == 200  # a health check on / keeps working
    docs = resources.docs_dir()
    for name in startpage.IT_DOCS:
        assert f'href="/amanst/dokumentation/{name}"' in page
        doc = client.get(f"/amanst/dokumentation/{name}")
        assert doc.status_code == 200 and doc.headers["content-type"].startswith("text/markdown")
        assert doc.text == (docs / name).read_text(encoding="utf-8")


@pytest.mark.parametrize("path", ["/amanst/dokumentation/kompetensintyg.docx",
                                  "/amanst/dokumentation/../settings.py",
                                  "/amanst/dokumentation/%2e%2e/README.md",
                                  "/amanst/dokumentation/"])
def test_only_its_documents_are_served(client, path):
    assert client.get(path).status_code == 404


# --- in a real browser ------------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(port: int, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise AssertionError(f"amanst serve did not start: {proc.communicate()[0]}")


@pytest.mark.slow
@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Chromium is not installed")
def test_chromium_loads_the_task_pane_and_start_page_without_a_policy_violation(tmp_path):
    """``amanst serve`` as a developer starts it (no XLWINGS_* set): our task pane, whole."""
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith(("XLWINGS_", "AMANST_"))}
    env.update(AMANST_STATE_DIR=str(tmp_path / "state"), DOTENV_PATH=str(tmp_path / "no.env"))
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "addin", "serve", "--port", str(port)],
                              env=env, cwd=tmp_path, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True)
    try:
        _wait(port, server)
        pages = {}
        for path in ("/taskpane.html", "/"):
            done = subprocess.run(
                [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--enable-logging=stderr", "--v=0",
                 "--virtual-time-budget=5000", f"--user-data-dir={tmp_path / 'chromium'}",
                 "--dump-dom", f"http://127.0.0.1:{port}{path}"],
                capture_output=True, text=True, timeout=120, check=False)
            violations = [line for line in done.stderr.splitlines()
                          if "Content Security Policy" in line or "Refused to" in line]
            assert violations == [], (path, violations)
            pages[path] = done.stdout
    finally:
        server.terminate()
        server.communicate(timeout=30)
    assert 'data-amanst-script="kontrollera"' in pages["/taskpane.html"]
    assert "servern för Malmö stads Excel-tillägg" in pages["/"]
