"""Shared fixtures: the example register read once, copied per test."""

from __future__ import annotations

import copy
import shutil

import pytest
from certhelpers import EXAMPLE, PG_ENV, PG_HOWTO, TODAY, postgres_register

from addin.operations import read_register


@pytest.fixture
def book(tmp_path):
    """A copy of the example workbook, for a test that issues from it (and so changes it)."""
    path = tmp_path / "register.xlsx"
    shutil.copy(EXAMPLE, path)
    return path


@pytest.fixture(scope="session")
def example_register_cached():
    return read_register(EXAMPLE, TODAY)


@pytest.fixture
def example_register(example_register_cached):
    """A private deep copy, so a test may edit names or settings freely."""
    return copy.deepcopy(example_register_cached)


@pytest.fixture(params=["sqlite", "postgres"])
def register_db(request, tmp_path):
    """A fresh, empty certificate register on each backend, as a ``--register`` value.

    PostgreSQL: a schema of its own in the database at ``AMANST_TEST_POSTGRES_URL`` (``.ci/run``
    starts one). Without that variable the PostgreSQL cases fail in CI and are skipped elsewhere.
    """
    if request.param == "sqlite":
        yield str(tmp_path / "reg.sqlite3")
        return
    yield from postgres_register()


def pytest_terminal_summary(terminalreporter):
    """Say loudly, at the end of the run, that the PostgreSQL cases did not run and how to run them."""
    skipped = [r for r in terminalreporter.stats.get("skipped", []) if PG_ENV in str(r.longrepr)]
    if skipped:
        terminalreporter.write_sep("!", f"{len(skipped)} PostgreSQL tests SKIPPED", red=True,
                                   bold=True)
        terminalreporter.write_line(f"{PG_ENV} is not set, so the certificate register was not "
                                    "tested on PostgreSQL.")
        terminalreporter.write_line(f"To {PG_HOWTO[:1].lower()}{PG_HOWTO[1:]}", bold=True)
