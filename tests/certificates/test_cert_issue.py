"""Issuing from a workbook: register, idempotence, the Intygsregister sheet, reissue, revoke,
verify, and files that are never overwritten."""

from __future__ import annotations

import re

import openpyxl
import pytest
from certhelpers import TODAY, docx_text, status_counts

from addin.certificates import issuing, workflow
from addin.certificates.files import FileExists, write_new
from addin.certificates.stopped import IssueStopped
from addin.certificates.store import (
    SequenceBehind,
    SqliteStore,
    code_matches,
    hash_code,
    new_code,
)
from addin.cli.main import main
from addin.core import schema
from addin.operations import read_register
from tests import example_facts as facts


def _platser_row(path, plats_id):
    """The Platser row of a PlatsID, read from the workbook itself."""
    ws = openpyxl.load_workbook(path, read_only=True)[schema.PLATSER]
    return next(i for i, (value,) in enumerate(ws.iter_rows(max_col=1, values_only=True), start=1)
                if value == plats_id)


def _sheet_rows(path):
    wb = openpyxl.load_workbook(path)
    ws = wb[schema.INTYGSREGISTER]
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=1)]
    return rows[0], [r for r in rows[1:] if any(v not in (None, "") for v in r)]


def _code_from(path) -> str:
    text = docx_text(path)
    return text.split("Verifieringskod ")[1].split()[0] if "Verifieringskod " in text else \
        text.split("Verification code ")[1].split()[0]


def test_issue_twice_issues_once_and_mirrors_the_sheet(book, tmp_path):
    out, db = tmp_path / "intyg", tmp_path / "reg.sqlite3"
    first = workflow.issue_workbook(book, out, register=db, issuer="anna", today=TODAY)
    r = first.result
    assert len(r.issued) == facts.ELIGIBLE and len(r.ineligible) == facts.INELIGIBLE
    numbers = [c.number for c in r.issued]
    assert numbers == facts.NUMBERS
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{n}.docx" for n in numbers)
    assert first.workbook == book and first.backup is not None and first.backup.exists()
    header, rows = _sheet_rows(book)
    assert tuple(header) == schema.REGISTER_SHEET.headers
    assert [row[0] for row in rows] == numbers
    assert all(row[4] == "anna" and row[7] == "Giltigt" and len(row[6]) == 64 for row in rows)

    second = workflow.issue_workbook(book, out, register=db, today=TODAY)
    assert second.result.issued == [] and len(second.result.already) == facts.ELIGIBLE
    assert second.workbook is None  # nothing changed: the workbook is not rewritten
    assert len(list(out.iterdir())) == facts.ELIGIBLE
    # the sheet read back agrees with the register, entry by entry
    reg = read_register(book, TODAY)
    with SqliteStore(db) as store:
        entries = {e.number: e for e in store.entries("ASF")}
    assert {c.intygsnummer: c.sha256 for c in reg.certificates} == {
        n: e.files["docx"][1] for n, e in entries.items()}


def test_reissue_and_revoke_update_register_and_sheet(book, tmp_path):
    out, db = tmp_path / "intyg", tmp_path / "reg.sqlite3"
    r = workflow.issue_workbook(book, out, register=db, today=TODAY).result
    old = r.issued[0]
    again = workflow.issue_workbook(book, out, register=db, today=TODAY, reissue=old.plats_id)
    new = again.result.issued
    assert len(new) == 1 and new[0].replaces == old.number
    assert new[0].number == f"ASF-2026-{facts.ELIGIBLE + 1:05d}"
    with SqliteStore(db) as store:
        assert store.get(old.number).status == "Ersatt"
        assert store.get(old.number).replaced_by == new[0].number
        assert store.get(new[0].number).status == "Giltigt"
    _, rows = _sheet_rows(book)
    status = {row[0]: row[7] for row in rows}
    assert status[old.number] == "Ersatt" and status[new[0].number] == "Giltigt"
    assert len(rows) == facts.ELIGIBLE + 1

    entry, written = workflow.revoke(new[0].number, db, "fel person", workbook=book)
    assert entry.status == "Återkallat" and written == book
    _, rows = _sheet_rows(book)
    assert {row[0]: row[7] for row in rows}[new[0].number] == "Återkallat"
    # after a revoke the placement may be issued again
    third = workflow.issue_workbook(book, out, register=db, today=TODAY).result
    assert [c.plats_id for c in third.issued] == [old.plats_id]


def test_verify_accepts_the_file_and_rejects_one_changed_byte(book, tmp_path):
    out, db = tmp_path / "intyg", tmp_path / "reg.sqlite3"
    cert = workflow.issue_workbook(book, out, register=db, today=TODAY).result.issued[3]
    code = _code_from(cert.docx)
    v = workflow.verify(cert.number, code, db, cert.docx)
    assert v.known and v.entry.status == "Giltigt" and v.file_kind == "docx"
    assert workflow.verify(cert.number, code.lower().replace("-", " "), register=db).known
    assert not workflow.verify(cert.number, new_code(), register=db).known
    assert not workflow.verify("ASF-2026-99999", code, register=db).known
    changed = tmp_path / "andrad.docx"
    data = bytearray(cert.docx.read_bytes())
    data[len(data) // 2] ^= 0x01
    changed.write_bytes(bytes(data))
    v = workflow.verify(cert.number, code, db, changed)
    assert v.known and v.file_checked and v.file_kind is None


def test_register_keeps_only_a_hash_of_the_code(book, tmp_path):
    out, db = tmp_path / "intyg", tmp_path / "reg.sqlite3"
    cert = workflow.issue_workbook(book, out, register=db, today=TODAY).result.issued[0]
    code = _code_from(cert.docx)
    raw = db.read_bytes()
    assert code.encode() not in raw and code.replace("-", "").encode() not in raw
    # README: 12 characters without characters that are easily confused (0/O, 1/I/L)
    assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}", code)
    assert not set(code) & set("0O1IL")
    assert code_matches(code, hash_code(code)) and not code_matches(code, hash_code(new_code()))


def test_files_are_never_overwritten(tmp_path):
    write_new(tmp_path, "ASF-2026-00001.docx", b"first")
    with pytest.raises(FileExists):
        write_new(tmp_path, "ASF-2026-00001.docx", b"second")
    assert (tmp_path / "ASF-2026-00001.docx").read_bytes() == b"first"
    assert [p.name for p in tmp_path.iterdir()] == ["ASF-2026-00001.docx"]
    with pytest.raises(Exception, match="går inte att använda"):
        write_new(tmp_path, "../utanfor.docx", b"x")


def test_a_file_that_already_has_the_number_refuses_before_anything_is_claimed(book, tmp_path):
    out, db = tmp_path / "intyg", tmp_path / "reg.sqlite3"
    out.mkdir()
    (out / "ASF-2026-00001.docx").write_bytes(b"someone else's file")
    with pytest.raises(SequenceBehind, match=r"ASF-2026-00001 finns redan \(som fil i mappen"):
        workflow.issue_workbook(book, out, register=db, today=TODAY)
    assert (out / "ASF-2026-00001.docx").read_bytes() == b"someone else's file"
    assert status_counts(str(db)) == {}


def test_a_file_that_appears_while_issuing_voids_only_its_number(book, tmp_path, monkeypatch):
    out, db = tmp_path / "intyg", tmp_path / "reg.sqlite3"
    real = issuing.write_new

    def racing(folder, name, data, replace=False, **kwargs):
        if name == "ASF-2026-00003.docx":  # another program writes this name meanwhile
            (folder / name).write_bytes(b"someone else's file")
        return real(folder, name, data, replace, **kwargs)

    monkeypatch.setattr(issuing, "write_new", racing)
    with pytest.raises(IssueStopped) as stopped:
        workflow.issue_workbook(book, out, register=db, today=TODAY)
    text = str(stopped.value)
    assert "Utfärdade och registrerade: 2 intyg (ASF-2026-00001 – ASF-2026-00002)" in text
    assert "Numren ASF-2026-00003 makulerades och används aldrig." in text
    assert (f"Inte utfärdade: {facts.ELIGIBLE - 2} intyg; deras nummer (ASF-2026-00004 – "
            f"{facts.NUMBERS[-1]}) är reserverade och används av nästa körning.") in text
    assert "Inget har ändrats" not in text
    assert status_counts(str(db)) == {"Giltigt": 2, "Makulerat": 1, "Utfärdas": facts.ELIGIBLE - 3}
    assert (out / "ASF-2026-00003.docx").read_bytes() == b"someone else's file"
    assert sorted(p.name for p in out.glob("*.docx")) == [
        "ASF-2026-00001.docx", "ASF-2026-00002.docx", "ASF-2026-00003.docx"]

    monkeypatch.undo()
    r = workflow.issue_workbook(book, out, register=db, today=TODAY).result
    numbers = sorted(c.number for c in r.issued)
    # the kept ones, and one new for the voided ASF-2026-00003
    assert numbers == [f"ASF-2026-{n:05d}" for n in range(4, facts.ELIGIBLE + 2)]
    assert status_counts(str(db)) == {"Giltigt": facts.ELIGIBLE, "Makulerat": 1}


def test_missing_prefix_is_a_clear_error(book, tmp_path):
    wb = openpyxl.load_workbook(book)
    ws = wb[schema.INSTALLNINGAR]
    for row in ws.iter_rows(min_row=2):
        if row[0].value == schema.S_PREFIX:
            row[1].value = None
            where = row[0].row
    wb.save(book)
    with pytest.raises(Exception, match=f"Intygsprefix saknas \\(bladet Inställningar, rad {where}\\)"):
        workflow.issue_workbook(book, tmp_path / "intyg", register=tmp_path / "r.sqlite3",
                                today=TODAY)


def test_command_line_issue_verify_revoke(book, tmp_path, capsys):
    db, out = tmp_path / "reg.sqlite3", tmp_path / "intyg"
    assert main(["issue", str(book), "--out-dir", str(out), "--register", str(db),
                 "--today", "2026-11-27"]) == 0
    text = capsys.readouterr().out
    assert "Utfärdade ASF-2026-00001 för plats" in text
    blocked = facts.BLOCKED_BY_FEL[1]
    row = _platser_row(book, blocked)
    assert f"Inget intyg för plats {blocked} (bladet Platser, rad {row}): Platsen {blocked} har fel" \
        in text
    assert f"Klart: {facts.ELIGIBLE} nya intyg, {facts.INELIGIBLE} kunde inte få intyg." in text
    assert main(["issue", str(book), "--out-dir", str(out), "--register", str(db),
                 "--today", "2026-11-27"]) == 0
    assert (f"Klart: 0 nya intyg, {facts.ELIGIBLE} hade redan ett giltigt intyg"
            in capsys.readouterr().out)
    cert = out / "ASF-2026-00005.docx"
    code = _code_from(cert)
    assert main(["verify", "ASF-2026-00005", code, "--file", str(cert), "--register", str(db)]) == 0
    text = capsys.readouterr().out
    assert "Status: Giltigt." in text and "är exakt den som utfärdades (Word)" in text
    assert main(["verify", "ASF-2026-00005", "XXXX-XXXX-XXXX", "--register", str(db)]) == 1
    assert "kunde inte verifieras" in capsys.readouterr().out
    assert main(["revoke", "ASF-2026-00005", "--register", str(db)]) == 0
    assert main(["verify", "ASF-2026-00005", code, "--register", str(db)]) == 1
    assert "Status: Återkallat" in capsys.readouterr().out
    assert main(["revoke", "ASF-2026-00005", "--register", str(db)]) == 2
    assert "redan återkallat" in capsys.readouterr().err


def test_sheet_is_appended_not_rewritten(book, tmp_path):
    out, db = tmp_path / "intyg", tmp_path / "reg.sqlite3"
    first = workflow.issue_workbook(book, out, register=db, today=TODAY).result.issued
    wb = openpyxl.load_workbook(book)
    ws = wb[schema.INTYGSREGISTER]
    ws.cell(row=1, column=9, value="Anteckning")
    ws.cell(row=2, column=9, value="skickat per post")  # an administrator's own note
    ws.cell(row=3, column=5, value="ändrat för hand")
    wb.save(book)
    workflow.issue_workbook(book, out, register=db, today=TODAY, reissue=first[5].plats_id)
    header, rows = _sheet_rows(book)
    assert header[8] == "Anteckning" and rows[0][8] == "skickat per post"
    assert rows[1][4] == "ändrat för hand"  # an existing row is never rewritten
    assert len(rows) == facts.ELIGIBLE + 1
    assert rows[-1][0] == f"ASF-2026-{facts.ELIGIBLE + 1:05d}"
    assert rows[5][7] == "Ersatt"


def test_the_intygsregister_update_rewrites_only_that_sheet(book, tmp_path):
    import zipfile

    before = zipfile.ZipFile(book)
    original = {i.filename: before.read(i.filename) for i in before.infolist()}
    out, db = tmp_path / "intyg", tmp_path / "reg.sqlite3"
    issued = workflow.issue_workbook(book, out, register=db, today=TODAY).result.issued
    after = zipfile.ZipFile(book)
    changed = {n for n in after.namelist() if original.get(n) != after.read(n)}
    # the new sheet, its table and relationships, and the lists that name parts and formats
    assert changed <= {"[Content_Types].xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels",
                       "xl/styles.xml", "xl/worksheets/sheet15.xml",
                       "xl/worksheets/_rels/sheet15.xml.rels", "xl/tables/table14.xml"}
    assert set(original) <= set(after.namelist())
    wb = openpyxl.load_workbook(book)
    ws = wb[schema.INTYGSREGISTER]
    table = ws.tables[schema.REGISTER_SHEET.table]
    assert table.ref == f"A1:H{len(issued) + 1}"
    # a second run that changes a status touches the sheet again, not the rest
    workflow.issue_workbook(book, out, register=db, today=TODAY, reissue=issued[0].plats_id)
    header, rows = _sheet_rows(book)
    assert rows[0][7] == "Ersatt" and len(rows) == len(issued) + 1
    assert openpyxl.load_workbook(book)[schema.INTYGSREGISTER].tables[
        schema.REGISTER_SHEET.table].ref == f"A1:H{len(issued) + 2}"
