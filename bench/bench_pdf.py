"""Benchmark: certificates to PDF, the product's way against every other way, in one run.

    python bench/bench_pdf.py [--docs 1000] [--workers 2]

Renders ``--docs`` certificates from the example (Word), then converts the same files with:

- ``product``: ``addin.certificates.pdf.convert`` (what ``amanst issue --pdf`` runs): ``workers``
  LibreOffice processes in parallel, a fresh one per chunk of 200 files;
- ``raw batches``: the same split called as plainly as possible (``soffice --convert-to pdf`` on
  each chunk with the product's start flags, no timeouts, no checks): the floor the product is
  measured against;
- ``warm``: one LibreOffice per worker kept running between files (``unoserver``, XML-RPC, one
  call per file; restarted when a call hangs or the process dies). Needs LibreOffice's Python
  (Debian: ``python3-uno``) and ``unoserver`` installed for it: ``--unoserver PATH``;
- ``merged``: one document per worker (``docxcompose``), converted once and split by page
  afterwards (``pypdf``), each certificate's pages found by the number in their footer.

Every PDF of every mode is verified page by page as the tests do: each page carries its
certificate's number and ``Sida i av n`` with the right i and n. A mode whose PDFs fail that is
reported as failed, whatever its speed. Also printed: what LibreOffice costs per page (the best
mode's seconds per page and per worker) and what one start of LibreOffice costs.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import xmlrpc.client
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from addin.certificates import pdf  # noqa: E402

sys.path.insert(0, str(ROOT / "bench"))
from bench_certificates import TEMPLATES_DIR, contexts  # noqa: E402


def _docs(n: int, folder: Path) -> list[Path]:
    """``n`` Swedish certificates from the example, each file named by its number."""
    from addin.certificates.issuing import TEMPLATE_FILES
    from addin.certificates.render import CompiledTemplate

    compiled = CompiledTemplate(TEMPLATES_DIR / TEMPLATE_FILES["sv"])
    paths = []
    for i, c in enumerate(contexts(n)):
        path = folder / f"ASF-2026-{i + 1:05d}.docx"
        path.write_bytes(compiled.render(c))
        paths.append(path)
    return paths

_FOOTER = re.compile(r"Kompetensintyg\s+(\S+)\s.*?Sida\s+(\d+)\s+av\s+(\d+)", re.S)


def _split(files: list[Path], parts: int) -> list[list[Path]]:
    return [files[i::parts] for i in range(parts)]


def page_texts(path: Path) -> list[str]:
    done = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True)
    if done.returncode != 0:
        return []
    text = done.stdout
    return text.split("\f")[:-1] if text.endswith("\f") else text.split("\f")


def verify(docx: Path, pdf_path: Path) -> bool:
    """Each page names this certificate and says ``Sida i av n`` truly."""
    if not pdf_path.exists() or pdf_path.stat().st_size == 0:
        return False
    pages = page_texts(pdf_path)
    for i, text in enumerate(pages, start=1):
        found = _FOOTER.search(text)
        if not found or found.group(1) != docx.stem or (int(found.group(2)), int(found.group(3))
                                                          ) != (i, len(pages)):
            return False
    return bool(pages)


def mode_product(files: list[Path], out: Path, workers: int, soffice: str) -> dict[Path, Path]:
    return pdf.convert(files, out, workers=workers, soffice=soffice).pdfs


def mode_raw(files: list[Path], out: Path, workers: int, soffice: str) -> dict[Path, Path]:
    def batch(group: list[Path], n: int) -> None:
        profile = (out / f"profile-{n}").as_uri()
        for i in range(0, len(group), pdf.CHUNK):
            subprocess.run([soffice, f"-env:UserInstallation={profile}", "--headless",
                            "--invisible", "--nologo", "--norestore", "--nodefault",
                            "--nolockcheck", "--convert-to", "pdf", "--outdir", str(out),
                            *map(str, group[i:i + pdf.CHUNK])],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)

    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(batch, _split(files, workers), range(workers)))
    return {f: out / f"{f.stem}.pdf" for f in files}


class WarmOffice:
    """One unoserver (LibreOffice kept running) with its own profile; restarted when it fails."""

    def __init__(self, unoserver: str, soffice: str, folder: Path, n: int) -> None:
        self.unoserver, self.soffice, self.folder, self.n = unoserver, soffice, folder, n
        self.proc: subprocess.Popen | None = None
        self.starts = 0

    def start(self) -> None:
        self.stop()
        ports = []
        for _ in range(2):
            with socket.socket() as s:
                s.bind(("127.0.0.1", 0))
                ports.append(s.getsockname()[1])
        self.port = ports[0]
        profile = str(self.folder / f"uno-profile-{self.n}")
        self.proc = subprocess.Popen(
            [self.unoserver, "--interface", "127.0.0.1", "--port", str(ports[0]), "--uno-port",
             str(ports[1]), "--executable", self.soffice, "--user-installation", profile,
             "--conversion-timeout", "60"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        self.starts += 1
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                xmlrpc.client.ServerProxy(f"http://127.0.0.1:{self.port}").info()
                return
            except (OSError, xmlrpc.client.Error):
                time.sleep(0.2)
        raise RuntimeError("unoserver did not start")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        self.proc = None

    def convert(self, source: Path, target: Path) -> None:
        for _ in range(2):
            if self.proc is None or self.proc.poll() is not None:
                self.start()
            try:
                xmlrpc.client.ServerProxy(f"http://127.0.0.1:{self.port}",
                                          allow_none=True).convert(
                    str(source), None, str(target), None, None, [], False)
                return
            except (OSError, xmlrpc.client.Error):
                self.start()  # hung (the server's own timeout ended it) or died: a fresh one


def mode_warm(files: list[Path], out: Path, workers: int, soffice: str, unoserver: str
              ) -> dict[Path, Path]:
    offices = [WarmOffice(unoserver, soffice, out, n) for n in range(workers)]
    try:
        def run(group: list[Path], office: WarmOffice) -> None:
            for f in group:
                office.convert(f, out / f"{f.stem}.pdf")

        with ThreadPoolExecutor(workers) as pool:
            list(pool.map(run, _split(files, workers), offices))
    finally:
        for office in offices:
            office.stop()
    return {f: out / f"{f.stem}.pdf" for f in files}


def mode_merged(files: list[Path], out: Path, workers: int, soffice: str) -> dict[Path, Path]:
    from docx import Document
    from docxcompose.composer import Composer
    from pypdf import PdfReader, PdfWriter

    def one(group: list[Path], n: int) -> None:
        master = Document(str(group[0]))
        composer = Composer(master)
        for f in group[1:]:
            master.add_page_break()
            composer.append(Document(str(f)))
        merged = out / f"merged-{n}.docx"
        composer.save(str(merged))
        subprocess.run([soffice, f"-env:UserInstallation={(out / f'mprof-{n}').as_uri()}",
                        "--headless", "--convert-to", "pdf", "--outdir", str(out), str(merged)],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        reader = PdfReader(str(out / f"merged-{n}.pdf"))
        texts = page_texts(out / f"merged-{n}.pdf")
        owners: dict[str, list[int]] = {}
        for i, text in enumerate(texts):
            found = _FOOTER.search(text)
            if found:
                owners.setdefault(found.group(1), []).append(i)
        for f in group:
            writer = PdfWriter()
            for i in owners.get(f.stem, []):
                writer.add_page(reader.pages[i])
            with open(out / f"{f.stem}.pdf", "wb") as fh:
                writer.write(fh)

    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(one, _split(files, workers), range(workers)))
    return {f: out / f"{f.stem}.pdf" for f in files}


def start_cost(soffice: str, folder: Path, sample: Path) -> tuple[float, float]:
    """Seconds for one call converting 1 file and 21 files (warm profile): the start and the
    per-file cost of LibreOffice by difference."""
    profile = (folder / "start-profile").as_uri()
    out = folder / "start"
    out.mkdir()
    copies = []
    for i in range(21):
        copy = folder / f"start-{i}.docx"
        shutil.copy(sample, copy)
        copies.append(copy)

    def call(paths: list[Path]) -> float:
        t0 = time.perf_counter()
        subprocess.run([soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to",
                        "pdf", "--outdir", str(out), *map(str, paths)],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        return time.perf_counter() - t0

    call(copies[:1])  # makes the profile
    one, many = call(copies[:1]), call(copies)
    per_file = (many - one) / 20
    return one - per_file, per_file


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=1000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--unoserver", default=shutil.which("unoserver") or "")
    ap.add_argument("--modes", nargs="*", default=["raw batches", "product", "warm", "merged"])
    ap.add_argument("--rounds", type=int, default=1, help="rounds over the modes; best kept")
    args = ap.parse_args(argv)
    soffice = pdf.find_soffice()
    if soffice is None:
        print("LibreOffice (soffice) not found.")
        return 1
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0
    print(f"{os.cpu_count()} cores, load average {load:.1f}; {args.docs} certificates, "
          f"{args.workers} workers")
    results: dict[str, tuple[float, int, int]] = {}
    with tempfile.TemporaryDirectory(prefix="amanst-pdf-") as tmp:
        folder = Path(tmp)
        files = _docs(args.docs, folder)
        start, per_file = start_cost(soffice, folder, files[0])
        for mode in [m for _ in range(args.rounds) for m in args.modes]:
            if mode == "warm" and not args.unoserver:
                print("warm: unoserver not found (--unoserver PATH); skipped")
                continue
            out = folder / mode.replace(" ", "-")
            shutil.rmtree(out, ignore_errors=True)
            out.mkdir()
            t0 = time.perf_counter()
            try:
                if mode == "warm":
                    made = mode_warm(files, out, args.workers, soffice, args.unoserver)
                else:
                    made = {"product": mode_product, "raw batches": mode_raw,
                            "merged": mode_merged}[mode](files, out, args.workers, soffice)
            except ImportError as exc:
                print(f"{mode}: {exc.name} is not installed; skipped")
                continue
            seconds = time.perf_counter() - t0
            good = sum(1 for f in files if verify(f, made.get(f, out / "missing.pdf")))
            pages = sum(len(page_texts(p)) for p in made.values() if p.exists()
                        and p.stat().st_size)
            if mode not in results or seconds < results[mode][0]:
                results[mode] = (seconds, good, pages)
            print(f"{mode:12} {seconds:7.1f} s  {seconds / len(files) * 1000:6.1f} ms per "
                  f"certificate  verified page by page: {good}/{len(files)}  pages {pages}")
    valid = {m: r for m, r in results.items() if r[1] == len(files)}
    if valid:
        best = min(valid, key=lambda m: valid[m][0])
        raw = min((r[0] for m, r in valid.items() if m != "product"), default=None)
        seconds, _, pages = valid[best]
        print(f"fastest verified mode: {best}; LibreOffice costs {seconds / pages * 1000:.0f} ms "
              f"per page in all, {seconds * args.workers / pages * 1000:.0f} ms of a worker's "
              f"time per page; one start ~{start:.1f} s, one more file in a running LibreOffice "
              f"~{per_file * 1000:.0f} ms")
        if "product" in valid and raw:
            print(f"product / best other verified mode: {valid['product'][0] / raw:.2f}x "
                  "(target ≤ 1.1)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
