"""Request and response size and round trip per button, over HTTP on loopback.

Starts ``amanst serve`` on a free port, builds each button's request as the Office.js client does
(``tests/excel/officejs_client.py``, only the sheets the button includes) for the example workbook
(182 places) and for a register of about 2,000 places with their assessments (the example's rows
copied under new ids), posts it, and prints sizes, the median round trip of a few runs, and the
round trip as a ratio of the example's Kontrollera measured in the same run.

Excel on the web caps what an add-in moves in one go at about 5 MB. Request and response sizes
grow linearly with the register, so the largest register each button handles under that cap is
extrapolated from the two sizes and then checked by building a register of that size.

    python bench/bench_server.py
"""

from __future__ import annotations

import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import httpx  # noqa: E402
import openpyxl  # noqa: E402
from openpyxl.utils import get_column_letter, range_boundaries  # noqa: E402

from addin.core import schema  # noqa: E402
from tests.excel.officejs_client import apply, payload  # noqa: E402

EXAMPLE = REPO / "workbooks" / "exempel.xlsx"
CAP = 5_000_000  # bytes: "about 5 MB"
REPEATS = 3
CHECK_UP_TO = 5_000  # places: larger registers take minutes to build with openpyxl
SCRIPTS = ("kontrollera", "sammanstall", "nytt_bedomningsformular", "spara_bedomning")
ID_COLUMNS = {schema.DELTAGARE: ("DeltagarID",), schema.PLATSER: ("PlatsID", "DeltagarID"),
              schema.BEDOMNINGAR: ("PlatsID",), schema.MERVARDE: ("PlatsID",)}


def scaled(copies: int) -> openpyxl.Workbook:
    """The example with its data rows repeated ``copies`` times under new ids."""
    wb = openpyxl.load_workbook(EXAMPLE)
    for name, id_headers in ID_COLUMNS.items():
        ws = wb[name]
        headers = [c.value for c in ws[1]]
        id_cols = [headers.index(h) for h in id_headers]
        rows = [list(r) for r in ws.iter_rows(min_row=2, values_only=True)
                if any(v not in (None, "") for v in r)]
        formats = [c.number_format for c in ws[2]]
        last = ws.max_row  # max_row scans every cell: read it once, not per appended cell
        for k in range(1, copies):
            for row in rows:
                new = list(row)
                for i in id_cols:
                    if new[i]:
                        new[i] = f"{new[i]}-{k}"
                last += 1
                for i, (value, fmt) in enumerate(zip(new, formats), start=1):
                    cell = ws.cell(row=last, column=i, value=value)
                    cell.number_format = fmt
        for table in ws.tables.values():
            left, top, right, _ = range_boundaries(table.ref)
            table.ref = f"{get_column_letter(left)}{top}:{get_column_letter(right)}{last}"
    return wb


def places(wb: openpyxl.Workbook) -> int:
    return sum(1 for r in wb[schema.PLATSER].iter_rows(min_row=2, values_only=True) if r[0])


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int, state: str) -> subprocess.Popen:
    env = {**os.environ, "AMANST_STATE_DIR": state, "AMANST_LOG_DIR": state,
           "DOTENV_PATH": str(Path(state) / "no.env")}
    proc = subprocess.Popen([sys.executable, "-m", "addin", "serve", "--port", str(port)],
                            cwd=REPO, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    for _ in range(100):
        try:
            if httpx.get(f"http://127.0.0.1:{port}/").status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("the server did not start")


def includes(http: httpx.Client) -> dict[str, str]:
    meta = http.get("/xlwings/custom-scripts-meta.json").json()
    return {m["function_name"]: m["include"] for m in meta}


def measure(http: httpx.Client, include: dict[str, str], wb: openpyxl.Workbook, name: str
            ) -> dict[str, dict]:
    """Every button on (a copy of) ``wb``: sizes and round trips; the form is filled for Spara."""
    wb = copy_workbook(wb)
    plats = ongoing_without_follow_up(wb)
    results = {}
    for script in SCRIPTS:
        body = payload(Path(name), include[script], workbook=wb)
        if script == "nytt_bedomningsformular":
            body["args"] = [plats, "Uppföljning 2"]
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        times, response = [], None
        for _ in range(REPEATS if script != "spara_bedomning" else 1):
            t0 = time.perf_counter()
            response = http.post(f"/xlwings/custom-scripts-call/{script}", content=data,
                                 headers={"Content-Type": "application/json"})
            times.append(time.perf_counter() - t0)
            if response.status_code != 200:
                raise SystemExit(f"{script}: {response.status_code} {response.text[:300]}")
        results[script] = {"request": len(data), "response": len(response.content),
                           "seconds": statistics.median(times)}
        if script == "nytt_bedomningsformular":
            apply(response.json()["actions"], wb)
            form = wb[schema.FORMULAR]
            form["B6"] = "Bänk Mätare"
            for r in range(11, form.max_row + 1):
                form.cell(row=r, column=3).value = 2
    return results


def ongoing_without_follow_up(wb: openpyxl.Workbook) -> str:
    headers = [c.value for c in wb[schema.PLATSER][1]]
    done = {(r[0], r[2]) for r in wb[schema.BEDOMNINGAR].iter_rows(min_row=2, values_only=True)}
    for r in wb[schema.PLATSER].iter_rows(min_row=2, values_only=True):
        row = dict(zip(headers, r))
        if (row["Status"] == schema.STATUS_PAGAENDE
                and (row["PlatsID"], "Uppföljning 2") not in done):
            return row["PlatsID"]
    raise SystemExit("no ongoing place without Uppföljning 2")


def copy_workbook(wb: openpyxl.Workbook) -> openpyxl.Workbook:
    with tempfile.NamedTemporaryFile(suffix=".xlsx") as tmp:
        wb.save(tmp.name)
        return openpyxl.load_workbook(tmp.name)


def mb(n: int) -> str:
    return f"{n / 1_000_000:6.2f} MB"


def main() -> None:
    state = tempfile.mkdtemp(prefix="amanst-bench-")
    port = free_port()
    proc = start_server(port, state)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=600) as http:
            include = includes(http)
            small = openpyxl.load_workbook(EXAMPLE)
            big = scaled(11)
            n_small, n_big = places(small), places(big)
            r_small = measure(http, include, small, "exempel.xlsx")
            r_big = measure(http, include, big, "stor.xlsx")
            base = r_small["kontrollera"]["seconds"]
            print(f"Loopback, median of {REPEATS} runs (Spara: one run). Ratio = round trip / "
                  "example's Kontrollera in this run.\n")
            print(f"{'button':26} {'places':>6} {'request':>10} {'response':>10} "
                  f"{'round trip':>11} {'ratio':>6}")
            for label, n, res in (("exempel", n_small, r_small), ("stor", n_big, r_big)):
                for script in SCRIPTS:
                    m = res[script]
                    print(f"{script:26} {n:6d} {mb(m['request']):>10} {mb(m['response']):>10} "
                          f"{m['seconds'] * 1000:8.0f} ms {m['seconds'] / base:6.1f}")
            print(f"\nLargest register under {CAP / 1_000_000:.0f} MB (request and response), "
                  "extrapolated linearly from the two sizes and checked at that size:")
            for script in SCRIPTS:
                limits = []
                for key in ("request", "response"):
                    a, b = r_small[script][key], r_big[script][key]
                    slope = (b - a) / (n_big - n_small)
                    limits.append(float("inf") if slope <= 0 else n_small + (CAP - a) / slope)
                limit = min(limits)
                if limit == float("inf"):
                    print(f"  {script:26} no limit: its payload does not grow with the register")
                    continue
                if limit > CHECK_UP_TO:
                    print(f"  {script:26} about {int(limit):6d} places (extrapolated; not built)")
                    continue
                copies = max(1, int(limit // n_small))
                check = measure(http, include, scaled(copies), "check.xlsx")[script]
                print(f"  {script:26} about {int(limit):6d} places (checked {copies * n_small} "
                      f"places: request {mb(check['request'])}, response "
                      f"{mb(check['response'])})")
    finally:
        proc.terminate()
        proc.wait(timeout=30)


if __name__ == "__main__":
    main()
