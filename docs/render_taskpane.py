"""Render the task pane to docs/img/aktivitetsfonster.png with headless Chromium.

Usage: ``python docs/render_taskpane.py`` (needs the test extra and Debian's chromium). It starts
``amanst serve`` on a free loopback port, opens the task pane over the Excel stand-in of the
browser tests (``tests/browser/harness.py``) holding the example workbook, clicks Kontrollera and
Sammanställ so that the last runs show, and takes the picture at the width of Excel's task pane.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.browser import harness, workbook_model  # noqa: E402

OUT = Path(__file__).resolve().parent / "img" / "aktivitetsfonster.png"


def main() -> None:
    from playwright.sync_api import sync_playwright

    model = workbook_model.write(workbook_model.from_openpyxl(harness.EXAMPLE),
                                 Path(tempfile.mkdtemp(prefix="amanst-bild-")) / "exempel.json")
    with harness.start_server() as server, sync_playwright() as p:
        browser = harness.launch(p)
        context = browser.new_context(viewport={"width": 340, "height": 700}, locale="sv-SE",
                                      device_scale_factor=1)
        pane = harness.open_pane(context, server, model)
        pane.click("Sammanställ")
        pane.click("Kontrollera")
        pane.page.fill("#amanst-plats", "P0012")
        pane.page.wait_for_timeout(300)
        OUT.parent.mkdir(parents=True, exist_ok=True)
        pane.page.screenshot(path=str(OUT))
        browser.close()
    print(f"Skrev {OUT}")


if __name__ == "__main__":
    main()
