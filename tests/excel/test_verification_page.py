"""The public verification page (issue 10): what the QR code opens, without sign-in.

It shows the status (Giltigt, Återkallat, Ersatt by which number), the holder's name, issue date,
employment period and issuer, in Swedish or English; says whether an uploaded file or a SHA-256
is the very file issued; answers an unknown number and a wrong code alike; limits each client and
each number; logs nothing personal; and sends a strict CSP with no external resource."""

from __future__ import annotations

import hashlib
import logging
import re
import shutil
from datetime import date

import pytest
from docx import Document
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from addin.certificates import workflow
from addin.certificates.backend import open_store
from addin.excel import verification_page
from addin.operations import read_register

from .conftest import EXAMPLE

TODAY = date(2026, 11, 27)


def _code(path) -> str:
    text = "\n".join(p.text for p in Document(str(path)).paragraphs)
    for table in Document(str(path)).tables:
        text += "\n".join(c.text for row in table.rows for c in row.cells)
    marker = "Verifieringskod " if "Verifieringskod " in text else "Verification code "
    return text.split(marker)[1].split()[0]


@pytest.fixture(scope="module")
def issued(tmp_path_factory):
    """The example's certificates in a register of their own; one revoked, one replaced."""
    base = tmp_path_factory.mktemp("verifiera")
    book = base / "register.xlsx"
    shutil.copy(EXAMPLE, book)
    db = str(base / "reg.sqlite3")
    certs = workflow.issue_workbook(book, base / "intyg", register=db, today=TODAY).result.issued
    workflow.revoke(certs[1].number, db, "fel")
    new = workflow.issue_workbook(book, base / "intyg", register=db, today=TODAY,
                                  reissue=certs[2].plats_id).result.issued[0]
    return db, certs, new


@pytest.fixture(autouse=True)
def page_register(issued, monkeypatch):
    monkeypatch.setenv("AMANST_REGISTER", issued[0])
    monkeypatch.delenv("AMANST_REGISTER_URL", raising=False)
    monkeypatch.setattr(verification_page, "_limiter", MovingWindowRateLimiter(MemoryStorage()))


def _participant(cert):
    register = read_register(EXAMPLE, TODAY)
    return next(p for p in register.participants if p.deltagar_id == cert.deltagar_id)


def test_the_qr_link_shows_status_holder_and_issuer_and_nothing_more(client, issued):
    _, certs, _ = issued
    cert = certs[0]
    r = client.get(f"/verifiera/{cert.number}?kod={_code(cert.docx)}")
    assert r.status_code == 200
    body = r.text
    person = _participant(cert)
    assert f"Kompetensintyg {cert.number}" in body and "Status:</strong> Giltigt." in body
    assert f"<dd>{person.fornamn} {person.efternamn}</dd>" in body
    assert "<dd>27 november 2026</dd>" in body
    assert "<dd>Malmö stad, Arbetsmarknads- och socialförvaltningen</dd>" in body
    assert person.personnummer not in body and person.personnummer.replace("-", "") not in body
    assert "födelse" not in body.lower() and "nivå" not in body.lower()
    assert r.headers["content-security-policy"].startswith("default-src 'none'; style-src 'self'")
    assert r.headers["referrer-policy"] == "no-referrer"
    assert "<script" not in body
    assert not re.search(r"""(src|href)="(https?:)?//""", body)  # nothing from elsewhere
    css = re.search(r'<link rel="stylesheet" href="([^"]+)"', body).group(1)
    assert client.get(css).status_code == 200


def test_english_revoked_and_replaced(client, issued):
    _, certs, new = issued
    r = client.get(f"/verifiera/{certs[0].number}?kod={_code(certs[0].docx)}&lang=en")
    assert '<html lang="en">' in r.text and "Status:</strong> Valid." in r.text
    assert "<dt>Holder</dt>" in r.text
    r = client.get(f"/verifiera/{certs[1].number}?kod={_code(certs[1].docx)}")
    assert "Status:</strong> Återkallat (" in r.text and "Intyget gäller inte." in r.text
    r = client.get(f"/verifiera/{certs[2].number}?kod={_code(certs[2].docx)}")
    assert f"Status:</strong> Ersatt av {new.number}." in r.text
    r = client.get(f"/verifiera?nummer={new.number}&kod={_code(new.docx)}")
    assert "Status:</strong> Giltigt." in r.text


def test_an_unknown_number_and_a_wrong_code_get_the_same_answer(client, issued):
    _, certs, _ = issued
    known, unknown = certs[0].number, "ASF-2026-99999"
    wrong = client.get(f"/verifiera/{known}?kod=AAAA-AAAA-AAAA")
    absent = client.get(f"/verifiera/{unknown}?kod=AAAA-AAAA-AAAA")
    assert wrong.status_code == absent.status_code == 200
    assert wrong.text.replace(known, "N") == absent.text.replace(unknown, "N")
    assert "kunde inte verifieras" in wrong.text
    assert dict(wrong.headers) | {"content-length": ""} == \
        dict(absent.headers) | {"content-length": ""}


def test_the_very_file_issued_by_upload_or_sha256(client, issued):
    _, certs, _ = issued
    cert = certs[0]
    code, data = _code(cert.docx), cert.docx.read_bytes()
    form = {"nummer": cert.number, "kod": code}
    r = client.post("/verifiera", data=form, files={"fil": (cert.docx.name, data)})
    assert f"Filen {cert.docx.name} är exakt den som utfärdades (Word)." in r.text
    changed = bytearray(data)
    changed[len(changed) // 2] ^= 1
    r = client.post("/verifiera", data=form, files={"fil": ("intyg.docx", bytes(changed))})
    assert "Filen intyg.docx är INTE den som utfärdades" in r.text
    r = client.post("/verifiera", data={**form, "sha256": hashlib.sha256(data).hexdigest()})
    assert "är exakt den som utfärdades (Word)" in r.text
    r = client.post("/verifiera", data={**form, "sha256": "inte en summa"})
    assert "SHA-256 ska vara 64 tecken" in r.text


def test_each_client_and_each_number_are_limited(client, issued, monkeypatch):
    _, certs, _ = issued
    number = certs[0].number
    codes = [client.get(f"/verifiera/{number}?kod=X").status_code for _ in range(11)]
    assert codes == [200] * 10 + [429]  # this number: 10 a minute, whoever asks
    r = client.get(f"/verifiera/{number}?kod=X")
    assert r.status_code == 429 and "För många försök" in r.text and r.headers["retry-after"]
    monkeypatch.setattr(verification_page, "_limiter", MovingWindowRateLimiter(MemoryStorage()))
    codes = [client.get(f"/verifiera/ASF-2026-{n:05d}?kod=X").status_code for n in range(21)]
    assert codes == [200] * 20 + [429]  # this client: 20 a minute, whatever number


def test_nothing_personal_in_the_logs(client, issued, caplog):
    _, certs, _ = issued
    cert = certs[0]
    code = _code(cert.docx)
    with caplog.at_level(logging.DEBUG):
        client.get(f"/verifiera/{cert.number}?kod={code}")
        client.post("/verifiera", data={"nummer": cert.number, "kod": code},
                    files={"fil": ("x.docx", b"x")})
    # the test client's own log (httpx) is the visitor's side, not the server's
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name != "httpx")
    assert cert.number not in logged and code not in logged
    record = logging.LogRecord("uvicorn.access", logging.INFO, "", 0, '%s - "%s %s HTTP/%s" %d',
                               ("10.1.2.3:5555", "GET", f"/verifiera/{cert.number}?kod={code}",
                                "1.1", 200), None)
    verification_page.RedactAccessLog().filter(record)
    line = record.getMessage()
    assert "10.1.2.3" not in line and cert.number not in line and code not in line
    assert line == '- - "GET /verifiera HTTP/1.1" 200'


def test_no_register_says_unavailable_and_creates_none(client, tmp_path, monkeypatch, caplog):
    missing = tmp_path / "saknas.sqlite3"
    monkeypatch.setenv("AMANST_REGISTER", str(missing))
    r = client.get("/verifiera/ASF-2026-00001?kod=AAAA-AAAA-AAAA")
    assert r.status_code == 503 and "går inte att göra just nu" in r.text
    assert not missing.exists()
    r = client.get("/verifiera")
    assert r.status_code == 200 and "Skriv intygsnumret och verifieringskoden" in r.text


def test_the_page_needs_no_sign_in_where_the_buttons_do(client, issued, monkeypatch):
    import importlib

    from xlwings_server.config import settings

    monkeypatch.setattr(settings, "auth_providers", ["custom"])  # production with sign-in
    monkeypatch.setattr(settings, "environment", "prod")
    importlib.import_module("xlwings_server.auth.custom")
    _, certs, _ = issued
    assert client.get("/amanst/senaste").status_code == 401  # the add-in's own: signed in only
    r = client.get(f"/verifiera/{certs[0].number}?kod={_code(certs[0].docx)}")
    assert r.status_code == 200 and "Giltigt" in r.text


def test_the_register_keeps_what_the_page_shows(issued):
    db, certs, _ = issued
    with open_store(db) as store:
        entry = store.get(certs[0].number)
    person = _participant(certs[0])
    assert entry.holder_name == f"{person.fornamn} {person.efternamn}"
    assert entry.issued_on == "2026-11-27" and entry.organisation == "Malmö stad"
    assert entry.period_from and entry.period_to >= entry.period_from
