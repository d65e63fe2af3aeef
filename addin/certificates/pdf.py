"""Word to PDF with LibreOffice headless: one ``soffice`` per batch, never one per file.

Starting LibreOffice costs about a second; converting one more file in a running process costs a
tenth of that. So the files are split into ``workers`` groups converted in parallel, each by its
own ``soffice`` with its own profile directory (two processes sharing a profile block each other),
in chunks of ``CHUNK`` files: one call stops after about 246 files and still exits 0. Afterwards
every PDF is checked to exist and not be empty; a chunk with missing files is retried once per
file, and what is still missing is reported by name. A LibreOffice that hangs is stopped after its
timeout (the whole process group, so no ``soffice.bin`` is left behind), is not retried, and the
conversion says so (``timed_out``): the caller keeps the Word files and tells the user.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

CHUNK = 200
START_TIMEOUT = 120  # seconds for LibreOffice to start (a fresh profile is made on first start)
PER_FILE_TIMEOUT = 5


def find_soffice(explicit: str = "") -> str | None:
    """LibreOffice: ``explicit`` (the setting ``soffice``) if given, else PATH and usual places."""
    explicit = explicit.strip()
    if explicit:
        return explicit if Path(explicit).exists() or shutil.which(explicit) else None
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    for candidate in (r"C:\Program Files\LibreOffice\program\soffice.exe",
                      "/Applications/LibreOffice.app/Contents/MacOS/soffice"):
        if Path(candidate).exists():
            return candidate
    return None


@dataclass
class Conversion:
    pdfs: dict[Path, Path] = field(default_factory=dict)  # docx → pdf (in the work folder)
    missing: list[Path] = field(default_factory=list)
    calls: int = 0
    timed_out: bool = False  # a LibreOffice call hung and was stopped


def timeout_for(count: int) -> float:
    return START_TIMEOUT + PER_FILE_TIMEOUT * count


def _run(soffice: str, profile: Path, files: Sequence[Path], out_dir: Path) -> bool:
    """Run one conversion; False when it hung and was stopped."""
    cmd = [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--invisible",
           "--nologo", "--norestore", "--nodefault", "--nolockcheck", "--convert-to", "pdf",
           "--outdir", str(out_dir), *map(str, files)]
    group = os.name == "posix"
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=group)
    try:
        proc.wait(timeout=timeout_for(len(files)))
        return True
    except subprocess.TimeoutExpired:
        # whatever was converted is kept; the check afterwards names the rest
        try:
            if group:
                os.killpg(proc.pid, signal.SIGKILL)
            else:
                proc.kill()
        except OSError:
            pass
        proc.wait()
        return False


def _convert_group(soffice: str, files: Sequence[Path], out_dir: Path,
                   progress: Callable[[int], None] | None
                   ) -> tuple[dict[Path, Path], list[Path], int, bool]:
    done: dict[Path, Path] = {}
    calls = 0
    hung = False
    with tempfile.TemporaryDirectory(prefix="amanst-lo-") as profile:
        profile_path = Path(profile)

        def attempt(batch: Sequence[Path]) -> list[Path]:
            nonlocal calls, hung
            calls += 1
            if not _run(soffice, profile_path, batch, out_dir):
                hung = True
            missing = []
            for f in batch:
                pdf = out_dir / (f.stem + ".pdf")
                if pdf.is_file() and pdf.stat().st_size > 0:
                    done[f] = pdf
                else:
                    missing.append(f)
            if progress:
                progress(len(batch) - len(missing))
            return missing

        still: list[Path] = []
        for start in range(0, len(files), CHUNK):
            if hung:  # a LibreOffice that hung once is not given the rest
                still += files[start:start + CHUNK]
                continue
            missing = attempt(files[start:start + CHUNK])
            if missing and not hung:  # one more try, in one call: usually the chunk stopped early
                missing = attempt(missing)
            still += missing
    return done, still, calls, hung


def convert(files: Sequence[Path], out_dir: Path, workers: int = 2,
            progress: Callable[[int], None] | None = None, soffice: str | None = None
            ) -> Conversion:
    """Convert ``files`` to PDFs in ``out_dir`` (named like the files, ``.pdf``)."""
    soffice = soffice or find_soffice()
    result = Conversion()
    if not files:
        return result
    if soffice is None:
        result.missing = list(files)
        return result
    workers = max(1, min(workers, len(files)))
    size = -(-len(files) // workers)
    groups = [list(files[i:i + size]) for i in range(0, len(files), size)]
    with ThreadPoolExecutor(max_workers=len(groups)) as pool:
        for done, missing, calls, hung in pool.map(
                lambda g: _convert_group(soffice, g, out_dir, progress), groups):
            result.pdfs.update(done)
            result.missing += missing
            result.calls += calls
            result.timed_out |= hung
    return result
