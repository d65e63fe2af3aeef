"""The committed workbooks are exactly what the generators make."""

from __future__ import annotations

import zipfile
from pathlib import Path

from addin.example import write_bundled

ROOT = Path(__file__).resolve().parents[1]
# docProps/core.xml holds the time of saving; everything else must match byte for byte.
VOLATILE = {"docProps/core.xml"}


def parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist() if n not in VOLATILE}


def test_committed_workbooks_match_the_generators(tmp_path: Path):
    for fresh in write_bundled(tmp_path):
        committed = ROOT / "workbooks" / fresh.name
        assert parts(fresh) == parts(committed), (
            f"{committed} is stale: run 'python -m addin.example workbooks' and commit the result")
