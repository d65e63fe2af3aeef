"""Lint and types as part of the suite: ruff with the rule set chosen in pyproject.toml and mypy
on ``addin/``. A finding fails the suite the way a failing test does, so the house stays clean
without anyone having to remember to run them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=900, check=False)


def test_ruff_finds_nothing_in_the_product():
    result = _run("ruff", "check", "--no-cache", "--output-format", "concise", "addin")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow
def test_mypy_finds_nothing_in_the_product(tmp_path):
    result = _run("mypy", "--cache-dir", str(tmp_path / "mypy"), "addin")
    assert result.returncode == 0, result.stdout + result.stderr
