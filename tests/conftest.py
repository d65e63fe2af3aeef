"""Fixtures shared across test folders, and every test's amanst state (incident log, the
register's journal) in a folder of its own, never the developer's ~/.local/state/amanst, unless a
test module already chose one; the test installation issues under the example's Intygsprefix, ASF,
unless a test says otherwise; and no test reads a developer's own certificate register
(~/.amanst): each gets one of its own unless its folder set one for the session."""

from __future__ import annotations

import contextlib
import io
import os
from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _own_certificate_register(tmp_path_factory, monkeypatch):
    if "AMANST_REGISTER" not in os.environ:  # tests/excel sets its own for the whole session
        folder = tmp_path_factory.mktemp("register")
        monkeypatch.setenv("AMANST_REGISTER", str(folder / "intygsregister.sqlite3"))
        monkeypatch.delenv("AMANST_REGISTER_URL", raising=False)


@pytest.fixture(autouse=True)
def _own_state_dir(tmp_path_factory, monkeypatch):
    if "AMANST_STATE_DIR" not in os.environ:
        monkeypatch.setenv("AMANST_STATE_DIR", str(tmp_path_factory.mktemp("state")))
    if "AMANST_INTYGSPREFIX" not in os.environ:
        monkeypatch.setenv("AMANST_INTYGSPREFIX", "ASF")


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
