"""The production switch (issue 10: "an example address is refused in production").

``production`` is on when ``AMANST_PRODUCTION`` says so, or, when nothing sets it, when xlwings
Server's environment is ``prod``. In production the verification address must be the
installation's setting (the server publishes the keys and the issuer profile beside it, so the
credentials must name that very address), an example, localhost or http address is refused, and
every refusal comes before any number is claimed.
"""

from __future__ import annotations

import json

import pytest
from certhelpers import docx_text, status_counts

from addin.certificates import credential as vc
from addin.cli.main import main
from addin.settings import load

ADDRESS = "https://intyg.malmo.se/verifiera"


def test_production_follows_the_server_environment_unless_set():
    assert not load(environ={}).production
    assert load(environ={"XLWINGS_ENVIRONMENT": "prod"}).production
    assert not load(environ={"XLWINGS_ENVIRONMENT": "prod", "AMANST_PRODUCTION": "0"}).production
    assert load(environ={"AMANST_PRODUCTION": "1"}).production
    assert load(environ={}, server_environment="prod").production
    assert not load(environ={"XLWINGS_ENVIRONMENT": "prod"}, server_environment="dev").production


@pytest.mark.parametrize("address, message", [
    ("", "verification_address (AMANST_VERIFICATION_ADDRESS), inte från arbetsboken"),
    ("https://intyg.example.org/verifiera", "är en exempeladress"),
    ("http://intyg.malmo.se/verifiera", "använder inte https"),
])
def test_production_refuses_before_any_number(book, tmp_path, monkeypatch, capsys, address,
                                              message):
    db, out = tmp_path / "reg.sqlite3", tmp_path / "intyg"
    monkeypatch.setenv("AMANST_PRODUCTION", "1")
    monkeypatch.setenv("AMANST_VERIFICATION_ADDRESS", address)
    assert main(["issue", str(book), "--out-dir", str(out), "--register", str(db),
                 "--today", "2026-11-27"]) == 2
    assert message in capsys.readouterr().err
    assert not db.exists() or status_counts(str(db)) == {}
    assert not out.exists() or not any(out.iterdir())


@pytest.mark.slow
def test_in_production_the_setting_names_the_address_on_certificate_and_credential(
        book, tmp_path, monkeypatch, capsys):
    db, out = tmp_path / "reg.sqlite3", tmp_path / "intyg"
    key = tmp_path / "nyckel.pem"
    key.write_bytes(vc.SigningKey.generate().private_pem())
    monkeypatch.setenv("AMANST_PRODUCTION", "1")
    monkeypatch.setenv("AMANST_VERIFICATION_ADDRESS", ADDRESS)
    monkeypatch.setenv("AMANST_CREDENTIAL_KEY", str(key))
    assert main(["issue", str(book), "--out-dir", str(out), "--register", str(db),
                 "--today", "2026-11-27"]) == 0
    # the example workbook's own Verifieringsadress is an example address: the setting wins
    printed = docx_text(out / "ASF-2026-00001.docx")
    assert "intyg.malmo.se/verifiera" in printed and "example.org/verifiera" not in printed
    data = json.loads((out / "ASF-2026-00001.json").read_text(encoding="utf-8"))
    assert data["issuer"]["id"] == "https://intyg.malmo.se/intyg/utfardare.json"
    assert data["credentialStatus"]["id"].startswith(f"{ADDRESS}/ASF-2026-00001.json?kod=")
