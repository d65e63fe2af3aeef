"""The register's memory outside itself: the highest numbers it handed out, and where files went.

A register restored from an older copy (a file copied back, a database restored to an earlier
point in time) has forgotten the numbers it handed out since. Its sheet mirrors and output folders
still show them, but only if the run looks at the right ones. So after every claim a line is
appended to a small journal in the installation's state folder (setting ``state_dir``): the
register's identity (``register_id``, kept in the register and carried over by a restore), the
highest number claimed and the folder the files go to. Before the next claim the register's
sequence is compared with the journal's highest numbers and the numbers in every folder the
journal names (``seen``); a register that is behind them refuses (``store.SequenceBehind``).

The journal is append-only text (one short line per run, written with O_APPEND so runs at once
don't interleave lines); it holds certificate numbers and folder names, nothing personal.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from . import evidence

FILE = "intygsnummer.log"


def record(state_dir: Path | None, register_id: str, numbers: list[str], folder: Path) -> None:
    """Note the highest of ``numbers`` (claimed just now) and ``folder``; never fails a run."""
    if state_dir is None or not register_id or not numbers:
        return
    highest = evidence.highest((n, "") for n in numbers)
    lines = "".join(f"{register_id}\t{n}\t{folder}\n" for n in sorted(highest))
    with contextlib.suppress(OSError):
        Path(state_dir).mkdir(parents=True, exist_ok=True)
        fd = os.open(Path(state_dir) / FILE, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, lines.encode("utf-8"))
        finally:
            os.close(fd)


def seen(state_dir: Path | None, register_id: str) -> dict[str, str]:
    """Numbers this register handed out according to the journal and the folders it names."""
    if state_dir is None or not register_id:
        return {}
    path = Path(state_dir) / FILE
    numbers: list[tuple[str, str]] = []
    folders: set[str] = set()
    with contextlib.suppress(OSError), path.open(encoding="utf-8", errors="replace") as fh:
        for line in fh:
            parts = line.rstrip("\n").split("\t")
            if len(parts) == 3 and parts[0] == register_id:
                numbers.append((parts[1], f"i registrets journal {path}"))
                folders.add(parts[2])
    found = [evidence.seen_in_folder(Path(f)) for f in sorted(folders)]
    return evidence.combined(evidence.highest(numbers), *found)
