"""Faults while issuing, on SQLite and on PostgreSQL: a run killed (SIGKILL) at several moments
leaves the register consistent and the next run finishes the job; a claim whose owner can't be
proved dead is left alone until the timeout; a LibreOffice that hangs is stopped, loses nothing
and says so; a locked, read-only or unreachable register gives a clear Swedish message."""

from __future__ import annotations

import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from certhelpers import EXAMPLE, TODAY, docx_text, status_counts

from addin.certificates import pdf, store as store_mod, workflow
from addin.certificates.files import sha256_file
from addin.certificates.backend import open_store
from addin.certificates.store import ClaimRequest, owner_gone, owner_token
from addin.cli.main import main
from tests import example_facts as facts
from tests import otheruser

ROOT = Path(__file__).resolve().parents[2]
NUMBERS = facts.NUMBERS  # numbered in the year of certhelpers' TODAY

# Issues the example and kills itself with SIGKILL right before writing file number KILL_AT
# (0: just after the numbers were claimed), with a register transaction every FINALIZE files.
KILLED_WORKER = """
import os, signal, sys
from datetime import date
from pathlib import Path
from addin.certificates import issuing, workflow
kill_at, every = int(sys.argv[4]), int(sys.argv[5])
issuing.FINALIZE_EVERY = every
real_write, written = issuing.write_new, [0]
def write_then_die(*args, **kwargs):
    if written[0] == kill_at:
        os.kill(os.getpid(), signal.SIGKILL)
    written[0] += 1
    return real_write(*args, **kwargs)
issuing.write_new = write_then_die
workflow.issue_workbook(Path(sys.argv[1]), Path(sys.argv[2]), register=sys.argv[3],
                        today=date(2026, 11, 27))
"""


def _code_from(path) -> str:
    text = docx_text(path)
    return text.split("Verifieringskod ")[1].split()[0] if "Verifieringskod " in text else \
        text.split("Verification code ")[1].split()[0]


@pytest.mark.parametrize("kill_at,every", [(0, 100), (30, 100), (25, 10)])
def test_killed_during_issuance_the_next_run_finishes(book, tmp_path, register_db, kill_at, every):
    out = tmp_path / "intyg"
    proc = subprocess.run([sys.executable, "-c", KILLED_WORKER, str(book), str(out), register_db,
                           str(kill_at), str(every)], cwd=ROOT, capture_output=True, text=True,
                          timeout=600)
    assert proc.returncode == -signal.SIGKILL, proc.stderr

    # consistent: every number is a claim or a finished certificate, nothing else
    finished = (kill_at // every) * every
    assert status_counts(register_db) == {k: v for k, v in
                                          {"Giltigt": finished, "Utfärdas": facts.ELIGIBLE - finished}.items()
                                          if v}
    assert len(list(out.glob("ASF-*.docx"))) == kill_at
    assert not list(out.glob(".tmp-*"))

    # the next run takes over the dead run's claims (same numbers) and finishes them
    outcome = workflow.issue_workbook(book, out, register=register_db, today=TODAY)
    r = outcome.result
    assert sorted(c.number for c in r.issued) == NUMBERS[finished:]
    assert len(r.already) == finished
    assert status_counts(register_db) == {"Giltigt": facts.ELIGIBLE}
    assert sorted(p.name for p in out.glob("*.docx")) == [f"{n}.docx" for n in NUMBERS]
    with open_store(register_db) as store:
        for entry in store.entries("ASF"):  # every file on disk is the one registered
            assert sha256_file(out / entry.files["docx"][0]) == entry.files["docx"][1]
        first = out / f"{NUMBERS[finished]}.docx"  # rewritten by the run that took over
        v = store.verify(first.stem, _code_from(first), sha256_file(first))
        assert v.known and v.entry.status == "Giltigt" and v.file_kind == "docx"
    again = workflow.issue_workbook(book, out, register=register_db, today=TODAY).result
    assert again.issued == [] and len(again.already) == facts.ELIGIBLE


KILLED_IN_PDF = """
import os, signal, sys
from datetime import date
from pathlib import Path
from addin.certificates import pdf, workflow
def die(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGKILL)
pdf.convert = die
workflow.issue_workbook(Path(sys.argv[1]), Path(sys.argv[2]), register=sys.argv[3], pdf=True,
                        today=date(2026, 11, 27))
"""


def test_killed_while_making_pdfs_the_next_run_makes_them(book, tmp_path, register_db):
    out = tmp_path / "intyg"
    proc = subprocess.run([sys.executable, "-c", KILLED_IN_PDF, str(book), str(out), register_db],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    assert status_counts(register_db) == {"Giltigt": facts.ELIGIBLE}
    assert not list(out.glob("*.pdf"))
    assert pdf.find_soffice(), "LibreOffice (soffice) must be installed for this test"
    r = workflow.issue_workbook(book, out, register=register_db, pdf=True, today=TODAY).result
    assert r.issued == [] and r.pdf_completed == NUMBERS and not r.pdf_missing
    visible = sorted(p.name for p in out.iterdir() if not p.name.startswith("."))
    assert visible == sorted([f"{n}.docx" for n in NUMBERS] + [f"{n}.pdf" for n in NUMBERS])
    with open_store(register_db) as store:
        for entry in store.entries("ASF"):
            assert sha256_file(out / entry.files["pdf"][0]) == entry.files["pdf"][1]


def test_a_live_or_foreign_claim_is_left_alone_until_the_timeout(register_db):
    t0 = datetime(2026, 11, 27, 9, 0, 0)
    requests = [ClaimRequest("P0001", "D0001", "sv")]
    with open_store(register_db) as other, open_store(register_db) as mine:
        # a claim made by a process on another server: its life can't be checked from here
        other.owner = "server-2|boot|pid:[1]|4242|1000|abcd"
        claims, _ = other.claim("ASF", 2026, requests, "anna", "a.xlsx", t0)
        assert [c.number for c in claims] == ["ASF-2026-00001"]
        later = t0 + store_mod.STALE_CLAIM - timedelta(minutes=1)
        claims, taken = mine.claim("ASF", 2026, requests, "bo", "a.xlsx", later)
        assert claims == [] and taken == [("P0001", "ASF-2026-00001")]
        # after the timeout the claim is taken over: same number, a new code, a new owner
        stale = t0 + store_mod.STALE_CLAIM + timedelta(minutes=1)
        claims, taken = mine.claim("ASF", 2026, requests, "bo", "a.xlsx", stale)
        assert [(c.number, c.resumed) for c in claims] == [("ASF-2026-00001", True)]
        # the slow first owner wakes up: it can neither finish nor void what is no longer its own
        other.finalize([("ASF-2026-00001", "fp", {"docx": ("x.docx", "0" * 64)})], stale)
        other.abandon(["ASF-2026-00001"], stale)
        assert status_counts(register_db) == {"Utfärdas": 1}
        mine.finalize([("ASF-2026-00001", "fp", {"docx": ("ASF-2026-00001.docx", "1" * 64)})],
                      stale)
        assert mine.get("ASF-2026-00001").files["docx"][1] == "1" * 64
        assert mine.verify("ASF-2026-00001", claims[0].code).known


def test_owner_tokens_prove_death_only_on_this_machine():
    me = owner_token()
    assert not owner_gone(me)  # this process is alive
    host, boot, pidns, pid, start, nonce = me.split("|")
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()  # reaped: its PID is gone
    assert owner_gone("|".join((host, boot, pidns, str(child.pid), start, nonce)))
    # our PID with another start time: the PID was reused, the claim's process is gone
    assert owner_gone("|".join((host, boot, pidns, pid, str(int(start) + 1), nonce)))
    # another host, boot or PID namespace, or no /proc: not provable, so not dead
    assert not owner_gone("|".join(("another-host", boot, pidns, str(child.pid), start, nonce)))
    assert not owner_gone("|".join((host, "other-boot", pidns, str(child.pid), start, nonce)))
    assert not owner_gone("|".join((host, boot, "pid:[1]", str(child.pid), start, nonce)))
    assert not owner_gone("|".join((host, "", "", str(child.pid), "", nonce)))
    assert not owner_gone("")


def _still_running(pid: int, patience: float = 5.0) -> bool:
    """Whether ``pid`` still runs. A killed grandchild is reparented to PID 1, which in a container
    may never reap it: a zombie (state Z) has stopped running, its /proc entry stays."""
    deadline = time.monotonic() + patience  # SIGKILL is delivered, not waited for
    while True:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            return False
        if state in {"Z", "X"}:
            return False
        if time.monotonic() > deadline:
            return True
        time.sleep(0.1)


def test_libreoffice_that_hangs_is_stopped_and_nothing_is_lost(book, tmp_path, monkeypatch,
                                                               capsys):
    pids = tmp_path / "pids"
    fake = tmp_path / "soffice"
    fake.write_text(f"#!/bin/sh\necho $$ >> {pids}\nexec sleep 600\n")
    fake.chmod(0o755)
    monkeypatch.setenv("AMANST_SOFFICE", str(fake))
    monkeypatch.setattr(pdf, "FIRST_PDF_TIMEOUT", 1)
    db, out = str(tmp_path / "reg.sqlite3"), tmp_path / "intyg"
    code = main(["issue", str(book), "--out-dir", str(out), "--register", db, "--pdf",
                 "--today", "2026-11-27"])
    text = capsys.readouterr().out
    assert code == 1
    assert f"LibreOffice svarade inte inom väntetiden och stoppades, så {facts.ELIGIBLE} PDF-filer skapades " \
           "inte. Word-filerna är utfärdade och registrerade" in text
    assert sorted(p.name for p in out.iterdir()) == [f"{n}.docx" for n in NUMBERS]
    assert status_counts(db) == {"Giltigt": facts.ELIGIBLE}
    started = [int(x) for x in pids.read_text().split()]
    assert len(started) == 2  # one per worker, not retried after hanging
    for pid in started:  # stopped, not left running
        assert not _still_running(pid)

    # with a working LibreOffice the next run makes only the missing PDFs
    monkeypatch.undo()
    assert pdf.find_soffice(), "LibreOffice (soffice) must be installed for this test"
    r = workflow.issue_workbook(book, out, register=db, pdf=True, today=TODAY).result
    assert r.issued == [] and r.pdf_completed == NUMBERS and not r.pdf_missing
    with open_store(db) as store:
        for entry in store.entries("ASF"):
            assert sha256_file(out / entry.files["pdf"][0]) == entry.files["pdf"][1]


def test_a_locked_register_says_so(book, tmp_path, register_db, monkeypatch, capsys):
    with open_store(register_db):
        pass  # create it
    monkeypatch.setattr(store_mod, "LOCK_TIMEOUT", 0.5)
    if register_db.startswith("postgresql"):
        import psycopg

        from addin.certificates import pgstore

        monkeypatch.setattr(pgstore, "LOCK_TIMEOUT", 0.5)
        holder = psycopg.connect(register_db)
        holder.execute("LOCK TABLE certificates IN ACCESS EXCLUSIVE MODE")
    else:
        holder = sqlite3.connect(register_db, isolation_level=None)
        holder.execute("BEGIN EXCLUSIVE")
    try:
        code = main(["issue", str(book), "--out-dir", str(tmp_path / "intyg"), "--register",
                     register_db, "--today", "2026-11-27"])
        err = capsys.readouterr().err
    finally:
        holder.rollback() if register_db.startswith("postgresql") else holder.execute("ROLLBACK")
        holder.close()
    assert code == 2
    assert "är låst av" in err and "Inget har ändrats" in err
    assert "Traceback" not in err
    assert status_counts(register_db) == {}
    assert not (tmp_path / "intyg").exists() or not list((tmp_path / "intyg").iterdir())


@pytest.mark.slow
def test_a_read_only_register_says_so_and_still_verifies():
    """A real read-only register: mode 0444, and amanst running as a user who does not own it."""
    with otheruser.shared_folder() as folder:
        book, db, out = folder / "register.xlsx", folder / "reg.sqlite3", folder / "intyg"
        shutil.copy(EXAMPLE, book)
        cert = workflow.issue_workbook(book, out, register=str(db), today=TODAY).result.issued[0]
        db.chmod(0o444)
        # only the register is read-only: the workbook (its sheet Intygsregister and backup) and
        # the output folder are the other user's to write, or issue refuses those first
        for writable in (out, folder):
            writable.chmod(0o777)
        book.chmod(0o666)
        before = db.read_bytes()
        run = otheruser.run_amanst("issue", book.name, "--out-dir", out.name, "--register",
                                   db.name, "--reissue", cert.plats_id, "--today",
                                   TODAY.isoformat(), cwd=folder)
        assert run.returncode == 2
        assert "är skrivskyddat" in run.stderr and "Traceback" not in run.stderr
        assert db.read_bytes() == before
        check = otheruser.run_amanst("verify", cert.number, _code_from(cert.docx), "--register",
                                     db.name, cwd=folder)
        assert check.returncode == 0 and "Status: Giltigt." in check.stdout


def test_a_postgres_register_that_cannot_be_reached_says_so_without_the_password(
        book, tmp_path, monkeypatch, capsys):
    url = "postgresql://amanst:hemligt-lösen-42@127.0.0.1:1/amanst"
    monkeypatch.setenv("AMANST_REGISTER_URL", url)  # no --register: the setting decides
    code = main(["issue", str(book), "--out-dir", str(tmp_path / "intyg"),
                 "--today", "2026-11-27"])
    err = capsys.readouterr().err
    assert code == 2
    assert "Intygsregistret i PostgreSQL (amanst@127.0.0.1:1/amanst) går inte att nå" in err
    assert "hemligt" not in err and "Traceback" not in err
    # an explicit --register file wins over the variable
    assert main(["issue", str(book), "--out-dir", str(tmp_path / "intyg"), "--register",
                 str(tmp_path / "r.sqlite3"), "--out", str(tmp_path / "ut.xlsx"),
                 "--today", "2026-11-27"]) == 0
