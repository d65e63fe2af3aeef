"""Concurrency, on SQLite and on PostgreSQL: eight processes issuing from two workbooks, and ten
simultaneous "Utfärda intyg" calls on one workbook. No number twice, no placement twice, and a
second run issues nothing."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
import threading
from collections import Counter

import openpyxl
from certhelpers import EXAMPLE, TODAY, sequence_last, status_counts

from addin.core import schema
from addin.certificates import issue_certificates, workflow
from addin.certificates.backend import open_store
from tests import example_facts as facts

WORKER = """
import json, sys
from datetime import date
from pathlib import Path
from addin.certificates import workflow
book, out, book_out = map(Path, (sys.argv[1], sys.argv[2], sys.argv[4]))
o = workflow.issue_workbook(book, out, register=sys.argv[3], workbook_out=book_out,
                            issuer=sys.argv[5], today=date(2026, 11, 27))
print(json.dumps({"issued": [[c.number, c.plats_id] for c in o.result.issued],
                  "already": o.result.already}))
"""

NUMBERS = facts.NUMBERS


def _renumbered_copy(target):
    """The example with every PlatsID prefixed B: a second workbook with the same Intygsprefix."""
    wb = openpyxl.load_workbook(EXAMPLE)
    for sheet in (schema.PLATSER, schema.BEDOMNINGAR, schema.MERVARDE):
        ws = wb[sheet]
        col = next(c.column for c in ws[1] if c.value == "PlatsID")
        for (cell,) in ws.iter_rows(min_row=2, min_col=col, max_col=col):
            if cell.value:
                cell.value = "B" + str(cell.value)
    wb.save(target)


def test_eight_processes_two_workbooks(tmp_path, register_db):
    a, b = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    a.write_bytes(EXAMPLE.read_bytes())
    _renumbered_copy(b)
    out = tmp_path / "intyg"
    procs = [subprocess.Popen([sys.executable, "-c", WORKER, str(a if i % 2 else b), str(out),
                               register_db, str(tmp_path / f"ut{i}.xlsx"), f"p{i}"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for i in range(8)]
    results = []
    for p in procs:
        stdout, stderr = p.communicate(timeout=600)
        assert p.returncode == 0, stderr
        results.append(json.loads(stdout.strip().splitlines()[-1]))
    issued = [tuple(x) for r in results for x in r["issued"]]
    numbers = Counter(n for n, _ in issued)
    places = Counter(p for _, p in issued)
    assert len(issued) == 2 * facts.ELIGIBLE
    assert max(numbers.values()) == 1 and max(places.values()) == 1
    both = 2 * facts.ELIGIBLE
    assert sorted(numbers) == [f"ASF-2026-{n:05d}" for n in range(1, both + 1)]
    assert len(list(out.glob("*.docx"))) == both
    assert status_counts(register_db) == {"Giltigt": both}
    assert sequence_last(register_db) == [both]
    # every process that issued nothing for a placement saw it as already issued
    for r in results:
        assert len(r["issued"]) + len(r["already"]) == facts.ELIGIBLE

    again = workflow.issue_workbook(a, out, register=register_db, workbook_out=tmp_path / "x.xlsx",
                                    today=TODAY)
    assert again.result.issued == [] and len(again.result.already) == facts.ELIGIBLE


def test_ten_simultaneous_issue_calls_issue_each_certificate_once(example_register, tmp_path,
                                                                  register_db):
    """Ten users press "Utfärda intyg" for the same workbook at the same moment."""
    out = tmp_path / "intyg"
    start = threading.Barrier(10)
    results: list = [None] * 10
    errors: list = []

    def press(i: int) -> None:
        try:
            with open_store(register_db) as store:
                start.wait(timeout=60)
                results[i] = issue_certificates(copy.deepcopy(example_register), out, f"user{i}",
                                                store, today=TODAY)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=press, args=(i,)) for i in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=600)
    assert errors == [] and all(r is not None for r in results)

    issued = [c for r in results for c in r.issued]
    assert sorted(c.number for c in issued) == NUMBERS
    assert len({c.plats_id for c in issued}) == facts.ELIGIBLE
    for r in results:  # each call either issued a placement or saw it issued by another
        assert len(r.issued) + len(r.already) == facts.ELIGIBLE
    assert sorted(p.name for p in out.iterdir()) == [f"{n}.docx" for n in NUMBERS]
    assert status_counts(register_db) == {"Giltigt": facts.ELIGIBLE}
    with open_store(register_db) as store:
        assert {e.number: e.files["docx"][1] for e in store.entries("ASF")} == {
            c.number: c.docx_sha256 for c in issued}
        second = issue_certificates(copy.deepcopy(example_register), out, "again", store,
                                    today=TODAY)
    assert second.issued == [] and len(second.already) == facts.ELIGIBLE
    assert status_counts(register_db) == {"Giltigt": facts.ELIGIBLE}
