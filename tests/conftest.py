"""Suite-wide: no test reads a developer's own certificate register (~/.amanst)."""

from __future__ import annotations

import os

import pytest


@pytest.fixture(autouse=True)
def _own_certificate_register(tmp_path_factory, monkeypatch):
    if "AMANST_REGISTER" not in os.environ:  # tests/excel sets its own for the whole session
        folder = tmp_path_factory.mktemp("register")
        monkeypatch.setenv("AMANST_REGISTER", str(folder / "intygsregister.sqlite3"))
        monkeypatch.delenv("AMANST_REGISTER_URL", raising=False)
