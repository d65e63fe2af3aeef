"""Fixtures for the browser tests: one ``amanst serve`` and one Chromium for them all, and a fresh
task pane per test over the Excel stand-in (see ``harness``). The test says which Excel it
emulates: ``mode`` "web" (the 5 MB limit per exchange) or "desktop", and the ExcelApi version.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from . import workbook_model
from .harness import CHROMIUM, EXAMPLE, REPO, Pane, launch, start_server
from .harness import open_pane as _open_pane

__all__ = ["EXAMPLE", "REPO", "Pane"]


# Package scope, not session: Playwright's sync API keeps an event loop running while it is open,
# and later tests (tests/excel) call asyncio.run, which refuses to run inside one.
@pytest.fixture(scope="package")
def server():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):  # .ci/run installs it: in CI a missing browser is a failure
            pytest.fail(f"{CHROMIUM} saknas i CI")
        pytest.skip(f"{CHROMIUM} saknas (apt-get install chromium)")
    with start_server() as s:
        yield s


@pytest.fixture(scope="package")
def browser(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = launch(p)
        yield b
        b.close()


@pytest.fixture(scope="session")
def example_model(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("modell") / "exempel.json"
    return workbook_model.write(workbook_model.from_openpyxl(EXAMPLE), path)


@pytest.fixture()
def open_pane(browser, server, example_model):
    """open_pane(model=..., mode="web", api="1.18") → a Pane on a fresh page."""
    contexts = []

    def _open(model: Path | None = None, mode: str = "web", api: str = "1.18") -> Pane:
        context = browser.new_context(viewport={"width": 340, "height": 900}, locale="sv-SE",
                                      accept_downloads=True)
        contexts.append(context)
        return _open_pane(context, server, model or example_model, mode=mode, api=api)

    yield _open
    for context in contexts:
        context.close()
