"""The command line, in-process: exit codes, JSON shapes, Swedish messages, no tracebacks."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import openpyxl
import pytest

from addin import operations
from addin.cli import main as cli
from addin.core import schema
from addin.example import build_example

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "workbooks" / "exempel.xlsx"
# The planted mistakes of the example, written out here so a change in the generator shows.
PLANTED = [
    ("Deltagare", 4, "Personnummer", "Fel"),
    ("Platser", 7, "Utfall vid avslut", "Varning"),
    ("Platser", 14, "Avbrottsorsak", "Fel"),
    ("Platser", 48, "Slutdatum", "Fel"),
    ("Platser", 323, "Anställningsform", "Fel"),
    ("Platser", 343, "DeltagarID", "Fel"),
    ("Bedömningar", 6, "Kompetens", "Fel"),
    ("Bedömningar", 203, "Nivå", "Fel"),
    ("Mervärde", 1521, "PlatsID", "Fel"),
]


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_validate_json_lists_exactly_the_planted_mistakes(capsys):
    code, out, _ = run(capsys, "validate", str(EXAMPLE), "--json")
    problems = json.loads(out)
    assert code == 1
    assert [(p["sheet"], p["row"], p["column"], p["severity"]) for p in problems] == PLANTED
    assert all(set(p) == {"sheet", "row", "column", "value", "message", "severity"} for p in problems)
    assert sorted(PLANTED) == sorted(build_example().planted)


def test_validate_text_output_is_swedish(capsys):
    code, out, _ = run(capsys, "validate", str(EXAMPLE))
    assert code == 1
    assert "Platser rad 48, kolumn Slutdatum: Slutdatum ligger före startdatum." in out
    assert out.strip().endswith("8 fel och 1 varning.")


def test_validate_exit_0_without_errors(capsys, tmp_path: Path):
    path = tmp_path / "tom.xlsx"
    assert run(capsys, "new-workbook", str(path))[0] == 0
    code, out, _ = run(capsys, "validate", str(path))
    assert (code, out.strip()) == (0, "Inga fel och inga varningar.")


@pytest.mark.parametrize("content, message", [
    (b"inte en arbetsbok", "ingen Excel-arbetsbok"),
    (b"PK\x03\x04trasig", "skadad"),
])
def test_unreadable_files_exit_2_without_traceback(capsys, tmp_path: Path, content, message):
    path = tmp_path / "fel.xlsx"
    path.write_bytes(content)
    code, out, err = run(capsys, "validate", str(path))
    assert code == 2 and message in err and "Traceback" not in err + out


def test_missing_file(capsys, tmp_path: Path):
    code, _, err = run(capsys, "tally", str(tmp_path / "finns-inte.xlsx"))
    assert code == 2 and "finns inte" in err


def test_unexpected_errors_give_an_incident_id(capsys, monkeypatch, tmp_path: Path):
    monkeypatch.setenv("AMANST_LOG_DIR", str(tmp_path))

    def boom(*args, **kwargs):
        raise RuntimeError("internt fel med hemlig detalj")

    monkeypatch.setattr(operations, "validate_workbook", boom)
    code, out, err = run(capsys, "validate", str(EXAMPLE))
    assert code == 70 and "incident" in err and "hemlig" not in err + out  # EX_SOFTWARE (README)
    assert "hemlig detalj" in (tmp_path / "incidents.log").read_text(encoding="utf-8")


def test_tally_json(capsys):
    code, out, _ = run(capsys, "tally", str(EXAMPLE), "--json")
    data = json.loads(out)
    assert code == 0
    assert data["period"] == {"from": "2026-01-01", "to": "2026-12-31"}
    assert len(data["forvaltningar"]) == 13 and data["utelamnade_rader"] == 0
    first = data["forvaltningar"][0]
    for key in ("forvaltning", "mal", "platser", "paborjade", "pagaende", "avslutade", "avbrutna",
                "till_arbete_eller_studier"):
        assert key in first
    assert sum(f["platser"] for f in data["forvaltningar"]) == data["totalt"]["platser"]


def test_tally_period_options_and_a_copy_counted_once(capsys, tmp_path: Path):
    copy = tmp_path / "kopia.xlsx"
    shutil.copy(EXAMPLE, copy)
    _, one, _ = run(capsys, "tally", str(EXAMPLE), "--json", "--from", "2025-01-01", "--to", "2025-12-31")
    _, two, _ = run(capsys, "tally", str(EXAMPLE), str(copy), "--json", "--from", "2025-01-01",
                    "--to", "2025-12-31")
    one, two = json.loads(one), json.loads(two)
    assert one["period"] == {"from": "2025-01-01", "to": "2025-12-31"}
    assert two["totalt"] == one["totalt"] and one["totalt"]["avslutade"] > 0
    assert two["underlag"]["kallor"] == ["exempel.xlsx", "kopia.xlsx"]
    assert two["underlag"]["raknade_kallor"] == ["exempel.xlsx"]
    assert two["underlag"]["dubbletter"] == [
        "kopia.xlsx har samma innehåll som exempel.xlsx och räknas en gång."]


def test_tally_x_x_counts_x_once_and_says_so(capsys):
    code, out, _ = run(capsys, "tally", str(EXAMPLE), str(EXAMPLE), "--today", "2026-11-27")
    _, single, _ = run(capsys, "tally", str(EXAMPLE), "--today", "2026-11-27")
    assert code == 0
    assert "exempel.xlsx angavs mer än en gång och räknas en gång." in out
    total = next(line for line in out.splitlines() if line.startswith("Totalt"))
    assert total == next(line for line in single.splitlines() if line.startswith("Totalt"))


def test_a_summary_of_a_register_with_fel_says_preliminar_and_how_many(capsys):
    _, out, _ = run(capsys, "tally", str(EXAMPLE), "--today", "2026-11-27")
    assert "Preliminär: underlaget har 8 fel och 1 varning." in out


def test_bad_date_option_is_refused_in_swedish(capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.main(["tally", str(EXAMPLE), "--from", "igår"])
    assert exit_.value.code == 2
    assert "inget datum" in capsys.readouterr().err


def test_help_is_swedish(capsys):
    with pytest.raises(SystemExit):
        cli.main(["validate", "--help"])
    out = capsys.readouterr().out
    assert "Användning:" in out and "flaggor" in out and "Kontrollerar" in out


def test_new_workbook_never_overwrites(capsys, tmp_path: Path):
    path = tmp_path / "ny.xlsx"
    path.write_bytes(b"viktigt")
    code, _, err = run(capsys, "new-workbook", str(path))
    assert code == 2 and "skrivs inte över" in err and path.read_bytes() == b"viktigt"


def test_demo_writes_results(capsys, tmp_path: Path):
    code, out, _ = run(capsys, "demo", "--out-dir", str(tmp_path))
    assert code == 0 and "Klart" in out
    wb = openpyxl.load_workbook(tmp_path / "exempel-resultat.xlsx")
    assert schema.KONTROLL in wb.sheetnames and schema.SAMMANSTALLNING in wb.sheetnames
    data = json.loads((tmp_path / "sammanstallning.json").read_text(encoding="utf-8"))
    assert data["totalt"]["platser"] > 100
