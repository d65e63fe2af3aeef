"""Running a command in a child process the command line watches, so a hostile workbook cannot
take the process down with it.

On POSIX systems ``amanst`` forks before it runs a command; the child installs the parsing limits
(``addin.xlsx.limits``: address space and time while a workbook is parsed) and runs the command as
usual, writing to the same terminal. The parent only waits. If the child dies while it parses a
workbook — a native allocation refused by the limit aborts it, the timer kills it — the parent
says so in Swedish and exits with 2, as for any unreadable file; a death elsewhere is an internal
error with an incident number. Killing ``amanst`` kills the child with it (Linux: the parent-death
signal), so a kill stops the work as it did before. Where there is no fork (Windows), the command
runs in-process with the reader's own bounds only.
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Callable
from pathlib import Path

from ..boundary import EXIT_INTERRUPTED, EXIT_UNREADABLE, failure
from ..xlsx import limits

_PR_SET_PDEATHSIG = 1


def _die_with(parent: int) -> None:
    """Linux: the child is killed when the parent is (a SIGKILL to amanst stops its work too)."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(EXIT_INTERRUPTED)


def _child(command: Callable[[], int], memory_mb: int, seconds: float, status_fd: int,
           parent: int) -> None:
    code = 70
    try:
        _die_with(parent)
        limits.install(limits.Limits(memory_mb * 2**20, seconds, status_fd))
        code = command()
    except BaseException:  # noqa: BLE001 - the command's own boundary has already spoken
        code = 70
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)


def _last_status(fd: int) -> str:
    data = b""
    while True:
        block = os.read(fd, 65536)
        if not block:
            break
        data = (data + block)[-4096:]
    lines = data.decode("utf-8", "replace").strip().splitlines()
    return lines[-1] if lines else ""


def run(command: Callable[[], int], memory_mb: int, seconds: float, where: str,
        incident_dir: Path) -> int:
    """Run ``command`` in a watched child; its exit code, or 2/70 for a death."""
    if not hasattr(os, "fork"):
        return command()
    sys.stdout.flush()
    sys.stderr.flush()
    read_fd, write_fd = os.pipe()
    parent = os.getpid()
    pid = os.fork()
    if pid == 0:
        os.close(read_fd)
        _child(command, memory_mb, seconds, write_fd, parent)
    os.close(write_fd)
    forwarded = {}

    def forward(signum: int, frame: object) -> None:
        os.kill(pid, signum)

    for sig in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
        # the terminal sends Ctrl-C to both; the child answers it, the parent waits for that
        forwarded[sig] = signal.signal(sig, signal.SIG_IGN if sig == signal.SIGINT else forward)
    try:
        status = _last_status(read_fd)
        _, wait_status = os.waitpid(pid, 0)
    finally:
        os.close(read_fd)
        for sig, handler in forwarded.items():
            signal.signal(sig, handler)
    if os.WIFEXITED(wait_status):
        return os.WEXITSTATUS(wait_status)
    return _died(os.WTERMSIG(wait_status), status, memory_mb, seconds, where, incident_dir)


def _died(signum: int, status: str, memory_mb: int, seconds: float, where: str,
          incident_dir: Path) -> int:
    if status.startswith("parsing\t"):
        name = status.split("\t", 1)[1]
        if signum == signal.SIGALRM:
            why = f"läsningen tog längre tid än gränsen ({seconds:g} sekunder)"
        else:
            why = f"den kräver mer minne än gränsen ({memory_mb} MB)"
        print(f"Fel: Arbetsboken {name} kunde inte läsas: {why}. Den har troligen celler långt "
              "utanför det använda området eller orimligt många rader. Ta bort tomma rader och "
              "kolumner längst ner och till höger och spara den igen.", file=sys.stderr,
              flush=True)
        return EXIT_UNREADABLE
    if signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        return EXIT_INTERRUPTED
    f = failure(RuntimeError(f"the command died from signal {signum}"), where,
                incident_dir=incident_dir)
    print(f.message, file=sys.stderr, flush=True)
    return f.exit_code
