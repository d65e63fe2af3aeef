"""Time and memory limits around parsing an untrusted workbook, and the record of what is parsed.

A workbook's sheets can claim a range far larger than their file (one cell at XFD1048576 makes
the reader ask for 512 GiB, and a Rust allocation failure aborts the process), and parsing has no
time limit of its own. ``parsing(name)`` therefore lowers the process's address-space limit and
arms a timer for as long as the reader runs, and silences the native library's own last words on
standard error. It does so only in a process that an entry point has set up for it with
``install`` (the command line runs each command in a child process it watches, see
``addin.cli.guard``); there, a death while parsing is told to the watching parent through
``status_fd``, which turns it into a Swedish message and exit code 2. Elsewhere (the server, which
reads no workbook files, a library caller) ``parsing`` only records, and the reader's own bounds
(parts, rows, cells) still hold.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass

from ..core.errors import WorkbookUnreadable


@dataclass(frozen=True)
class Limits:
    memory_bytes: int  # address space allowed on top of what the process already uses
    seconds: float
    status_fd: int  # where "parsing NAME" / "done" lines go, for the watching parent


_installed: Limits | None = None


def install(limits: Limits | None) -> None:
    """Called by an entry point in the process it runs a command in; None removes them."""
    global _installed
    _installed = limits


def _address_space() -> int:
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        return 0


def _tell(fd: int, line: str) -> None:
    with suppress(OSError):
        os.write(fd, (line + "\n").encode("utf-8", "replace"))


@contextmanager
def parsing(name: str) -> Iterator[None]:
    """Limit memory and time while ``name`` is parsed (where installed)."""
    limits = _installed
    if limits is None:
        yield
        return
    import resource

    _tell(limits.status_fd, f"parsing\t{name}")
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    wanted = _address_space() + limits.memory_bytes
    if hard != resource.RLIM_INFINITY:
        wanted = min(wanted, hard)
    quiet, saved_err = os.open(os.devnull, os.O_WRONLY), os.dup(2)
    old_alarm = signal.signal(signal.SIGALRM, signal.SIG_DFL)
    try:
        resource.setrlimit(resource.RLIMIT_AS, (wanted, hard))
        os.dup2(quiet, 2)  # a native allocation failure prints to stderr before it aborts
        signal.setitimer(signal.ITIMER_REAL, limits.seconds)
        try:
            yield
        except MemoryError:
            raise WorkbookUnreadable(
                f"Arbetsboken {name} kräver mer minne än gränsen för en arbetsbok "
                f"({limits.memory_bytes // 2**20} MB) och läses inte. Ta bort tomma rader och "
                "kolumner och spara den igen.") from None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old_alarm)
        os.dup2(saved_err, 2)
        os.close(saved_err)
        os.close(quiet)
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
        _tell(limits.status_fd, "done")
