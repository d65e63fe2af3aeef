"""Eight processes issuing from two workbooks at once: no number twice, no placement twice."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from collections import Counter

import openpyxl
from certhelpers import EXAMPLE

from addin import schema

WORKER = """
import json, sys
from datetime import date
from pathlib import Path
from addin.certificates import workflow
book, out, db, book_out = map(Path, sys.argv[1:5])
o = workflow.issue_workbook(book, out, register=db, workbook_out=book_out, issuer=sys.argv[5],
                            today=date(2026, 11, 27))
print(json.dumps({"issued": [[c.number, c.plats_id] for c in o.result.issued],
                  "already": o.result.already}))
"""


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


def test_eight_processes_two_workbooks(tmp_path):
    a, b = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    a.write_bytes(EXAMPLE.read_bytes())
    _renumbered_copy(b)
    db, out = tmp_path / "reg.sqlite3", tmp_path / "intyg"
    procs = [subprocess.Popen([sys.executable, "-c", WORKER, str(a if i % 2 else b), str(out),
                               str(db), str(tmp_path / f"ut{i}.xlsx"), f"p{i}"],
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
    assert len(issued) == 2 * 77
    assert max(numbers.values()) == 1 and max(places.values()) == 1
    assert sorted(numbers) == [f"ASF-2026-{n:05d}" for n in range(1, 155)]
    assert len(list(out.glob("*.docx"))) == 154
    with sqlite3.connect(db) as con:
        rows = con.execute("SELECT status, COUNT(*) FROM certificates GROUP BY status").fetchall()
        assert rows == [("Giltigt", 154)]
        assert con.execute("SELECT last FROM sequences").fetchall() == [(154,)]
    # every process that issued nothing for a placement saw it as already issued
    for r in results:
        assert len(r["issued"]) + len(r["already"]) == 77
