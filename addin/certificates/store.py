"""The certificate register: the one authority that hands out certificate numbers.

``CertificateStore`` is the interface the rest of the code uses; ``SqliteStore`` implements it in
one SQLite file (the default, for one installation), and a PostgreSQL store can implement the same
methods later. The register lives outside every workbook, so numbers are unique across workbooks,
users and processes.

How issuing stays unique and idempotent, even with many processes at once:

* ``claim`` runs in one ``BEGIN IMMEDIATE`` transaction (SQLite's write lock, taken before
  reading): it reads the live certificates, takes the next sequence numbers and inserts each new
  certificate as ``Utfärdas`` (being issued). A partial unique index allows only one live
  (``Utfärdas`` or ``Giltigt``) certificate per (prefix, PlatsID), so a second click or a second
  process finds the placement taken and issues nothing.
* ``finalize`` records the files' SHA-256 and turns the claim ``Giltigt``; ``abandon`` voids a claim
  whose file could not be made (``Makulerat``: the number is never used again). A claim left by a
  crashed process is voided by the next ``claim`` after ``STALE_CLAIM``.

Only a salted hash of each verification code is kept: the code itself exists on the certificate.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Protocol

from .. import schema
from ..errors import AmanstError

ENV_REGISTER = "AMANST_REGISTER"
DEFAULT_PATH = Path.home() / ".amanst" / "intygsregister.sqlite3"
STALE_CLAIM = timedelta(minutes=30)

PENDING = "Utfärdas"  # claimed, files being made (internal)
VOID = "Makulerat"  # a claim that never became a certificate (internal)
LIVE = (PENDING, schema.CERT_GILTIGT)

# No 0/O, 1/I/L, 5/S, 8/B: a code read aloud or typed from paper stays unambiguous.
CODE_ALPHABET = "2345679ACDEFGHJKMNPQRTUVWXYZ"
CODE_LENGTH = 12  # 12 × log2(28) ≈ 57.7 bits
PREFIX_PATTERN = re.compile(r"[A-Z0-9]{1,12}")


class RegisterError(AmanstError):
    """The register database cannot be used (path, lock, damage)."""


def new_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i:i + 4] for i in range(0, CODE_LENGTH, 4))


def normalise_code(code: str) -> str:
    return re.sub(r"[\s-]", "", code).upper()


def hash_code(code: str, salt: bytes | None = None) -> str:
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.sha256(salt + normalise_code(code).encode("ascii", "replace")).hexdigest()
    return f"sha256${salt.hex()}${digest}"


def code_matches(code: str, stored: str) -> bool:
    try:
        _, salt, _ = stored.split("$")
        expected = hash_code(code, bytes.fromhex(salt))
    except ValueError:
        return False
    return hmac.compare_digest(expected, stored)


def format_number(prefix: str, year: int, seq: int) -> str:
    return f"{prefix}-{year}-{seq:05d}"


@dataclass(frozen=True)
class ClaimRequest:
    plats_id: str
    deltagar_id: str
    language: str
    replaces: str = ""  # a valid number this one replaces (reissue)


@dataclass(frozen=True)
class Claim:
    request: ClaimRequest
    number: str
    code: str  # in memory only: printed on the certificate, never stored


@dataclass
class Entry:
    number: str
    prefix: str
    plats_id: str
    deltagar_id: str
    workbook: str
    issuer: str
    issued_at: str
    template_fingerprint: str
    status: str
    replaces: str
    replaced_by: str
    status_changed_at: str
    files: dict[str, tuple[str, str]] = field(default_factory=dict)  # kind → (name, sha256)


@dataclass(frozen=True)
class Verification:
    number: str
    known: bool  # the number exists and the code belongs to it
    entry: Entry | None = None
    file_kind: str | None = None  # "docx" or "pdf" when the file is the one issued
    file_checked: bool = False


class CertificateStore(Protocol):
    """What issuing, verifying and revoking need from a register (SQLite now, PostgreSQL later)."""

    def live_numbers(self, prefix: str) -> dict[str, str]: ...
    def claim(self, prefix: str, year: int, requests: Sequence[ClaimRequest], issuer: str,
              workbook: str, now: datetime) -> tuple[list[Claim], list[tuple[str, str]]]: ...
    def finalize(self, done: Iterable[tuple[str, str, dict[str, tuple[str, str]]]],
                 now: datetime) -> None: ...
    def add_files(self, files: Iterable[tuple[str, str, str, str]]) -> None: ...
    def abandon(self, numbers: Iterable[str], now: datetime) -> None: ...
    def entries(self, prefix: str | None = None) -> list[Entry]: ...
    def get(self, number: str) -> Entry | None: ...
    def revoke(self, number: str, reason: str, now: datetime) -> Entry: ...
    def verify(self, number: str, code: str, file_sha256: str | None = None) -> Verification: ...


SCHEMA = """
CREATE TABLE IF NOT EXISTS sequences (
    prefix TEXT NOT NULL, year INTEGER NOT NULL, last INTEGER NOT NULL,
    PRIMARY KEY (prefix, year));
CREATE TABLE IF NOT EXISTS certificates (
    number TEXT PRIMARY KEY, prefix TEXT NOT NULL, year INTEGER NOT NULL, seq INTEGER NOT NULL,
    plats_id TEXT NOT NULL, deltagar_id TEXT NOT NULL, workbook TEXT NOT NULL,
    issuer TEXT NOT NULL, issued_at TEXT NOT NULL, language TEXT NOT NULL,
    template_fingerprint TEXT NOT NULL DEFAULT '', code_hash TEXT NOT NULL,
    status TEXT NOT NULL, replaces TEXT NOT NULL DEFAULT '', replaced_by TEXT NOT NULL DEFAULT '',
    status_changed_at TEXT NOT NULL DEFAULT '', status_reason TEXT NOT NULL DEFAULT '',
    UNIQUE (prefix, year, seq));
CREATE UNIQUE INDEX IF NOT EXISTS one_live_certificate_per_place
    ON certificates (prefix, plats_id) WHERE status IN ('Utfärdas', 'Giltigt');
CREATE TABLE IF NOT EXISTS files (
    number TEXT NOT NULL REFERENCES certificates (number), kind TEXT NOT NULL,
    name TEXT NOT NULL, sha256 TEXT NOT NULL, PRIMARY KEY (number, kind));
CREATE INDEX IF NOT EXISTS files_by_hash ON files (sha256);
"""


def register_path(explicit: Path | None = None) -> Path:
    if explicit is not None:
        return Path(explicit)
    env = os.environ.get(ENV_REGISTER, "").strip()
    return Path(env) if env else DEFAULT_PATH


class SqliteStore:
    """The register in one SQLite file (rollback journal: also safe on a shared folder)."""

    def __init__(self, path: Path | None = None):
        self.path = register_path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(self.path, timeout=60, isolation_level=None)
            self.db.execute("PRAGMA busy_timeout = 60000")
            self.db.execute("PRAGMA synchronous = FULL")
            self.db.execute("PRAGMA foreign_keys = ON")
            # each statement is idempotent and atomic on its own; executescript would commit an
            # open transaction first, so it runs outside one
            self.db.executescript(SCHEMA)
        except (sqlite3.Error, OSError) as exc:
            raise RegisterError(f"Intygsregistret {self.path} kan inte öppnas ({exc}). Kontrollera "
                                f"sökvägen (--register eller {ENV_REGISTER}) och behörigheten."
                                ) from None

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> SqliteStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    class _Txn:
        def __init__(self, db: sqlite3.Connection):
            self.db = db

        def __enter__(self) -> sqlite3.Connection:
            self.db.execute("BEGIN IMMEDIATE")
            return self.db

        def __exit__(self, exc_type, exc, tb) -> None:
            self.db.execute("COMMIT" if exc_type is None else "ROLLBACK")

    def _write(self) -> SqliteStore._Txn:
        return SqliteStore._Txn(self.db)

    # --- issuing ------------------------------------------------------------------------------

    def live_numbers(self, prefix: str) -> dict[str, str]:
        rows = self.db.execute("SELECT plats_id, number FROM certificates WHERE prefix = ? AND "
                               "status IN (?, ?)", (prefix, *LIVE))
        return dict(rows.fetchall())

    def _void_stale(self, db: sqlite3.Connection, now: datetime) -> None:
        cutoff = (now - STALE_CLAIM).isoformat(timespec="seconds")
        stale = [r[0] for r in db.execute(
            "SELECT number FROM certificates WHERE status = ? AND issued_at < ?", (PENDING, cutoff))]
        self._void(db, stale, now)

    def _void(self, db: sqlite3.Connection, numbers: Sequence[str], now: datetime) -> None:
        stamp = now.isoformat(timespec="seconds")
        for number in numbers:
            row = db.execute("SELECT replaces FROM certificates WHERE number = ? AND status = ?",
                             (number, PENDING)).fetchone()
            if row is None:
                continue
            db.execute("UPDATE certificates SET status = ?, status_changed_at = ? WHERE number = ?",
                       (VOID, stamp, number))
            if row[0]:  # a reissue that failed: the old certificate is valid again
                db.execute("UPDATE certificates SET status = ?, replaced_by = '', "
                           "status_changed_at = ? WHERE number = ? AND replaced_by = ?",
                           (schema.CERT_GILTIGT, stamp, row[0], number))

    def claim(self, prefix: str, year: int, requests: Sequence[ClaimRequest], issuer: str,
              workbook: str, now: datetime) -> tuple[list[Claim], list[tuple[str, str]]]:
        """Take numbers for the requests whose placement has no live certificate.

        Returns the claims and, for the others, (PlatsID, live number).
        """
        if not PREFIX_PATTERN.fullmatch(prefix):
            raise AmanstError(f"Intygsprefixet '{prefix}' går inte att använda: skriv 1–12 "
                              "versaler A–Z eller siffror på bladet Inställningar.")
        claims: list[Claim] = []
        taken: list[tuple[str, str]] = []
        stamp = now.isoformat(timespec="seconds")
        with self._write() as db:
            self._void_stale(db, now)
            live = dict(db.execute("SELECT plats_id, number FROM certificates WHERE prefix = ? "
                                   "AND status IN (?, ?)", (prefix, *LIVE)).fetchall())
            row = db.execute("SELECT last FROM sequences WHERE prefix = ? AND year = ?",
                             (prefix, year)).fetchone()
            last = row[0] if row else 0
            for req in requests:
                held = live.get(req.plats_id)
                if held is not None and held != req.replaces:
                    taken.append((req.plats_id, held))
                    continue
                if req.replaces and held is None:  # replaced meanwhile by someone else
                    taken.append((req.plats_id, ""))
                    continue
                last += 1
                number = format_number(prefix, year, last)
                code = new_code()
                if req.replaces:
                    db.execute("UPDATE certificates SET status = ?, replaced_by = ?, "
                               "status_changed_at = ? WHERE number = ?",
                               (schema.CERT_ERSATT, number, stamp, req.replaces))
                db.execute(
                    "INSERT INTO certificates (number, prefix, year, seq, plats_id, deltagar_id, "
                    "workbook, issuer, issued_at, language, code_hash, status, replaces) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (number, prefix, year, last, req.plats_id, req.deltagar_id, workbook, issuer,
                     stamp, req.language, hash_code(code), PENDING, req.replaces))
                live[req.plats_id] = number
                claims.append(Claim(req, number, code))
            db.execute("INSERT INTO sequences (prefix, year, last) VALUES (?, ?, ?) "
                       "ON CONFLICT (prefix, year) DO UPDATE SET last = excluded.last",
                       (prefix, year, last))
        return claims, taken

    def finalize(self, done: Iterable[tuple[str, str, dict[str, tuple[str, str]]]],
                 now: datetime) -> None:
        """(number, template fingerprint, {kind: (file name, sha256)}) → Giltigt."""
        stamp = now.isoformat(timespec="seconds")
        with self._write() as db:
            for number, template_fp, files in done:
                db.execute("UPDATE certificates SET status = ?, template_fingerprint = ?, "
                           "status_changed_at = ? WHERE number = ? AND status = ?",
                           (schema.CERT_GILTIGT, template_fp, stamp, number, PENDING))
                for kind, (name, sha) in files.items():
                    db.execute("INSERT OR REPLACE INTO files (number, kind, name, sha256) "
                               "VALUES (?, ?, ?, ?)", (number, kind, name, sha))

    def add_files(self, files: Iterable[tuple[str, str, str, str]]) -> None:
        """(number, kind, file name, sha256): a file made after the certificate (the PDF)."""
        with self._write() as db:
            db.executemany("INSERT OR REPLACE INTO files (number, kind, name, sha256) "
                           "VALUES (?, ?, ?, ?)", list(files))

    def abandon(self, numbers: Iterable[str], now: datetime) -> None:
        with self._write() as db:
            self._void(db, list(numbers), now)

    # --- reading, revoking, verifying -----------------------------------------------------------

    _COLUMNS = ("number, prefix, plats_id, deltagar_id, workbook, issuer, issued_at, "
                "template_fingerprint, status, replaces, replaced_by, status_changed_at")

    def _entries(self, where: str, args: tuple) -> list[Entry]:
        rows = self.db.execute(f"SELECT {self._COLUMNS} FROM certificates WHERE {where} "
                               "ORDER BY prefix, year, seq", args).fetchall()
        entries = [Entry(*row) for row in rows]
        by_number = {e.number: e for e in entries}
        if by_number:
            for number, kind, name, sha in self.db.execute(
                    "SELECT number, kind, name, sha256 FROM files"):
                if number in by_number:
                    by_number[number].files[kind] = (name, sha)
        return entries

    def entries(self, prefix: str | None = None) -> list[Entry]:
        """Every certificate (not claims in progress or voided ones), in number order."""
        where = "status NOT IN (?, ?)"
        args: tuple = (PENDING, VOID)
        if prefix is not None:
            where += " AND prefix = ?"
            args += (prefix,)
        return self._entries(where, args)

    def get(self, number: str) -> Entry | None:
        found = self._entries("number = ?", (number.strip().upper(),))
        return found[0] if found else None

    def revoke(self, number: str, reason: str, now: datetime) -> Entry:
        number = number.strip().upper()
        with self._write() as db:
            row = db.execute("SELECT status FROM certificates WHERE number = ?",
                             (number,)).fetchone()
            if row is None or row[0] in (PENDING, VOID):
                raise AmanstError(f"Intyget {number} finns inte i intygsregistret.")
            if row[0] == schema.CERT_ATERKALLAT:
                raise AmanstError(f"Intyget {number} är redan återkallat.")
            db.execute("UPDATE certificates SET status = ?, status_changed_at = ?, "
                       "status_reason = ? WHERE number = ?",
                       (schema.CERT_ATERKALLAT, now.isoformat(timespec="seconds"), reason, number))
        return self.get(number)  # type: ignore[return-value]

    def verify(self, number: str, code: str, file_sha256: str | None = None) -> Verification:
        number = number.strip().upper()
        row = self.db.execute("SELECT code_hash, status FROM certificates WHERE number = ?",
                              (number,)).fetchone()
        if row is None or row[1] in (PENDING, VOID) or not code_matches(code, row[0]):
            return Verification(number, False, file_checked=file_sha256 is not None)
        entry = self.get(number)
        kind = None
        if file_sha256 is not None and entry is not None:
            kind = next((k for k, (_, sha) in entry.files.items()
                         if hmac.compare_digest(sha, file_sha256)), None)
        return Verification(number, True, entry, kind, file_sha256 is not None)
