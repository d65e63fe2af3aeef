"""What each user's last runs did, for the task pane: a short JSON file per user on the server.

A file rather than memory, so every worker process of the server answers the same. The file name
is a hash of the user's id (no names in file names); only the last ``KEEP`` runs are kept, and an
entry holds the Swedish summary line, the button and the time, plus optional ``links`` (title, url)
that a button such as Utfärda intyg can add for the user's own downloads. Adding an entry holds
an exclusive lock on the user's lock file (POSIX ``flock``), so simultaneous runs of one user, in
threads or worker processes, never drop each other's entries.

A run is done only once Excel has applied what the server sent. So a run that the task pane gave
an id (``X-Amanst-Korning``) is recorded with status ``vantar`` (waiting for Excel) and becomes
``klar`` or ``fel`` when the client reports back (``confirm``); a run the server itself refused is
``fel`` at once. Entries of clients that give no id (the desktop entry points) are ``klar``.
"""

from __future__ import annotations

import contextvars
import hashlib
import json
import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

KEEP = 10
WAITING, DONE, FAILED = "vantar", "klar", "fel"
RUN_ID = re.compile(r"[A-Za-z0-9-]{8,64}")
MAX_CLIENT_MESSAGE = 400
# The id the client gave the run being served (set per request by ``webapp``).
current_run: contextvars.ContextVar[str | None] = contextvars.ContextVar("amanst_run", default=None)


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


def _write(path: Path, data: list[dict[str, Any]]) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(data, fh, ensure_ascii=False)
    os.replace(tmp, path)


def add(state_dir: Path, user_id: str, button: str, summary: str, ok: bool = True,
        links: list[dict[str, str]] | None = None, when: datetime | None = None,
        run_id: str | None = None) -> None:
    """Put a run first in the user's log (best effort: a full disk must not fail the button).

    With a ``run_id`` a successful run waits for the client's confirmation (``confirm``)."""
    status = FAILED if not ok else (WAITING if run_id else DONE)
    entry = {"tid": (when or datetime.now()).strftime("%Y-%m-%d %H:%M"), "knapp": button,
             "sammanfattning": summary, "ok": ok, "status": status, "lankar": links or []}
    if run_id:
        entry["id"] = run_id
    path = _path(state_dir, user_id)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with _locked(path):
            _write(path, [entry, *entries(state_dir, user_id)[: KEEP - 1]])
    except OSError:
        pass


def confirm(state_dir: Path, user_id: str, run_id: str, ok: bool, message: str = "") -> bool:
    """The client's report: Excel applied the run's actions (``ok``) or failed with ``message``.

    Only the user's own waiting entry with that id changes; False if there is none."""
    path = _path(state_dir, user_id)
    try:
        with _locked(path):
            data = entries(state_dir, user_id)
            for entry in data:
                if entry.get("id") == run_id and entry.get("status") == WAITING:
                    if ok:
                        entry["status"] = DONE
                    else:
                        text = " ".join(str(message).split())[:MAX_CLIENT_MESSAGE]
                        entry.update(status=FAILED, ok=False, lankar=entry.get("lankar", []),
                                     sammanfattning=f"Excel kunde inte göra ändringarna: {text} "
                                     f"(Servern var klar: {entry['sammanfattning']})")
                    _write(path, data)
                    return True
    except OSError:
        return False
    return False
