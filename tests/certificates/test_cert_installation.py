"""One register per installation, always named (issue 10), and issue checks first.

The register comes from one setting, used alike by issue, verify, revoke and register; every
command says which register it used; without the setting nothing falls back to a register of its
own. The installation's Intygsprefix are a setting the workbook's must belong to. The demo issues
example certificates (EXEMPEL) into an example register that issues nothing else, and no real
register accepts EXEMPEL. Reading commands never create a register. Every refusal comes before
any number is claimed, and a run that changes nothing writes no backup.
"""

from __future__ import annotations

import subprocess

import pytest
from certhelpers import TODAY, docx_text, status_counts

from addin.certificates import workflow
from addin.certificates.backend import open_store
from addin.cli import demo
from addin.cli.main import main


def _code(docx) -> str:
    text = docx_text(docx)
    marker = "Verifieringskod " if "Verifieringskod " in text else "Verification code "
    return text.split(marker)[1].split()[0]


def test_every_command_uses_the_one_setting_and_says_which_register(book, tmp_path, monkeypatch,
                                                                      capsys):
    db, out = tmp_path / "installationen.sqlite3", tmp_path / "intyg"
    monkeypatch.setenv("AMANST_REGISTER", str(db))
    assert main(["issue", str(book), "--out-dir", str(out), "--today", "2026-11-27"]) == 0
    assert capsys.readouterr().out.startswith(f"Intygsregister: {db}\n")
    docx = out / "ASF-2026-00003.docx"
    assert main(["verify", "ASF-2026-00003", _code(docx), "--historik"]) == 0
    text = capsys.readouterr().out
    assert text.startswith(f"Intygsregister: {db}\n")
    with open_store(db) as store:
        entry = store.get("ASF-2026-00003")
    assert f"Innehavare: {entry.holder_name}\n" in text and entry.holder_name
    assert "Utfärdat: 27 november 2026\n" in text
    assert "Utfärdare: Malmö stad, Arbetsmarknads- och socialförvaltningen" in text
    assert "Anställning: " in text and " – " in text
    assert "Historik (för utfärdaren):" in text and "Utfärdas → Giltigt (utfärdat)" in text
    assert main(["revoke", "ASF-2026-00003", "--reason", "fel"]) == 0
    assert capsys.readouterr().out.startswith(f"Intygsregister: {db}\n")

    monkeypatch.delenv("AMANST_REGISTER")
    for args in (["verify", "ASF-2026-00003", "X"], ["revoke", "ASF-2026-00004"],
                 ["issue", str(book), "--out-dir", str(out)]):
        assert main(args) == 2
        assert "Intygsregistret är inte inställt" in capsys.readouterr().err


def test_reading_commands_never_create_a_register(tmp_path, capsys):
    missing = tmp_path / "finns-inte.sqlite3"
    assert main(["verify", "ASF-2026-00001", "XXXX-XXXX-XXXX", "--register", str(missing)]) == 2
    assert f"Intygsregistret {missing} finns inte." in capsys.readouterr().err
    assert main(["revoke", "ASF-2026-00001", "--register", str(missing)]) == 2
    assert main(["register", "backup", str(tmp_path / "k.sqlite3"), "--register",
                 str(missing)]) == 2
    assert not missing.exists() and not (tmp_path / "k.sqlite3").exists()


def test_reading_a_postgres_register_never_creates_its_tables(capsys):
    from certhelpers import postgres_register

    for url in postgres_register():
        assert main(["verify", "ASF-2026-00001", "XXXX-XXXX-XXXX", "--register", url]) == 2
        assert "finns inte (tabellerna saknas)" in capsys.readouterr().err
        import psycopg

        with psycopg.connect(url) as con:
            assert con.execute("SELECT to_regclass('certificates')").fetchone()[0] is None


def test_the_workbook_prefix_must_be_the_installations(book, tmp_path, monkeypatch, capsys):
    db = tmp_path / "reg.sqlite3"
    monkeypatch.setenv("AMANST_INTYGSPREFIX", "SOF,VOF")
    assert main(["issue", str(book), "--register", str(db), "--today", "2026-11-27"]) == 2
    err = capsys.readouterr().err
    assert "Arbetsbokens intygsprefix ASF (bladet Inställningar, rad" in err
    assert "som utfärdar under SOF, VOF" in err
    monkeypatch.setenv("AMANST_INTYGSPREFIX", "")
    assert main(["issue", str(book), "--register", str(db), "--today", "2026-11-27"]) == 2
    assert "Installationens intygsprefix är inte inställda" in capsys.readouterr().err
    assert not db.exists() or status_counts(str(db)) == {}


def test_the_demo_issues_example_certificates_no_real_register_accepts(tmp_path, book):
    out = tmp_path / "ut"
    lines = list(demo.demo(out, today=TODAY))
    assert any("Kompetensintyg (exempel, nummer EXEMPEL-…)" in line for line in lines)
    certificates = sorted((out / "intyg").glob("*.docx"))
    assert certificates[0].name == "EXEMPEL-2026-00001.docx"
    for path in certificates[:6]:  # Swedish and English: the number and the issuer say so
        text = docx_text(path)
        assert f"{path.stem}" in text
        assert "EXEMPEL – Malmö stad" in text or "EXEMPEL – City of Malmö" in text

    # the example register issues nothing real ...
    with pytest.raises(Exception, match="exempelregister"):
        workflow.issue_workbook(book, tmp_path / "x", register=out / "intygsregister.sqlite3",
                                today=TODAY)
    # ... and a real register takes no example certificates
    with pytest.raises(Exception, match="reserverat för exempelintyg"):
        workflow.issue_workbook(out / "exempel-resultat.xlsx", tmp_path / "y",
                                register=tmp_path / "riktigt.sqlite3", today=TODAY)
    # ... and a real register never becomes an example register
    real = tmp_path / "riktigt2.sqlite3"
    workflow.issue_workbook(book, tmp_path / "z", register=real, today=TODAY)
    with pytest.raises(Exception, match="riktigt register"):
        workflow.issue_workbook(out / "exempel-resultat.xlsx", tmp_path / "y", register=real,
                                today=TODAY, example=True)


def test_a_workbook_open_in_excel_is_refused_before_any_number(book, tmp_path, capsys):
    db, out = tmp_path / "reg.sqlite3", tmp_path / "intyg"
    lock = book.with_name("~$" + book.name)
    lock.write_bytes(b"x")
    assert main(["issue", str(book), "--out-dir", str(out), "--register", str(db),
                 "--today", "2026-11-27"]) == 2
    assert "är öppen i ett annat program" in capsys.readouterr().err
    assert not db.exists() or status_counts(str(db)) == {}
    assert not out.exists()


def test_a_read_only_folder_is_refused_before_any_number(book, tmp_path, capsys):
    db, folder = tmp_path / "reg.sqlite3", tmp_path / "skrivskyddad"
    folder.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", str(folder)],
                      capture_output=True).returncode != 0:
        pytest.skip("no read-only file system could be mounted here")
    try:
        assert main(["issue", str(book), "--out-dir", str(folder), "--register", str(db),
                     "--today", "2026-11-27"]) == 2
        err = capsys.readouterr().err
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)
    assert f"Intygen kan inte skrivas till mappen {folder}" in err and "Inget har utfärdats" in err
    assert status_counts(str(db)) == {}


def test_a_run_that_changes_nothing_writes_no_backup(book, tmp_path):
    db, out = str(tmp_path / "reg.sqlite3"), tmp_path / "intyg"
    first = workflow.issue_workbook(book, out, register=db, today=TODAY)
    assert first.backup is not None  # the sheet changed: one backup
    again = workflow.issue_workbook(book, out, register=db, today=TODAY)
    assert again.workbook is None and again.backup is None
    assert len(list(tmp_path.glob("*.bak-*"))) == 1
    _, written = workflow.revoke("ASF-2026-00001", db, workbook=book)  # the sheet changes
    assert written == book
    assert len(list(tmp_path.glob("*.bak-*"))) == 2  # a second backup, never over the first
    assert workflow.sync_workbook(book, open_store(db)) == (None, None)  # nothing to change
    assert len(list(tmp_path.glob("*.bak-*"))) == 2
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]
