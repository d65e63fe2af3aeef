"""Issue 10's "Done when", end to end, as an employer meets it: ``amanst issue`` on the example
workbook (in production, with the installation's verification address and credential key); the QR
code on the certificate opens the public page, which says Giltigt with the holder's name; the
``.json`` credential validates against the Open Badges 3.0 schema, its signature verifies with
nothing but the keys the server publishes at ``/intyg/nycklar.json``, its issuer is the profile
at ``/intyg/utfardare.json`` and its ``credentialStatus`` says valid. Then ``amanst revoke``, and
the page, the status JSON and ``amanst verify`` all say revoked.

The server is the add-in's app (the same routes ``amanst serve`` serves); only the host part of
each published address is dropped to reach it.
"""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
import zipfile
from datetime import date
from urllib.parse import urlsplit

import jsonschema
import pytest
from joserfc import jwt
from joserfc.jwk import KeySet
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from addin.certificates import credential as vc
from addin.certificates.backend import open_store
from addin.cli.main import main
from addin.excel import issuer_service, verification_page
from addin.operations import read_register

from .conftest import EXAMPLE, REPO

ADDRESS = "https://intyg.malmo.se/verifiera"
SCHEMA = REPO / "tests" / "certificates" / "openbadges" / "achievementcredential.json"
NUMBER = "ASF-2026-00001"


def _path(url: str) -> str:
    """The path and query of a published address: what the app under test answers."""
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}" == "https://intyg.malmo.se", url
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _qr_links(docx, tmp_path) -> list[str]:
    """Every QR code among the Word file's pictures, decoded by zbar."""
    links = []
    with zipfile.ZipFile(docx) as z:
        for name in z.namelist():
            if name.startswith("word/media/") and name.endswith(".png"):
                image = tmp_path / name.rsplit("/", 1)[1]
                image.write_bytes(z.read(name))
                found = subprocess.run(["zbarimg", "--quiet", "--raw", "-Sdisable",
                                        "-Sqrcode.enable", str(image)],
                                       capture_output=True, text=True)
                links += [line for line in found.stdout.splitlines() if line]
    return links


@pytest.fixture
def installation(tmp_path, monkeypatch):
    book = tmp_path / "register.xlsx"
    shutil.copy(EXAMPLE, book)
    key = tmp_path / "nyckel.pem"
    key.write_bytes(vc.SigningKey.generate().private_pem())
    db = tmp_path / "intygsregister.sqlite3"
    for name, value in (("AMANST_REGISTER", str(db)), ("AMANST_CREDENTIAL_KEY", str(key)),
                        ("AMANST_VERIFICATION_ADDRESS", ADDRESS), ("AMANST_PRODUCTION", "1"),
                        ("AMANST_CERT_DIR", str(tmp_path / "intyg"))):
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AMANST_CREDENTIAL_OLD_KEYS", raising=False)
    monkeypatch.setattr(verification_page, "_limiter", MovingWindowRateLimiter(MemoryStorage()))
    issuer_service._profile_cache.clear()
    return book, db, tmp_path / "intyg"


@pytest.mark.slow
def test_issue_verify_everywhere_revoke_and_see_it_everywhere(installation, client, tmp_path,
                                                               capsys):
    assert shutil.which("zbarimg"), "zbar-tools (zbarimg) must be installed for this test"
    book, db, out = installation
    assert main(["issue", str(book), "--out-dir", str(out), "--today", "2026-11-27"]) == 0
    capsys.readouterr()
    with open_store(str(db), create=False) as store:
        holder = store.get(NUMBER).holder_name
    person = next(p for p in read_register(EXAMPLE, date(2026, 11, 27)).participants
                  if f"{p.fornamn} {p.efternamn}" == holder)

    # the QR code opens the page: Giltigt, with the holder's name and no personnummer
    (link,) = [u for u in _qr_links(out / f"{NUMBER}.docx", tmp_path) if NUMBER in u]
    assert link.startswith(f"{ADDRESS}/{NUMBER}?kod=")
    code = link.split("kod=")[1]
    page = client.get(_path(link))
    assert page.status_code == 200 and "Giltigt" in page.text and holder in page.text
    assert person.personnummer not in page.text

    # the credential: valid against the schema, signed with a published key, issuer and status
    credential = json.loads((out / f"{NUMBER}.json").read_text(encoding="utf-8"))
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    errors = list(jsonschema.Draft201909Validator(schema).iter_errors(credential))
    assert not errors, [e.message for e in errors]
    token = (out / f"{NUMBER}.jwt").read_text(encoding="ascii")
    header = json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "=="))
    keys = client.get(_path(header["kid"].split("#")[0]))
    assert keys.status_code == 200
    verified = jwt.decode(token, KeySet.import_key_set(keys.json()), algorithms=["ES256"])
    assert verified.claims["id"] == credential["id"]
    issuer = client.get(_path(credential["issuer"]["id"]))
    assert issuer.json()["id"] == credential["issuer"]["id"] == verified.claims["iss"]
    # the published profile names the organisation in the register's words (Swedish); an
    # English credential embeds the English name of the same issuer
    assert issuer.json()["name"] == "Malmö stad, Arbetsmarknads- och socialförvaltningen"
    status_path = _path(credential["credentialStatus"]["id"])
    status = client.get(status_path).json()
    assert status["status"] == "Giltigt" and status["revokedCredentials"] == []
    assert status["holder"] == holder

    # revoked: the page, the status JSON and amanst verify all say so
    assert main(["revoke", NUMBER, "--reason", "utfärdat av misstag"]) == 0
    page = client.get(_path(link))
    assert "Återkallat" in page.text and "Giltigt." not in page.text
    status = client.get(status_path).json()
    assert status["status"] == "Återkallat" and status["valid"] is False
    assert [c["id"] for c in status["revokedCredentials"]] == [credential["id"]]
    capsys.readouterr()
    assert main(["verify", NUMBER, code]) == 1
    assert "Återkallat" in capsys.readouterr().out
    # the signature itself still verifies: revocation lives in the status, not the credential
    assert vc.verify(token, client.get(_path(header["kid"].split("#")[0])).json())["id"] == \
        credential["id"]
