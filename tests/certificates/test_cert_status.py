"""Status changes only forward (issue 15): a revoked certificate never becomes valid again.

The sequence that broke it: a reissue claims a new number and marks the old certificate Ersatt,
dies before it finishes, the old certificate is revoked meanwhile, and the next run voids the dead
claim. The old certificate must stay Återkallat, on SQLite and on PostgreSQL, end to end (a real
SIGKILL) and at the register's level; and a state machine of random interleavings of issue,
reissue, revoke, kill and rerun never lets a revoked certificate verify as valid again. Every change
is in the append-only history, whose lines chain from one status to the next by allowed steps.
"""

from __future__ import annotations

import itertools
import shutil
import signal
import sqlite3
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path
from typing import ClassVar

import pytest
from certhelpers import EXAMPLE, TODAY, docx_text
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    invariant,
    rule,
    run_state_machine_as_test,
)

from addin.certificates import store as store_mod
from addin.certificates import workflow
from addin.certificates.backend import open_store
from addin.certificates.store import ClaimRequest
from addin.cli.main import main
from addin.core import certificate_status as cs

ROOT = Path(__file__).resolve().parents[2]

# Reissues PLATSID and dies (SIGKILL) right after the new number was claimed, before its file.
DYING_REISSUE = """
import os, signal, sys
from datetime import date
from pathlib import Path
from typing import ClassVar
from addin.certificates import issuing, workflow
def die(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGKILL)
issuing.write_new = die
workflow.issue_workbook(Path(sys.argv[1]), Path(sys.argv[2]), register=sys.argv[3],
                        reissue=sys.argv[4], today=date(2026, 11, 27))
"""


def _code_of(docx: Path) -> str:
    text = docx_text(docx)
    marker = "Verifieringskod " if "Verifieringskod " in text else "Verification code "
    return text.split(marker)[1].split()[0]


@pytest.mark.calendar
def test_revoked_during_a_dead_reissue_stays_revoked(tmp_path, register_db, capsys):
    book, out = tmp_path / "register.xlsx", tmp_path / "intyg"
    shutil.copy(EXAMPLE, book)
    first = workflow.issue_workbook(book, out, register=register_db, today=TODAY).result.issued[0]
    proc = subprocess.run([sys.executable, "-c", DYING_REISSUE, str(book), str(out), register_db,
                           first.plats_id], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    with open_store(register_db) as store:
        old = store.get(first.number)
        assert old.status == "Ersatt" and old.replaced_by  # the dead reissue's claim
        dead_claim = old.replaced_by

    entry, _ = workflow.revoke(first.number, register_db, "fel deltagare")
    assert entry.status == "Återkallat"

    # the next run voids the dead claim (the placement is still on the sheet as valid)
    workflow.issue_workbook(book, out, register=register_db, today=TODAY)
    with open_store(register_db) as store:
        assert store.get(first.number).status == "Återkallat"
        v = store.verify(first.number, _code_of(first.docx))
        assert v.known and v.entry.status == "Återkallat"
        assert [(e.from_status, e.to_status) for e in store.history(first.number)] == [
            ("", "Utfärdas"), ("Utfärdas", "Giltigt"), ("Giltigt", "Ersatt"),
            ("Ersatt", "Återkallat")]
        assert store.history(dead_claim)[-1].to_status == "Makulerat"
    capsys.readouterr()
    assert main(["verify", first.number, _code_of(first.docx), "--register", register_db]) == 1
    assert "Återkallat" in capsys.readouterr().out


def test_a_voided_reissue_makes_the_old_certificate_valid_only_while_still_replaced(register_db):
    t0 = datetime(2026, 11, 27, 9, 0)
    with open_store(register_db) as a, open_store(register_db) as b:
        (old,), _ = a.claim("ASF", 2026, [ClaimRequest("P1", "D1", "sv")], "anna", "w", t0)
        a.finalize([(old.number, "fp", {})], t0)
        (new,), _ = b.claim("ASF", 2026, [ClaimRequest("P1", "D1", "sv", old.number)], "bo",
                            "w", t0)
        assert a.get(old.number).status == "Ersatt"
        b.abandon([new.number], t0)  # the replacement never became valid: the old one is back
        assert a.get(old.number).status == "Giltigt" and a.get(old.number).replaced_by == ""
        assert a.history(old.number)[-1].reason == cs.RESTORE_REASON


def test_the_history_is_append_only(register_db):
    t0 = datetime(2026, 11, 27, 9, 0)
    with open_store(register_db) as store:
        (claim,), _ = store.claim("ASF", 2026, [ClaimRequest("P1", "D1", "sv")], "anna", "w", t0)
        for sql in ("UPDATE status_history SET to_status = 'Giltigt'",
                    "DELETE FROM status_history"):
            with pytest.raises(Exception, match="append-only"), store._write() as db:
                db.execute(sql)
        assert len(store.history(claim.number)) == 1


def test_an_older_register_gets_the_new_columns_and_a_history(tmp_path):
    path = tmp_path / "old.sqlite3"
    db = sqlite3.connect(path)
    db.executescript("""
        CREATE TABLE sequences (prefix TEXT NOT NULL, year INTEGER NOT NULL, last INTEGER NOT NULL,
            PRIMARY KEY (prefix, year));
        CREATE TABLE certificates (number TEXT PRIMARY KEY, prefix TEXT NOT NULL,
            year INTEGER NOT NULL, seq INTEGER NOT NULL, plats_id TEXT NOT NULL,
            deltagar_id TEXT NOT NULL, workbook TEXT NOT NULL, issuer TEXT NOT NULL,
            issued_at TEXT NOT NULL, language TEXT NOT NULL,
            template_fingerprint TEXT NOT NULL DEFAULT '', code_hash TEXT NOT NULL,
            status TEXT NOT NULL, replaces TEXT NOT NULL DEFAULT '',
            replaced_by TEXT NOT NULL DEFAULT '', status_changed_at TEXT NOT NULL DEFAULT '',
            status_reason TEXT NOT NULL DEFAULT '', UNIQUE (prefix, year, seq));
        CREATE TABLE files (number TEXT NOT NULL, kind TEXT NOT NULL, name TEXT NOT NULL,
            sha256 TEXT NOT NULL, PRIMARY KEY (number, kind));
        INSERT INTO sequences VALUES ('ASF', 2025, 1);
        INSERT INTO certificates (number, prefix, year, seq, plats_id, deltagar_id, workbook,
            issuer, issued_at, language, code_hash, status)
            VALUES ('ASF-2025-00001', 'ASF', 2025, 1, 'P1', 'D1', 'w.xlsx', 'anna',
                    '2025-03-01T10:00:00', 'sv', 'x', 'Giltigt');
    """)
    db.close()
    with open_store(path) as store:
        entry = store.get("ASF-2025-00001")
        assert entry.status == "Giltigt" and entry.holder_name == ""
        assert [(e.from_status, e.to_status, e.who) for e in store.history(entry.number)] == [
            ("", "Giltigt", "anna")]
        entry = store.revoke(entry.number, "", datetime(2026, 1, 1))
        assert [e.to_status for e in store.history(entry.number)] == ["Giltigt", "Återkallat"]


# --- the state machine ------------------------------------------------------------------------

PLACES = ("P1", "P2", "P3")
_prefixes = itertools.count(1)


class RegisterMachine(RuleBasedStateMachine):
    """Runs (each its own store and owner) issue, reissue, finish, die and revoke at random.

    A run that dies leaves its claims to the next run; ``owner_gone`` is the test's list of dead
    owners, so death is as provable as on one machine. The invariants are checked after each step.
    """

    location = ""
    dead: ClassVar[set[str]] = set()

    def __init__(self):
        super().__init__()
        self.prefix = f"T{next(_prefixes)}"
        self.clock = datetime(2026, 11, 27, 9, 0)
        self.codes: dict[str, str] = {}  # number → the code on its latest file
        self.revoked: set[str] = set()
        self.stores = []
        self.last_seq = 0
        self.reader = self._store()

    runs = Bundle("runs")

    def _tick(self) -> datetime:
        self.clock += timedelta(seconds=1)
        return self.clock

    def _store(self):
        store = open_store(self.location)
        self.stores.append(store)
        return store

    def _valid(self, store, place: str) -> str:
        return next((e.number for e in store.entries(self.prefix)
                     if e.plats_id == place and e.status == "Giltigt"), "")

    def _claim(self, place: str, reissue: bool):
        store = self._store()
        replaces = self._valid(store, place) if reissue else ""
        claims, _ = store.claim(self.prefix, 2026, [ClaimRequest(place, "D", "sv", replaces)],
                                "test", "w.xlsx", self._tick())
        for c in claims:
            self.codes[c.number] = c.code
        return store, [c.number for c in claims]

    @rule(target=runs, place=st.sampled_from(PLACES), reissue=st.booleans())
    def start(self, place, reissue):
        """A run claims a number (issue, or reissue of the valid certificate) and is working."""
        return self._claim(place, reissue)

    @rule(run=consumes(runs))
    def finish(self, run):
        store, numbers = run
        store.finalize([(n, "fp", {"docx": (f"{n}.docx", "0" * 64)}) for n in numbers],
                       self._tick())

    @rule(run=consumes(runs))
    def kill(self, run):
        """The run dies (SIGKILL): its claims are left for the next run."""
        store, _ = run
        self.dead.add(store.owner)

    @rule(run=consumes(runs))
    def fail(self, run):
        """The run could not make its files and voids its claims."""
        store, numbers = run
        store.abandon(numbers, self._tick())

    @rule(place=st.sampled_from(PLACES))
    def rerun(self, place):
        """A plain issue for the placement: takes over or voids what a dead run left."""
        store, numbers = self._claim(place, reissue=False)
        store.finalize([(n, "fp", {}) for n in numbers], self._tick())

    @rule(data=st.data())
    def revoke(self, data):
        numbers = [e.number for e in self.reader.entries(self.prefix)
                   if e.status in ("Giltigt", "Ersatt")]
        if not numbers:
            return
        number = data.draw(st.sampled_from(numbers))
        self.reader.revoke(number, "test", self._tick())
        self.revoked.add(number)

    @invariant()
    def revoked_never_verifies_again(self):
        for number in self.revoked:
            v = self.reader.verify(number, self.codes[number])
            assert v.known and v.entry.status == "Återkallat"

    @invariant()
    def history_chains_by_allowed_steps(self):
        rows = self.reader._read("SELECT number, status, seq, plats_id FROM certificates WHERE "
                                 "prefix = ?", (self.prefix,))
        valid_places = [r[3] for r in rows if r[1] == "Giltigt"]
        assert len(valid_places) == len(set(valid_places))  # one valid per placement
        seqs = [r[2] for r in rows]
        assert len(seqs) == len(set(seqs)) and max(seqs, default=0) >= self.last_seq
        self.last_seq = max(seqs, default=0)
        for number, status, _, _ in rows:
            events = self.reader.history(number)
            assert events[0].from_status == "" and events[-1].to_status == status
            for a, b in itertools.pairwise(events):
                assert a.to_status == b.from_status
            assert all(cs.allowed(e.from_status, e.to_status) for e in events)

    def teardown(self):
        for store in self.stores:
            store.close()


@pytest.mark.slow
def test_random_interleavings_never_revive_a_revoked_certificate(register_db, monkeypatch):
    dead: ClassVar[set[str]] = set()
    monkeypatch.setattr(store_mod, "owner_gone", lambda token: token in dead)
    RegisterMachine.location = register_db
    RegisterMachine.dead = dead
    examples = 30 if register_db.startswith("postgresql") else 60
    run_state_machine_as_test(RegisterMachine, settings=settings(
        max_examples=examples, stateful_step_count=20, deadline=None,
        suppress_health_check=[HealthCheck.too_slow]))
