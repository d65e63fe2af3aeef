"""Temporary files that hold personal data: named after the process that made them, and swept.

Every temporary file or folder amanst makes beside personal data (a certificate being written, the
PDFs being converted, a workbook or its backup being saved, LibreOffice's profile) is named
``.KIND-TAG-…`` (``amanst-lo-TAG-…`` in the system's temporary folder), where TAG says which
process made it: a hash of the machine (host, boot, PID namespace), the PID and the process's start
time. A process that is killed cannot remove its own; ``sweep(folder)`` run by the next run
removes those whose maker provably no longer exists (same machine, that process gone) and those
older than ``STALE`` (another machine's on a shared folder, or no ``/proc``). A live run's files
are never touched, so runs in the same folder at once are safe.

``process_gone`` is also how the certificate register decides that a claim's owner is dead.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
import socket
import tempfile
import time
from pathlib import Path

STALE = 30 * 60  # seconds: an untagged or foreign temporary file older than this is a leftover
KINDS = ("tmp", "pdf", "bok")  # certificate files, PDF work folders, workbook saves and backups
_TAGGED = re.compile(r"\.(?:tmp|pdf|bok)-([0-9a-f]{8})_(\d+)_(\d+)-")
# made by versions before the tag: .tmp-XXXX.docx, .pdf-XXXX, .<workbook>.XXXX.tmp.xlsx
_UNTAGGED = re.compile(r"\.(?:tmp-.+|pdf-.+|.+\.tmp\.xlsx)")
_LO_PROFILE = re.compile(r"amanst-lo-([0-9a-f]{8})_(\d+)_(\d+)-")


def proc_start(pid: int) -> str | None:
    """The start time of ``pid`` in clock ticks since boot (Linux), or None if it doesn't exist."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat.rsplit(")", 1)[1].split()[19]  # field 22; the name before ")" may hold spaces


def machine() -> tuple[str, str, str]:
    """(host, boot id, PID namespace): where a PID means the same process. Empty off Linux."""
    host = socket.gethostname()
    try:
        boot = Path("/proc/sys/kernel/random/boot_id").read_text().strip()
        pidns = os.readlink("/proc/self/ns/pid")
    except OSError:
        return host, "", ""
    return host, boot, pidns


def machine_hash() -> str:
    return hashlib.sha256("|".join(machine()).encode()).hexdigest()[:8]


def process_gone(host_boot_ns: tuple[str, str, str] | str, pid: str, start: str) -> bool:
    """True only when process ``pid`` that started at ``start`` provably no longer exists.

    ``host_boot_ns`` is the maker's ``machine()`` (or its ``machine_hash()``): it must be this
    machine, booted the same and in the same PID namespace, or nothing can be proved.
    """
    mine = machine()
    same = (host_boot_ns == mine if isinstance(host_boot_ns, tuple)
            else host_boot_ns == machine_hash())
    if not mine[1] or not start or not same or not pid.isdigit():
        return False
    return proc_start(int(pid)) != start


_TAGS: dict[int, str] = {}  # by PID: a forked child gets its own


def tag() -> str:
    """This process's tag: machine hash, PID and start time (read once per process: every
    certificate file is named with it)."""
    pid = os.getpid()
    found = _TAGS.get(pid)
    if found is None:
        found = _TAGS[pid] = f"{machine_hash()}_{pid}_{proc_start(pid) or 0}"
    return found


def prefix(kind: str) -> str:
    """The start of a temporary name of ``kind`` (one of ``KINDS``) made by this process."""
    assert kind in KINDS
    return f".{kind}-{tag()}-"


def lo_profile_prefix() -> str:
    return f"amanst-lo-{tag()}-"


def _left_over(name: str, path: Path, pattern: re.Pattern, untagged: re.Pattern | None,
               now: float) -> bool:
    m = pattern.match(name)
    if m is None and (untagged is None or not untagged.fullmatch(name)):
        return False
    if m is not None and process_gone(m.group(1), m.group(2), m.group(3)):
        return True
    if m is not None and m.group(1) == machine_hash() and machine()[1]:
        return False  # its maker, on this machine, is alive
    try:
        return now - path.lstat().st_mtime > STALE
    except OSError:
        return False


def _remove(path: Path) -> bool:
    try:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()
    except FileNotFoundError:
        return False  # another run swept it first
    except OSError:
        return False  # not ours to remove (permissions): left for IT, never a failure
    return True


def sweep(folder: Path) -> list[str]:
    """Remove the temporary files and folders that crashed runs left in ``folder``; their names.

    Never fails: a folder that doesn't exist or can't be read has nothing to sweep.
    """
    removed = []
    now = time.time()
    with contextlib.suppress(OSError):
        for path in Path(folder).iterdir():
            name = path.name
            if name.startswith(".") and _left_over(name, path, _TAGGED, _UNTAGGED, now) \
                    and _remove(path):
                removed.append(name)
    return removed


def sweep_lo_profiles() -> list[str]:
    """LibreOffice profile folders in the system's temporary folder left by dead runs."""
    removed = []
    now = time.time()
    with contextlib.suppress(OSError):
        for path in Path(tempfile.gettempdir()).iterdir():
            if path.name.startswith("amanst-lo-") and \
                    _left_over(path.name, path, _LO_PROFILE, None, now) and _remove(path):
                removed.append(path.name)
    return removed
