"""Unexpected errors: log the traceback where IT can find it, give the user a short incident id.

On a server the ``amanst`` logger goes wherever the server's logging sends it. On the command line
nothing is configured, and Python's last-resort handler would print the traceback to the user, so
``record`` then writes to ``incidents.log`` in ``$AMANST_LOG_DIR`` (default: the user's state
folder) instead.
"""

from __future__ import annotations

import logging
import os
import secrets
from pathlib import Path

log = logging.getLogger("amanst")


def _ensure_handler() -> None:
    if log.handlers or logging.getLogger().handlers:
        return
    folder = Path(os.environ.get("AMANST_LOG_DIR") or Path.home() / ".local" / "state" / "amanst")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = logging.FileHandler(folder / "incidents.log", encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    except OSError:
        handler = logging.NullHandler()
    log.addHandler(handler)
    log.propagate = False


def record(context: str) -> str:
    """Log the exception being handled with a fresh incident id, and return the id."""
    _ensure_handler()
    incident = secrets.token_hex(4).upper()
    log.error("Incident %s i %s", incident, context, exc_info=True)
    return incident
