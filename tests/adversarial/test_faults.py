"""Faults: a process killed in the middle of writing a workbook leaves the old one whole."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from addin.core import checks
from addin import operations

ROOT = Path(__file__).resolve().parents[2]


def data(path: Path) -> list[dict]:
    return [p.as_dict() for p in checks.validate(operations.read_register(path))]


@pytest.mark.parametrize("delay", [0.8, 1.6, 2.4, 3.2])
def test_killed_while_writing_over_the_register(tmp_path: Path, delay: float):
    path = tmp_path / "register.xlsx"
    shutil.copy(ROOT / "workbooks" / "exempel.xlsx", path)
    expected = data(path)
    proc = subprocess.Popen([sys.executable, "-m", "addin", "validate", str(path), "--out",
                             str(path)], cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    time.sleep(delay)
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    time.sleep(0.5)  # the watched child dies with it

    assert data(path) == expected  # readable, and the same register, whenever the kill came
    # and no hidden copy of the register is left behind (backups are named, not hidden)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    result = operations.validate_workbook(path, out=path)  # the next run finishes the job
    assert result.written == path and data(path) == expected
