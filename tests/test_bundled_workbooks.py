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


def test_the_example_facts_hold():
    import openpyxl

    from tests import example_facts as facts

    wb = openpyxl.load_workbook(ROOT / "workbooks" / "exempel.xlsx", read_only=True)

    def rows(name: str) -> list[dict]:
        values = list(wb[name].iter_rows(values_only=True))
        return [dict(zip(values[0], r)) for r in values[1:] if any(v is not None for v in r)]

    places = rows("Platser")
    completed = [p["PlatsID"] for p in places if p["Status"] == "Avslutad"]
    final = {a["PlatsID"] for a in rows("Bedömningar") if a["Tillfälle"] == "Slutbedömning"}
    assert len(completed) == facts.COMPLETED
    # the planted Fel: an identity number (Deltagare row 4) and a level 5 (Bedömningar row 203)
    person = rows("Deltagare")[4 - 2]["DeltagarID"]
    level = rows("Bedömningar")[203 - 2]["PlatsID"]
    blocked = sorted({p["PlatsID"] for p in places if p["Status"] == "Avslutad"
                      and (p["DeltagarID"] == person or p["PlatsID"] == level)})
    assert blocked == facts.BLOCKED_BY_FEL
    eligible = [p for p in places if p["PlatsID"] in completed and p["PlatsID"] in final
                and p["PlatsID"] not in blocked]
    assert len(eligible) == facts.ELIGIBLE
    language = {d["DeltagarID"]: d["Intygsspråk"] for d in rows("Deltagare")}
    assert len([p for p in eligible if language[p["DeltagarID"]] == "Engelska"]) == facts.ENGLISH
