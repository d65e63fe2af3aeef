"""The certificate register: the one authority that hands out certificate numbers.

``CertificateStore`` is the interface the rest of the code uses. ``SqlStore`` holds the logic in
portable SQL; ``SqliteStore`` runs it on one SQLite file (the default, for one installation) and
``PostgresStore`` (module ``pgstore``) on PostgreSQL, so several servers share one register.
``backend.open_store(location)`` is the one place that picks the backend. The register lives
outside every workbook, so numbers are unique across workbooks, users, processes and servers.

How issuing stays unique and idempotent, even with many processes at once:

* ``claim`` runs in one transaction that first takes a write lock (SQLite: ``BEGIN IMMEDIATE``;
  PostgreSQL: a transaction-scoped advisory lock per prefix): it reads the live certificates,
  takes the next sequence numbers and inserts each new certificate as ``Utfärdas`` (being issued). A partial unique index allows only one live
  (``Utfärdas`` or ``Giltigt``) certificate per (prefix, PlatsID), so a second click or a second
  process finds the placement taken and issues nothing.
* ``finalize`` records the files' SHA-256 and turns the claim ``Giltigt``; ``abandon`` voids a claim
  whose file could not be made (``Makulerat``: the number is never used again).
* Every claim records its owner: host, boot, PID namespace, PID and process start time, plus a
  random part per store (``owner_token``). A claim whose owner is provably gone (same host, boot
  and PID namespace, and that process no longer exists) or that is older than ``STALE_CLAIM`` is
  dead: the next ``claim`` for the same placement takes it over (same number, new code) and
  finishes it; dead claims nobody asks for are voided. Owners on other servers can't be checked,
  so only the timeout frees theirs. ``finalize`` and ``abandon`` touch only claims the store
  still owns, so a run that was merely slow can never overwrite the one that took over.

Only a salted hash of each verification code is kept: the code itself exists on the certificate.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import re
import secrets
import socket
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

from ..core import schema
from ..core.errors import AmanstError

STALE_CLAIM = timedelta(minutes=30)
LOCK_TIMEOUT = 60.0  # seconds to wait for another writer before saying the register is locked

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


def _proc_start(pid: int) -> str | None:
    """The start time of ``pid`` in clock ticks since boot (Linux), or None if it doesn't exist."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat.rsplit(")", 1)[1].split()[19]  # field 22; the name before ")" may hold spaces


def _machine() -> tuple[str, str, str]:
    """(host, boot id, PID namespace): where a PID means the same process. Empty off Linux."""
    host = socket.gethostname()
    try:
        boot = Path("/proc/sys/kernel/random/boot_id").read_text().strip()
        pidns = os.readlink("/proc/self/ns/pid")
    except OSError:
        return host, "", ""
    return host, boot, pidns


def owner_token() -> str:
    """Who holds a claim: host|boot|pidns|pid|start|random (the random part per store)."""
    host, boot, pidns = _machine()
    pid = os.getpid()
    start = (_proc_start(pid) or "") if boot else ""
    return "|".join((host, boot, pidns, str(pid), start, secrets.token_hex(4)))


def owner_gone(token: str) -> bool:
    """True only when the claim's process provably no longer exists.

    That needs the same host, boot and PID namespace as this process (so the PID means the same
    thing) and then either no such PID or one that started at another time (the PID was reused).
    Anything else, such as another server or a system without /proc, is left to ``STALE_CLAIM``.
    """
    parts = token.split("|")
    if len(parts) != 6:
        return False
    host, boot, pidns, pid, start, _ = parts
    if not boot or not start or (host, boot, pidns) != _machine() or not pid.isdigit():
        return False
    return _proc_start(int(pid)) != start


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
    resumed: bool = False  # taken over from a dead run: its unfinished file may be replaced


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
    """What issuing, verifying and revoking need from a register (SQLite or PostgreSQL)."""

    def close(self) -> None: ...
    def live_numbers(self, prefix: str, now: datetime | None = None) -> dict[str, str]: ...
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
    claimed_by TEXT NOT NULL DEFAULT '',
    UNIQUE (prefix, year, seq));
CREATE UNIQUE INDEX IF NOT EXISTS one_live_certificate_per_place
    ON certificates (prefix, plats_id) WHERE status IN ('Utfärdas', 'Giltigt');
CREATE TABLE IF NOT EXISTS files (
    number TEXT NOT NULL REFERENCES certificates (number), kind TEXT NOT NULL,
    name TEXT NOT NULL, sha256 TEXT NOT NULL, PRIMARY KEY (number, kind));
CREATE INDEX IF NOT EXISTS files_by_hash ON files (sha256);
"""


class SqlStore:
    """The register's logic in portable SQL; subclasses connect and take the write lock.

    SQL is written with ``?`` placeholders; ``_sql`` turns them into the driver's style.
    ``self.db`` is the connection, ``self.owner`` this store's claim owner (``owner_token``).
    """

    db: Any
    owner: str
    placeholder = "?"

    def _sql(self, sql: str) -> str:
        return sql if self.placeholder == "?" else sql.replace("?", self.placeholder)

    def _run(self, db: Any, sql: str, args: Sequence = ()) -> Any:
        return db.execute(self._sql(sql), tuple(args))

    def _read(self, sql: str, args: Sequence = ()) -> list[tuple]:
        with self._errors():
            return [tuple(r) for r in self._run(self.db, sql, args).fetchall()]

    def _errors(self) -> contextlib.AbstractContextManager:  # driver errors → RegisterError
        return contextlib.nullcontext()

    def _write(self) -> contextlib.AbstractContextManager:
        raise NotImplementedError

    def _lock_prefix(self, db: Any, prefix: str) -> None:
        """Serialise claims for one prefix (SQLite's write lock already serialises everything)."""

    def close(self) -> None:
        self.db.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- issuing ------------------------------------------------------------------------------

    def live_numbers(self, prefix: str, now: datetime | None = None) -> dict[str, str]:
        """PlatsID → number of each live certificate or claim, except dead claims (which the
        next ``claim`` for that placement takes over)."""
        cutoff = ((now or datetime.now()) - STALE_CLAIM).isoformat(timespec="seconds")
        rows = self._read("SELECT plats_id, number, status, claimed_by, issued_at FROM "
                          "certificates WHERE prefix = ? AND status IN (?, ?)", (prefix, *LIVE))
        return {r[0]: r[1] for r in rows
                if r[2] != PENDING or not (r[4] < cutoff or owner_gone(r[3]))}

    def _void(self, db: Any, numbers: Sequence[str], now: datetime, owner: str | None) -> None:
        """Void pending claims; with ``owner``, only those this owner still holds."""
        stamp = now.isoformat(timespec="seconds")
        for number in numbers:
            row = self._run(db, "SELECT replaces, claimed_by FROM certificates WHERE number = ? "
                            "AND status = ?", (number, PENDING)).fetchone()
            if row is None or (owner is not None and row[1] != owner):
                continue
            # the owner is checked again in the update: another run may take the claim over
            # between the two statements (PostgreSQL, READ COMMITTED)
            cur = self._run(db, "UPDATE certificates SET status = ?, status_changed_at = ? "
                            "WHERE number = ? AND status = ? AND claimed_by = ?",
                            (VOID, stamp, number, PENDING, row[1]))
            if cur.rowcount == 1 and row[0]:  # a failed reissue: the old one is valid again
                self._run(db, "UPDATE certificates SET status = ?, replaced_by = '', "
                          "status_changed_at = ? WHERE number = ? AND replaced_by = ?",
                          (schema.CERT_GILTIGT, stamp, row[0], number))

    def _dead_claims(self, db: Any, prefix: str, now: datetime) -> list[tuple]:
        """Pending claims of ``prefix`` whose process is provably gone or that are too old."""
        cutoff = (now - STALE_CLAIM).isoformat(timespec="seconds")
        rows = self._run(db, "SELECT number, plats_id, replaces, claimed_by, issued_at FROM "
                         "certificates WHERE prefix = ? AND status = ?", (prefix, PENDING)
                         ).fetchall()
        return [tuple(r) for r in rows if r[4] < cutoff or owner_gone(r[3])]

    def claim(self, prefix: str, year: int, requests: Sequence[ClaimRequest], issuer: str,
              workbook: str, now: datetime) -> tuple[list[Claim], list[tuple[str, str]]]:
        """Take numbers for the requests whose placement has no live certificate.

        A claim left by a dead run for a requested placement is taken over (``resumed``: same
        number, a new code, this store as owner) so the run finishes the job; other dead claims
        are voided. Returns the claims and, for the others, (PlatsID, live number).
        """
        if not PREFIX_PATTERN.fullmatch(prefix):
            raise AmanstError(f"Intygsprefixet '{prefix}' går inte att använda: skriv 1–12 "
                              "versaler A–Z eller siffror på bladet Inställningar.")
        claims: list[Claim] = []
        taken: list[tuple[str, str]] = []
        stamp = now.isoformat(timespec="seconds")
        wanted = {r.plats_id: r for r in requests}
        with self._write() as db:
            self._lock_prefix(db, prefix)
            resumed: set[str] = set()
            void: list[str] = []
            for number, plats_id, replaces, old_owner, _ in self._dead_claims(db, prefix, now):
                req = wanted.get(plats_id)
                if req is None or req.replaces != replaces or plats_id in resumed:
                    void.append(number)
                    continue
                code = new_code()
                # compare-and-swap on the owner: a run that is only slow can never finalise it now
                cur = self._run(db, "UPDATE certificates SET code_hash = ?, claimed_by = ?, "
                                "issuer = ?, workbook = ?, issued_at = ?, deltagar_id = ?, "
                                "language = ? WHERE number = ? AND status = ? AND claimed_by = ?",
                                (hash_code(code), self.owner, issuer, workbook, stamp,
                                 req.deltagar_id, req.language, number, PENDING, old_owner))
                if cur.rowcount == 1:
                    resumed.add(plats_id)
                    claims.append(Claim(req, number, code, resumed=True))
            self._void(db, void, now, None)
            live = dict(self._run(db, "SELECT plats_id, number FROM certificates WHERE "
                                  "prefix = ? AND status IN (?, ?)", (prefix, *LIVE)).fetchall())
            row = self._run(db, "SELECT last FROM sequences WHERE prefix = ? AND year = ?",
                            (prefix, year)).fetchone()
            last = row[0] if row else 0
            for req in requests:
                if req.plats_id in resumed:
                    continue
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
                    self._run(db, "UPDATE certificates SET status = ?, replaced_by = ?, "
                              "status_changed_at = ? WHERE number = ?",
                              (schema.CERT_ERSATT, number, stamp, req.replaces))
                self._run(db,
                          "INSERT INTO certificates (number, prefix, year, seq, plats_id, "
                          "deltagar_id, workbook, issuer, issued_at, language, code_hash, status, "
                          "replaces, claimed_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                          (number, prefix, year, last, req.plats_id, req.deltagar_id, workbook,
                           issuer, stamp, req.language, hash_code(code), PENDING, req.replaces,
                           self.owner))
                live[req.plats_id] = number
                claims.append(Claim(req, number, code))
            self._run(db, "INSERT INTO sequences (prefix, year, last) VALUES (?, ?, ?) "
                      "ON CONFLICT (prefix, year) DO UPDATE SET last = excluded.last",
                      (prefix, year, last))
        return claims, taken

    def finalize(self, done: Iterable[tuple[str, str, dict[str, tuple[str, str]]]],
                 now: datetime) -> None:
        """(number, template fingerprint, {kind: (file name, sha256)}) → Giltigt.

        Only claims this store still owns: one taken over by another run stays theirs.
        """
        stamp = now.isoformat(timespec="seconds")
        done = list(done)
        if not done:
            return
        with self._write() as db:
            for number, template_fp, files in done:
                cur = self._run(db, "UPDATE certificates SET status = ?, template_fingerprint = ?, "
                                "status_changed_at = ? WHERE number = ? AND status = ? AND "
                                "claimed_by = ?", (schema.CERT_GILTIGT, template_fp, stamp, number,
                                                   PENDING, self.owner))
                if cur.rowcount != 1:
                    continue
                for kind, (name, sha) in files.items():
                    self._upsert_file(db, number, kind, name, sha)

    def _upsert_file(self, db: Any, number: str, kind: str, name: str, sha: str) -> None:
        self._run(db, "INSERT INTO files (number, kind, name, sha256) VALUES (?, ?, ?, ?) "
                  "ON CONFLICT (number, kind) DO UPDATE SET name = excluded.name, "
                  "sha256 = excluded.sha256", (number, kind, name, sha))

    def add_files(self, files: Iterable[tuple[str, str, str, str]]) -> None:
        """(number, kind, file name, sha256): a file made after the certificate (the PDF)."""
        files = list(files)
        if not files:
            return
        with self._write() as db:
            for number, kind, name, sha in files:
                self._upsert_file(db, number, kind, name, sha)

    def abandon(self, numbers: Iterable[str], now: datetime) -> None:
        """Void this store's claims whose file could not be made."""
        numbers = list(numbers)
        if numbers:
            with self._write() as db:
                self._void(db, numbers, now, self.owner)

    # --- reading, revoking, verifying -----------------------------------------------------------

    _for_update = ""  # PostgreSQL: lock the row read before a revoke

    _COLUMNS = ("number, prefix, plats_id, deltagar_id, workbook, issuer, issued_at, "
                "template_fingerprint, status, replaces, replaced_by, status_changed_at")

    def _entries(self, where: str, args: tuple) -> list[Entry]:
        rows = self._read(f"SELECT {self._COLUMNS} FROM certificates WHERE {where} "
                          "ORDER BY prefix, year, seq", args)
        entries = [Entry(*row) for row in rows]
        by_number = {e.number: e for e in entries}
        if by_number:
            for number, kind, name, sha in self._read(
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
            row = self._run(db, "SELECT status FROM certificates WHERE number = ?" + self._for_update,
                            (number,)).fetchone()
            if row is None or row[0] in (PENDING, VOID):
                raise AmanstError(f"Intyget {number} finns inte i intygsregistret.")
            if row[0] == schema.CERT_ATERKALLAT:
                raise AmanstError(f"Intyget {number} är redan återkallat.")
            self._run(db, "UPDATE certificates SET status = ?, status_changed_at = ?, "
                      "status_reason = ? WHERE number = ?",
                      (schema.CERT_ATERKALLAT, now.isoformat(timespec="seconds"), reason, number))
        return self.get(number)  # type: ignore[return-value]

    def verify(self, number: str, code: str, file_sha256: str | None = None) -> Verification:
        number = number.strip().upper()
        rows = self._read("SELECT code_hash, status FROM certificates WHERE number = ?", (number,))
        row = rows[0] if rows else None
        if row is None or row[1] in (PENDING, VOID) or not code_matches(code, row[0]):
            return Verification(number, False, file_checked=file_sha256 is not None)
        entry = self.get(number)
        kind = None
        if file_sha256 is not None and entry is not None:
            kind = next((k for k, (_, sha) in entry.files.items()
                         if hmac.compare_digest(sha, file_sha256)), None)
        return Verification(number, True, entry, kind, file_sha256 is not None)


class SqliteStore(SqlStore):
    """The register in one SQLite file (rollback journal: also safe on a shared folder)."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.owner = owner_token()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            if self.path.exists() and not os.access(self.path, os.W_OK):
                # a read-only register still verifies; writing fails with a clear message
                self.db = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True,
                                          timeout=LOCK_TIMEOUT, isolation_level=None)
            else:
                self.db = sqlite3.connect(self.path, timeout=LOCK_TIMEOUT, isolation_level=None)
            self.db.execute(f"PRAGMA busy_timeout = {int(LOCK_TIMEOUT * 1000)}")
            self.db.execute("PRAGMA synchronous = FULL")
            self.db.execute("PRAGMA foreign_keys = ON")
            # each statement is idempotent and atomic on its own; executescript would commit an
            # open transaction first, so it runs outside one
            self.db.executescript(SCHEMA)
            columns = {r[1] for r in self.db.execute("PRAGMA table_info(certificates)")}
            if "claimed_by" not in columns:  # a register made before claims had owners
                self.db.execute("ALTER TABLE certificates ADD COLUMN claimed_by TEXT NOT NULL "
                                "DEFAULT ''")
        except (sqlite3.Error, OSError) as exc:
            raise self._translate(exc) from None

    def _translate(self, exc: Exception) -> RegisterError:
        text = str(exc).lower()
        if "locked" in text or "busy" in text:
            return RegisterError(f"Intygsregistret {self.path} är låst av ett annat program eller "
                                 f"en annan körning och blev inte ledigt inom {LOCK_TIMEOUT:g} "
                                 "sekunder. Inget har ändrats; försök igen om en stund.")
        if "readonly" in text or "read-only" in text or "read only" in text:
            return RegisterError(f"Intygsregistret {self.path} är skrivskyddat, så inga intyg kan "
                                 "utfärdas eller återkallas. Inget har ändrats. Be IT ge skrivrätt "
                                 "till filen och mappen den ligger i.")
        return RegisterError(f"Intygsregistret {self.path} kan inte användas ({exc}). Kontrollera "
                             "sökvägen (--register eller AMANST_REGISTER) och behörigheten.")

    @contextlib.contextmanager
    def _errors(self):
        try:
            yield
        except (sqlite3.Error, OSError) as exc:
            raise self._translate(exc) from None

    @contextlib.contextmanager
    def _write(self):
        with self._errors():
            self.db.execute("BEGIN IMMEDIATE")  # the write lock, taken before anything is read
            try:
                yield self.db
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
            self.db.execute("COMMIT")
