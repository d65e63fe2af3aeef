"""PDF through LibreOffice: text in the PDF, verification of the PDF, chunks, and no LibreOffice."""

from __future__ import annotations

import hashlib
import shutil
import subprocess

import pytest
from certhelpers import TODAY

from addin.certificates import issuing, pdf
from addin.core.certificate_plan import plan
from addin.certificates.store import SqliteStore


def _few(register, n_sv=3, n_en=1):
    cands = plan(register, TODAY).candidates
    keep = [c.plats_id for c in cands if c.language == "sv"][:n_sv] + \
        [c.plats_id for c in cands if c.language == "en"][:n_en]
    register.placements = [p for p in register.placements if p.plats_id in keep]
    return register


def test_pdfs_have_the_text_and_verify(example_register, tmp_path):
    assert pdf.find_soffice(), "LibreOffice (soffice) must be installed for this test"
    reg = _few(example_register)
    with SqliteStore(tmp_path / "reg.sqlite3") as store:
        r = issuing.issue_certificates(reg, tmp_path / "intyg", "test", store, pdf=True,
                                       today=TODAY)
        assert len(r.issued) == 4 and not r.pdf_missing and not r.pdf_skipped_reason
        for cert in r.issued:
            assert cert.pdf == tmp_path / "intyg" / f"{cert.number}.pdf"
            assert cert.pdf.stat().st_size > 0
            text = subprocess.run(["pdftotext", "-layout", str(cert.pdf), "-"], check=True,
                                  capture_output=True, text=True).stdout
            participant = next(p for p in reg.participants if p.deltagar_id == cert.deltagar_id)
            assert participant.fornamn in text and participant.efternamn in text
            assert cert.number in text
            title = "CERTIFICATE OF COMPETENCE" if cert.language == "en" else "KOMPETENSINTYG"
            assert title in text
            assert "{{" not in text
            entry = store.get(cert.number)
            assert entry.files["pdf"] == (cert.pdf.name,
                                          hashlib.sha256(cert.pdf.read_bytes()).hexdigest())
            sha = hashlib.sha256(cert.pdf.read_bytes()).hexdigest()
            assert store.verify(cert.number, "fel", sha).known is False
        assert not any(p.name.startswith(".") for p in (tmp_path / "intyg").iterdir())


def test_chunks_are_all_converted_and_checked(example_register, tmp_path, monkeypatch):
    reg = _few(example_register, 5, 0)
    with SqliteStore(tmp_path / "reg.sqlite3") as store:
        r = issuing.issue_certificates(reg, tmp_path / "intyg", "test", store, today=TODAY)
    work = tmp_path / "pdf"
    work.mkdir()
    monkeypatch.setattr(pdf, "CHUNK", 2)
    conv = pdf.convert([c.docx for c in r.issued], work, workers=1)
    assert conv.missing == [] and conv.calls == 3
    assert sorted(p.name for p in work.glob("*.pdf")) == sorted(f"{c.number}.pdf" for c in r.issued)


def test_a_chunk_that_stops_early_is_retried_and_reported(tmp_path):
    # a fake soffice that converts only the first file it is given, and still exits 0
    fake = tmp_path / "soffice"
    fake.write_text("#!/bin/sh\nout=''\nfirst=''\nwhile [ $# -gt 0 ]; do\n"
                    "  case \"$1\" in --outdir) out=\"$2\"; shift;; *.docx) [ -z \"$first\" ] && "
                    "first=\"$1\";; esac; shift\ndone\nb=$(basename \"$first\" .docx)\n"
                    "echo pdf > \"$out/$b.pdf\"\nexit 0\n")
    fake.chmod(0o755)
    files = []
    for i in range(3):
        f = tmp_path / f"X-{i}.docx"
        f.write_bytes(b"x")
        files.append(f)
    out = tmp_path / "out"
    out.mkdir()
    conv = pdf.convert(files, out, workers=1, soffice=str(fake))
    assert sorted(p.name for p in conv.pdfs) == ["X-0.docx", "X-1.docx"]
    assert conv.missing == [files[2]] and conv.calls == 2


def test_without_libreoffice_word_files_are_issued(example_register, tmp_path, monkeypatch):
    monkeypatch.setattr(pdf, "find_soffice", lambda explicit="": None)
    reg = _few(example_register, 2, 0)
    with SqliteStore(tmp_path / "reg.sqlite3") as store:
        r = issuing.issue_certificates(reg, tmp_path / "intyg", "test", store, pdf=True,
                                       today=TODAY)
        assert len(r.issued) == 2 and all(c.pdf is None for c in r.issued)
        assert "inga PDF-filer" in r.pdf_skipped_reason
        assert all(store.get(c.number).status == "Giltigt" for c in r.issued)
    assert sorted(p.suffix for p in (tmp_path / "intyg").iterdir()) == [".docx", ".docx"]


@pytest.fixture(autouse=True)
def _needs_tools():
    assert shutil.which("pdftotext"), "poppler-utils (pdftotext) must be installed"
