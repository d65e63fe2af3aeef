"""Honest failure messages and no leftovers (issue 15): a full output folder, a workbook on a full
disk, ``validate --out`` onto a full disk, SQLite on a full disk, PostgreSQL stopped mid-run and
Ctrl+C each end with a Swedish message saying exactly what was issued and what was not, never
"Inget har ändrats" after a change, never a traceback, no hidden file with personal data, and a
rerun that completes. Full disks are real: a small tmpfs mounted for the test; PostgreSQL is a
throwaway cluster of the test's own, stopped while the run writes."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from certhelpers import (
    EXAMPLE,
    TODAY,
    docx_text,
    fill_disk,
    small_disk,
    status_counts,
    throwaway_postgres,
)

from addin import leftovers
from addin.certificates import issuing, pdf, workflow
from addin.certificates.backend import open_store
from addin.certificates.files import sha256_file
from addin.certificates.stopped import IssueStopped
from addin.cli.main import main
from tests import example_facts as facts

ROOT = Path(__file__).resolve().parents[2]
NUMBERS = facts.NUMBERS


def _code(docx: Path) -> str:
    text = docx_text(docx)
    marker = "Verifieringskod " if "Verifieringskod " in text else "Verification code "
    return text.split(marker)[1].split()[0]


def _all_verify(register: str, folder: Path, expected: list[str]) -> None:
    """Every expected certificate's file is in ``folder``, is the one registered, and verifies."""
    with open_store(register) as store:
        for number in expected:
            docx = folder / f"{number}.docx"
            v = store.verify(number, _code(docx), sha256_file(docx))
            assert v.known and v.entry.status == "Giltigt" and v.file_kind == "docx", number
    assert sorted(p.name for p in folder.glob("*.docx")) == [f"{n}.docx" for n in expected]


def _hidden(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def _fill_after(monkeypatch, count: int, folder: Path) -> list[Path]:
    """After ``count`` certificate files, fill ``folder``'s disk (another program did)."""
    real, written, fillers = issuing.write_new, [0], []

    def write(*args, **kwargs):
        if written[0] == count:
            fillers.append(fill_disk(folder))
        written[0] += 1
        return real(*args, **kwargs)

    monkeypatch.setattr(issuing, "write_new", write)
    return fillers


@pytest.fixture
def full_folder(tmp_path):
    yield from small_disk(tmp_path / "liten", "16m")


def test_a_full_output_folder_says_what_was_issued_and_the_rerun_completes(
        book, tmp_path, full_folder, monkeypatch, capsys):
    out, db = full_folder / "intyg", str(tmp_path / "reg.sqlite3")
    fillers = _fill_after(monkeypatch, 6, full_folder)
    code = main(["issue", str(book), "--out-dir", str(out), "--register", db,
                 "--today", "2026-11-27"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("Fel: Utfärdandet avbröts. Disken är full i mappen")
    assert "Utfärdade och registrerade: 6 intyg (ASF-2026-00001 – ASF-2026-00006)" in err
    assert (f"Inte utfärdade: {facts.ELIGIBLE - 6} intyg; deras nummer (ASF-2026-00007 – "
            f"{NUMBERS[-1]}) är reserverade och används av nästa körning.") in err
    assert "Frigör utrymme på disken. Kör sedan samma kommando igen" in err
    assert "Inget har ändrats" not in err and "Traceback" not in err
    assert status_counts(db) == {"Giltigt": 6, "Utfärdas": facts.ELIGIBLE - 6}  # no number burnt
    assert _hidden(out) == []
    _all_verify(db, out, NUMBERS[:6])

    fillers[0].unlink()
    monkeypatch.undo()
    r = workflow.issue_workbook(book, out, register=db, today=TODAY).result
    assert sorted(c.number for c in r.issued) == NUMBERS[6:]  # the same numbers, kept for it
    assert status_counts(db) == {"Giltigt": facts.ELIGIBLE}
    _all_verify(db, out, NUMBERS)


def test_a_workbook_on_a_full_disk_keeps_the_certificates_and_catches_up(
        tmp_path, full_folder, capsys):
    book = full_folder / "register.xlsx"
    shutil.copy(EXAMPLE, book)
    before = sha256_file(book)
    out, db = tmp_path / "intyg", str(tmp_path / "reg.sqlite3")
    filler = fill_disk(full_folder)
    code = main(["issue", str(book), "--out-dir", str(out), "--register", db,
                 "--today", "2026-11-27"])
    captured = capsys.readouterr()
    assert code == 1
    assert f"Klart: {facts.ELIGIBLE} nya intyg," in captured.out
    assert ("Intygen är utfärdade och registrerade, men bladet Intygsregister kunde inte skrivas: "
            "register.xlsx kunde inte sparas: disken är full i mappen") in captured.out
    assert "Traceback" not in captured.out + captured.err
    assert sha256_file(book) == before
    assert sorted(p.name for p in full_folder.iterdir()) == ["register.xlsx", "utfyllnad.bin"]

    filler.unlink()
    assert main(["issue", str(book), "--out-dir", str(out), "--register", db,
                 "--today", "2026-11-27"]) == 0
    assert "Bladet Intygsregister uppdaterat" in capsys.readouterr().out
    _all_verify(db, out, NUMBERS)


def test_validate_out_onto_a_full_disk_says_so(book, full_folder, capsys):
    filler = fill_disk(full_folder)
    before = sha256_file(book)
    code = main(["validate", str(book), "--out", str(full_folder / "kontroll.xlsx"),
                 "--today", "2026-11-27"])
    err = capsys.readouterr().err
    assert code == 2
    assert "kontroll.xlsx kunde inte sparas: disken är full i mappen" in err
    assert "Traceback" not in err
    assert sha256_file(book) == before
    assert sorted(p.name for p in full_folder.iterdir()) == [filler.name]


def test_sqlite_on_a_full_disk_says_the_disk_is_full(book, tmp_path, full_folder, capsys):
    db = str(full_folder / "reg.sqlite3")
    with open_store(db):
        pass
    filler = fill_disk(full_folder)
    out = tmp_path / "intyg"
    code = main(["issue", str(book), "--out-dir", str(out), "--register", db,
                 "--today", "2026-11-27"])
    err = capsys.readouterr().err
    assert code == 2
    assert f"Disken där intygsregistret {db} ligger är full. Inget har ändrats." in err
    assert "rollback" not in err and "Traceback" not in err
    assert status_counts(db) == {}
    assert not out.exists() or list(out.iterdir()) == []

    filler.unlink()
    assert main(["issue", str(book), "--out-dir", str(out), "--register", db,
                 "--today", "2026-11-27"]) == 0
    _all_verify(db, out, NUMBERS)


def test_ctrl_c_says_what_was_issued_and_the_rerun_completes(book, tmp_path, monkeypatch):
    out, db = tmp_path / "intyg", str(tmp_path / "reg.sqlite3")
    real, written = issuing.write_new, [0]

    def write(*args, **kwargs):
        if written[0] == 12:
            raise KeyboardInterrupt
        written[0] += 1
        return real(*args, **kwargs)

    monkeypatch.setattr(issuing, "write_new", write)
    with pytest.raises(IssueStopped) as stopped:
        workflow.issue_workbook(book, out, register=db, today=TODAY)
    assert stopped.value.exit_code == 130
    text = str(stopped.value)
    assert text.startswith("Utfärdandet avbröts. Körningen avbröts (Ctrl+C). Utfärdade och "
                           "registrerade: 12 intyg (ASF-2026-00001 – ASF-2026-00012)")
    assert "Kör samma kommando igen: då utfärdas resten" in text
    monkeypatch.undo()
    r = workflow.issue_workbook(book, out, register=db, today=TODAY).result
    assert sorted(c.number for c in r.issued) == NUMBERS[12:]
    _all_verify(db, out, NUMBERS)


# Issues through the command line with a register transaction every 10 files and stops the
# throwaway PostgreSQL server right after file STOP_AT was written.
PG_STOPPED = """
import subprocess, sys
from addin.certificates import issuing
from addin.cli.main import main
issuing.FINALIZE_EVERY = 10
stop_at, real, written = int(sys.argv[4]), issuing.write_new, [0]
def write(*args, **kwargs):
    path = real(*args, **kwargs)
    written[0] += 1
    if written[0] == stop_at:
        subprocess.run(sys.argv[5:], check=True, capture_output=True)
    return path
issuing.write_new = write
sys.exit(main(["issue", sys.argv[1], "--out-dir", sys.argv[2], "--register", sys.argv[3],
               "--today", "2026-11-27"]))
"""


@pytest.mark.slow
def test_postgres_stopped_mid_run_says_what_was_registered_and_the_rerun_completes(
        book, tmp_path):
    with throwaway_postgres() as (url, stop_cmd, start):
        out = tmp_path / "intyg"
        proc = subprocess.run([sys.executable, "-c", PG_STOPPED, str(book), str(out), url, "25",
                               *stop_cmd], cwd=ROOT, capture_output=True, text=True, timeout=600)
        err = proc.stderr
        assert proc.returncode == 2, err
        assert "Utfärdandet avbröts. Intygsregistret i PostgreSQL (postgres@127.0.0.1:" in err
        assert "går inte att nå" in err
        assert "Utfärdade och registrerade: 20 intyg (ASF-2026-00001 – ASF-2026-00020)" in err
        assert ("Oklart om 10 intyg (ASF-2026-00021 – ASF-2026-00030) hann registreras innan "
                "felet") in err
        assert f"Inte utfärdade: {facts.ELIGIBLE - 30} intyg." in err
        assert "Inget har ändrats" not in err and "Traceback" not in err
        names = sorted(p.name for p in out.iterdir())
        assert names == sorted([f"{n}.docx" for n in NUMBERS[:20]]
                               + [f"{n}.EJ-GILTIGT.docx" for n in NUMBERS[20:30]])

        start()
        r = workflow.issue_workbook(book, out, register=url, today=TODAY).result
        assert sorted(c.number for c in r.issued) == NUMBERS[20:]  # taken over: same numbers
        assert status_counts(url) == {"Giltigt": facts.ELIGIBLE}
        _all_verify(url, out, NUMBERS)
        assert _hidden(out) == []
        assert not list(out.glob("*.EJ-GILTIGT.*"))


def test_files_set_aside_come_back_when_the_register_made_them_valid(book, tmp_path):
    out, db = tmp_path / "intyg", str(tmp_path / "reg.sqlite3")
    workflow.issue_workbook(book, out, register=db, today=TODAY)
    kept, foreign = out / "ASF-2026-00004.docx", out / "ASF-2026-00005.docx"
    kept.rename(out / "ASF-2026-00004.EJ-GILTIGT.docx")  # registered after all: comes back
    foreign.rename(out / "ASF-2026-00005.EJ-GILTIGT.docx")
    (out / "ASF-2026-00005.EJ-GILTIGT.docx").write_bytes(b"not what was registered")
    workflow.issue_workbook(book, out, register=db, today=TODAY)
    assert kept.exists() and not foreign.exists()
    assert not list(out.glob("*.EJ-GILTIGT.*"))


def _dead_tag() -> str:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return f"{leftovers.machine_hash()}_{child.pid}_1"


def test_each_run_removes_what_crashed_runs_left_and_only_that(book, tmp_path):
    out, db = tmp_path / "intyg", str(tmp_path / "reg.sqlite3")
    out.mkdir()
    dead = _dead_tag()
    (out / f".tmp-{dead}-x1.docx").write_bytes(b"a whole certificate")
    (out / f".pdf-{dead}-x2").mkdir()
    (out / f".pdf-{dead}-x2" / "ASF-2026-00001.pdf").write_bytes(b"%PDF")
    old = out / ".tmp-abc123.docx"  # made before temporary names had a tag
    old.write_bytes(b"x")
    os.utime(old, (time.time() - 2 * leftovers.STALE,) * 2)
    live = out / f"{leftovers.prefix('tmp')}x3.docx"  # a run in this folder right now
    live.write_bytes(b"being written")
    (book.parent / f".bok-{dead}-x4.register.tmp.xlsx").write_bytes(b"half a workbook")
    workflow.issue_workbook(book, out, register=db, today=TODAY)
    assert _hidden(out) == [live.name]
    assert not list(book.parent.glob(".bok-*"))


KILLED_WHILE_CONVERTING = """
import sys
from addin.cli.main import main
sys.exit(main(["issue", sys.argv[1], "--out-dir", sys.argv[2], "--register", sys.argv[3],
               "--pdf", "--today", "2026-11-27"]))
"""


def _soffice_processes(marker: str) -> list[int]:
    found = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                cmdline = (proc / "cmdline").read_bytes()
            except OSError:
                continue
            if marker.encode() in cmdline and b"soffice" in cmdline:
                found.append(int(proc.name))
    return found


@pytest.mark.slow
def test_libreoffice_dies_with_its_parent_and_the_next_run_sweeps(book, tmp_path):
    assert pdf.find_soffice(), "LibreOffice (soffice) must be installed for this test"
    out, db = tmp_path / "intyg", str(tmp_path / "reg.sqlite3")
    proc = subprocess.Popen([sys.executable, "-c", KILLED_WHILE_CONVERTING, str(book), str(out),
                             db], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    while not _soffice_processes(str(out)) or not list(out.glob(".pdf-*")):
        assert time.monotonic() < deadline and proc.poll() is None, "LibreOffice never started"
        time.sleep(0.2)
    time.sleep(1)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 20
    while _soffice_processes(str(out)) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _soffice_processes(str(out)) == []  # died with amanst
    assert list(out.glob(".pdf-*"))  # a folder of PDFs with personal data was left ...
    r = workflow.issue_workbook(book, out, register=db, pdf=True, today=TODAY).result
    assert _hidden(out) == []  # ... and the next run removed it
    assert not r.pdf_missing and len(r.pdf_completed) == facts.ELIGIBLE


def test_a_hung_libreoffice_is_stopped_soon_after_it_stops_making_progress(tmp_path, monkeypatch):
    fake = tmp_path / "soffice"
    fake.write_text(f"#!{sys.executable}\n"  # writes the first PDF it is asked for, then hangs
                    "import sys, time, pathlib\n"
                    "out = pathlib.Path(sys.argv[sys.argv.index('--outdir') + 1])\n"
                    "first = pathlib.Path(sys.argv[-3])\n"
                    "(out / (first.stem + '.pdf')).write_bytes(b'%PDF')\n"
                    "time.sleep(600)\n")
    fake.chmod(0o755)
    files = [tmp_path / f"ASF-2026-{n:05d}.docx" for n in range(1, 4)]
    for f in files:
        f.write_bytes(b"x")
    monkeypatch.setattr(pdf, "FIRST_PDF_TIMEOUT", 5)
    monkeypatch.setattr(pdf, "NEXT_PDF_TIMEOUT", 1)
    work = tmp_path / "pdf"
    work.mkdir()
    started = time.monotonic()
    conversion = pdf.convert(files, work, workers=1, soffice=str(fake))
    took = time.monotonic() - started
    assert conversion.timed_out and len(conversion.pdfs) == 1 and len(conversion.missing) == 2
    assert took < 5  # stopped one second after its last PDF, not after the chunk's limit
