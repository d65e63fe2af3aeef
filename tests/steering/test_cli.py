"""``amanst steering`` and ``amanst report`` from the command line, and the demo step."""

from __future__ import annotations

import email
import hashlib
import shutil
from email.policy import default
from pathlib import Path

import openpyxl
import pytest

from addin import operations
from addin.cli import demo
from addin.cli.main import main

from .conftest import EXAMPLE


@pytest.mark.calendar
def test_steering_writes_the_workbook_and_a_draft(tmp_path, capsys):
    out, eml = tmp_path / "styrgrupp.xlsx", tmp_path / "utkast.eml"
    assert main(["steering", str(EXAMPLE), "--eml", str(eml), "--out", str(out),
                 "--today", "2026-11-27"]) == 0
    assert openpyxl.load_workbook(out)["Förvaltningar"]["A1"].value == "Per förvaltning"
    msg = email.message_from_bytes(eml.read_bytes(), policy=default)
    assert msg["X-Unsent"] == "1"
    assert "Skrev styrgruppens sammanställning" in capsys.readouterr().out


@pytest.mark.calendar
def test_steering_never_writes_over_a_register(tmp_path, capsys):
    register = tmp_path / "register.xlsx"
    shutil.copy(EXAMPLE, register)
    before = hashlib.sha256(register.read_bytes()).hexdigest()
    assert main(["steering", str(register), "--out", str(register)]) == 2
    assert hashlib.sha256(register.read_bytes()).hexdigest() == before
    assert "skrivs inte över" in capsys.readouterr().err


@pytest.mark.calendar
def test_send_without_a_server_is_a_clear_message(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("AMANST_SMTP_HOST", raising=False)
    assert main(["steering", str(EXAMPLE), "--send", "--out", str(tmp_path / "s.xlsx")]) == 2
    assert "AMANST_SMTP_HOST" in capsys.readouterr().err


@pytest.mark.calendar
def test_report_for_a_given_period(tmp_path, capsys):
    out = tmp_path / "rapport.docx"
    assert main(["report", str(EXAMPLE), "--from", "2026-01-01", "--to", "2026-08-31",
                 "--out", str(out)]) == 0
    assert out.exists()
    assert "2026-01-01 – 2026-08-31" in capsys.readouterr().out


@pytest.mark.calendar
def test_demo_writes_the_summary_the_draft_and_the_report(tmp_path):
    lines = list(demo.demo(tmp_path / "ut"))
    names = {p.name for p in (tmp_path / "ut").iterdir()}
    assert "styrgrupp-utkast.eml" in names
    assert "Styrgrupp-arbetsmarknadsanstallningar-2026-01-01--2026-12-31.xlsx" in names
    assert "Rapport-arbetsmarknadsanstallningar-2026-01-01--2026-12-31.docx" in names
    assert any("rapportavsnittet" in line for line in lines)
    assert Path(tmp_path / "ut" / "styrgrupp-utkast.eml").stat().st_size > 10_000
