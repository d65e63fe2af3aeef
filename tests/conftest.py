"""Fixtures shared across test folders."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory) -> tuple[Path, str]:
    """``amanst exempel`` run once for the session: (its folder, what it printed)."""
    from addin.cli import main as cli

    out_dir = tmp_path_factory.mktemp("demo") / "ut"
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        code = cli.main(["exempel", "--out-dir", str(out_dir), "--today", "2026-11-27"])
    assert code == 0, printed.getvalue()
    return out_dir, printed.getvalue()
