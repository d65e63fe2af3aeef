"""Every test's amanst state (incident log, the register's journal) in a folder of its own, never
the developer's ~/.local/state/amanst, unless a test module already chose one; and the test
installation issues under the example's Intygsprefix, ASF, unless a test says otherwise."""

from __future__ import annotations

import os

import pytest


@pytest.fixture(autouse=True)
def _own_state_dir(tmp_path_factory, monkeypatch):
    if "AMANST_STATE_DIR" not in os.environ:
        monkeypatch.setenv("AMANST_STATE_DIR", str(tmp_path_factory.mktemp("state")))
    if "AMANST_INTYGSPREFIX" not in os.environ:
        monkeypatch.setenv("AMANST_INTYGSPREFIX", "ASF")
