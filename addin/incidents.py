"""Unexpected errors: keep the traceback where IT can find it, give the user a short incident id.

On a server the ``amanst`` logger goes wherever the server's logging sends it. On the command line
nothing is configured, and Python's last-resort handler would print the traceback to the user, so
the command line writes it to ``incidents.log`` in ``$AMANST_LOG_DIR`` (default: the user's state
folder) instead.
"""

from __future__ import annotations

import logging
import os
import secrets
import traceback
from datetime import datetime
from pathlib import Path

log = logging.getLogger("amanst")


def log_dir() -> Path:
    return Path(os.environ.get("AMANST_LOG_DIR") or Path.home() / ".local" / "state" / "amanst")


def record(context: str, to_file: bool = False) -> str:
    """Keep the exception being handled under a fresh incident id, and return the id."""
    incident = secrets.token_hex(4).upper()
    if not to_file:
        log.error("Incident %s i %s", incident, context, exc_info=True)
        return incident
    try:
        folder = log_dir()
        folder.mkdir(parents=True, exist_ok=True)
        with (folder / "incidents.log").open("a", encoding="utf-8") as fh:
            fh.write(f"{datetime.now().isoformat(timespec='seconds')} incident {incident} i "
                     f"{context}\n{traceback.format_exc()}\n")
    except OSError:
        pass  # nowhere to write: the id alone still lets the user report it
    return incident
