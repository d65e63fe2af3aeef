"""Where the product reads the real clock: only as the default of an injected one.

HELPERS.md: no test depends on today's date, so every function that needs "today" or "now" takes
it as a parameter. This test reads addin/ and finds every ``date.today()``, ``datetime.now()``,
``datetime.today()`` and ``datetime.utcnow()``: each must be the fallback of a parameter
(``today or date.today()``, ``now or datetime.now(...)``), or be one of the few places below where
the real time is the point. New code (the certificate register's journal, backup and restore came
this way) that reads the clock directly fails here.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CLOCK = {("date", "today"), ("datetime", "now"), ("datetime", "today"), ("datetime", "utcnow")}

# (file, enclosing function): why the real time, not an injected one
REAL_TIME = {
    ("addin/boundary.py", "record_incident"): "an incident is logged at the moment it happened",
    ("addin/operations.py", "_write_kontroll"): "Kontroll's 'körd' stamp is when it ran",
    ("addin/operations.py", "_write_sammanstallning"): "Sammanställning's stamp is when it ran",
    ("addin/cli/demo.py", "tally_step"): "the demo's Sammanställning stamp is when it ran",
}


def clock_reads(path: Path) -> list[tuple[str, int, bool]]:
    """(enclosing function, line, is a fallback) for each clock read in ``path``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    fallbacks = {id(v) for node in ast.walk(tree) if isinstance(node, ast.BoolOp)
                 and isinstance(node.op, ast.Or) for v in node.values[1:]}
    found = []

    def visit(node: ast.AST, function: str) -> None:
        for child in ast.iter_child_nodes(node):
            name = child.name if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)) \
                else function
            if isinstance(child, ast.Call) and isinstance(child.func, ast.Attribute) \
                    and isinstance(child.func.value, ast.Name) \
                    and (child.func.value.id, child.func.attr) in CLOCK:
                found.append((function, child.lineno, id(child) in fallbacks))
            visit(child, name)

    visit(tree, "")
    return found


def direct_reads() -> dict[tuple[str, str], list[int]]:
    result: dict[tuple[str, str], list[int]] = {}
    for path in sorted((ROOT / "addin").rglob("*.py")):
        for function, line, fallback in clock_reads(path):
            if not fallback:
                result.setdefault((str(path.relative_to(ROOT)), function), []).append(line)
    return result


def test_the_product_reads_the_clock_only_as_a_default_or_where_real_time_is_the_point():
    unexpected = {k: v for k, v in direct_reads().items() if k not in REAL_TIME}
    assert unexpected == {}, "read the clock through an injected parameter instead"


def test_the_list_of_real_time_places_is_not_stale():
    assert set(REAL_TIME) <= set(direct_reads())


def test_the_finder_can_fail(tmp_path):
    """A direct read is found; a fallback is not a direct read."""
    source = tmp_path / "m.py"
    source.write_text("from datetime import date, datetime\n"
                      "def f(today=None):\n    return today or date.today()\n"
                      "def g():\n    return datetime.now()\n", encoding="utf-8")
    assert clock_reads(source) == [("f", 3, True), ("g", 5, False)]
