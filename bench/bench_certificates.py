"""Benchmark: certificates per second, plain docxtpl against the compiled renderer, and PDF
conversion per file against one batch and two parallel batches. Run from the repository root:

    python bench/bench_certificates.py [--docs 1000] [--pdf-single 4] [--pdf-batch 100] [--no-pdf]

Everything is measured side by side in one run on this machine and printed with the ratios. The
renderer runs pinned to one core. Per-file PDF conversion is slow (a LibreOffice start per file),
so it is measured on a few files and extrapolated to 1,000, and the batch figures on
``--pdf-batch`` files are extrapolated the same way; the output says which numbers are
extrapolated.
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from addin.certificates import pdf  # noqa: E402
from addin.core.certificate_plan import plan  # noqa: E402
from addin.certificates.issuing import TEMPLATE_FILES  # noqa: E402
from addin.certificates.render import CompiledTemplate, make_environment, render_plain  # noqa: E402
from addin.operations import read_register  # noqa: E402
from addin.resources import templates_dir, workbooks_dir  # noqa: E402

TEMPLATES_DIR, WORKBOOKS_DIR = templates_dir(), workbooks_dir()

TODAY = date(2026, 11, 27)


def contexts(n: int):
    register = read_register(WORKBOOKS_DIR / "exempel.xlsx", TODAY)
    cands = [c for c in plan(register, TODAY).candidates if c.language == "sv"]
    return [cands[i % len(cands)].context(f"ASF-2026-{i + 1:05d}", "7ZQY-WDAA-DYNN", TODAY)
            for i in range(n)]


def bench_render(n: int) -> None:
    template_path = TEMPLATES_DIR / TEMPLATE_FILES["sv"]
    ctxs = contexts(n)
    env = make_environment()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    t0 = time.perf_counter()
    compiled = CompiledTemplate(template_path)
    compile_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    fast = [compiled.render(c) for c in ctxs]
    fast_s = time.perf_counter() - t0 + compile_s
    t0 = time.perf_counter()
    plain = [render_plain(template_path, c, env) for c in ctxs]
    plain_s = time.perf_counter() - t0
    same = all(zipfile.ZipFile(io.BytesIO(a)).read("word/document.xml")
               == zipfile.ZipFile(io.BytesIO(b)).read("word/document.xml")
               for a, b in zip(fast, plain))
    print(f"Word, {n} certificates, one core:")
    print(f"  plain docxtpl (new DocxTemplate per document): {plain_s:7.2f} s "
          f"({plain_s / n * 1000:6.2f} ms each)")
    print(f"  compiled renderer (compile once {compile_s * 1000:.0f} ms included): {fast_s:7.2f} s "
          f"({fast_s / n * 1000:6.2f} ms each)")
    print(f"  ratio plain/compiled: {plain_s / fast_s:5.1f}x; "
          f"document.xml identical in all {n}: {same}")


def _docs(n: int, folder: Path) -> list[Path]:
    compiled = CompiledTemplate(TEMPLATES_DIR / TEMPLATE_FILES["sv"])
    paths = []
    for i, c in enumerate(contexts(n)):
        p = folder / f"B-{i:05d}.docx"
        p.write_bytes(compiled.render(c))
        paths.append(p)
    return paths


def bench_pdf(single: int, batch: int) -> None:
    soffice = pdf.find_soffice()
    if soffice is None:
        print("PDF: LibreOffice (soffice) not found; skipped.")
        return
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, set(range(os.cpu_count() or 1)))
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        docs = _docs(max(single, batch), tmp)
        # per file: a fresh soffice (own fresh profile, as a naive caller would) per document
        out = tmp / "single"
        out.mkdir()
        t0 = time.perf_counter()
        for d in docs[:single]:
            profile = tmp / f"prof-{d.stem}"
            subprocess.run([soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless",
                            "--convert-to", "pdf", "--outdir", str(out), str(d)],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        single_s = (time.perf_counter() - t0) / single
        results = {}
        for workers in (1, 2):
            out = tmp / f"batch{workers}"
            out.mkdir()
            t0 = time.perf_counter()
            conv = pdf.convert(docs[:batch], out, workers=workers, soffice=soffice)
            results[workers] = (time.perf_counter() - t0) / batch
            assert not conv.missing, conv.missing
            shutil.rmtree(out)
    print(f"PDF via LibreOffice ({soffice}):")
    print(f"  one soffice per file, {single} files measured: {single_s:6.3f} s each "
          f"-> 1,000 files ~ {single_s * 1000:6.0f} s (extrapolated)")
    for workers, per in results.items():
        label = "one batch" if workers == 1 else "two parallel batches"
        print(f"  {label}, {batch} files measured: {per:6.3f} s each -> 1,000 files ~ "
              f"{per * 1000:5.0f} s (extrapolated); {single_s / per:5.1f}x faster than per file")
    print(f"  two batches vs one: {results[1] / results[2]:4.2f}x")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=1000)
    ap.add_argument("--pdf-single", type=int, default=4)
    ap.add_argument("--pdf-batch", type=int, default=100)
    ap.add_argument("--no-pdf", action="store_true")
    args = ap.parse_args(argv)
    load = ", load average %.1f (other work on the machine slows every figure alike)" % \
        os.getloadavg()[0] if hasattr(os, "getloadavg") else ""
    print(f"Machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}{load}")
    bench_render(args.docs)
    if not args.no_pdf:
        bench_pdf(args.pdf_single, args.pdf_batch)
    return 0


if __name__ == "__main__":
    sys.exit(main())
