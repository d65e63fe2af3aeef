"""Benchmark: every row of issue 12's table, side by side with its floor measured in the same run.

    python bench/bench_issue12.py [--keep DIR] [--pdf-docs 0] [--load-seconds 0]

Generates (fictitious, fixed seed) a register of 10,000 places (150,000 assessments), one of 20,000
and one of about 1,120 places (about 1,000 certificates), then measures each step as a whole
process (``python -m addin …``, the watched child included; wall time, and peak memory of the
largest process in the tree: ``getrusage(RUSAGE_CHILDREN)``; an ``issue`` of a thousand adds a
rendering worker beside it, about 220 MB for the two together on 2 cores) next to its floor:

- ``validate --json`` 10k against reading every sheet with python-calamine (a process doing only
  that, with the collector as Python leaves it, as in the issue; and with it paused);
- ``validate --out`` 10k against ``validate --json`` of the same round (target ≤ 2×, < 400 MB);
- ``validate --out`` 20k against twice the 10k figures (linear growth);
- ``issue`` of about 1,000 certificates without PDF against rendering them, each with its own QR
  code as in production (target < 3 s); and drawing the QR codes against segno drawing them;
- ``amanst --help`` and ``amanst validate`` by ``python -X importtime`` (bytecode cached: the
  run first compiles, then measures; PYTHONDONTWRITEBYTECODE is removed for these runs) against
  importing python-calamine and openpyxl (target < 0.3 s of imports);
- the hostile workbooks (exit 2 within 10 s and 500 MB);
- with ``--pdf-docs N``: ``bench_pdf.py`` (product against raw, warm and merged modes);
- with ``--load-seconds S``: ``bench_load.py`` (1 and 2 workers, 20 users).

The machine is shared: compare the ratios of one run, not seconds across runs. Each figure is the
best of ``--repeat`` rounds (default 2); rounds alternate the step and its floor.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests" / "adversarial"))

TODAY = "2026-11-27"
_MEASURE = ("import resource, subprocess, sys, time\n"
            "t = time.perf_counter()\n"
            "p = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)\n"
            "t = time.perf_counter() - t\n"
            "kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
            "print(t, kb / 1024, p.returncode)\n"
            "sys.stderr.write(p.stderr.decode(errors='replace')[-300:])\n")
_FLOOR = ("import sys, gc\n"
          "if sys.argv[2] == 'off': gc.disable()\n"
          "from python_calamine import CalamineWorkbook\n"
          "wb = CalamineWorkbook.from_path(sys.argv[1])\n"
          "for n in wb.sheet_names: wb.get_sheet_by_name(n).to_python(skip_empty_area=False)\n")


def whole(command: list[str], env: dict | None = None) -> tuple[float, float, int, str]:
    """Wall seconds, peak MB of the process tree, exit code, the end of stderr."""
    done = subprocess.run([sys.executable, "-c", _MEASURE, *command], capture_output=True,
                          text=True, cwd=ROOT, env=env)
    seconds, mb, code = done.stdout.split()
    return float(seconds), float(mb), int(code), done.stderr.strip()


def amanst(*args: str) -> list[str]:
    return [sys.executable, "-m", "addin", *args]


def best(rounds: list[tuple]) -> tuple:
    failed = [r for r in rounds if r[2] not in (0, 1)]  # 1: problems found, still a full run
    if failed:  # a refusal is fast: it must never pass for a figure
        raise SystemExit(f"a measured run failed (exit {failed[0][2]}): {failed[0][3]}")
    return min(rounds, key=lambda r: r[0])


def row(step: str, now: str, floor: str, ratio: str, target: str) -> None:
    print(f"| {step} | {now} | {floor} | {ratio} | {target} |", flush=True)


def import_seconds(args: list[str], env: dict) -> float:
    """Sum of ``-X importtime`` self times for ``python -m addin ARGS``."""
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "addin", *args],
                          capture_output=True, text=True, cwd=ROOT, env=env)
    total = 0
    for line in done.stderr.splitlines():
        found = re.match(r"import time:\s+(\d+) \|", line)
        if found:
            total += int(found.group(1))
    return total / 1e6


def imports_floor(env: dict) -> float:
    done = subprocess.run([sys.executable, "-X", "importtime", "-c",
                           "import python_calamine, openpyxl"], capture_output=True, text=True,
                          env=env)
    return sum(int(m.group(1)) for m in re.finditer(r"import time:\s+(\d+) \|", done.stderr)) / 1e6


def generate(folder: Path) -> dict[str, Path]:
    import bench_register

    paths = {"10k": folder / "register-10k.xlsx", "20k": folder / "register-20k.xlsx",
             "1k": folder / "register-1120.xlsx"}
    for key, places in (("10k", 10_000), ("20k", 20_000), ("1k", 1_120)):
        if not paths[key].exists():
            bench_register.generate(paths[key], places)
    return paths


def bench_validate(paths: dict[str, Path], folder: Path, repeat: int) -> None:
    json_r, out_r, floor_r, floor_off, out20, json20 = [], [], [], [], [], []
    for _ in range(repeat):
        floor_r.append(whole([sys.executable, "-c", _FLOOR, str(paths["10k"]), "on"]))
        floor_off.append(whole([sys.executable, "-c", _FLOOR, str(paths["10k"]), "off"]))
        json_r.append(whole(amanst("validate", str(paths["10k"]), "--json", "--today", TODAY)))
        out_r.append(whole(amanst("validate", str(paths["10k"]), "--out",
                                  str(folder / "kontrollerad-10k.xlsx"), "--skriv-over",
                                  "--today", TODAY)))
        json20.append(whole(amanst("validate", str(paths["20k"]), "--json", "--today", TODAY)))
        out20.append(whole(amanst("validate", str(paths["20k"]), "--out",
                                  str(folder / "kontrollerad-20k.xlsx"), "--skriv-over",
                                  "--today", TODAY)))
    (j, jm, *_), (o, om, *_) = best(json_r), best(out_r)
    (f, *_), (fo, *_) = best(floor_r), best(floor_off)
    (o2, om2, *_), (j2, _, *_) = best(out20), best(json20)
    row("`validate --json`, 10k", f"{j:.1f} s, {jm:.0f} MB",
        f"calamine reads every sheet: {f:.1f} s ({fo:.1f} s with the collector paused)",
        f"{j / f:.2f}× ({j / fo:.2f}×)", "≤ 2×")
    row("`validate --out`, 10k", f"{o:.1f} s, {om:.0f} MB", f"`validate --json`: {j:.1f} s",
        f"{o / j:.2f}×", "≤ 2×, < 400 MB")
    row("`validate --out`, 20k", f"{o2:.1f} s, {om2:.0f} MB",
        f"2 × the 10k: {2 * o:.1f} s, {2 * om:.0f} MB; `validate --json` 20k: {j2:.1f} s",
        f"time {o2 / o:.2f}×, memory {om2 / om:.2f}× the 10k", "linear (≈ 2×)")


def breakdown(path: Path) -> None:
    """Where ``validate --json`` spends its time, in this process, as the command runs it."""
    import json
    from datetime import date

    from python_calamine import CalamineWorkbook

    from addin.core import checks
    from addin.core.reading import load_register
    from addin.operations import bulk_objects
    from addin.xlsx import reader, safety

    today = date.fromisoformat(TODAY)
    with bulk_objects():
        t0 = time.perf_counter()
        safety.inspect_xlsx(path)
        t1 = time.perf_counter()
        workbook = CalamineWorkbook.from_path(str(path))
        sheets = {n: workbook.get_sheet_by_name(n).to_python(skip_empty_area=False)
                  for n in workbook.sheet_names}
        t2 = time.perf_counter()
        raw = {n: reader.raw_sheet(n, rows) for n, rows in sheets.items()}
        t3 = time.perf_counter()
        register = load_register(raw, today=today)
        t4 = time.perf_counter()
        problems = checks.validate(register, today)
        t5 = time.perf_counter()
        json.dumps([p.as_dict() for p in problems], ensure_ascii=False, indent=2)
        t6 = time.perf_counter()
    print(f"\n`validate --json` 10k in this process: checking the package {t1 - t0:.2f} s, "
          f"calamine {t2 - t1:.2f} s, rows to raw sheets {t3 - t2:.2f} s, normalising "
          f"{t4 - t3:.2f} s, checks {t5 - t4:.2f} s, JSON {t6 - t5:.3f} s\n")


def bench_issue(paths: dict[str, Path], folder: Path, repeat: int) -> None:
    import io
    import shutil

    import bench_certificates
    import segno

    from addin.certificates.issuing import TEMPLATE_FILES
    from addin.certificates.parallel_render import cores
    from addin.certificates.qr import QR_SCALE, qr_png
    from addin.certificates.render import CompiledTemplate

    rounds, render_rounds, qr_rounds, segno_rounds, issued = [], [], [], [], 0
    for n in range(repeat):
        work = folder / f"issue-{n}"
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir()
        book = work / "register.xlsx"
        shutil.copy(paths["1k"], book)
        # an installation issues only under its own prefixes; its journal stays in the run
        env = {**os.environ, "AMANST_INTYGSPREFIX": "ASF", "AMANST_STATE_DIR": str(work)}
        rounds.append(whole(amanst("issue", str(book), "--register", str(work / "reg.sqlite3"),
                                   "--out-dir", str(work / "intyg"), "--issuer", "Bench",
                                   "--today", TODAY), env))
        issued = len(list((work / "intyg").glob("*.docx")))
        ctxs = bench_certificates.contexts(issued)
        links = [f"https://intyg.malmo.se/verifiera/ASF-2026-{i:05d}?kod=7ZQY-WDAA-DYNN"
                 for i in range(issued)]
        # the floor: rendering each certificate with its own QR code, as every real one has
        t0 = time.perf_counter()
        compiled = CompiledTemplate(bench_certificates.TEMPLATES_DIR / TEMPLATE_FILES["sv"])
        for c, link in zip(ctxs, links, strict=True):
            compiled.render(c, qr=qr_png(link))
        render_rounds.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        for link in links:
            qr_png(link)
        qr_rounds.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        for link in links[:200]:  # segno alone, as issuing drew them before: 200 are enough
            segno.make(link, error="m", micro=False).save(io.BytesIO(), kind="png",
                                                          scale=QR_SCALE, border=4)
        segno_rounds.append((time.perf_counter() - t0) * issued / 200)
    (s, mb, *_), r = best(rounds), min(render_rounds)
    n = cores()  # a large run renders on every core: the floor spread over them, too
    row(f"`issue` {issued} certificates, no PDF (whole process)", f"{s:.1f} s, {mb:.0f} MB",
        f"rendering them with their QR codes: {r:.1f} s on one core, {r / n:.1f} s spread "
        f"over {n}", f"{s / r:.2f}× / {s * n / r:.2f}×", "< 3 s whole process")
    print(f"\nQR codes for {issued} certificates, one core: qr_png {min(qr_rounds):.2f} s, "
          f"segno.make + save {min(segno_rounds):.2f} s\n")


def bench_imports(paths: dict[str, Path]) -> None:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    small = str(ROOT / "workbooks" / "exempel.xlsx")
    for args in (["--help"], ["validate", small, "--json"]):  # compile and cache first
        import_seconds(args, env)
    imports_floor(env)
    helps = min(import_seconds(["--help"], env) for _ in range(3))
    valid = min(import_seconds(["validate", small, "--json"], env) for _ in range(3))
    floor = min(imports_floor(env) for _ in range(3))
    row("`amanst --help`, imports (bytecode cached)", f"{helps:.2f} s",
        f"importing calamine and openpyxl: {floor:.2f} s", f"{helps / floor:.2f}×", "< 0.3 s")
    row("`amanst validate`, imports (bytecode cached)", f"{valid:.2f} s",
        f"importing calamine and openpyxl: {floor:.2f} s", f"{valid / floor:.2f}×", "< 0.3 s")


def bench_hostile(folder: Path) -> None:
    import hostile_workbooks

    for label, build in hostile_workbooks.BUILDERS.items():
        path = build(folder)
        for extra in ([], ["--out", str(folder / "ut.xlsx")]):
            s, mb, code, err = whole(amanst("validate", str(path), *extra))
            message = err.splitlines()[-1][:70] if err else ""
            row(f"hostile: {label} {' '.join(extra[:1])}", f"exit {code}, {s:.1f} s, {mb:.0f} MB",
                f"«{message}…»", "", "exit 2, < 10 s, < 500 MB")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--keep", type=Path, help="keep the generated registers in this folder")
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--pdf-docs", type=int, default=0)
    ap.add_argument("--load-seconds", type=float, default=0)
    args = ap.parse_args(argv)
    folder = args.keep or Path(tempfile.mkdtemp(prefix="amanst-issue12-"))
    folder.mkdir(parents=True, exist_ok=True)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0
    print(f"{os.cpu_count()} cores, load average {load:.1f} at the start; folder {folder}")
    paths = generate(folder)
    print("\n| Step | Now | Floor measured in the same run | Ratio | Target |")
    print("|---|---|---|---|---|")
    bench_validate(paths, folder, args.repeat)
    breakdown(paths["10k"])
    print("| Step | Now | Floor measured in the same run | Ratio | Target |")
    print("|---|---|---|---|---|")
    bench_issue(paths, folder, args.repeat)
    bench_imports(paths)
    bench_hostile(folder)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0
    print(f"\nload average {load:.1f} at the end")
    if args.pdf_docs:
        import bench_pdf

        bench_pdf.main(["--docs", str(args.pdf_docs)])
    if args.load_seconds:
        import bench_load

        bench_load.main(["--seconds", str(args.load_seconds), "--flood-seconds", "0"])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
