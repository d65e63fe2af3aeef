"""The certificate register on PostgreSQL: one register shared by several servers.

Same logic and SQL as the SQLite register (``store.SqlStore``); what differs is how a writer is
serialised. Each write runs in one transaction (READ COMMITTED); ``claim`` first takes a
transaction-scoped advisory lock for its prefix, so two servers claiming for the same prefix take
turns and the second reads what the first committed. The partial unique index
(one live certificate per prefix and PlatsID) and the primary keys stay the last line of defence.
The schema is created under a database-wide advisory lock, because ``CREATE ... IF NOT EXISTS``
is not safe against itself in PostgreSQL.

Opened through ``store.open_store`` with a ``postgresql://`` URL. Messages never show the
password: errors name the host, port, database and user only.
"""

from __future__ import annotations

import contextlib
import secrets
from typing import Any

from .store import (
    ADDED_COLUMNS,
    BACKFILL_HISTORY,
    LOCK_TIMEOUT,
    NEW_IDENTITY,
    SCHEMA,
    RegisterError,
    RegisterMissing,
    SqlStore,
    owner_token,
)

try:
    import psycopg
    from psycopg import conninfo
except ImportError:  # pragma: no cover - the extra is not installed
    psycopg = None  # type: ignore[assignment]

CONNECT_TIMEOUT = 10  # seconds
SCHEMA_LOCK = 0x616D616E  # "aman": the advisory lock key while the schema is made
MIGRATIONS = tuple(f"ALTER TABLE certificates ADD COLUMN IF NOT EXISTS {name} {declaration}"
                   for name, declaration in ADDED_COLUMNS)
# the history is append-only: a trigger refuses to change or delete a line
APPEND_ONLY = (
    "CREATE OR REPLACE FUNCTION amanst_append_only() RETURNS trigger LANGUAGE plpgsql AS "
    "$$BEGIN RAISE EXCEPTION 'status_history is append-only'; END$$",
    "CREATE OR REPLACE TRIGGER status_history_append_only BEFORE UPDATE OR DELETE ON "
    "status_history FOR EACH ROW EXECUTE FUNCTION amanst_append_only()",
    "CREATE OR REPLACE TRIGGER status_history_no_truncate BEFORE TRUNCATE ON status_history "
    "FOR EACH STATEMENT EXECUTE FUNCTION amanst_append_only()",
)


def describe(url: str) -> str:
    """``user@host:port/db`` from a URL, without the password (for messages)."""
    try:
        info = conninfo.conninfo_to_dict(url)
    except Exception:  # noqa: BLE001 - an unparsable URL: say so without echoing it
        return "(ogiltig databasadress)"
    host = info.get("host") or "localhost"
    port = info.get("port") or "5432"
    user = info.get("user") or "?"
    return f"{user}@{host}:{port}/{info.get('dbname') or user}"


class PostgresStore(SqlStore):
    """The register in a PostgreSQL database (``postgresql://user:password@host/db``)."""

    placeholder = "%s"
    _for_update = " FOR UPDATE"

    def __init__(self, url: str, create: bool = True):
        if psycopg is None:
            raise RegisterError("Intygsregistret är inställt på PostgreSQL men stödet för "
                                "PostgreSQL är inte installerat.", "Be IT installera amanst med "
                                "tillägget postgres (pip install 'amanst[postgres]').")
        self.where = f"PostgreSQL {describe(url)}"
        self._secret = str(conninfo.conninfo_to_dict(url).get("password") or "")
        self.owner = owner_token()
        try:
            self.db = psycopg.connect(url, autocommit=True, connect_timeout=CONNECT_TIMEOUT)
        except Exception as exc:  # noqa: BLE001 - any failure to connect: a Swedish message
            raise self._translate(exc) from None
        with self._errors():
            # a writer waits at most LOCK_TIMEOUT for another one, then the user is told
            self.db.execute(f"SET lock_timeout = '{int(LOCK_TIMEOUT * 1000)}ms'")
            if self._schema_ready():
                return
            if not create:  # a reading command never makes a register
                raise RegisterMissing(f"Intygsregistret i {self.where} finns inte (tabellerna "
                                    "saknas).", "Kontrollera inställningen AMANST_REGISTER_URL "
                                    "(eller --register): den ska peka på installationens "
                                    "register.", nothing_changed=False)
            with self.db.transaction():  # DDL only when needed: it locks, and a read-only role
                self.db.execute("SELECT pg_advisory_xact_lock(%s)", (SCHEMA_LOCK,))  # may verify
                for statement in (*SCHEMA, *MIGRATIONS, BACKFILL_HISTORY, *APPEND_ONLY):
                    self.db.execute(statement)
                self.db.execute(NEW_IDENTITY.replace("?", "%s"), (secrets.token_hex(8),))

    def _schema_ready(self) -> bool:
        last_column = ADDED_COLUMNS[-1][0]
        row = self.db.execute(
            "SELECT to_regclass('files') IS NOT NULL AND EXISTS (SELECT 1 FROM "
            "information_schema.columns WHERE table_schema = current_schema() AND "
            "table_name = 'certificates' AND column_name = %s) AND EXISTS (SELECT 1 FROM "
            "pg_trigger WHERE tgname = 'status_history_no_truncate' AND tgrelid = "
            "to_regclass('status_history')) AND to_regclass('register_info') IS NOT NULL",
            (last_column,)).fetchone()
        return bool(row and row[0])

    def _translate(self, exc: Exception) -> RegisterError:
        reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        if self._secret:
            reason = reason.replace(self._secret, "***")
        sqlstate = getattr(exc, "sqlstate", None) or ""
        where = self.where.removeprefix("PostgreSQL ")
        if sqlstate == "55P03" or "lock timeout" in reason:
            return RegisterError(f"Intygsregistret i PostgreSQL ({where}) är låst av en "
                                 f"annan körning och blev inte ledigt inom {LOCK_TIMEOUT:g} "
                                 "sekunder.", "Försök igen om en stund.")
        if sqlstate == "25006" or sqlstate.startswith("42501"):
            return RegisterError(f"Intygsregistret i PostgreSQL ({where}) får inte ändras av "
                                 "den här användaren (skrivskyddat eller saknar behörighet).",
                                 "Be IT ge rollen skrivrätt.")
        if sqlstate == "53100":
            return RegisterError(f"Disken där intygsregistret i PostgreSQL ({where}) ligger är "
                                 "full.", "Be IT frigöra utrymme på databasservern och kör igen.")
        if isinstance(exc, psycopg.OperationalError):
            return RegisterError(f"Intygsregistret i PostgreSQL ({where}) går inte att nå: "
                                 f"{reason.rstrip('.')}.", "Kontrollera adressen (--register "
                                 "eller AMANST_REGISTER_URL), lösenordet och att databasservern "
                                 "är igång.")
        return RegisterError(f"Intygsregistret i PostgreSQL ({where}) kan inte användas: "
                             f"{reason.rstrip('.')}.")

    @contextlib.contextmanager
    def _errors(self):
        try:
            yield
        except psycopg.Error as exc:
            raise self._translate(exc) from None

    @contextlib.contextmanager
    def _write(self):
        with self._errors(), self.db.transaction():
            yield self.db

    @contextlib.contextmanager
    def _snapshot(self):
        with self._errors(), self.db.transaction():
            self.db.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            yield self.db

    def _lock_all(self, db: Any) -> None:
        # claims write certificates under their prefix's advisory lock; this waits for them all
        db.execute("LOCK TABLE sequences, certificates, files, status_history, register_info IN "
                   "SHARE ROW EXCLUSIVE MODE")

    def _lock_prefix(self, db: Any, prefix: str) -> None:
        db.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (f"amanst:{prefix}",))
