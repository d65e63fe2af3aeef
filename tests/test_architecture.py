"""The folder layout is the architecture, and these tests hold it (issue: a house that shows its plan).

The import-linter contracts in pyproject.toml: the pure core (``addin.core``) imports no I/O
library and nothing outside itself; adapters never import an entry point. And no module of
``addin`` takes part in an import cycle.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parent.parent


def test_the_import_linter_contracts_hold():
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint), "--config", str(ROOT / "pyproject.toml")], cwd=ROOT,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_no_module_takes_part_in_an_import_cycle():
    graph = grimp.build_graph("addin")
    cycles = []
    for module in sorted(graph.modules):
        for imported in graph.find_modules_directly_imported_by(module):
            if not imported.startswith("addin") or imported == module:
                continue
            back = graph.find_shortest_chain(importer=imported, imported=module)
            # a package importing its own submodule (re-exports in __init__) is not a cycle
            if back and not (imported.startswith(module + ".") or module.startswith(imported + ".")):
                cycles.append(" -> ".join((module, *back)))
    assert cycles == []
