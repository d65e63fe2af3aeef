"""Which certificate register to open: the one rule that picks SQLite or PostgreSQL.

``open_store(location)`` takes the register's location as the settings give it (``Settings.
register_location()``) or as ``--register`` overrides it: a ``postgresql://`` URL opens PostgreSQL
(``pgstore``), anything else is a SQLite file (``store``). Kept apart from both so that neither
backend imports the other.
"""

from __future__ import annotations

import re
from pathlib import Path

from .store import CertificateStore, SqliteStore


def is_url(value: str | Path | None) -> bool:
    return isinstance(value, str) and re.match(r"(?i)postgres(ql)?://", value.strip()) is not None


def open_store(location: str | Path, create: bool = True) -> CertificateStore:
    """Open the register at ``location``: a ``postgresql://`` URL or a SQLite file.

    With ``create=False`` (commands that only read, such as verify) a register that does not
    exist is an error: it is never made as a side effect.
    """
    if is_url(location):
        from .pgstore import PostgresStore  # psycopg is needed only for PostgreSQL

        return PostgresStore(str(location).strip(), create=create)
    return SqliteStore(Path(location).expanduser(), create=create)


def describe(location: str | Path) -> str:
    """Which register, for a message: the file, or PostgreSQL user@host:port/db (no password)."""
    if is_url(location):
        from .pgstore import describe as pg_describe

        return f"PostgreSQL {pg_describe(str(location).strip())}"
    return str(Path(location).expanduser())
