"""A command line that protects and explains (issue 13): identity numbers masked in all it prints,
no output written over without being asked, a reissue in the original's formats, Swedish command
names, and a demo that names what it did not do."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import openpyxl
import pytest

from addin.cli import main as cli
from addin.core.identity import mask_identities
from tests import example_facts as facts
from tests.builders import TEST_PNR

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "workbooks" / "exempel.xlsx"
FULL = re.compile(r"(?<![0-9])[0-9]{8}[-+]?[0-9]{4}(?![0-9])")
MASKED = re.compile(r"(?<![0-9])[0-9]{8}-\*{4}")


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


# --- identity numbers ---------------------------------------------------------------------------

def test_mask_keeps_the_birth_date_and_hides_the_rest():
    assert mask_identities(f"värde: {TEST_PNR}.") == "värde: 19121212-****."
    assert mask_identities(TEST_PNR.replace("-", "")) == "19121212****"
    assert mask_identities(TEST_PNR[2:]) == "121212-****"
    for kept in ("ASF-2026-00042", "2026-11-27", "NAMN.bak-20261127-143000.xlsx", "7ZQY-WDAA-DYNN"):
        assert mask_identities(kept) == kept


def test_validate_masks_identity_numbers_in_text_and_json(capsys):
    code, out, _ = run(capsys, "validate", str(EXAMPLE), "--today", "2026-11-27")
    assert code == 1 and MASKED.search(out) and not FULL.search(out)
    code, out, _ = run(capsys, "validate", str(EXAMPLE), "--json", "--today", "2026-11-27")
    problems = json.loads(out)
    assert any(MASKED.fullmatch(p["value"]) for p in problems) and not FULL.search(out)


def test_a_flag_shows_the_full_numbers(capsys):
    _, out, _ = run(capsys, "kontrollera", str(EXAMPLE), "--visa-personnummer",
                    "--today", "2026-11-27")
    assert FULL.search(out)
    _, out, _ = run(capsys, "validate", str(EXAMPLE), "--json", "--show-personnummer",
                    "--today", "2026-11-27")
    assert FULL.search(out)


def test_error_messages_are_masked_too(capsys, tmp_path: Path):
    code, out, err = run(capsys, "validate", str(tmp_path / f"{TEST_PNR}.xlsx"))
    assert code == 2 and "19121212-****.xlsx finns inte" in err and not FULL.search(out + err)


# --- nothing written over -----------------------------------------------------------------------

def _keep(path: Path) -> Path:
    path.write_bytes(b"viktigt")
    return path


@pytest.mark.parametrize("args", [
    ["validate", str(EXAMPLE), "--out", "{out}"],
    ["tally", str(EXAMPLE), "--out", "{out}"],
    ["steering", str(EXAMPLE), "--out", "{out}"],
    ["steering", str(EXAMPLE), "--out", "{other}", "--eml", "{out}"],
    ["report", str(EXAMPLE), "--out", "{out}"],
    ["issue", str(EXAMPLE), "--out", "{out}", "--register", "{register}"],
])
def test_an_existing_output_is_refused_and_left_as_it_was(capsys, tmp_path: Path, args):
    out = _keep(tmp_path / "finns.xlsx")
    filled = [a.format(out=out, other=tmp_path / "ny.xlsx", register=tmp_path / "r.sqlite3")
              for a in args]
    code, _, err = run(capsys, *filled, "--today", "2026-11-27")
    assert code == 2 and "skrivs inte över" in err and "--skriv-over" in err
    assert out.read_bytes() == b"viktigt"
    assert not (tmp_path / "ny.xlsx").exists() and not (tmp_path / "r.sqlite3").exists()


def test_an_explicit_flag_writes_over(capsys, tmp_path: Path):
    out = _keep(tmp_path / "sammanstallning.xlsx")
    code, _, _ = run(capsys, "sammanstall", str(EXAMPLE), "--out", str(out), "--skriv-over",
                     "--today", "2026-11-27")
    assert code == 0 and out.read_bytes()[:2] == b"PK"


def test_writing_back_into_the_workbook_read_keeps_a_backup(capsys, tmp_path: Path):
    book = tmp_path / "register.xlsx"
    shutil.copy(EXAMPLE, book)
    code, out, _ = run(capsys, "validate", str(book), "--out", str(book), "--today", "2026-11-27")
    assert code == 1 and "säkerhetskopia" in out and list(tmp_path.glob("register.bak-*.xlsx"))


def _platser_row(plats_id: str) -> int:
    """The Platser row of a PlatsID in the example, read from the workbook itself."""
    ws = openpyxl.load_workbook(EXAMPLE, read_only=True)["Platser"]
    return next(i for i, (value,) in enumerate(ws.iter_rows(max_col=1, values_only=True), start=1)
                if value == plats_id)


@pytest.mark.slow
def test_the_demo_names_what_it_did_not_do_and_refuses_its_old_folder(capsys, demo_run):
    out_dir, out = demo_run
    for blocked in facts.BLOCKED_BY_FEL:
        row = _platser_row(blocked)
        assert f"Inget intyg för plats {blocked} (bladet Platser, rad {row})" in out
    waiting = facts.INELIGIBLE - len(facts.BLOCKED_BY_FEL)
    assert f"{waiting} avslutade platser har ännu ingen slutbedömning" in out
    assert "Bedömningar rad 203" in out
    command = next(line.strip() for line in out.splitlines()
                   if line.strip().startswith("amanst verify "))
    assert "<" not in command
    code, verified, _ = run(capsys, *command.split()[1:])
    assert code == 0 and "Status: Giltigt." in verified and "exakt den som utfärdades" in verified
    before = (out_dir / "sammanstallning.json").read_bytes()
    code, _, err = run(capsys, "demo", "--out-dir", str(out_dir))
    assert code == 2 and "tidigare körning" in err
    assert (out_dir / "sammanstallning.json").read_bytes() == before


# --- a reissue keeps the original's formats -----------------------------------------------------

@pytest.fixture
def fake_soffice(tmp_path: Path, monkeypatch) -> Path:
    """A stand-in for LibreOffice that writes a small file for each .docx it is given."""
    fake = tmp_path / "soffice"
    fake.write_text("#!/bin/sh\nout=''\nprev=''\nfor a in \"$@\"; do\n"
                    "  [ \"$prev\" = --outdir ] && out=\"$a\"\n"
                    "  case \"$a\" in *.docx) echo '%PDF-1.4' > "
                    "\"$out/$(basename \"$a\" .docx).pdf\";; esac\n  prev=\"$a\"\ndone\nexit 0\n")
    fake.chmod(0o755)
    monkeypatch.setenv("AMANST_SOFFICE", str(fake))
    return fake


@pytest.mark.slow
def test_a_reissue_gets_a_pdf_when_the_original_had_one(capsys, tmp_path: Path, fake_soffice):
    book, register, out_dir = tmp_path / "register.xlsx", tmp_path / "r.sqlite3", tmp_path / "intyg"
    shutil.copy(EXAMPLE, book)
    common = ["--register", str(register), "--out-dir", str(out_dir), "--today", "2026-11-27"]
    code, out, _ = run(capsys, "utfarda", str(book), "--pdf", *common)
    assert code == 0, out
    first = next(iter(sorted(out_dir.glob("*.pdf"))))
    plats = next(line.split("plats ")[1].split(":")[0].split(" ")[0]
                 for line in out.splitlines() if line.startswith(f"Utfärdade {first.stem} "))
    code, out, _ = run(capsys, "issue", str(book), "--reissue", plats, *common)
    assert code == 0, out
    assert "eftersom intyget som ersätts hade en PDF" in out
    new = next(line for line in out.splitlines() if f"(ersätter {first.stem})" in line)
    number = new.split()[1]
    assert (out_dir / f"{number}.pdf").exists() and (out_dir / f"{number}.docx").exists()
