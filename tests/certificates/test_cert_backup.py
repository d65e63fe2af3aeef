"""Numbers never reused (issue 15): backup and restore, one command each, on SQLite and PostgreSQL
alike, while the register is in use; a restored register verifies every certificate; a restore
never lowers the sequence nor loses a revocation; and a register restored from an older copy
refuses to issue, with a Swedish message, instead of handing its numbers out again."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import datetime

import pytest
from certhelpers import EXAMPLE, TODAY, docx_text, postgres_register, status_counts

from addin.certificates import workflow
from addin.certificates.backend import open_store
from addin.certificates.files import sha256_file
from addin.certificates.store import SequenceBehind
from addin.cli.main import main
from tests import example_facts as facts

LAST = facts.NUMBERS[-1]


@pytest.fixture
def second_register(tmp_path, register_db):
    """An empty register on the same backend as ``register_db``."""
    if register_db.startswith("postgresql"):
        yield from postgres_register()
    else:
        yield str(tmp_path / "andra.sqlite3")


def _code(docx) -> str:
    text = docx_text(docx)
    marker = "Verifieringskod " if "Verifieringskod " in text else "Verification code "
    return text.split(marker)[1].split()[0]


def test_backup_and_restore_into_an_empty_register_verifies_every_certificate(
        book, tmp_path, register_db, second_register, capsys):
    out = tmp_path / "intyg"
    issued = workflow.issue_workbook(book, out, register=register_db, today=TODAY).result.issued
    workflow.revoke(issued[0].number, register_db, "fel deltagare")
    copy = tmp_path / "kopia.sqlite3"
    capsys.readouterr()
    assert main(["register", "backup", str(copy), "--register", register_db]) == 0
    text = capsys.readouterr().out
    assert text.startswith("Intygsregister: ")
    assert f"{facts.ELIGIBLE} intyg, högsta nummer {LAST}" in text
    assert oct(copy.stat().st_mode & 0o777) == "0o600"
    assert main(["register", "backup", str(copy), "--register", register_db]) == 2  # no overwrite

    assert main(["register", "restore", str(copy), "--register", second_register]) == 0
    assert f"är inläst: {facts.ELIGIBLE} intyg, högsta nummer {LAST}" in capsys.readouterr().out
    with open_store(second_register) as store:
        for cert in issued:
            v = store.verify(cert.number, _code(cert.docx), sha256_file(cert.docx))
            assert v.known and v.file_kind == "docx"
            assert v.entry.status == ("Återkallat" if cert is issued[0] else "Giltigt")
            assert v.entry.holder_name and v.entry.period_from
        assert store.history(issued[0].number)[-1].to_status == "Återkallat"
    # the restored register goes on where the original stopped
    again = workflow.issue_workbook(book, out, register=second_register, today=TODAY).result
    assert again.issued == [] and len(again.already) == facts.ELIGIBLE


def test_restore_refuses_an_older_backup(book, tmp_path, register_db, capsys):
    out = tmp_path / "intyg"
    issued = workflow.issue_workbook(book, out, register=register_db, today=TODAY).result.issued
    old = tmp_path / "gammal.sqlite3"
    assert main(["register", "backup", str(old), "--register", register_db]) == 0
    workflow.revoke(issued[3].number, register_db)  # a change the backup lacks
    capsys.readouterr()
    assert main(["register", "restore", str(old), "--register", register_db]) == 2
    err = capsys.readouterr().err
    assert f"saknar ändringar som registret har (till exempel {issued[3].number}: Giltigt → " \
           "Återkallat" in err and "Inget har ändrats." in err
    with open_store(register_db) as store:
        assert store.get(issued[3].number).status == "Återkallat"

    # a backup whose sequence is behind would hand numbers out again
    empty = tmp_path / "tom.sqlite3"
    with open_store(empty) as store:
        store.claim("ASF", 2026, [], "x", "w", datetime(2026, 11, 27))
    assert main(["register", "restore", str(empty), "--register", register_db]) == 2
    assert (f"där är det senaste numret för ASF-2026 inget, i registret {LAST}. Att läsa "
            "in den skulle sänka numreringen") in capsys.readouterr().err
    assert status_counts(register_db) == {"Giltigt": facts.ELIGIBLE - 1, "Återkallat": 1}


def test_a_register_restored_from_an_older_copy_refuses_to_hand_out_numbers_again(
        book, tmp_path, capsys):
    """The attack from the issue: copy the register file back, then issue for another
    förvaltning into another folder. The journal in the state folder remembers."""
    db, out = tmp_path / "reg.sqlite3", tmp_path / "intyg"
    with open_store(db):
        pass
    shutil.copy(db, tmp_path / "före.sqlite3")
    assert main(["issue", str(book), "--out-dir", str(out), "--register", str(db),
                 "--today", "2026-11-27"]) == 0
    shutil.copy(tmp_path / "före.sqlite3", db)  # "restored" without the certificates
    other = tmp_path / "annan"
    other.mkdir()
    second = other / "register.xlsx"
    shutil.copy(EXAMPLE, second)
    capsys.readouterr()
    code = main(["issue", str(second), "--out-dir", str(other / "intyg"), "--register", str(db),
                 "--today", "2026-11-27"])
    err = capsys.readouterr().err
    assert code == 2, err
    assert "verkar vara återställt från en äldre kopia" in err
    assert "amanst register restore" in err and "amanst register advance" in err
    assert status_counts(str(db)) == {}
    assert not (other / "intyg").exists() or not list((other / "intyg").glob("*.docx"))


def test_advance_moves_the_sequence_on_and_never_back(tmp_path, capsys):
    db = str(tmp_path / "reg.sqlite3")
    with open_store(db):
        pass
    assert main(["register", "advance", "ASF-2026-00077", "--register", db]) == 0
    assert "Numreringen för ASF-2026 fortsätter efter ASF-2026-00077 (förut: inget nummer)." in \
        capsys.readouterr().out
    assert main(["register", "advance", "ASF-2026-00010", "--register", db]) == 0
    with open_store(db) as store:
        assert store.sequences() == {("ASF", 2026): 77}
        with pytest.raises(SequenceBehind):
            store.check_beyond({"ASF-2026-00078": "på bladet"})
        store.check_beyond({"ASF-2026-00077": "på bladet"})


def test_a_plain_copy_of_a_register_file_restores_into_postgres(book, tmp_path):
    """The way from SQLite to PostgreSQL: restore the SQLite file into the new register."""
    db, out = tmp_path / "reg.sqlite3", tmp_path / "intyg"
    issued = workflow.issue_workbook(book, out, register=str(db), today=TODAY).result.issued
    for url in postgres_register():
        assert main(["register", "restore", str(db), "--register", url]) == 0
        with open_store(url) as store:
            assert len(store.entries("ASF")) == facts.ELIGIBLE
            v = store.verify(issued[5].number, _code(issued[5].docx))
            assert v.known and v.entry.status == "Giltigt"
    sqlite3.connect(db).close()
