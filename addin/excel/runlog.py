"""What each user's last runs did, for the task pane: a short JSON file per user on the server.

A file rather than memory, so every worker process of the server answers the same. The file name
is a hash of the user's id (no names in file names); only the last ``KEEP`` runs are kept, and an
entry holds the Swedish summary line, the button and the time, plus optional ``links`` (title, url)
that a button such as Utfärda intyg can add for the user's own downloads. Adding an entry holds
an exclusive lock on the user's lock file (POSIX ``flock``), so simultaneous runs of one user, in
threads or worker processes, never drop each other's entries.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

KEEP = 10


def _path(state_dir: Path, user_id: str) -> Path:
    digest = hashlib.sha256(user_id.encode("utf-8")).hexdigest()[:32]
    return state_dir / "runlog" / f"{digest}.json"


def entries(state_dir: Path, user_id: str) -> list[dict[str, Any]]:
    """The user's last runs, newest first (``state_dir`` is the setting ``state_dir``)."""
    try:
        data = json.loads(_path(state_dir, user_id).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return data if isinstance(data, list) else []


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    try:
        import fcntl
    except ImportError:  # not POSIX: best effort without a lock
        yield
        return
    with open(path.with_suffix(".lock"), "a+b") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def add(state_dir: Path, user_id: str, button: str, summary: str, ok: bool = True,
        links: list[dict[str, str]] | None = None, when: datetime | None = None) -> None:
    """Put a run first in the user's log (best effort: a full disk must not fail the button)."""
    entry = {"tid": (when or datetime.now()).strftime("%Y-%m-%d %H:%M"), "knapp": button,
             "sammanfattning": summary, "ok": ok, "lankar": links or []}
    path = _path(state_dir, user_id)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with _locked(path):
            data = [entry] + entries(state_dir, user_id)[: KEEP - 1]
            fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(data, fh, ensure_ascii=False)
            os.replace(tmp, path)
    except OSError:
        pass
