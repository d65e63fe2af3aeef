"""The served task pane in headless Chromium with the Excel stand-in: shared by the browser tests
(``conftest``) and the benchmark (``bench/bench_excel_web.py``).

``start_server`` runs ``amanst serve`` in a subprocess on a free loopback port with its own state
folder (development sign-in, no SMTP, Word certificates only). ``open_pane`` opens the task pane on
a fresh page in which the request for Microsoft's office.js is answered with ``excel_standin.js``
and the stand-in's workbook with a model file (``workbook_model``).
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "workbooks" / "exempel.xlsx"
STANDIN = Path(__file__).with_name("excel_standin.js")
CHROMIUM = os.environ.get("AMANST_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
NOW = "2026-11-27T10:00:00"  # the stand-in's "today" (Excel's clock), fixed


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    url: str
    state: Path
    process: subprocess.Popen
    log: Path

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


@contextmanager
def start_server(extra_env: dict[str, str] | None = None) -> Iterator[Server]:
    state = Path(tempfile.mkdtemp(prefix="amanst-browser-"))
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AMANST_SMTP_", "XLWINGS_"))}
    env.update({"AMANST_STATE_DIR": str(state), "AMANST_LOG_DIR": str(state),
                "AMANST_REGISTER": str(state / "intygsregister.sqlite3"),
                "AMANST_CERT_DIR": str(state / "intyg"), "AMANST_CERT_PDF": "0",
                "AMANST_INTYGSPREFIX": "ASF",  # the example workbook's Intygsprefix
                "DOTENV_PATH": str(state / "no.env"), "XLWINGS_ENABLE_SOCKETIO": "false"})
    env.pop("AMANST_REGISTER_URL", None)
    env.update(extra_env or {})
    log = state / "server.log"
    with open(log, "wb") as out:
        process = subprocess.Popen([sys.executable, "-m", "addin", "serve", "--port", str(port)],
                                   cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(url + "/taskpane.html", timeout=2).read()
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError("amanst serve startade inte:\n" + log.read_text()) from None
            time.sleep(0.2)
    try:
        yield Server(url, state, process, log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        shutil.rmtree(state, ignore_errors=True)


@dataclass
class Pane:
    """The task pane in Excel (the stand-in), and what a test does with it."""

    page: Any
    server: Server
    console: list[str] = field(default_factory=list)

    def click(self, label: str, timeout: float = 120_000) -> None:
        """Click a task pane button and wait until it is enabled again (the run is over)."""
        button = self.page.get_by_role("button", name=label, exact=True)
        button.click()
        self.page.wait_for_function(
            "(label) => [...document.querySelectorAll('[data-amanst-script]')]"
            ".every((b) => !b.disabled)", arg=label, timeout=timeout)

    def ribbon(self, function_name: str, timeout: float = 120_000) -> None:
        self.page.evaluate("(name) => ExcelStandIn.clickRibbon(name)", function_name)

    def sheet(self, name: str, **kwargs: Any) -> dict[str, Any] | None:
        return self.page.evaluate("([n, o]) => ExcelStandIn.snapshot(n, o)", [name, kwargs])

    def sheet_names(self) -> list[str]:
        return self.page.evaluate("() => ExcelStandIn.sheetNames()")

    def stats(self) -> dict[str, Any]:
        return self.page.evaluate("() => ({...ExcelStandIn.stats, log: undefined})")

    def reset_stats(self) -> None:
        self.page.evaluate("() => ExcelStandIn.resetStats()")

    def type(self, sheet: str, address: str, value: Any) -> None:
        self.page.evaluate("([s, a, v]) => ExcelStandIn.type(s, a, v)", [sheet, address, value])

    def set_format(self, sheet: str, address: str, fmt: str) -> None:
        self.page.evaluate("([s, a, f]) => ExcelStandIn.setFormat(s, a, f)", [sheet, address, fmt])

    def error_text(self) -> str | None:
        """The red error bar's text, or None when it is hidden."""
        return self.page.evaluate(
            "() => { const e = document.querySelector('#global-error-alert');"
            " return e && !e.classList.contains('d-none') ? e.textContent.trim() : null; }")

    def runs(self) -> list[dict[str, str]]:
        """What "Senaste körningar" shows, newest first."""
        return self.page.evaluate(
            "() => [...document.querySelectorAll('#amanst-runs li[data-status]')].map((li) => ("
            "{status: li.dataset.status, knapp: li.querySelector('.run-button').textContent,"
            " text: li.querySelector('.run-summary').textContent}))")

    def wait_for_run(self, button: str, timeout: float = 30_000) -> dict[str, str]:
        self.page.wait_for_function(
            "(b) => { const li = document.querySelector('#amanst-runs li[data-status]');"
            " return li && li.querySelector('.run-button').textContent === b"
            " && li.dataset.status !== 'vantar'; }", arg=button, timeout=timeout)
        return self.runs()[0]


def open_pane(context: Any, server: Server, model: Path, mode: str = "web", api: str = "1.18",
              page_path: str = "/taskpane.html") -> Pane:
    """The task pane on a new page of ``context``, over the stand-in holding ``model``."""
    page = context.new_page()
    pane = Pane(page, server)
    page.on("console", lambda m: pane.console.append(f"{m.type}: {m.text}"))
    page.on("pageerror", lambda e: pane.console.append(f"pageerror: {e}"))
    config = {"mode": mode, "api": api, "now": NOW, "workbookUrl": "/__standin__/workbook.json"}
    page.add_init_script(f"globalThis.__excelStandInConfig = {json.dumps(config)};")
    page.route("**/office-js/**/office.js",
               lambda route: route.fulfill(path=str(STANDIN), content_type="text/javascript"))
    page.route("**/__standin__/workbook.json",
               lambda route: route.fulfill(path=str(model), content_type="application/json"))
    page.goto(server.url + page_path)
    page.wait_for_function("() => globalThis.ExcelStandIn && globalThis.amanstReady === true",
                           timeout=30_000)
    page.evaluate("() => ExcelStandIn.ready")
    return pane


def launch(playwright: Any) -> Any:
    """Debian's Chromium, headless (Playwright downloads no browser here)."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
