"""Faults: a process killed at each step of saving a workbook leaves the old one or the new one,
whole, never a mixture.

The kill is placed exactly: tests/adversarial/faultharness.py runs `amanst validate --out` with a
listener on the save's named points (addin/xlsx/savepoints) and holds the process at the chosen
point; the test reads the points from a pipe, asserts the chosen one was reached, kills the process
with SIGKILL there, and only then looks at the file. A save that wrote over the target in place
fails the `save:writing` case every time: the kill lands after the first bytes, before the last.
"""

from __future__ import annotations

import os
import select
import shutil
import signal
import subprocess
import sys
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from addin import operations
from addin.core import checks, schema
from addin.xlsx import savepoints

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "workbooks" / "exempel.xlsx"
TODAY = "2026-11-27"
DEADLINE = 600  # seconds for the child to reach its point on a loaded machine; not a sync timer


def problems(path: Path) -> list[dict]:
    today = date.fromisoformat(TODAY)
    return [p.as_dict() for p in checks.validate(operations.read_register(path, today), today)]


def run_until(point: str, args: list[str]) -> list[str]:
    """Start the harness, return the points it passed once it waits at ``point``; kill it there."""
    read_end, write_end = os.pipe()
    proc = subprocess.Popen([sys.executable, "-m", "tests.adversarial.faultharness", point,
                             str(write_end), *args], cwd=ROOT, pass_fds=(write_end,),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write_end)
    seen: list[str] = []
    buffer = b""
    try:
        while point not in seen:
            ready, _, _ = select.select([read_end], [], [], DEADLINE)
            if not ready:
                pytest.fail(f"{point} not reached within {DEADLINE} s (passed: {seen})")
            chunk = os.read(read_end, 4096)
            if not chunk:
                pytest.fail(f"the command ended without reaching {point} (passed: {seen})")
            buffer += chunk
            *lines, buffer = buffer.split(b"\n")
            seen.extend(line.decode() for line in lines)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        os.close(read_end)
    assert proc.returncode == -signal.SIGKILL
    return seen


@pytest.fixture(scope="module")
def expected() -> list[dict]:
    return problems(EXAMPLE)


@pytest.mark.slow
@pytest.mark.parametrize("point", savepoints.POINTS)
def test_killed_at_each_step_of_writing_over_the_register(tmp_path: Path, point: str, expected):
    path = tmp_path / "register.xlsx"
    shutil.copy(EXAMPLE, path)
    original = path.read_bytes()

    seen = run_until(point, ["validate", str(path), "--out", str(path), "--today", TODAY])

    assert seen == list(savepoints.POINTS[:savepoints.POINTS.index(point) + 1])
    if point == savepoints.REPLACED:  # the new workbook, whole: the register and its Kontroll
        assert problems(path) == expected
        assert schema.KONTROLL in openpyxl.load_workbook(path, read_only=True).sheetnames
    else:  # the old workbook, byte for byte
        assert path.read_bytes() == original
    backups = list(tmp_path.glob("register.bak-*.xlsx"))
    assert [b.read_bytes() for b in backups] == [original]  # the backup came first, whole
    # and no hidden copy of the register is left behind (backups are named, not hidden)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []

    result = operations.validate_workbook(path, out=path, today=date.fromisoformat(TODAY))
    assert result.written == path and problems(path) == expected


@pytest.mark.slow
def test_killed_while_writing_a_new_file_leaves_no_file_under_its_name(tmp_path: Path):
    out = tmp_path / "kontrollerad.xlsx"
    run_until(savepoints.WRITTEN, ["validate", str(EXAMPLE), "--out", str(out), "--today", TODAY])
    assert not out.exists()
