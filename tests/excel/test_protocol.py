"""The task pane's protocol over HTTP: the workbook gzip-compressed, unpacked only after sign-in
and only up to ``AMANST_MAX_BOOK_BYTES``; the run's id in ``X-Amanst-Korning``; and the client's
report (``POST /amanst/korning/<id>``) that turns a waiting run into done or failed, for the
signed-in user's own runs only."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import openpyxl
import pytest

from .conftest import EXAMPLE
from .officejs_client import payload
from .test_server import CALL, include_of

RUN_ID = "0f8fad5b-d9cb-469f-a165-70867728950e"


@pytest.fixture(autouse=True)
def own_state(tmp_path, monkeypatch):
    monkeypatch.setenv("AMANST_STATE_DIR", str(tmp_path / "state"))


def body(script: str = "sammanstall") -> bytes:
    wb = openpyxl.load_workbook(EXAMPLE)
    return json.dumps(payload(Path("exempel.xlsx"), include_of(script), workbook=wb)).encode()


def send(client, data: bytes, encoding: str | None = "gzip", run_id: str | None = RUN_ID,
         script: str = "sammanstall"):
    headers = {"Content-Type": "application/json"}
    if encoding:
        headers["Content-Encoding"] = encoding
    if run_id:
        headers["X-Amanst-Korning"] = run_id
    return client.post(CALL + script, content=data, headers=headers)


def latest(client):
    return client.get("/amanst/senaste").json()["korningar"][0]


def test_a_gzip_workbook_is_read_and_the_run_waits_for_excel(client):
    raw = body()
    response = send(client, gzip.compress(raw))
    assert response.status_code == 200, response.text
    assert len(gzip.compress(raw)) < len(raw) / 4
    run = latest(client)
    assert run["status"] == "vantar" and run["knapp"] == "Sammanställ"

    ok = client.post(f"/amanst/korning/{RUN_ID}", json={"ok": True})
    assert ok.status_code == 200, ok.text
    assert latest(client)["status"] == "klar"
    # Reported once: a second report finds nothing waiting.
    assert client.post(f"/amanst/korning/{RUN_ID}", json={"ok": False, "fel": "x"}).status_code == 404


def test_a_failed_report_says_why_and_keeps_the_servers_summary(client):
    assert send(client, gzip.compress(body())).status_code == 200
    report = {"ok": False, "fel": "Excel redigerar en cell. Tryck Enter eller Esc och klicka igen."}
    assert client.post(f"/amanst/korning/{RUN_ID}", json=report).status_code == 200
    run = latest(client)
    assert run["status"] == "fel" and run["ok"] is False
    assert run["sammanfattning"].startswith("Excel kunde inte göra ändringarna: Excel redigerar")
    assert "Sammanställ 20" in run["sammanfattning"]


def test_without_an_id_a_run_is_done_at_once(client):
    assert send(client, body(), encoding=None, run_id=None).status_code == 200
    assert latest(client)["status"] == "klar"


def test_a_compressed_bomb_is_refused_before_it_is_parsed(client, monkeypatch):
    monkeypatch.setenv("AMANST_MAX_BOOK_BYTES", "1000000")
    bomb = gzip.compress(b"[" + b"0," * 2_000_000 + b"0]")
    assert len(bomb) < 20_000
    response = send(client, bomb)
    assert response.status_code == 413 and "för stor" in response.json()["detail"]


def test_packed_sheets_are_held_to_the_cells_the_book_limit_holds_unpacked(client, monkeypatch):
    # packed.BYTES_PER_CELL: 20 bytes of xlwings' JSON a cell, so 1 MB is 50,000 cells
    monkeypatch.setenv("AMANST_MAX_BOOK_BYTES", "1000000")
    sheet = {"name": "Platser", "values": [[]], "pictures": [], "tables": [],
             "amanst_packed": {"width": 10, "distinct": ["x"], "index": [0] * 50_010}}
    book = {**json.loads(body()), "sheets": [sheet]}
    raw = json.dumps(book).encode()
    assert len(raw) < 200_000  # a fifth of the limit as JSON, but more cells than it holds
    response = send(client, gzip.compress(raw))
    assert response.status_code == 413
    assert response.json()["detail"].startswith("Arbetsboken är för stor (mer än 50\u00a0000 "
                                                "celler).")
    sheet["amanst_packed"]["index"] = [0] * 49_980  # within it: read, and found lacking sheets
    response = send(client, gzip.compress(json.dumps(book).encode()))
    assert response.text.startswith("Arbetsboken följer inte mallen. Det saknas")


@pytest.mark.parametrize("data, encoding", [(b"not gzip at all", "gzip"),
                                            (gzip.compress(b"{}")[:-6], "gzip"),
                                            (b"{}", "br")])
def test_broken_or_unknown_encodings_are_400(client, data, encoding):
    response = send(client, data, encoding=encoding)
    assert response.status_code == 400
    assert response.json()["detail"].startswith("Förfrågan")


@pytest.mark.parametrize("run_id, report, status", [
    ("../../etc", {"ok": True}, 404),
    (RUN_ID, {"ok": "ja"}, 400),
    (RUN_ID, {"ok": False, "fel": 3}, 400),
    (RUN_ID, ["ok"], 400),
    ("1234567890abcdef", {"ok": True}, 404),  # no such waiting run of this user
])
def test_malformed_reports_are_refused(client, run_id, report, status):
    assert send(client, gzip.compress(body())).status_code == 200
    response = client.post(f"/amanst/korning/{run_id}", json=report)
    assert response.status_code == status
    assert latest(client)["status"] == "vantar"
