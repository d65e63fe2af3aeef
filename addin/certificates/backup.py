"""Backing up and restoring the register: one command each, online, SQLite and PostgreSQL alike.

A backup is one SQLite file with the register's tables as they were at one moment (a consistent
read: SQLite's shared lock, PostgreSQL's repeatable-read snapshot), plus when it was made, of which
register, and the sequences' high-water marks. It is made under a temporary name and then linked
to its own, so it is whole or absent, and it is readable by its owner only (it holds the holders'
names). Any register can be restored from it, so it also moves a register from SQLite to
PostgreSQL and back.

``restore`` refuses what would make the register lie (``RestoreRefused``): a backup whose sequence
is behind this register's (numbers would be handed out again) or that lacks a status change this
register has (a revoked certificate would become valid again). Into an empty register everything
is restored; into one that is behind the backup, what it lacks is added. Rows are never removed.
A register restored into an empty database may still be behind numbers already printed: the next
``claim`` compares it with the sheet and the folder and refuses (``store.SequenceBehind``).
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from .. import __version__, leftovers
from ..core.errors import AmanstError
from .store import REGISTER_ID, TABLES, CertificateStore, SqliteStore, format_number

INFO_MADE = "säkerhetskopia_gjord"
INFO_OF = "säkerhetskopia_av"
INFO_HIGH_WATER = "säkerhetskopia_högsta_nummer"
INFO_VERSION = "säkerhetskopia_amanst"


class RestoreRefused(AmanstError):
    """The backup is behind the register: restoring it would make the register lie."""


@dataclass(frozen=True)
class Summary:
    certificates: int
    high_water: dict[str, str]  # "ASF-2026" → the highest number handed out
    made_at: str = ""
    made_of: str = ""


def _high_water(rows: Mapping[str, Sequence[tuple]]) -> dict[str, str]:
    return {f"{prefix}-{year}": format_number(prefix, year, last)
            for prefix, year, last in rows.get("sequences", ()) if last}


def _certificates(rows: Mapping[str, Sequence[tuple]]) -> int:
    status = TABLES["certificates"][0].index("status")
    return sum(1 for r in rows.get("certificates", ()) if r[status] not in ("Utfärdas",
                                                                            "Makulerat"))


def backup(store: CertificateStore, path: Path, now: datetime | None = None) -> Summary:
    """Write ``store``'s register to the new file ``path``; refuses to overwrite one."""
    path = Path(path).expanduser()
    if path.exists():
        day = now or datetime.now()
        raise AmanstError(f"{path} finns redan och skrivs inte över. Välj ett nytt namn, till "
                          f"exempel med dagens datum: intygsregister-{day:%Y-%m-%d}.sqlite3.")
    if not path.parent.is_dir():
        raise AmanstError(f"Mappen {path.parent} finns inte.")
    rows = store.dump()
    made = (now or datetime.now()).isoformat(timespec="seconds")
    high = _high_water(rows)
    tmp = path.with_name(f"{leftovers.prefix('tmp')}{path.name}")
    try:
        with SqliteStore(tmp) as copy:
            copy.merge(rows)
            copy.set_info({INFO_MADE: made, INFO_OF: store.where, INFO_VERSION: __version__,
                           INFO_HIGH_WATER: json.dumps(high, ensure_ascii=False)})
        os.chmod(tmp, 0o600)
        with tmp.open("rb") as fh:
            os.fsync(fh.fileno())
        os.link(tmp, path)  # fails if the name was taken meanwhile: never overwrites
    except OSError as exc:
        raise AmanstError(f"Säkerhetskopian {path} kunde inte skrivas ({exc.strerror}). "
                          "Registret är oförändrat.") from None
    finally:
        for leftover in (tmp, tmp.with_name(tmp.name + "-journal")):
            leftover.unlink(missing_ok=True)
    return Summary(_certificates(rows), high, made, store.where)


def read_backup(path: Path) -> tuple[dict[str, list[tuple]], dict[str, str]]:
    """The rows and the backup's own information (empty for a plain register file)."""
    path = Path(path).expanduser()
    with SqliteStore(path, create=False) as source:
        rows = source.dump()
    info = dict(rows.pop("register_info", []))
    return rows, info


def _refuse_older(current: Mapping[str, Sequence[tuple]],
                  backup_rows: Mapping[str, Sequence[tuple]], path: Path) -> None:
    """Raise ``RestoreRefused`` when the backup is behind ``current`` in any way."""
    theirs = {(p, y): last for p, y, last in backup_rows.get("sequences", ())}
    for prefix, year, last in sorted(current.get("sequences", ())):
        if theirs.get((prefix, year), 0) < last:
            had = theirs.get((prefix, year), 0)
            raise RestoreRefused(
                f"Säkerhetskopian {path} är äldre än registret: där är det senaste numret för "
                f"{prefix}-{year} {format_number(prefix, year, had) if had else 'inget'}, i "
                f"registret {format_number(prefix, year, last)}. Att läsa in den skulle sänka "
                "numreringen så att nummer delas ut igen. Inget har ändrats.")
    events = {r[:2]: r for r in backup_rows.get("status_history", ())}
    for row in sorted(current.get("status_history", ())):
        if events.get(row[:2], (None,) * 7)[5] != row[5]:
            raise RestoreRefused(
                f"Säkerhetskopian {path} saknar ändringar som registret har (till exempel "
                f"{row[0]}: {row[4] or 'nytt'} → {row[5]} {row[2].replace('T', ' ')}). Den är "
                "äldre än registret; att läsa in den skulle kunna göra ett återkallat intyg "
                "giltigt igen. Inget har ändrats.")


def restore(store: CertificateStore, path: Path) -> Summary:
    """Bring the backup at ``path`` into ``store``'s register (see the module's rules)."""
    path = Path(path).expanduser()
    rows, info = read_backup(path)
    rows["register_info"] = []  # the register's own settings stay as they are ...
    store.merge(rows, check=lambda current: _refuse_older(current, rows, path))
    if info.get(REGISTER_ID):  # ... but it is the backup's register now, for the journal
        store.set_info({REGISTER_ID: info[REGISTER_ID]})
    return Summary(_certificates(rows), _high_water(rows), info.get(INFO_MADE, ""),
                   info.get(INFO_OF, ""))
