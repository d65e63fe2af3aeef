"""Word to PDF with LibreOffice headless: one ``soffice`` per batch, never one per file.

Starting LibreOffice costs about a second; converting one more file in a running process costs a
tenth of that. So the files are split into ``workers`` groups converted in parallel, each by its
own ``soffice`` with its own profile directory (two processes sharing a profile block each other),
in chunks of ``CHUNK`` files: one call stops after about 246 files and still exits 0. Afterwards
every PDF is checked to exist and not be empty; a chunk with missing files is retried once per
file, and what is still missing is reported by name.

A LibreOffice that hangs is noticed by its progress, not by a long total: it must write its first
PDF within ``FIRST_PDF_TIMEOUT`` seconds and each next one within ``NEXT_PDF_TIMEOUT`` (and a chunk
never runs longer than ``chunk_limit``). It is then stopped, is not retried, and the conversion
says so (``timed_out``): the caller keeps the Word files and tells the user. So a click in Excel
waits at most about a minute for a LibreOffice that hangs, whatever the chunk's size.

LibreOffice dies with amanst. ``soffice`` is a script that starts ``oosplash``, which starts
``soffice.bin``: a parent-death signal on the first would not reach the last. So each call runs
under a small ``sh`` in a process group of its own; the kernel sends that ``sh`` SIGTERM when
amanst dies (``PR_SET_PDEATHSIG``, Linux), and the ``sh`` then kills its whole group. A call that
is stopped for hanging is killed the same way (the whole group).
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from .. import leftovers

CHUNK = 200
FIRST_PDF_TIMEOUT = 60.0  # seconds from start to the first PDF (a fresh profile is made first)
NEXT_PDF_TIMEOUT = 30.0  # seconds from one PDF to the next
PER_FILE_LIMIT = 2.0  # a chunk's hard limit: FIRST_PDF_TIMEOUT + this many seconds per file
POLL = 0.25  # seconds between looks at the output folder
# Runs the command in this process group and kills the group when told to stop (SIGTERM: the
# parent died; SIGINT, SIGHUP). ``wait`` returns the command's exit status.
WATCHDOG = 'trap "kill -KILL 0" TERM INT HUP; "$@" & wait $!'
PR_SET_PDEATHSIG = 1


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


def chunk_limit(count: int) -> float:
    """The longest a chunk of ``count`` files may take even while it makes progress."""
    return FIRST_PDF_TIMEOUT + PER_FILE_LIMIT * count


def _parent_death_signal() -> Callable[[], None] | None:
    """What the child runs before exec to get SIGTERM when amanst dies (Linux), resolved here in
    the parent: between fork and exec the child only calls it, it loads nothing."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None

    def die_with_parent() -> None:  # pragma: no cover - runs in the child
        prctl(PR_SET_PDEATHSIG, signal.SIGTERM)

    return die_with_parent


def _start(cmd: list[str]) -> subprocess.Popen:
    die_with_parent = _parent_death_signal()
    if die_with_parent is not None:
        return subprocess.Popen(["/bin/sh", "-c", WATCHDOG, "amanst-soffice", *cmd],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                start_new_session=True, preexec_fn=die_with_parent)
    return subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=os.name == "posix")


def _stop(proc: subprocess.Popen) -> None:
    """Kill the call and everything it started (its process group)."""
    with contextlib.suppress(OSError):
        if os.name == "posix":
            os.killpg(proc.pid, signal.SIGKILL)
        else:
            proc.kill()
    proc.wait()


def _made(files: Sequence[Path], out_dir: Path) -> int:
    count = 0
    for f in files:
        with contextlib.suppress(OSError):
            if (out_dir / (f.stem + ".pdf")).stat().st_size > 0:
                count += 1
    return count


def _wait(proc: subprocess.Popen, files: Sequence[Path], out_dir: Path) -> bool:
    """Wait while LibreOffice makes progress; False when it hung (no new PDF in time)."""
    started = last_progress = time.monotonic()
    done = 0
    limit = chunk_limit(len(files))
    while proc.poll() is None:
        now = time.monotonic()
        made = _made(files, out_dir)
        if made > done:
            done, last_progress = made, now
        allowed = FIRST_PDF_TIMEOUT if done == 0 else NEXT_PDF_TIMEOUT
        if now - last_progress > allowed or now - started > limit:
            return False
        time.sleep(POLL)
    return True


def _run(soffice: str, profile: Path, files: Sequence[Path], out_dir: Path) -> bool:
    """Run one conversion; False when it hung and was stopped."""
    cmd = [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--invisible",
           "--nologo", "--norestore", "--nodefault", "--nolockcheck", "--convert-to", "pdf",
           "--outdir", str(out_dir), *map(str, files)]
    proc = _start(cmd)
    try:
        finished = _wait(proc, files, out_dir)
    except BaseException:  # interrupted (Ctrl+C): LibreOffice must not outlive the run
        _stop(proc)
        raise
    if not finished:
        # whatever was converted is kept; the check afterwards names the rest
        _stop(proc)
    return finished


def _convert_group(soffice: str, files: Sequence[Path], out_dir: Path,
                   progress: Callable[[int], None] | None
                   ) -> tuple[dict[Path, Path], list[Path], int, bool]:
    done: dict[Path, Path] = {}
    calls = 0
    hung = False
    with tempfile.TemporaryDirectory(prefix=leftovers.lo_profile_prefix()) as profile:
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
    leftovers.sweep_lo_profiles()  # profiles of runs that were killed
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
