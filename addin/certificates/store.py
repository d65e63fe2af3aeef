"""The certificate register: the one authority that hands out certificate numbers.

``CertificateStore`` is the interface the rest of the code uses. ``SqlStore`` holds the logic in
portable SQL; ``SqliteStore`` runs it on one SQLite file and ``PostgresStore`` (module
``pgstore``) on PostgreSQL, so several servers share one register. ``backend.open_store(location)``
is the one place that picks the backend. The register lives outside every workbook, so numbers
are unique across workbooks, users, processes and servers.

How issuing stays unique and idempotent, even with many processes at once:

* ``claim`` runs in one transaction that first takes a write lock (SQLite: ``BEGIN IMMEDIATE``;
  PostgreSQL: a transaction-scoped advisory lock per prefix): it reads the live certificates,
  takes the next sequence numbers and inserts each new certificate as ``Utfärdas`` (being
  issued). A partial unique index allows only one live (``Utfärdas`` or ``Giltigt``) certificate
  per (prefix, PlatsID), so a second click or a second process finds the placement taken and
  issues nothing.
* ``finalize`` records the files' SHA-256 and turns the claim ``Giltigt``; ``abandon`` voids a claim
  (``Makulerat``: the number is never used again); ``release`` gives unused claims back so that
  the next run takes them over at once (same numbers) instead of burning them.
* Every claim records its owner: host, boot, PID namespace, PID and process start time, plus a
  random part per store (``owner_token``). A claim whose owner is provably gone (same host, boot
  and PID namespace, and that process no longer exists), that was released, or that is older than
  ``STALE_CLAIM`` is dead: the next ``claim`` for the same placement takes it over (same number,
  new code) and finishes it; dead claims nobody asks for are voided. Owners on other servers
  can't be checked, so only the timeout frees theirs. ``finalize`` and ``abandon`` touch only
  claims the store still owns, so a run that was merely slow can never overwrite the one that
  took over.
* Every change of status goes through ``_transition``: a compare-and-swap on the present status,
  allowed only by the rules in ``addin.core.certificate_status``, recorded in the same transaction
  in the append-only table ``status_history`` (who, when, from, to, why). Nothing else in the
  package writes a status.
* Before numbers are taken, ``claim`` checks that the sequence is beyond every number this
  register has ever shown (its certificates and history) and beyond the evidence the caller found
  outside it (the workbook's Intygsregister sheet, the output folder): a register restored from an
  older copy would otherwise hand out numbers again (``SequenceBehind``).

Only a salted hash of each verification code is kept: the code itself exists on the certificate.
What the public verification page shows (holder's name, issue date, employment period, issuer) is
kept per certificate; never a personnummer or an assessment.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import re
import secrets
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

from .. import leftovers
from ..core import certificate_status as cs
from ..core.errors import AmanstError

STALE_CLAIM = timedelta(minutes=30)
LOCK_TIMEOUT = 60.0  # seconds to wait for another writer before saying the register is locked

PENDING = cs.PENDING
VOID = cs.VOID
LIVE = cs.LIVE
RELEASED = "släppt"  # the owner of a claim its run gave back: dead at once
REGISTER_ID = "register_id"

# No 0/O, 1/I/L, 5/S, 8/B: a code read aloud or typed from paper stays unambiguous.
CODE_ALPHABET = "2345679ACDEFGHJKMNPQRTUVWXYZ"
CODE_LENGTH = 12  # 12 × log2(28) ≈ 57.7 bits
PREFIX_PATTERN = re.compile(r"[A-Z0-9]{1,12}")
NUMBER_PATTERN = re.compile(r"([A-Z0-9]{1,12})-(\d{4})-(\d{5,})")


class RegisterError(AmanstError):
    """The register database cannot be used (path, lock, damage, connection, full disk).

    ``reason`` says what happened and ``advice`` what to do; the message adds that nothing changed,
    which is true for the operation that failed. A caller that had already changed something
    (a run that issued part of its certificates) tells its own story from ``reason`` and ``advice``.
    """

    def __init__(self, reason: str, advice: str = "", nothing_changed: bool = True):
        self.reason, self.advice = reason, advice
        super().__init__(reason + (" Inget har ändrats." if nothing_changed else "")
                         + (f" {advice}" if advice else ""))


class RegisterMissing(RegisterError):
    """A reading command found no register where the settings say it is (none was made)."""


class SequenceBehind(RegisterError):
    """The register's sequence is not beyond a number already seen: it was restored from an older
    copy (or the numbers came from elsewhere). Nothing is claimed."""


def parse_number(number: str) -> tuple[str, int, int] | None:
    """(prefix, year, sequence) of a certificate number, or None."""
    m = NUMBER_PATTERN.fullmatch(number.strip().upper())
    return (m.group(1), int(m.group(2)), int(m.group(3))) if m else None


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


def owner_token() -> str:
    """Who holds a claim: host|boot|pidns|pid|start|random (the random part per store)."""
    host, boot, pidns = leftovers.machine()
    pid = os.getpid()
    start = (leftovers.proc_start(pid) or "") if boot else ""
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
    return bool(boot) and leftovers.process_gone((host, boot, pidns), pid, start)


def format_number(prefix: str, year: int, seq: int) -> str:
    return f"{prefix}-{year}-{seq:05d}"




@dataclass(frozen=True)
class ClaimRequest:
    plats_id: str
    deltagar_id: str
    language: str
    replaces: str = ""  # a valid number this one replaces (reissue)
    # what the public verification page shows, exactly as the certificate prints it
    holder_name: str = ""
    issued_on: str = ""  # ISO date printed on the certificate
    period_from: str = ""  # ISO dates of the employment
    period_to: str = ""
    organisation: str = ""
    forvaltning: str = ""


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
    holder_name: str = ""
    issued_on: str = ""
    period_from: str = ""
    period_to: str = ""
    organisation: str = ""
    forvaltning: str = ""
    files: dict[str, tuple[str, str]] = field(default_factory=dict)  # kind → (name, sha256)


@dataclass(frozen=True)
class Event:
    """One line of a certificate's history: the n-th change of its status."""

    number: str
    n: int
    at: str
    who: str
    from_status: str
    to_status: str
    reason: str


@dataclass(frozen=True)
class Verification:
    number: str
    known: bool  # the number exists and the code belongs to it
    entry: Entry | None = None
    file_kind: str | None = None  # "docx" or "pdf" when the file is the one issued
    file_checked: bool = False


@dataclass(frozen=True)
class Claimed:
    """What ``claim`` did: the claims to finish, the placements already held (PlatsID, number;
    an empty number when a reissue's old certificate changed meanwhile) and the dead claims it
    voided (their files, if any, are no certificates)."""

    claims: list[Claim]
    taken: list[tuple[str, str]]
    voided: list[str] = field(default_factory=list)

    def __iter__(self) -> Iterator[Any]:  # ``claims, taken = store.claim(...)``
        return iter((self.claims, self.taken))


class CertificateStore(Protocol):
    """What issuing, verifying and revoking need from a register (SQLite or PostgreSQL)."""

    where: str  # which register, for messages (a path, or user@host:port/db without password)

    def close(self) -> None: ...
    def __enter__(self) -> CertificateStore: ...
    def __exit__(self, *exc: object) -> None: ...
    def live_numbers(self, prefix: str, now: datetime | None = None) -> dict[str, str]: ...
    def claim(self, prefix: str, year: int, requests: Sequence[ClaimRequest], issuer: str,
              workbook: str, now: datetime, beyond: Mapping[str, str] | None = None
              ) -> Claimed: ...
    def finalize(self, done: Iterable[tuple[str, str, dict[str, tuple[str, str]]]],
                 now: datetime) -> None: ...
    def add_files(self, files: Iterable[tuple[str, str, str, str]]) -> None: ...
    def abandon(self, numbers: Iterable[str], now: datetime) -> None: ...
    def release(self, numbers: Iterable[str], now: datetime) -> None: ...
    def entries(self, prefix: str | None = None) -> list[Entry]: ...
    def get(self, number: str) -> Entry | None: ...
    def history(self, number: str) -> list[Event]: ...
    def revoke(self, number: str, reason: str, now: datetime, who: str = "") -> Entry: ...
    def verify(self, number: str, code: str, file_sha256: str | None = None) -> Verification: ...
    def check_beyond(self, numbers: Mapping[str, str]) -> None: ...
    def dump(self) -> dict[str, list[tuple]]: ...
    def merge(self, rows: Mapping[str, Sequence[tuple]], check: Any = None) -> None: ...
    def advance(self, number: str) -> int: ...
    def sequences(self) -> dict[tuple[str, int], int]: ...
    def info(self) -> dict[str, str]: ...
    def register_id(self) -> str: ...
    def mark_example(self) -> None: ...
    def check_kind(self, prefix: str) -> None: ...
    def set_info(self, values: Mapping[str, str]) -> None: ...


# Portable DDL, one statement each (PostgreSQL runs them one by one).
SCHEMA = (
    "CREATE TABLE IF NOT EXISTS sequences ("
    " prefix TEXT NOT NULL, year INTEGER NOT NULL, last INTEGER NOT NULL,"
    " PRIMARY KEY (prefix, year))",
    "CREATE TABLE IF NOT EXISTS certificates ("
    " number TEXT PRIMARY KEY, prefix TEXT NOT NULL, year INTEGER NOT NULL, seq INTEGER NOT NULL,"
    " plats_id TEXT NOT NULL, deltagar_id TEXT NOT NULL, workbook TEXT NOT NULL,"
    " issuer TEXT NOT NULL, issued_at TEXT NOT NULL, language TEXT NOT NULL,"
    " template_fingerprint TEXT NOT NULL DEFAULT '', code_hash TEXT NOT NULL,"
    " status TEXT NOT NULL, replaces TEXT NOT NULL DEFAULT '',"
    " replaced_by TEXT NOT NULL DEFAULT '',"
    " status_changed_at TEXT NOT NULL DEFAULT '', status_reason TEXT NOT NULL DEFAULT '',"
    " claimed_by TEXT NOT NULL DEFAULT '',"
    " UNIQUE (prefix, year, seq))",
    "CREATE UNIQUE INDEX IF NOT EXISTS one_live_certificate_per_place"
    " ON certificates (prefix, plats_id) WHERE status IN ('Utfärdas', 'Giltigt')",
    "CREATE TABLE IF NOT EXISTS files ("
    " number TEXT NOT NULL REFERENCES certificates (number), kind TEXT NOT NULL,"
    " name TEXT NOT NULL, sha256 TEXT NOT NULL, PRIMARY KEY (number, kind))",
    "CREATE INDEX IF NOT EXISTS files_by_hash ON files (sha256)",
    "CREATE TABLE IF NOT EXISTS status_history ("
    " number TEXT NOT NULL, n INTEGER NOT NULL, at TEXT NOT NULL, who TEXT NOT NULL,"
    " from_status TEXT NOT NULL, to_status TEXT NOT NULL, reason TEXT NOT NULL DEFAULT '',"
    " PRIMARY KEY (number, n))",
    "CREATE TABLE IF NOT EXISTS register_info (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
)
# Columns added after the first release, (name, declaration): added to older registers on open.
ADDED_COLUMNS = (
    ("claimed_by", "TEXT NOT NULL DEFAULT ''"),
    ("holder_name", "TEXT NOT NULL DEFAULT ''"),
    ("issued_on", "TEXT NOT NULL DEFAULT ''"),
    ("period_from", "TEXT NOT NULL DEFAULT ''"),
    ("period_to", "TEXT NOT NULL DEFAULT ''"),
    ("organisation", "TEXT NOT NULL DEFAULT ''"),
    ("forvaltning", "TEXT NOT NULL DEFAULT ''"),
)
# A certificate made before the history existed gets one line saying so (the same in every copy).
BACKFILL_HISTORY = (
    "INSERT INTO status_history (number, n, at, who, from_status, to_status, reason)"
    " SELECT number, 1, issued_at, issuer, '', status, 'status när historiken infördes'"
    " FROM certificates c WHERE NOT EXISTS"
    " (SELECT 1 FROM status_history h WHERE h.number = c.number)")
# A register knows itself from birth, so that every copy of it is known as the same register.
NEW_IDENTITY = ("INSERT INTO register_info (key, value) VALUES ('register_id', ?) "
                "ON CONFLICT (key) DO NOTHING")
# SQLite's guard that keeps the history append-only (PostgreSQL's is in pgstore).
SQLITE_APPEND_ONLY = tuple(
    f"CREATE TRIGGER IF NOT EXISTS status_history_no_{what.lower()} BEFORE {what} ON "
    f"status_history BEGIN SELECT RAISE(ABORT, 'status_history is append-only'); END"
    for what in ("UPDATE", "DELETE"))

# Every table's columns, its key (the leading columns) and its order: what a backup holds.
TABLES: dict[str, tuple[tuple[str, ...], int]] = {
    "sequences": (("prefix", "year", "last"), 2),
    "certificates": (("number", "prefix", "year", "seq", "plats_id", "deltagar_id", "workbook",
                      "issuer", "issued_at", "language", "template_fingerprint", "code_hash",
                      "status", "replaces", "replaced_by", "status_changed_at", "status_reason",
                      "claimed_by", *(name for name, _ in ADDED_COLUMNS[1:])), 1),
    "files": (("number", "kind", "name", "sha256"), 2),
    "status_history": (("number", "n", "at", "who", "from_status", "to_status", "reason"), 2),
    "register_info": (("key", "value"), 1),
}

_COLUMNS = ("number, prefix, plats_id, deltagar_id, workbook, issuer, issued_at, "
            "template_fingerprint, status, replaces, replaced_by, status_changed_at, "
            "holder_name, issued_on, period_from, period_to, organisation, forvaltning")
_PUBLIC = ("holder_name", "issued_on", "period_from", "period_to", "organisation", "forvaltning")


def _public(req: ClaimRequest) -> tuple[str, ...]:
    return tuple(getattr(req, name) for name in _PUBLIC)


def restore_suspected(where: str, prefix: str, year: int, last: int, number: str,
                      seen: str) -> SequenceBehind:
    """The Swedish refusal when a number beyond the sequence exists somewhere."""
    return SequenceBehind(
        f"Intygsregistret {where} verkar vara återställt från en äldre kopia: dess senaste nummer "
        f"för {prefix}-{year} är {format_number(prefix, year, last) if last else 'inget'}, men "
        f"{number} finns redan ({seen}). Inga nummer delades ut, så inget nummer har hamnat på "
        "två intyg.",
        "Gör så här: återställ den senaste säkerhetskopian av registret (amanst register restore "
        "SÖKVÄG), eller peka inställningen AMANST_REGISTER/AMANST_REGISTER_URL på rätt register. "
        "Finns ingen nyare kopia: kör amanst register advance "
        f"{number} så fortsätter numreringen efter det numret; intyg som utfärdades efter kopian "
        "går då inte att verifiera och bör utfärdas på nytt. Kontakta IT.")


class SqlStore:
    """The register's logic in portable SQL; subclasses connect and take the write lock.

    SQL is written with ``?`` placeholders; ``_sql`` turns them into the driver's style.
    ``self.db`` is the connection, ``self.owner`` this store's claim owner (``owner_token``),
    ``self.where`` the register for messages.
    """

    db: Any
    owner: str
    where: str = ""
    placeholder = "?"
    _for_update = ""  # PostgreSQL: lock the rows read before a change

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

    # --- the one place a status changes ----------------------------------------------------------

    def _transition(self, db: Any, number: str, frm: str, to: str, now: datetime, who: str,
                    why: str = "", sets: Mapping[str, Any] | None = None, guard: str = "",
                    guard_args: Sequence = ()) -> bool:
        """Change ``number`` from ``frm`` to ``to`` if it is ``frm`` now (and ``guard`` holds);
        record the change in the history. False when the certificate was not in that state.

        The rules are ``certificate_status``'s; the update and its history line are one
        transaction (``db`` is inside ``_write``).
        """
        if not cs.allowed(frm, to):
            raise cs.TransitionRefused(f"{number}: {frm or 'nytt'} → {to}")
        stamp = now.isoformat(timespec="seconds")
        sets = dict(sets or {})
        assignments = "".join(f", {column} = ?" for column in sets)
        cur = self._run(db, f"UPDATE certificates SET status = ?, status_changed_at = ?"
                        f"{assignments} WHERE number = ? AND status = ?{guard}",
                        (to, stamp, *sets.values(), number, frm, *guard_args))
        if cur.rowcount != 1:
            return False
        self._record(db, number, frm, to, stamp, who, why or cs.reason_for(frm, to))
        return True

    def _record(self, db: Any, number: str, frm: str, to: str, stamp: str, who: str,
                why: str) -> None:
        row = self._run(db, "SELECT COALESCE(MAX(n), 0) FROM status_history WHERE number = ?",
                        (number,)).fetchone()
        self._run(db, "INSERT INTO status_history (number, n, at, who, from_status, to_status, "
                  "reason) VALUES (?, ?, ?, ?, ?, ?, ?)",
                  (number, row[0] + 1, stamp, who or "amanst", frm, to, why))

    def history(self, number: str) -> list[Event]:
        """Every recorded change of ``number``'s status, oldest first."""
        rows = self._read("SELECT number, n, at, who, from_status, to_status, reason FROM "
                          "status_history WHERE number = ? ORDER BY n", (number.strip().upper(),))
        return [Event(*row) for row in rows]

    # --- issuing ------------------------------------------------------------------------------

    def _dead(self, claimed_by: str, issued_at: str, cutoff: str) -> bool:
        return claimed_by == RELEASED or issued_at < cutoff or owner_gone(claimed_by)

    def live_numbers(self, prefix: str, now: datetime | None = None) -> dict[str, str]:
        """PlatsID → number of each live certificate or claim, except dead claims (which the
        next ``claim`` for that placement takes over)."""
        cutoff = ((now or datetime.now()) - STALE_CLAIM).isoformat(timespec="seconds")
        rows = self._read("SELECT plats_id, number, status, claimed_by, issued_at FROM "
                          "certificates WHERE prefix = ? AND status IN (?, ?)", (prefix, *LIVE))
        return {r[0]: r[1] for r in rows if r[2] != PENDING or not self._dead(r[3], r[4], cutoff)}

    def _void(self, db: Any, numbers: Sequence[str], now: datetime, owner: str | None,
              who: str = "", why: str = "") -> list[str]:
        """Void pending claims (with ``owner``, only those this owner still holds); a voided
        reissue makes the certificate it was to replace valid again, if it is still Ersatt by it.
        Returns the numbers voided."""
        voided = []
        for number in numbers:
            row = self._run(db, "SELECT replaces, claimed_by FROM certificates WHERE number = ? "
                            "AND status = ?", (number, PENDING)).fetchone()
            if row is None or (owner is not None and row[1] != owner):
                continue
            # the owner is checked again in the update: another run may take the claim over
            # between the two statements (PostgreSQL, READ COMMITTED)
            if not self._transition(db, number, PENDING, VOID, now, who, why,
                                    guard=" AND claimed_by = ?", guard_args=(row[1],)):
                continue
            voided.append(number)
            if row[0]:
                self._transition(db, row[0], cs.REPLACED, cs.VALID, now, who,
                                 sets={"replaced_by": ""}, guard=" AND replaced_by = ?",
                                 guard_args=(number,))
        return voided

    def _dead_claims(self, db: Any, prefix: str, now: datetime) -> list[tuple]:
        """Pending claims of ``prefix`` whose process is gone, released, or too old."""
        cutoff = (now - STALE_CLAIM).isoformat(timespec="seconds")
        rows = self._run(db, "SELECT number, plats_id, replaces, claimed_by, issued_at FROM "
                         "certificates WHERE prefix = ? AND status = ?", (prefix, PENDING)
                         ).fetchall()
        return [tuple(r) for r in rows if self._dead(r[3], r[4], cutoff)]

    def _highest_seen(self, db: Any, prefix: str, year: int) -> str:
        """The highest number of ``prefix`` and ``year`` this register has ever shown: in its
        certificates or its history (a number whose row is gone still has its history)."""
        row = self._run(db, "SELECT MAX(seq) FROM certificates WHERE prefix = ? AND year = ?",
                        (prefix, year)).fetchone()
        best = (row[0] or 0) if row else 0
        for (number,) in self._run(db, "SELECT DISTINCT number FROM status_history WHERE "
                                   "number LIKE ?", (f"{prefix}-{year}-%",)).fetchall():
            parsed = parse_number(number)
            if parsed and parsed[:2] == (prefix, year):
                best = max(best, parsed[2])
        return format_number(prefix, year, best) if best else ""

    def _check_sequence(self, db: Any, prefix: str, year: int, last: int,
                        beyond: Mapping[str, str]) -> None:
        """Refuse when a number of ``prefix``-``year`` beyond ``last`` exists: in this register
        or in ``beyond`` (number → where it was seen, found by the caller)."""
        seen = dict(beyond)
        own = self._highest_seen(db, prefix, year)
        if own:
            seen.setdefault(own, "i registrets egen historik")
        for number, where in sorted(seen.items()):
            parsed = parse_number(number)
            if parsed and parsed[:2] == (prefix, year) and parsed[2] > last:
                raise restore_suspected(self.where, prefix, year, last, number, where)

    def _check_kind(self, db: Any, prefix: str) -> None:
        """Example certificates only in an example register, and nothing else there."""
        row = self._run(db, "SELECT value FROM register_info WHERE key = 'kind'").fetchone()
        example = bool(row) and row[0] == cs.DEMO_KIND
        if prefix == cs.DEMO_PREFIX and not example:
            raise AmanstError(f"Intygsprefixet {cs.DEMO_PREFIX} är reserverat för exempelintyg "
                              f"(amanst demo); intygsregistret {self.where} utfärdar inga sådana.")
        if example and prefix != cs.DEMO_PREFIX:
            raise AmanstError(f"Intygsregistret {self.where} är ett exempelregister (amanst demo) "
                              f"och utfärdar bara exempelintyg ({cs.DEMO_PREFIX}), inte {prefix}.")

    def check_kind(self, prefix: str) -> None:
        """Refuse ``prefix`` here before anything else: example numbers only in an example
        register, and nothing else there (``claim`` checks it again under its lock)."""
        with self._errors():
            self._check_kind(self.db, prefix)

    def mark_example(self) -> None:
        """Make a new, empty register an example register (``amanst demo``); a register that
        already holds real certificates is refused, never turned into one."""
        with self._write() as db:
            row = self._run(db, "SELECT value FROM register_info WHERE key = 'kind'").fetchone()
            if row and row[0] == cs.DEMO_KIND:
                return
            if self._run(db, "SELECT 1 FROM certificates LIMIT 1").fetchone():
                raise AmanstError(f"Intygsregistret {self.where} är ett riktigt register; "
                                  "exempelintyg utfärdas bara i ett eget exempelregister.")
            self._run(db, "INSERT INTO register_info (key, value) VALUES ('kind', ?) ON "
                      "CONFLICT (key) DO UPDATE SET value = excluded.value", (cs.DEMO_KIND,))

    def check_beyond(self, numbers: Mapping[str, str]) -> None:
        """Refuse (``SequenceBehind``) when any of ``numbers`` (number → where seen) is beyond
        its prefix's sequence here: the register was restored from an older copy."""
        groups: dict[tuple[str, int], dict[str, str]] = {}
        for number, where in numbers.items():
            parsed = parse_number(number)
            if parsed:
                groups.setdefault(parsed[:2], {})[number] = where
        with self._errors():
            for (prefix, year), seen in sorted(groups.items()):
                row = self._run(self.db, "SELECT last FROM sequences WHERE prefix = ? AND "
                                "year = ?", (prefix, year)).fetchone()
                self._check_sequence(self.db, prefix, year, row[0] if row else 0, seen)

    def claim(self, prefix: str, year: int, requests: Sequence[ClaimRequest], issuer: str,
              workbook: str, now: datetime, beyond: Mapping[str, str] | None = None
              ) -> Claimed:
        """Take numbers for the requests whose placement has no live certificate.

        A claim left by a dead run for a requested placement is taken over (``resumed``: same
        number, a new code, this store as owner) so the run finishes the job; other dead claims
        are voided. ``beyond`` maps numbers seen outside the register (the workbook's sheet, the
        output folder) to where they were seen: a sequence not beyond them refuses everything.
        """
        if not PREFIX_PATTERN.fullmatch(prefix):
            raise AmanstError(f"Intygsprefixet '{prefix}' går inte att använda: skriv 1–12 "
                              "versaler A–Z eller siffror på bladet Inställningar.")
        with self._write() as db:
            self._lock_prefix(db, prefix)
            row = self._run(db, "SELECT last FROM sequences WHERE prefix = ? AND year = ?",
                            (prefix, year)).fetchone()
            last = row[0] if row else 0
            self._check_kind(db, prefix)
            self._check_sequence(db, prefix, year, last, beyond or {})
            claims, voided = self._resume_dead(db, prefix, requests, issuer, workbook, now)
            resumed = {c.request.plats_id for c in claims}
            live = dict(self._run(db, "SELECT plats_id, number FROM certificates WHERE "
                                  "prefix = ? AND status IN (?, ?)", (prefix, *LIVE)).fetchall())
            taken: list[tuple[str, str]] = []
            for req in requests:
                if req.plats_id in resumed:
                    continue
                held = live.get(req.plats_id)
                if held is not None and held != req.replaces:
                    taken.append((req.plats_id, held))
                    continue
                number = format_number(prefix, year, last + 1)
                if req.replaces and (held is None or not self._transition(
                        db, req.replaces, cs.VALID, cs.REPLACED, now, issuer,
                        f"ersatt av {number}", sets={"replaced_by": number})):
                    taken.append((req.plats_id, ""))  # replaced or revoked meanwhile
                    continue
                last += 1
                claims.append(self._insert_claim(db, number, prefix, year, last, req, issuer,
                                                 workbook, now))
                live[req.plats_id] = number
            self._run(db, "INSERT INTO sequences (prefix, year, last) VALUES (?, ?, ?) "
                      "ON CONFLICT (prefix, year) DO UPDATE SET last = excluded.last",
                      (prefix, year, last))
        return Claimed(claims, taken, voided)

    def _resume_dead(self, db: Any, prefix: str, requests: Sequence[ClaimRequest], issuer: str,
                     workbook: str, now: datetime) -> tuple[list[Claim], list[str]]:
        """Take over the dead claims that a request asks for again; void the others."""
        wanted = {r.plats_id: r for r in requests}
        stamp = now.isoformat(timespec="seconds")
        claims: list[Claim] = []
        void: list[str] = []
        for number, plats_id, replaces, old_owner, _ in self._dead_claims(db, prefix, now):
            req = wanted.get(plats_id)
            if req is None or req.replaces != replaces or any(
                    c.request.plats_id == plats_id for c in claims):
                void.append(number)
                continue
            code = new_code()
            # compare-and-swap on the owner: a run that is only slow can never finalise it now
            cur = self._run(db, "UPDATE certificates SET code_hash = ?, claimed_by = ?, "
                            "issuer = ?, workbook = ?, issued_at = ?, deltagar_id = ?, "
                            "language = ?, holder_name = ?, issued_on = ?, period_from = ?, "
                            "period_to = ?, organisation = ?, forvaltning = ? WHERE number = ? "
                            "AND status = ? AND claimed_by = ?",
                            (hash_code(code), self.owner, issuer, workbook, stamp,
                             req.deltagar_id, req.language, *_public(req), number, PENDING,
                             old_owner))
            if cur.rowcount == 1:
                self._record(db, number, PENDING, PENDING, stamp, issuer,
                             cs.reason_for(PENDING, PENDING))
                claims.append(Claim(req, number, code, resumed=True))
        voided = self._void(db, void, now, None, issuer)
        return claims, voided

    def _insert_claim(self, db: Any, number: str, prefix: str, year: int, seq: int,
                      req: ClaimRequest, issuer: str, workbook: str, now: datetime) -> Claim:
        code = new_code()
        stamp = now.isoformat(timespec="seconds")
        self._run(db,
                  "INSERT INTO certificates (number, prefix, year, seq, plats_id, deltagar_id, "
                  "workbook, issuer, issued_at, language, code_hash, status, replaces, "
                  "claimed_by, status_changed_at, holder_name, issued_on, period_from, "
                  "period_to, organisation, forvaltning) "
                  "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                  (number, prefix, year, seq, req.plats_id, req.deltagar_id, workbook, issuer,
                   stamp, req.language, hash_code(code), PENDING, req.replaces, self.owner,
                   stamp, *_public(req)))
        self._record(db, number, cs.NEW, PENDING, stamp, issuer, cs.reason_for(cs.NEW, PENDING)
                     + (f" (ersätter {req.replaces})" if req.replaces else ""))
        return Claim(req, number, code)

    def finalize(self, done: Iterable[tuple[str, str, dict[str, tuple[str, str]]]],
                 now: datetime) -> None:
        """(number, template fingerprint, {kind: (file name, sha256)}) → Giltigt.

        Only claims this store still owns: one taken over by another run stays theirs.
        """
        done = list(done)
        if not done:
            return
        with self._write() as db:
            for number, template_fp, files in done:
                who = self._run(db, "SELECT issuer FROM certificates WHERE number = ?",
                                (number,)).fetchone()
                if not self._transition(db, number, PENDING, cs.VALID, now,
                                        who[0] if who else "",
                                        sets={"template_fingerprint": template_fp},
                                        guard=" AND claimed_by = ?", guard_args=(self.owner,)):
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

    def abandon(self, numbers: Iterable[str], now: datetime, why: str = "") -> None:
        """Void this store's claims whose file could not be made."""
        numbers = list(numbers)
        if numbers:
            with self._write() as db:
                self._void(db, numbers, now, self.owner, why=why)

    def release(self, numbers: Iterable[str], now: datetime) -> None:
        """Give this store's unfinished claims back: the next run for the same placements takes
        them over at once (same numbers), and a run that does not want them voids them."""
        numbers = list(numbers)
        if not numbers:
            return
        with self._write() as db:
            for number in numbers:
                self._run(db, "UPDATE certificates SET claimed_by = ? WHERE number = ? AND "
                          "status = ? AND claimed_by = ?", (RELEASED, number, PENDING,
                                                             self.owner))

    # --- reading, revoking, verifying -----------------------------------------------------------

    def _entries(self, where: str, args: tuple) -> list[Entry]:
        rows = self._read(f"SELECT {_COLUMNS} FROM certificates WHERE {where} "
                          "ORDER BY prefix, year, seq", args)
        entries = [Entry(*row) for row in rows]
        by_number = {e.number: e for e in entries}
        if len(by_number) == 1:
            files = self._read("SELECT number, kind, name, sha256 FROM files WHERE number = ?",
                               (entries[0].number,))
        else:
            files = self._read("SELECT number, kind, name, sha256 FROM files") if by_number else []
        for number, kind, name, sha in files:
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

    def revoke(self, number: str, reason: str, now: datetime, who: str = "") -> Entry:
        number = number.strip().upper()
        with self._write() as db:
            row = self._run(db, "SELECT status FROM certificates WHERE number = ?"
                            + self._for_update, (number,)).fetchone()
            if row is None or row[0] in (PENDING, VOID):
                raise AmanstError(f"Intyget {number} finns inte i intygsregistret {self.where}.")
            if row[0] == cs.REVOKED:
                raise AmanstError(f"Intyget {number} är redan återkallat.")
            self._transition(db, number, row[0], cs.REVOKED, now, who,
                             f"återkallat: {reason}" if reason else "",
                             sets={"status_reason": reason})
        return self.get(number)  # type: ignore[return-value]

    def verify(self, number: str, code: str, file_sha256: str | None = None) -> Verification:
        number = number.strip().upper()
        rows = self._read("SELECT code_hash, status FROM certificates WHERE number = ?", (number,))
        row = rows[0] if rows else None
        # an unknown number costs the same hashing as a known one: the answer's timing tells
        # nothing about which numbers exist
        stored = row[0] if row is not None else _DECOY_HASH
        matches = code_matches(code, stored)
        if row is None or row[1] in (PENDING, VOID) or not matches:
            return Verification(number, False, file_checked=file_sha256 is not None)
        entry = self.get(number)
        kind = None
        if file_sha256 is not None and entry is not None:
            kind = next((k for k, (_, sha) in entry.files.items()
                         if hmac.compare_digest(sha, file_sha256.strip().lower())), None)
        return Verification(number, True, entry, kind, file_sha256 is not None)

    # --- the whole register: backup, restore, the sequence ---------------------------------------

    def _snapshot(self) -> contextlib.AbstractContextManager:
        """A consistent read of every table (one transaction)."""
        raise NotImplementedError

    def _lock_all(self, db: Any) -> None:
        """Keep every other writer out for the rest of the transaction (restore)."""

    def dump(self) -> dict[str, list[tuple]]:
        """Every row of every table, read at one moment, in key order."""
        rows = {}
        with self._snapshot() as db:
            for table, (columns, keys) in TABLES.items():
                rows[table] = [tuple(r) for r in self._run(
                    db, f"SELECT {', '.join(columns)} FROM {table} ORDER BY "
                        f"{', '.join(columns[:keys])}").fetchall()]
        return rows

    def merge(self, rows: Mapping[str, Sequence[tuple]],
              check: Any = None) -> None:
        """Bring ``rows`` (a ``dump``) into this register in one transaction.

        ``check(current)`` sees this register's own rows first (inside the write lock) and may
        refuse by raising. Rows are added or updated, never removed; a sequence is never lowered;
        history lines and register settings already here are kept as they are.
        """
        with self._write() as db:
            self._lock_all(db)
            if check is not None:
                check({table: [tuple(r) for r in self._run(
                    db, f"SELECT {', '.join(columns)} FROM {table}").fetchall()]
                    for table, (columns, _) in TABLES.items()})
            certificates = TABLES["certificates"][0]
            status = certificates.index("status")
            # rows that leave a placement free go first, so that the one-live-per-placement
            # index holds after every statement
            ordered = sorted(rows.get("certificates", ()), key=lambda r: r[status] in LIVE)
            for table, data in (("sequences", rows.get("sequences", ())),
                                ("certificates", ordered),
                                ("files", rows.get("files", ())),
                                ("status_history", rows.get("status_history", ())),
                                ("register_info", rows.get("register_info", ()))):
                self._upsert(db, table, data)

    def _upsert(self, db: Any, table: str, data: Iterable[tuple]) -> None:
        columns, keys = TABLES[table]
        if table == "sequences":
            update = ("DO UPDATE SET last = CASE WHEN excluded.last > sequences.last THEN "
                      "excluded.last ELSE sequences.last END")
        elif table in ("status_history", "register_info"):
            update = "DO NOTHING"
        else:
            update = "DO UPDATE SET " + ", ".join(f"{c} = excluded.{c}" for c in columns[keys:])
        sql = (f"INSERT INTO {table} ({', '.join(columns)}) VALUES "
               f"({', '.join('?' * len(columns))}) ON CONFLICT ({', '.join(columns[:keys])}) "
               f"{update}")
        for row in data:
            self._run(db, sql, row)

    def advance(self, number: str) -> int:
        """Let numbering of ``number``'s prefix and year continue after it (never lower it);
        returns the sequence's last number before."""
        parsed = parse_number(number)
        if parsed is None:
            raise AmanstError(f"'{number}' är inget intygsnummer (till exempel ASF-2026-00077).")
        prefix, year, seq = parsed
        with self._write() as db:
            self._lock_prefix(db, prefix)
            row = self._run(db, "SELECT last FROM sequences WHERE prefix = ? AND year = ?",
                            (prefix, year)).fetchone()
            before = row[0] if row else 0
            self._upsert(db, "sequences", [(prefix, year, seq)])
        return before

    def sequences(self) -> dict[tuple[str, int], int]:
        """(prefix, year) → the last number handed out."""
        return {(p, y): last for p, y, last in self._read("SELECT prefix, year, last FROM "
                                                            "sequences")}

    def info(self) -> dict[str, str]:
        return dict(self._read("SELECT key, value FROM register_info"))

    def register_id(self) -> str:
        """This register's identity (made on first use; a restore carries it over), by which
        the journal outside it knows it (``journal``)."""
        found = self.info().get(REGISTER_ID)
        if found:
            return found
        with self._write() as db:
            self._run(db, "INSERT INTO register_info (key, value) VALUES (?, ?) ON CONFLICT "
                      "(key) DO NOTHING", (REGISTER_ID, secrets.token_hex(8)))
        return self.info()[REGISTER_ID]

    def set_info(self, values: Mapping[str, str]) -> None:
        with self._write() as db:
            for key, value in values.items():
                self._run(db, "INSERT INTO register_info (key, value) VALUES (?, ?) ON CONFLICT "
                          "(key) DO UPDATE SET value = excluded.value", (key, value))


_DECOY_HASH = hash_code("X" * CODE_LENGTH)


class SqliteStore(SqlStore):
    """The register in one SQLite file (rollback journal: also safe on a shared folder).

    With ``create=False`` (verify, revoke, backup) a missing file, or one that is no register, is
    an error: a register is never made as a side effect. A file without write permission is
    opened read-only (it still verifies).
    """

    def __init__(self, path: Path, create: bool = True):
        self.path = Path(path)
        self.where = str(self.path)
        self.owner = owner_token()
        if not create and not self.path.is_file():
            raise RegisterMissing(f"Intygsregistret {self.path} finns inte.",
                                "Kontrollera inställningen AMANST_REGISTER (eller --register): "
                                "den ska peka på installationens register.", nothing_changed=False)
        try:
            if create:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            if self.path.exists() and not os.access(self.path, os.W_OK):
                # a read-only register still verifies; writing fails with a clear message
                self.db = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True,
                                          timeout=LOCK_TIMEOUT, isolation_level=None)
            else:
                self.db = sqlite3.connect(self.path, timeout=LOCK_TIMEOUT, isolation_level=None)
            self.db.execute(f"PRAGMA busy_timeout = {int(LOCK_TIMEOUT * 1000)}")
            self.db.execute("PRAGMA foreign_keys = ON")
            if not self._schema_ready():
                if not create and not self._has_table("certificates"):
                    raise RegisterError(f"Filen {self.path} är inget intygsregister.",
                                        "Kontrollera inställningen AMANST_REGISTER (eller "
                                        "--register).", nothing_changed=False)
                self._make_schema()
            self.db.execute("PRAGMA synchronous = FULL")
        except (sqlite3.Error, OSError) as exc:
            raise self._translate(exc) from None

    def _has_table(self, name: str) -> bool:
        return self.db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                               (name,)).fetchone() is not None

    def _schema_ready(self) -> bool:
        columns = {r[1] for r in self.db.execute("PRAGMA table_info(certificates)")}
        triggers = {r[0] for r in self.db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger'")}
        return ({name for name, _ in ADDED_COLUMNS} <= columns and self._has_table("register_info")
                and {"status_history_no_update", "status_history_no_delete"} <= triggers)

    def _make_schema(self) -> None:
        """Create the tables or bring an older register up to date, in one transaction."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            for statement in SCHEMA:
                self.db.execute(statement)
            columns = {r[1] for r in self.db.execute("PRAGMA table_info(certificates)")}
            for name, declaration in ADDED_COLUMNS:
                if name not in columns:
                    self.db.execute(f"ALTER TABLE certificates ADD COLUMN {name} {declaration}")
            self.db.execute(BACKFILL_HISTORY)
            self.db.execute(NEW_IDENTITY, (secrets.token_hex(8),))
            for statement in SQLITE_APPEND_ONLY:
                self.db.execute(statement)
            self.db.execute("COMMIT")
        except BaseException:
            self._rollback()
            raise

    def _rollback(self) -> None:
        # SQLite may already have rolled back (a full disk, an I/O error): then there is nothing
        # to roll back, and the original error is the one to report
        if self.db.in_transaction:
            with contextlib.suppress(sqlite3.Error):
                self.db.execute("ROLLBACK")

    def _translate(self, exc: Exception) -> RegisterError:
        text = str(exc).lower()
        if "locked" in text or "busy" in text:
            return RegisterError(f"Intygsregistret {self.path} är låst av ett annat program eller "
                                 f"en annan körning och blev inte ledigt inom {LOCK_TIMEOUT:g} "
                                 "sekunder.", "Försök igen om en stund.")
        if "readonly" in text or "read-only" in text or "read only" in text:
            return RegisterError(f"Intygsregistret {self.path} är skrivskyddat, så inga intyg kan "
                                 "utfärdas eller återkallas.", "Be IT ge skrivrätt till filen och "
                                 "mappen den ligger i.")
        if "disk is full" in text or getattr(exc, "errno", None) == 28:
            return RegisterError(f"Disken där intygsregistret {self.path} ligger är full.",
                                 "Frigör utrymme på disken (eller be IT göra det) och kör igen.")
        if "disk i/o error" in text:
            return RegisterError(f"Intygsregistret {self.path} kunde inte skrivas till disken "
                                 "(in- och utmatningsfel).", "Kontrollera disken eller "
                                 "nätverksmappen och kör igen.")
        return RegisterError(f"Intygsregistret {self.path} kan inte användas ({exc}).",
                             "Kontrollera sökvägen (--register eller AMANST_REGISTER) och "
                             "behörigheten.")

    @contextlib.contextmanager
    def _errors(self):
        try:
            yield
        except (sqlite3.Error, OSError) as exc:
            raise self._translate(exc) from None

    @contextlib.contextmanager
    def _snapshot(self):
        with self._errors():
            self.db.execute("BEGIN")  # the shared lock, held until the end: one moment's rows
            try:
                yield self.db
            finally:
                self._rollback()

    @contextlib.contextmanager
    def _write(self):
        with self._errors():
            self.db.execute("BEGIN IMMEDIATE")  # the write lock, taken before anything is read
            try:
                yield self.db
                self.db.execute("COMMIT")
            except BaseException:
                self._rollback()
                raise
