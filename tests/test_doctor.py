"""``amanst doctor`` (issue 10): one Swedish line per thing an installation needs, exit 1 when
something is missing, and it changes nothing (no register is made)."""

from __future__ import annotations

import shutil
import socket
from datetime import date

import pytest

from addin.certificates import workflow
from addin.cli.main import main
from addin.resources import workbooks_dir
from tests import example_facts as facts

EXAMPLE = workbooks_dir() / "exempel.xlsx"


@pytest.fixture
def clean_env(monkeypatch, tmp_path):
    for name in ("AMANST_REGISTER", "AMANST_REGISTER_URL", "AMANST_INTYGSPREFIX",
                 "AMANST_SMTP_HOST", "XLWINGS_AUTH_PROVIDERS", "XLWINGS_ENVIRONMENT",
                 "XLWINGS_LICENSE_KEY", "AMANST_CERT_DIR", "AMANST_PRODUCTION",
                 "AMANST_VERIFICATION_ADDRESS", "AMANST_CREDENTIAL_KEY",
                 "AMANST_CREDENTIAL_OLD_KEYS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AMANST_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("AMANST_CERT_PDF", "0")
    return tmp_path


def _lines(capsys) -> dict[str, str]:
    out = capsys.readouterr().out
    return {line[8:].split(":", 1)[0]: line for line in out.splitlines() if ": " in line[8:]}


def test_an_installation_with_nothing_set_is_told_what_is_missing(clean_env, capsys):
    assert main(["doctor"]) == 1
    lines = _lines(capsys)
    assert lines["Intygsregister"].startswith("SAKNAS  Intygsregister: Intygsregistret är inte "
                                              "inställt.")
    assert lines["Intygsprefix"].startswith("SAKNAS")
    assert lines["Sigill"] == "VARNING Sigill: ej inställt: PDF-intygen förseglas inte." or \
        lines["Sigill"].startswith(("VARNING", "OK"))
    assert lines["Nycklar"].startswith("VARNING")
    assert lines["E-post"].startswith("VARNING E-post: ingen e-postserver")
    assert lines["Inloggning"].startswith("VARNING Inloggning: ingen (utvecklingsläge")
    assert lines["Licensnyckel"].startswith("OK      Licensnyckel: noncommercial")
    assert set(lines) >= {"LibreOffice", "Verifieringsadress", "Tillståndsmapp"}


def test_a_configured_installation_passes_and_production_is_stricter(clean_env, capsys,
                                                                      monkeypatch):
    tmp_path = clean_env
    db = tmp_path / "reg.sqlite3"
    book = tmp_path / "register.xlsx"
    shutil.copy(EXAMPLE, book)
    workflow.issue_workbook(book, tmp_path / "intyg", register=db, today=date(2026, 11, 27))
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    monkeypatch.setenv("AMANST_REGISTER", str(db))
    monkeypatch.setenv("AMANST_INTYGSPREFIX", "ASF")
    monkeypatch.setenv("AMANST_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("AMANST_SMTP_PORT", str(listener.getsockname()[1]))
    try:
        code = main(["doctor", "--arbetsbok", str(book)])
    finally:
        listener.close()
    lines = _lines(capsys)
    assert lines["Intygsregister"] == (f"OK      Intygsregister: {db}, nås; högsta nummer: "
                                       f"{facts.NUMBERS[-1]}.")
    assert lines["Intygsprefix"] == "OK      Intygsprefix: ASF (unika för installationen)."
    assert lines["E-post"].startswith("OK      E-post: 127.0.0.1:")
    assert lines["Verifieringsadress"].startswith("VARNING Verifieringsadress: "
                                                  "https://intyg.example.org/verifiera är en "
                                                  "exempeladress")
    assert code == 0

    monkeypatch.setenv("XLWINGS_ENVIRONMENT", "prod")
    assert main(["doctor", "--arbetsbok", str(book)]) == 1
    lines = _lines(capsys)
    assert lines["Produktion"].startswith("OK      Produktion: på")
    # in production the workbook's address does not count: the setting must be there
    assert lines["Verifieringsadress"].startswith("SAKNAS  Verifieringsadress: inställningen "
                                                  "verification_address")
    monkeypatch.setenv("AMANST_VERIFICATION_ADDRESS", "https://intyg.example.org/verifiera")
    assert main(["doctor", "--arbetsbok", str(book)]) == 1
    lines = _lines(capsys)
    assert lines["Verifieringsadress"].endswith("som inte godtas i produktion.")
    assert lines["Verifieringsadress"].startswith("FEL")
    assert lines["Inloggning"].startswith("SAKNAS  Inloggning: ingen inloggning är inställd")
    monkeypatch.setenv("XLWINGS_LICENSE_KEY", " ")
    assert lines["E-post"].startswith("FEL     E-post: 127.0.0.1:")  # nobody listens now
    main(["doctor"])
    assert _lines(capsys)["Licensnyckel"] == "SAKNAS  Licensnyckel: XLWINGS_LICENSE_KEY saknas."


def test_doctor_makes_no_register_and_sees_a_restored_one(clean_env, capsys, monkeypatch):
    tmp_path = clean_env
    missing = tmp_path / "finns-inte.sqlite3"
    monkeypatch.setenv("AMANST_REGISTER", str(missing))
    monkeypatch.setenv("AMANST_INTYGSPREFIX", "ASF")
    main(["doctor"])
    assert _lines(capsys)["Intygsregister"].startswith("VARNING Intygsregister: ")
    assert not missing.exists()

    db, folder = tmp_path / "reg.sqlite3", tmp_path / "intyg"
    book = tmp_path / "register.xlsx"
    shutil.copy(EXAMPLE, book)
    monkeypatch.setenv("AMANST_REGISTER", str(db))
    monkeypatch.setenv("AMANST_CERT_DIR", str(folder))
    workflow.issue_workbook(book, folder, register=db, today=date(2026, 11, 27))
    db.unlink()  # "restored" to nothing: the folder still holds the numbers
    from addin.certificates.backend import open_store

    open_store(db).close()
    assert main(["doctor"]) == 1
    assert "verkar vara återställt från en äldre kopia" in _lines(capsys)["Intygsregister"]


def test_doctor_names_the_published_keys_the_profile_and_the_status_address(clean_env, capsys,
                                                                            monkeypatch):
    from addin.certificates import credential as vc

    tmp_path = clean_env
    key = tmp_path / "nyckel.pem"
    key.write_bytes(vc.SigningKey.generate().private_pem())
    db, book = tmp_path / "reg.sqlite3", tmp_path / "register.xlsx"
    shutil.copy(EXAMPLE, book)
    for name, value in (("AMANST_REGISTER", str(db)), ("AMANST_INTYGSPREFIX", "ASF"),
                        ("AMANST_CREDENTIAL_KEY", str(key)),
                        ("AMANST_VERIFICATION_ADDRESS", "https://intyg.malmo.se/verifiera")):
        monkeypatch.setenv(name, value)
    main(["doctor"])
    lines = _lines(capsys)
    assert lines["Nycklar"].startswith("OK      Nycklar: nyckeln ")
    assert "1 publik nyckel publiceras på https://intyg.malmo.se/intyg/nycklar.json" in \
        lines["Nycklar"]
    assert lines["Utfärdarprofil"].startswith("VARNING")
    assert lines["Verifieringsadress"] == (
        "OK      Verifieringsadress: https://intyg.malmo.se/verifiera; intygens status som JSON "
        "på https://intyg.malmo.se/verifiera/NUMMER.json?kod=KOD.")
    assert lines["Produktion"].startswith("OK      Produktion: av")

    workflow.issue_workbook(book, tmp_path / "intyg", register=db, today=date(2026, 11, 27),
                            options={"credential_key": vc.SigningKey.load(
                                vc.CredentialConfig(key))})
    main(["doctor"])
    assert _lines(capsys)["Utfärdarprofil"].startswith("OK")
    monkeypatch.setenv("AMANST_CREDENTIAL_KEY", str(tmp_path / "saknas.pem"))
    assert main(["doctor"]) == 1
    assert _lines(capsys)["Nycklar"].startswith("FEL")
