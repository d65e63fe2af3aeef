"""The certificate register's facts for the figures: its valid certificates as plain data.

"Utfärdade kompetensintyg" in every summary counts the register's valid certificates (the
database that hands out the numbers), never the workbook's Intygsregister sheet, which anyone can
edit. ``read_facts`` opens the register at its location (``Settings.register_location()`` or
``--register``) through ``backend.open_store`` and hands the core (prefix, PlatsID) pairs. A SQLite
register that does not exist yet is read as empty (no certificate issued) and is not created.
"""

from __future__ import annotations

from pathlib import Path

from ..core import schema
from ..core.figures import CertificateFacts
from .backend import is_url, open_store


def describe(location: str | Path) -> str:
    """The register's location in words, without a password."""
    if is_url(location):
        from .pgstore import describe as describe_url

        return describe_url(str(location))
    return str(Path(location).expanduser())


def read_facts(location: str | Path) -> CertificateFacts:
    where = describe(location)
    if not is_url(location) and not Path(location).expanduser().exists():
        return CertificateFacts(f"{where}, som ännu inte finns: inga intyg är utfärdade")
    store = open_store(location)
    try:
        entries = store.entries()
    finally:
        store.close()
    return CertificateFacts(where, frozenset((e.prefix, e.plats_id) for e in entries
                                             if e.status == schema.CERT_GILTIGT))
