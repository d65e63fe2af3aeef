"""The example workbook after `amanst issue` (certificates in its Intygsregister), made once."""

from __future__ import annotations

import contextlib
import io
import shutil
from pathlib import Path

import pytest

from addin.cli import main as cli

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def example_with_certificates(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("intyg")
    book = folder / "exempel.xlsx"
    shutil.copy(ROOT / "workbooks" / "exempel.xlsx", book)
    printed = io.StringIO()
    # a session fixture is made before the autouse state-dir and prefix fixture of tests/conftest.py
    with pytest.MonkeyPatch.context() as env, contextlib.redirect_stdout(printed), \
            contextlib.redirect_stderr(printed):
        env.setenv("AMANST_STATE_DIR", str(tmp_path_factory.mktemp("state")))
        env.setenv("AMANST_INTYGSPREFIX", "ASF")
        code = cli.main(["issue", str(book), "--out-dir", str(folder / "intyg"), "--register",
                         str(folder / "register.sqlite3"), "--out", str(book),
                         "--today", "2026-11-27"])
    assert code == 0, printed.getvalue()
    return book
