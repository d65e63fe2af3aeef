"""Utfärda intyg and Skicka till styrgruppen over HTTP, with the Office.js client's payload of
workbooks/exempel.xlsx: what is issued, what the returned actions write (replayed on the test
double), idempotence under ten simultaneous clicks, downloads for their owner only, e-mail to a
local SMTP server and the draft path, and the roles."""

from __future__ import annotations

import importlib
import socket
import threading
from dataclasses import dataclass, field
from datetime import date, datetime
from email import message_from_bytes, policy
from pathlib import Path

import openpyxl
import pytest
from aiosmtpd.controller import Controller
from xlwings_server.config import settings

from addin import settings as amanst_settings
from addin.core import schema
from addin.certificates import SqliteStore, plan
from addin.excel import desktop, files, roles
from addin.excel.scripts import SCRIPTS
from addin.operations import read_register

from .conftest import EXAMPLE
from .officejs_client import apply, payload
from .test_server import post, sheet_writes
from tests import example_facts as facts

ISSUE = "utfarda_intyg"
SEND = "skicka_till_styrgruppen"


@pytest.fixture(autouse=True)
def own_state(tmp_path, monkeypatch):
    """Each test its own register database, certificate folder and state folder."""
    monkeypatch.setenv("AMANST_REGISTER", str(tmp_path / "intygsregister.sqlite3"))
    monkeypatch.delenv("AMANST_REGISTER_URL", raising=False)
    monkeypatch.setenv("AMANST_CERT_DIR", str(tmp_path / "intyg"))
    monkeypatch.setenv("AMANST_STATE_DIR", str(tmp_path / "state"))
    return tmp_path


@pytest.fixture(scope="module")
def expected():
    """What the certificates package says the example should get (tests/example_facts.py)."""
    p = plan(read_register(EXAMPLE), date.today())  # what the button issues today
    return {c.plats_id for c in p.candidates}, {i.plats_id: i.reason for i in p.ineligible}


@pytest.fixture()
def example():
    return openpyxl.load_workbook(EXAMPLE)


def last_run(client, headers=None):
    return client.get("/amanst/senaste", headers=headers or {}).json()["korningar"][0]


def live_entries():
    with SqliteStore(amanst_settings.load().register_location()) as store:
        return [e for e in store.entries("ASF") if e.status == schema.CERT_GILTIGT]


def register_rows(wb):
    ws = wb[schema.INTYGSREGISTER]
    headers = [c.value for c in ws[1]]
    return [dict(zip(headers, (c.value for c in row))) for row in ws.iter_rows(min_row=2)
            if any(c.value not in (None, "") for c in row)]


# --- Utfärda intyg ----------------------------------------------------------------------------

@pytest.fixture(params=["in process", "workers"])
def rendering(request, monkeypatch):
    """The certificates rendered in the server's process, or (as for a run of 200 or more) by
    worker processes the request's thread starts."""
    if request.param == "workers":
        from addin.certificates import parallel_render

        monkeypatch.setattr(parallel_render, "PARALLEL_FROM", 1)
        monkeypatch.setattr(parallel_render, "CHUNK", 4)
        monkeypatch.setattr(parallel_render, "cores", lambda: 2)
    return request.param


def test_utfarda_intyg_issues_the_eligible_and_writes_intygsregister(client, example, expected,
                                                                     own_state, rendering):
    eligible, ineligible = expected
    assert len(eligible) == facts.ELIGIBLE and len(ineligible) == facts.INELIGIBLE
    assert set(facts.BLOCKED_BY_FEL) <= set(ineligible)
    response = post(client, ISSUE, example)
    assert response.status_code == 200, response.text
    acts = response.json()["actions"]
    apply(acts, example)

    entries = live_entries()
    assert {e.plats_id for e in entries} == eligible
    assert all(e.issuer == "Utvecklare (ingen inloggning)" for e in entries)
    rows = register_rows(example)
    assert [r["Intygsnummer"] for r in rows] == [e.number for e in entries]
    assert {r["PlatsID"] for r in rows} == eligible
    assert all(r["Status"] == schema.CERT_GILTIGT and r["Fil"] == f"{r['Intygsnummer']}.docx"
               for r in rows)
    table = example[schema.INTYGSREGISTER].tables[schema.REGISTER_SHEET.table]
    assert table.ref == f"A1:H{len(rows) + 1}"
    # the sheet is written in one block, whatever the number of certificates
    assert len(sheet_writes(acts, openpyxl.load_workbook(EXAMPLE), schema.INTYGSREGISTER)) == 1
    folder = own_state / "intyg"
    assert sorted(p.name for p in folder.glob("*.docx")) == sorted(f"{e.number}.docx"
                                                                   for e in entries)

    run = last_run(client)
    assert run["ok"] and run["sammanfattning"].startswith(
        f"Utfärda intyg: {facts.ELIGIBLE} nya intyg, {facts.INELIGIBLE} kunde inte få intyg.")
    assert next(iter(ineligible.values())) in run["sammanfattning"]
    assert "bara Word-filer" in run["sammanfattning"]  # AMANST_CERT_PDF=0 says so
    assert len(run["lankar"]) == facts.ELIGIBLE
    assert run["lankar"][0]["url"] == f"/amanst/intyg/{entries[0].number}.docx"


def test_a_second_click_issues_nothing_and_writes_nothing(client, example, expected):
    apply(post(client, ISSUE, example).json()["actions"], example)
    before = {e.number for e in live_entries()}
    response = post(client, ISSUE, example)
    assert response.status_code == 200, response.text
    acts = response.json()["actions"]
    assert sheet_writes(acts, example, schema.INTYGSREGISTER) == []
    assert {e.number for e in live_entries()} == before
    assert last_run(client)["sammanfattning"].startswith(
        f"Utfärda intyg: 0 nya intyg, {facts.ELIGIBLE} hade redan ett giltigt intyg, "
        f"{facts.INELIGIBLE} kunde inte få intyg.")


def test_a_sheet_that_missed_a_run_catches_up_and_status_changes_are_written(client, example):
    first = post(client, ISSUE, example).json()["actions"]
    apply(first, example)  # the Excel that clicked
    stale = openpyxl.load_workbook(EXAMPLE)  # a copy that never got the rows
    response = post(client, ISSUE, stale)
    apply(response.json()["actions"], stale)
    assert [r["Intygsnummer"] for r in register_rows(stale)] == \
        [r["Intygsnummer"] for r in register_rows(example)]

    revoked = live_entries()[3].number
    with SqliteStore(amanst_settings.load().register_location()) as store:
        store.revoke(revoked, "Fel uppgifter", datetime.now())
    acts = post(client, ISSUE, example).json()["actions"]
    writes = sheet_writes(acts, example, schema.INTYGSREGISTER)
    assert len(writes) == 1 and writes[0]["values"] == [[schema.CERT_ATERKALLAT]]
    apply(acts, example)
    status = {r["Intygsnummer"]: r["Status"] for r in register_rows(example)}
    assert status[revoked] == schema.CERT_ATERKALLAT
    assert sum(s == schema.CERT_GILTIGT for s in status.values()) == facts.ELIGIBLE - 1


def test_ten_simultaneous_clicks_issue_each_certificate_once(client, expected, own_state,
                                                            rendering):
    body = payload(EXAMPLE, SCRIPTS[ISSUE].__xlscript__["include"])
    start = threading.Barrier(10)
    statuses: list[int] = []

    def click():
        start.wait()
        statuses.append(client.post("/xlwings/custom-scripts-call/" + ISSUE, json=body)
                        .status_code)

    threads = [threading.Thread(target=click) for _ in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert statuses == [200] * 10
    entries = live_entries()
    assert len(entries) == len(expected[0]) == len({e.plats_id for e in entries})
    with SqliteStore(amanst_settings.load().register_location()) as store:
        assert len(store.entries("ASF")) == facts.ELIGIBLE  # no number claimed and voided twice
    assert len(list((own_state / "intyg").glob("*.docx"))) == facts.ELIGIBLE
    runs = client.get("/amanst/senaste").json()["korningar"]
    issued = [int(r["sammanfattning"].split(": ")[1].split(" ")[0]) for r in runs]
    assert sum(issued) == facts.ELIGIBLE


def test_a_missing_prefix_is_a_swedish_message_and_nothing_is_issued(client, example):
    ws = example[schema.INSTALLNINGAR]
    for row in ws.iter_rows():
        if row[0].value == schema.S_PREFIX:
            row[1].value = None
    response = post(client, ISSUE, example)
    assert response.status_code == 400
    assert "Intygsprefix saknas" in response.text and "Traceback" not in response.text
    assert live_entries() == []


def test_pdfs_are_made_when_libreoffice_is_present(client, own_state, monkeypatch, expected):
    """One placement, so one PDF: the example with every other finished placement ongoing."""
    monkeypatch.setenv("AMANST_CERT_PDF", "1")
    wb = openpyxl.load_workbook(EXAMPLE)
    ws = wb[schema.PLATSER]
    headers = [c.value for c in ws[1]]
    status_col = headers.index("Status")
    kept = None
    for row in ws.iter_rows(min_row=2):
        if row[status_col].value == schema.STATUS_AVSLUTAD:
            if kept is None and row[0].value in expected[0]:
                kept = row[0].value
            else:
                row[status_col].value = schema.STATUS_AVBRUTEN
    response = post(client, ISSUE, wb)
    assert response.status_code == 200, response.text
    (entry,) = live_entries()
    assert entry.plats_id == kept and set(entry.files) == {"docx", "pdf"}
    pdf = own_state / "intyg" / f"{entry.number}.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")
    links = last_run(client)["lankar"]
    assert [link["url"].rsplit("/", 1)[1] for link in links] == [pdf.name, f"{entry.number}.docx"]
    got = client.get(links[0]["url"])
    assert got.status_code == 200 and got.content == pdf.read_bytes()
    assert got.headers["content-type"] == "application/pdf"


# --- downloads --------------------------------------------------------------------------------

@pytest.fixture()
def signed_in(monkeypatch):
    """The server's test ("custom") auth provider; a test double gives the token's user an id
    and roles: ``test-token|role1,role2|user`` (as in test_security, plus the user)."""
    monkeypatch.setattr(settings, "auth_providers", ["custom"])
    monkeypatch.setattr(settings, "environment", "prod")
    # production: the buttons, like the server, take the verification address from the setting
    monkeypatch.setenv("AMANST_VERIFICATION_ADDRESS", "https://intyg.malmo.se/verifiera")
    custom = importlib.import_module("xlwings_server.auth.custom")
    original = custom.validate_token

    async def validate_token(token_string: str):
        token, _, rest = token_string.partition("|")
        granted, _, user_id = rest.partition("|")
        user = await original(token)
        update = {"roles": [r for r in granted.split(",") if r]}
        if user_id:
            update.update(id=user_id, name=f"Handläggare {user_id}")
        return user.model_copy(update=update)

    monkeypatch.setattr(custom, "validate_token", validate_token)


def token(user: str, *granted: str) -> dict[str, str]:
    return {"Authorization": f"test-token|{','.join(granted)}|{user}"}


def test_a_certificate_is_served_to_its_issuer_only(client, example, signed_in, own_state):
    anna = token("anna", roles.INTYGSUTFARDARE)
    response = post(client, ISSUE, example, headers=anna)
    assert response.status_code == 200, response.text
    entry = live_entries()[0]
    assert entry.issuer == "Handläggare anna"
    url = last_run(client, anna)["lankar"][0]["url"]
    assert url == f"/amanst/intyg/{entry.number}.docx"

    got = client.get(url, headers=anna)
    assert got.status_code == 200
    assert got.content == (own_state / "intyg" / f"{entry.number}.docx").read_bytes()
    assert entry.number in got.headers["content-disposition"]
    # another issuer, a user without the role, nobody
    assert client.get(url, headers=token("bertil", roles.INTYGSUTFARDARE)).status_code == 404
    assert client.get(url, headers=token("anna", roles.HANDLAGGARE)).status_code == 403
    assert client.get(url).status_code == 401
    # the task pane of another user shows none of anna's links
    assert client.get("/amanst/senaste", headers=token("bertil")).json()["korningar"] == []


def test_a_certificate_from_the_command_line_has_no_owner_and_is_not_served(client, own_state):
    folder = own_state / "intyg"
    folder.mkdir()
    (folder / "ASF-2031-00001.docx").write_bytes(b"PK")
    assert client.get("/amanst/intyg/ASF-2031-00001.docx").status_code == 404


def tricks(number: str) -> list[str]:
    """Requests that must never reach a certificate file, built around a real ``number``."""
    prefix, year, seq = number.split("-")
    return ["..%2F..%2Fetc%2Fpasswd", "%2E%2E%2Fintygsregister.sqlite3", f"{number}.docx%00.pdf",
            ".utfardare", f".utfardare%2F{number}", f"{number.lower()}.docx", f"{number}.DOCX",
            f"{number}.docx.", number, f"{number}.xlsx", f"{prefix}-{year}-{int(seq)}.docx",
            f"{number}.docx%2F..", "%2Fetc%2Fpasswd", "..", "link.docx", f"{number}.docx%20",
            f"%20{number}.docx"]


def test_path_tricks_are_not_found(client, example, own_state):
    apply(post(client, ISSUE, example).json()["actions"], example)
    # the server numbers with the year of the day it runs: take the number it gave, never a year
    number = live_entries()[0].number
    assert client.get(f"/amanst/intyg/{number}.docx").status_code == 200  # the real one
    for name in tricks(number):
        response = client.get(f"/amanst/intyg/{name}")
        assert response.status_code == 404, (name, response.status_code)
        assert "root:" not in response.text and "PK" not in response.text[:2]


def test_a_symlink_with_a_certificate_name_is_not_followed(client, example, own_state):
    apply(post(client, ISSUE, example).json()["actions"], example)
    number = live_entries()[0].number
    folder = own_state / "intyg"
    (folder / f"{number}.docx").unlink()
    secret = own_state / "hemlig.txt"
    secret.write_text("hemligt")
    (folder / f"{number}.docx").symlink_to(secret)
    assert client.get(f"/amanst/intyg/{number}.docx").status_code == 404
    assert files.certificate_file("../hemlig.txt", "utvecklare", folder) is None


# --- Skicka till styrgruppen ------------------------------------------------------------------

@dataclass
class Received:
    envelopes: list = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        self.envelopes.append(envelope)
        return "250 OK"


@pytest.fixture()
def smtp(monkeypatch):
    """A local relay on 127.0.0.1 (as in tests/steering), configured for the server."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    received = Received()
    controller = Controller(received, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setenv("AMANST_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("AMANST_SMTP_PORT", str(port))
    monkeypatch.setenv("AMANST_SMTP_STARTTLS", "0")
    try:
        yield received
    finally:
        controller.stop()


def participant_texts() -> set[str]:
    register = read_register(EXAMPLE)
    texts = set()
    for p in register.participants:
        texts |= {p.fornamn, p.efternamn, p.deltagar_id} - {""}
    return {t for t in texts if len(t) > 3}


def test_skicka_sends_to_the_steering_group(client, example, smtp):
    response = post(client, SEND, example)
    assert response.status_code == 200, response.text
    assert response.json()["actions"] == []  # the workbook is not changed
    (envelope,) = smtp.envelopes
    assert sorted(envelope.rcpt_tos) == ["samordnare@example.org", "styrgrupp@example.org"]
    msg = message_from_bytes(envelope.content, policy=policy.default)
    (attachment,) = list(msg.iter_attachments())
    assert attachment.get_filename().endswith(".xlsx")
    run = last_run(client)
    summary = run["sammanfattning"]
    assert summary.startswith("Skicka till styrgruppen: sammanställningen för 2026-01-01 – "
                              "2026-12-31 skickades till 2 mottagare")
    assert "Platser: 801 (mål 605)" in summary and "@" not in summary and run["lankar"] == []
    assert "Preliminär: underlaget har 8 fel och 1 varning." in summary
    text = envelope.content.decode("utf-8", "replace") + summary
    assert not {t for t in participant_texts() if t in text}


def test_skicka_without_smtp_saves_a_draft_for_the_user_only(client, example, signed_in):
    cecilia = token("cecilia", roles.SAMORDNARE)
    response = post(client, SEND, example, headers=cecilia)
    assert response.status_code == 200, response.text
    run = last_run(client, cecilia)
    assert "sparades som ett utkast till 2 mottagare" in run["sammanfattning"]
    (link,) = run["lankar"]
    got = client.get(link["url"], headers=cecilia)
    assert got.status_code == 200 and got.headers["content-type"].startswith("message/rfc822")
    draft = message_from_bytes(got.content, policy=policy.default)
    assert draft["X-Unsent"] == "1" and "styrgrupp@example.org" in draft["To"]
    assert client.get(link["url"], headers=token("david", roles.SAMORDNARE)).status_code == 404
    assert client.get(link["url"], headers=token("cecilia", roles.HANDLAGGARE)).status_code == 403
    name = link["url"].rsplit("/", 1)[1]
    for trick in ["..%2F" + name, name + "%00", name.replace(".eml", ".EML"), "styrgrupp.eml"]:
        assert client.get(f"/amanst/utkast/{trick}", headers=cecilia).status_code == 404


def test_an_unreachable_mail_server_is_a_swedish_message(client, example, monkeypatch):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens here once the socket is closed
    monkeypatch.setenv("AMANST_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("AMANST_SMTP_PORT", str(port))
    monkeypatch.setenv("AMANST_SMTP_STARTTLS", "0")
    response = post(client, SEND, example)
    assert response.status_code == 400
    assert "kunde inte nås" in response.text and "Traceback" not in response.text


def test_skicka_reads_what_kontrollera_reads_and_no_more():
    """The summary states the register's Fel and counts by kön, so the button reads the sheets
    Kontrollera reads (to the city's own server, kept nowhere); what it sends out holds no
    participant data (test_skicka_sends_to_the_steering_group)."""
    include = set(SCRIPTS[SEND].__xlscript__["include"])
    assert include <= set(SCRIPTS["kontrollera"].__xlscript__["include"])
    assert schema.DELTAGARE in include and schema.INTYGSREGISTER not in include


# --- roles and the desktop --------------------------------------------------------------------

@pytest.mark.parametrize("script, wrong, right", [
    (ISSUE, roles.HANDLAGGARE, roles.INTYGSUTFARDARE),
    (SEND, roles.INTYGSUTFARDARE, roles.SAMORDNARE),
])
def test_each_button_needs_its_role(client, example, signed_in, script, wrong, right):
    refused = post(client, script, example, headers=token("erik", wrong, roles.HANDLAGGARE))
    assert refused.status_code == 403 and "behörighet" in refused.json()["detail"]
    assert live_entries() == []
    assert post(client, script, example, headers=token("erik", right)).status_code == 200


def test_in_production_the_button_needs_the_address_setting(client, example, signed_in,
                                                            monkeypatch):
    """A server in xlwings' prod environment is in production: the workbook's (example)
    verification address does not count, and nothing is issued."""
    monkeypatch.delenv("AMANST_VERIFICATION_ADDRESS")
    refused = post(client, ISSUE, example, headers=token("erik", roles.INTYGSUTFARDARE))
    assert refused.status_code == 400
    assert "verification_address (AMANST_VERIFICATION_ADDRESS)" in refused.text
    assert live_entries() == []


def test_desktop_entry_points(tmp_path, monkeypatch, example):
    import xlwings as xw

    monkeypatch.chdir(tmp_path)  # the remote test book has no folder: beside it is here
    book = xw.Book(json=payload(Path("exempel.xlsx"), SCRIPTS[ISSUE].__xlscript__["include"],
                                workbook=example))
    message = desktop.utfarda_intyg(book)
    assert message.startswith(f"Utfärda intyg: {facts.ELIGIBLE} nya intyg")
    assert "addTable" in [a["func"] for a in book.json()["actions"]]
    book = xw.Book(json=payload(Path("exempel.xlsx"), SCRIPTS[SEND].__xlscript__["include"],
                                workbook=example))
    message = desktop.skicka_till_styrgruppen(book)
    assert "sparades som ett utkast" in message
    (draft,) = tmp_path.glob("styrgrupp-*.eml")
    assert str(draft.parent.resolve()) in message
