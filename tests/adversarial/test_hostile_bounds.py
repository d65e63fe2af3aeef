"""Issue 12's hostile workbooks end with exit code 2 and a Swedish message, within seconds and
bounded memory, through the real command line (its watched child process included)."""

from __future__ import annotations

import resource
import subprocess
import sys
from pathlib import Path

import pytest

from addin.core.errors import WorkbookUnreadable
from addin.xlsx import limits, reader

from .hostile_workbooks import (
    BUILDERS,
    PLATSER_PART,
    TEMPLATE,
    _platser,
    _rewrite,
    doctype_after_padding,
    far_corner,
)

ROOT = Path(__file__).resolve().parents[2]
# Bounds from the issue (10 s, 500 MB); time is the machine's, so only a generous bound is checked
# here and the figures are printed by bench/bench_register.py --hostile.
MAX_MB = 500


def _amanst(*args: str, env: dict | None = None) -> tuple[subprocess.CompletedProcess, float]:
    script = ("import resource, subprocess, sys\n"
              "p = subprocess.run([sys.executable, '-m', 'addin', *sys.argv[1:]], "
              "capture_output=True, text=True)\n"
              "sys.stdout.write(p.stdout); sys.stderr.write(p.stderr)\n"
              "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)\n"
              "sys.exit(p.returncode)\n")
    done = subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True,
                          cwd=ROOT, timeout=120, env=env)
    *message, peak = done.stderr.strip().splitlines()
    done.stderr = "\n".join(message)
    return done, int(peak) / 1024


@pytest.mark.slow
@pytest.mark.parametrize("label", list(BUILDERS))
@pytest.mark.parametrize("out", [False, True], ids=["validate", "validate --out"])
def test_each_hostile_workbook_ends_with_exit_2_and_a_swedish_message(tmp_path, label, out):
    path = BUILDERS[label](tmp_path)
    args = ["validate", str(path)] + (["--out", str(tmp_path / "ut.xlsx")] if out else [])
    done, peak_mb = _amanst(*args)
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith("Fel: ") and "Traceback" not in done.stderr
    assert any(w in done.stderr for w in ("Arbetsboken", "Bladet")), done.stderr
    assert "panicked" not in done.stderr and "memory allocation" not in done.stderr
    assert peak_mb < MAX_MB
    assert not (tmp_path / "ut.xlsx").exists()


def test_a_doctype_behind_padding_is_found(tmp_path):
    for padding in (0, 4096, 60_000):
        path = doctype_after_padding(tmp_path, padding)
        with pytest.raises(WorkbookUnreadable, match="DOCTYPE"):
            reader.read_raw_book(path)


def test_a_cell_far_to_the_right_is_stopped_by_the_parsing_limits(tmp_path):
    # no row count shows this one: the watched child's memory limit does, and the parent speaks
    cell = b'<row r="20000"><c r="XFD20000" t="inlineStr"><is><t>x</t></is></c></row>'
    path = _rewrite(tmp_path / "hoger.xlsx", {PLATSER_PART: _platser(cell)})
    done, peak_mb = _amanst("validate", str(path))
    assert done.returncode == 2, done.stderr
    assert "kräver mer minne än gränsen" in done.stderr
    assert "memory allocation" not in done.stderr and peak_mb < MAX_MB


def test_the_time_limit_ends_a_parse_that_runs_too_long():
    env = {**__import__("os").environ, "AMANST_PARSE_SECONDS": "1"}
    script = ("import time, python_calamine\n"
              "real = python_calamine.CalamineWorkbook.from_path\n"
              "def slow(path):\n"
              "    time.sleep(30)\n"
              "    return real(path)\n"
              "python_calamine.CalamineWorkbook.from_path = staticmethod(slow)\n"
              "from addin.cli.main import main\n"
              "raise SystemExit(main())\n")
    done = subprocess.run([sys.executable, "-c", script, "validate", str(TEMPLATE)],
                          capture_output=True, text=True, cwd=ROOT, env=env, timeout=60)
    assert done.returncode == 2, done.stderr
    assert "tog längre tid än gränsen (1 sekunder)" in done.stderr


def test_far_corner_builder_is_what_the_issue_describes(tmp_path):
    path = far_corner(tmp_path)
    assert path.stat().st_size < 300_000


def test_limits_are_lifted_after_parsing():
    import os

    read, write = os.pipe()
    soft_before = resource.getrlimit(resource.RLIMIT_AS)
    limits.install(limits.Limits(2**30, 60, write))
    try:
        reader.read_raw_book(TEMPLATE)
    finally:
        limits.install(None)
        os.close(write)
    assert resource.getrlimit(resource.RLIMIT_AS) == soft_before
    assert os.read(read, 4096).decode().splitlines() == [f"parsing\t{TEMPLATE.name}", "done"]
    os.close(read)
