"""Every button in Excel on the web, through the real task pane and client, at 1,000, 5,000 and
10,000 places: the largest exchange with Excel (context.sync, request and response) and the time.

Run by hand: ``python bench/bench_excel_web.py [--places 1000 5000 10000] [--skip-intyg]``.
It generates each register with ``bench_register.generate`` (15 assessment rows per place, so
10,000 places is 150,000 rows; fictitious, fixed seed), loads it into the Excel stand-in
(``tests/browser/excel_standin.js``, mode "web": any exchange over 5 MB is refused) in headless
Chromium, and clicks every button on the served task pane against ``amanst serve`` on loopback.

The time is the wall time of the click in the stand-in, including the server's work; Excel on
the web adds a network round trip per exchange, so the number of exchanges is printed too.
Figures vary with load on a shared machine: the sizes are exact, the seconds approximate.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from bench_register import generate  # noqa: E402

from tests.browser import harness, workbook_model  # noqa: E402

LIMIT = 5_000_000


def ongoing_place(model: dict) -> tuple[str, float]:
    """A Pågående place and a day inside its employment (Excel serial), for the form."""
    sheet = next(s for s in model["sheets"] if s["name"] == "Platser")
    headers = sheet["values"][0]
    pid, start, status = (headers.index(h) for h in ("PlatsID", "Startdatum", "Status"))
    row = next(r for r in sheet["values"][1:] if r and r[status] == "Pågående")
    return row[pid], row[start] + 1


BUTTONS = ["Kontrollera", "Sammanställ", "Nytt bedömningsformulär", "Spara bedömning",
           "Skicka till styrgruppen", "Utfärda intyg"]


def measure(places: int, folder: Path, skip_intyg: bool, buttons: list[str]) -> list[tuple]:
    xlsx = folder / f"register-{places}.xlsx"
    generate(xlsx, places)
    model = workbook_model.from_calamine(xlsx)
    # The prefix of certificate numbers, which a förvaltning sets before issuing any.
    settings = next(s for s in model["sheets"] if s["name"] == "Inställningar")
    settings["values"].append(["Intygsprefix", "ASF"])
    pid, day = ongoing_place(model)
    path = workbook_model.write(model, folder / f"register-{places}.json")
    rows = []
    from playwright.sync_api import sync_playwright

    with harness.start_server() as server, sync_playwright() as p:
        browser = harness.launch(p)
        pane = harness.open_pane(browser.new_context(viewport={"width": 340, "height": 900}),
                                 server, path)
        steps = [b for b in buttons if not (skip_intyg and b == "Utfärda intyg")]
        pane.page.fill("#amanst-plats", pid)
        pane.page.select_option("#amanst-tillfalle", "Uppföljning 2")
        for label in steps:
            if label == "Spara bedömning":
                pane.page.evaluate(f"() => ExcelStandIn.model.sheet('Formulär').write(4, 1, {day})")
                pane.type("Formulär", "B6", "Test Testsson")
                pane.type("Formulär", "C11", 2)
            pane.reset_stats()
            t0 = time.perf_counter()
            pane.click(label, timeout=1_800_000)
            seconds = time.perf_counter() - t0
            stats = pane.stats()
            run = pane.runs()[0] if pane.runs() else {}
            rows.append((places, label, stats["maxRequest"], stats["maxResponse"], stats["syncs"],
                         stats["refused"], seconds, run.get("status"), pane.error_text()))
            print(f"{places:>6} {label:<26} request {stats['maxRequest'] / 1e6:5.2f} MB  "
                  f"response {stats['maxResponse'] / 1e6:5.2f} MB  {stats['syncs']:5d} utbyten  "
                  f"{seconds:6.1f} s  {run.get('status')}  {pane.error_text() or ''}", flush=True)
        browser.close()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--places", type=int, nargs="*", default=[1000, 5000, 10000])
    parser.add_argument("--buttons", nargs="*", default=BUTTONS, help="only these buttons")
    parser.add_argument("--skip-intyg", action="store_true",
                        help="leave out Utfärda intyg (it writes one Word file per place)")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="amanst-bench-web-"))
    rows = []
    for places in args.places:
        rows += measure(places, folder, args.skip_intyg, args.buttons)
    print("\n| Knapp | Platser | Största förfrågan | Största svar | Utbyten | Tid |")
    print("|---|---:|---:|---:|---:|---:|")
    for places, label, req, resp, syncs, refused, seconds, status, _error in rows:
        flag = "" if status == "klar" and not refused else f" ({status}, {refused} nekade)"
        print(f"| {label}{flag} | {places:,} | {req / 1e6:.2f} MB | {resp / 1e6:.2f} MB | "
              f"{syncs} | {seconds:.1f} s |".replace(",", " "))
    worst = max(max(r[2], r[3]) for r in rows)
    print(f"\nStörsta utbyte i alla körningar: {worst / 1e6:.2f} MB (gräns {LIMIT / 1e6:.0f} MB)")


if __name__ == "__main__":
    main()
