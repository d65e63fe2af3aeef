"""``amanst steering`` and ``amanst report`` from the command line, and the demo step."""

from __future__ import annotations

import email
import hashlib
import shutil
from datetime import date
from email.policy import default
from pathlib import Path

import openpyxl
import pytest

from addin.cli import demo
from addin.cli.main import main

from .conftest import EXAMPLE


@pytest.mark.calendar
def test_steering_writes_the_workbook_and_a_draft(tmp_path, capsys):
    out, eml = tmp_path / "styrgrupp.xlsx", tmp_path / "utkast.eml"
    assert main(["steering", str(EXAMPLE), "--eml", str(eml), "--out", str(out),
                 "--today", "2026-11-27"]) == 0
    assert openpyxl.load_workbook(out)["Förvaltningar"]["A1"].value == "Platser per förvaltning"
    msg = email.message_from_bytes(eml.read_bytes(), policy=default)
    assert msg["X-Unsent"] == "1"
    assert "Skrev styrgruppens sammanställning" in capsys.readouterr().out


@pytest.mark.calendar
def test_steering_never_writes_over_a_register(tmp_path, capsys):
    register = tmp_path / "register.xlsx"
    shutil.copy(EXAMPLE, register)
    before = hashlib.sha256(register.read_bytes()).hexdigest()
    assert main(["steering", str(register), "--out", str(register), "--today", "2026-11-27"]) == 2
    assert hashlib.sha256(register.read_bytes()).hexdigest() == before
    assert "skrivs inte över" in capsys.readouterr().err


@pytest.mark.calendar
def test_send_without_a_server_is_a_clear_message(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("AMANST_SMTP_HOST", raising=False)
    assert main(["steering", str(EXAMPLE), "--send", "--out", str(tmp_path / "s.xlsx"),
                 "--today", "2026-11-27"]) == 2
    assert "AMANST_SMTP_HOST" in capsys.readouterr().err


@pytest.mark.calendar
def test_report_for_a_given_period(tmp_path, capsys):
    out = tmp_path / "rapport.docx"
    assert main(["report", str(EXAMPLE), "--from", "2026-01-01", "--to", "2026-08-31",
                 "--out", str(out), "--today", "2026-11-27"]) == 0
    assert out.exists()
    text = capsys.readouterr().out
    assert "Delår 2026 (januari–augusti)" in text
    assert "Preliminär: underlaget har 8 fel och 1 varning." in text


def test_another_period_is_never_sent_to_the_steering_group(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("AMANST_SMTP_HOST", "127.0.0.1")
    assert main(["steering", str(EXAMPLE), "--send", "--from", "2026-01-01", "--to", "2026-06-30",
                 "--out", str(tmp_path / "s.xlsx"), "--today", "2026-11-27"]) == 2
    assert "ingen standardperiod" in capsys.readouterr().err
    assert not (tmp_path / "s.xlsx").exists()


@pytest.mark.calendar
def test_demo_writes_the_summary_the_draft_and_the_report(tmp_path):
    lines = list(demo.demo(tmp_path / "ut", today=date(2026, 11, 27)))
    names = {p.name for p in (tmp_path / "ut").iterdir()}
    assert "styrgrupp-utkast.eml" in names
    assert "Styrgrupp-arbetsmarknadsanstallningar-2026-01-01--2026-12-31.xlsx" in names
    assert "Rapport-arbetsmarknadsanstallningar-2026-01-01--2026-12-31.docx" in names
    assert any("rapportavsnittet" in line for line in lines)
    assert Path(tmp_path / "ut" / "styrgrupp-utkast.eml").stat().st_size > 10_000
