"""The .xlsx adapters against real files: the template, writing results, refusing bad files."""

from __future__ import annotations

import os
import shutil
import subprocess
import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from openpyxl.comments import Comment

from addin.core import checks, presentation, schema
from addin import operations
from tests import otheruser
from addin.core.errors import WorkbookLocked, WorkbookStructureError, WorkbookUnreadable
from addin.xlsx import reader, results
from addin.xlsx.zipparts import PartWriter, UnsupportedPackage

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "workbooks" / "exempel.xlsx"
TEMPLATE = ROOT / "workbooks" / "arbetsmarknadsanstallningar.xlsx"


@pytest.fixture
def example(tmp_path: Path) -> Path:
    target = tmp_path / "register.xlsx"
    shutil.copy(EXAMPLE, target)
    return target


def values(path: Path) -> dict[str, list[tuple]]:
    wb = openpyxl.load_workbook(path)
    return {ws.title: [tuple(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets
            if ws.title not in (schema.KONTROLL, schema.SAMMANSTALLNING, presentation.MARKS_SHEET)}


def test_template_has_every_sheet_table_list_and_format():
    wb = openpyxl.load_workbook(TEMPLATE)
    expected = [schema.INSTRUKTIONER] + [s.name for s in schema.DATA_SHEETS + schema.CATALOG_SHEETS]
    assert wb.sheetnames == expected
    for spec in schema.DATA_SHEETS + schema.CATALOG_SHEETS:
        ws = wb[spec.name]
        assert list(ws.tables) == [spec.table]
        assert [c.value for c in ws[1]] == list(spec.headers)
        assert ws.freeze_panes in ("A2", "B2")
    platser = wb[schema.PLATSER]
    rules = {str(dv.sqref).split(":")[0]: dv for dv in platser.data_validations.dataValidation}
    assert rules["B2"].formula1 == "=Lista_Forvaltning" or rules["B2"].formula1 == "Lista_Forvaltning"
    assert rules["K2"].formula1.strip('"').split(",") == list(schema.STATUSES)
    assert rules["H2"].type == "date" and rules["L2"].type == "decimal"
    assert wb.defined_names["Lista_Forvaltning"].attr_text == "tblForvaltningar[Förvaltning]"
    assert platser.column_dimensions["H"].number_format == "yyyy-mm-dd"
    assert platser.column_dimensions["L"].number_format == "0%"
    assert len(list(wb[schema.KOMPETENSER].iter_rows(min_row=2))) == 125


def test_validate_out_writes_kontroll_and_marks_and_keeps_everything(example: Path, tmp_path: Path):
    wb = openpyxl.load_workbook(example)
    wb[schema.PLATSER].cell(row=1, column=20, value="Egen kolumn")
    wb[schema.PLATSER].cell(row=5, column=20, value="=1+1 är ingen formel för oss")
    wb.create_sheet("Mina anteckningar").append(["Möte", "tisdag"])
    wb.save(example)
    before = values(example)
    out = tmp_path / "kontrollerad.xlsx"

    result = operations.validate_workbook(example, out=out)

    assert result.written == out and result.backup is None
    after = values(out)
    assert after == before  # no data cell changed, extra column and sheet kept
    wb = openpyxl.load_workbook(out)
    assert list(wb[schema.PLATSER].tables) == ["tblPlatser"]
    assert len(wb[schema.PLATSER].data_validations.dataValidation) >= 10
    kontroll = [tuple(r) for r in wb[schema.KONTROLL].iter_rows(values_only=True)]
    assert kontroll[0] == schema.KONTROLL_HEADERS
    assert len([r for r in kontroll[1:] if r[5] in ("Fel", "Varning")]) == len(result.problems)
    for p in result.problems:
        ws = wb[p.sheet]
        col = [c.value for c in ws[1]].index(p.column) + 1
        cell = ws.cell(row=p.row, column=col)
        assert cell.comment is not None and cell.comment.author == presentation.MARK_AUTHOR
        expected = presentation.FILL_FEL if p.severity == "Fel" else presentation.FILL_VARNING
        assert cell.fill.fgColor.rgb.endswith(expected)


def test_a_second_check_removes_marks_that_no_longer_apply(example: Path):
    operations.validate_workbook(example, out=example)
    first = checks.validate(operations.read_register(example), date.today())
    fixed = next(p for p in first if p.sheet == schema.PLATSER and p.column == "Avbrottsorsak")
    column = schema.SPEC_BY_NAME[schema.PLATSER].headers.index("Avbrottsorsak") + 1
    wb = openpyxl.load_workbook(example)
    cell = wb[schema.PLATSER].cell(row=fixed.row, column=column)
    assert cell.comment is not None
    cell.value = "Fått arbete"
    wb.save(example)

    operations.validate_workbook(example, out=example)

    wb = openpyxl.load_workbook(example)
    cell = wb[schema.PLATSER].cell(row=fixed.row, column=column)
    assert cell.value == "Fått arbete"
    assert cell.comment is None and cell.fill.fill_type is None
    still = [p for p in checks.validate(operations.read_register(example), date.today())
             if p.row]
    assert len(still) == len([p for p in first if p.row]) - 1


def test_a_users_own_note_is_never_replaced_or_removed(example: Path):
    first = checks.validate(operations.read_register(example), date.today())
    target = next(p for p in first if p.sheet == schema.PLATSER and p.column == "Avbrottsorsak")
    column = schema.SPEC_BY_NAME[schema.PLATSER].headers.index("Avbrottsorsak") + 1
    wb = openpyxl.load_workbook(example)
    wb[schema.PLATSER].cell(row=target.row, column=column).comment = Comment("Fråga Lena", "Anna")
    wb.save(example)

    operations.validate_workbook(example, out=example)
    wb = openpyxl.load_workbook(example)
    cell = wb[schema.PLATSER].cell(row=target.row, column=column)
    assert cell.comment.text == "Fråga Lena" and cell.fill.fgColor.rgb.endswith(presentation.FILL_FEL)
    assert wb[presentation.MARKS_SHEET].sheet_state == "hidden"

    cell.value = "Fått arbete"
    wb.save(example)
    operations.validate_workbook(example, out=example)
    cell = openpyxl.load_workbook(example)[schema.PLATSER].cell(row=target.row, column=column)
    assert cell.comment.text == "Fråga Lena" and cell.fill.fill_type is None


def test_writing_over_the_input_keeps_a_backup(example: Path):
    original = example.read_bytes()
    result = operations.validate_workbook(example, out=example)
    assert result.backup is not None and result.backup.read_bytes() == original
    assert schema.KONTROLL in openpyxl.load_workbook(example).sheetnames


def _half_then_fail(self, *args, **kwargs):
    self.fh.write(b"PK\x03\x04 half a workbook")
    raise OSError("disk full")


def _unsupported(*args, **kwargs):
    raise UnsupportedPackage("forced: take the openpyxl path")


@pytest.mark.parametrize("path", ["fast", "openpyxl"])
def test_a_crash_while_saving_leaves_the_old_file_whole(example: Path, monkeypatch, path):
    original = example.read_bytes()

    def broken_save(self, filename):
        filename.write(b"PK\x03\x04 half a workbook")
        raise OSError("disk full")

    if path == "fast":
        monkeypatch.setattr(PartWriter, "close", _half_then_fail)
    else:
        monkeypatch.setattr(results, "write_kontroll", _unsupported)
        monkeypatch.setattr(openpyxl.Workbook, "save", broken_save)
    with pytest.raises(WorkbookLocked, match="kunde inte sparas .*Filen är oförändrad"):
        operations.validate_workbook(example, out=example)
    assert example.read_bytes() == original
    # neither the half-written temporary file nor the backup of a save that failed stays behind
    assert [p.name for p in example.parent.iterdir()] == [example.name]


def test_tally_out_writes_sammanstallning_with_a_chart(example: Path, tmp_path: Path):
    out = tmp_path / "sammanstallning.xlsx"
    result = operations.tally_workbooks([example], out=out)
    wb = openpyxl.load_workbook(out)
    ws = wb[schema.SAMMANSTALLNING]
    grid = [list(r) for r in ws.iter_rows(values_only=True)]
    header_row = next(i for i, r in enumerate(grid) if r[0] == "Förvaltning")
    rows = {r[0]: r for r in grid[header_row + 1: header_row + 15]}
    for group in result.tally.forvaltningar:
        assert tuple(rows[group.name][1:5]) == (group.mal, group.counts.platser, group.counts.paborjade,
                                         group.counts.pagaende)
    assert rows["Totalt"][2] == result.tally.total.platser
    with zipfile.ZipFile(out) as z:
        assert any(n.startswith("xl/charts/chart") for n in z.namelist())


def test_combined_tally_of_several_workbooks_copies_no_register(example: Path, tmp_path: Path):
    second = tmp_path / "andra.xlsx"
    shutil.copy(example, second)
    out = tmp_path / "samlad.xlsx"
    result = operations.tally_workbooks([example, second], out=out)
    assert openpyxl.load_workbook(out).sheetnames == [schema.SAMMANSTALLNING]
    single = operations.tally_workbooks([example]).tally
    assert result.tally.total.platser == single.total.platser  # a copy is counted once
    assert result.computed.basis.notes == [
        "andra.xlsx har samma innehåll som register.xlsx och räknas en gång."]


# --- refusing bad files ---

def test_not_an_xlsx(tmp_path: Path):
    path = tmp_path / "lista.xlsx"
    path.write_text("Förvaltning;Platser\n", encoding="utf-8")
    with pytest.raises(WorkbookUnreadable, match="ingen Excel-arbetsbok"):
        reader.read_raw_book(path)


def test_damaged(example: Path):
    data = example.read_bytes()
    example.write_bytes(data[: len(data) // 2])
    with pytest.raises(WorkbookUnreadable, match="skadad"):
        reader.read_raw_book(example)


def test_encrypted(example: Path, tmp_path: Path):
    from msoffcrypto.format.ooxml import OOXMLFile

    locked = tmp_path / "hemlig.xlsx"
    with example.open("rb") as src, locked.open("wb") as dst:
        OOXMLFile(src).encrypt("lösenord", dst)
    with pytest.raises(WorkbookUnreadable, match="lösenordsskyddad"):
        reader.read_raw_book(locked)


def test_missing_sheet_and_column(example: Path):
    wb = openpyxl.load_workbook(example)
    del wb[schema.MERVARDE]
    wb[schema.PLATSER].cell(row=1, column=11, value="Läge")
    wb.save(example)
    with pytest.raises(WorkbookStructureError) as err:
        operations.read_register(example)
    assert "bladet 'Mervärde'" in str(err.value) and "kolumnen 'Status'" in str(err.value)


def test_locked_by_excel(example: Path):
    (example.parent / ("~$" + example.name)).write_bytes(b"owner")
    with pytest.raises(WorkbookLocked, match="öppen i ett annat program"):
        operations.validate_workbook(example, out=example)


@pytest.mark.slow
def test_a_read_only_file_is_read_but_never_written():
    """A real read-only file (mode 0444, and amanst running as a user who is not its owner)."""
    with otheruser.shared_folder() as folder:
        path = folder / "register.xlsx"
        shutil.copy(EXAMPLE, path)
        path.chmod(0o444)
        before = path.read_bytes()
        checked = otheruser.run_amanst("validate", path.name, "--today", "2026-11-27", cwd=folder)
        assert checked.returncode == 1, checked.stderr  # read, with the example's planted Fel
        written = otheruser.run_amanst("validate", path.name, "--out", path.name,
                                       "--today", "2026-11-27", cwd=folder)
        assert written.returncode == 2
        assert "skrivskyddad" in written.stderr and "Traceback" not in written.stderr
        assert path.read_bytes() == before
        assert sorted(p.name for p in folder.iterdir()) == ["register.xlsx"]  # no backup, no temp

        new = otheruser.run_amanst("validate", path.name, "--out", "ny.xlsx",
                                   "--today", "2026-11-27", cwd=folder)  # a folder it cannot write
        assert new.returncode == 2 and "skrivskyddad" in new.stderr
        assert not (folder / "ny.xlsx").exists()


def test_xml_with_a_doctype_is_refused_before_parsing(example: Path, tmp_path: Path):
    hostile = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(example) as src, zipfile.ZipFile(hostile, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "xl/workbook.xml":
                doctype = b'<!DOCTYPE x [<!ENTITY a "aaaa">]>'
                data = (data.replace(b"?>", b"?>" + doctype, 1) if data.startswith(b"<?xml")
                        else doctype + data)
            dst.writestr(item, data)
    with pytest.raises(WorkbookUnreadable, match="DOCTYPE"):
        reader.read_raw_book(hostile)


def test_zip_bomb_is_refused_before_parsing(example: Path, tmp_path: Path):
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(example) as src, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            dst.writestr(item.filename, src.read(item))
        dst.writestr("xl/media/padding.bin", b"\0" * 60_000_000)
    with pytest.raises(WorkbookUnreadable, match="zip-bomb"):
        reader.read_raw_book(bomb)


# --- a file saved by LibreOffice Calc ---

def test_a_file_saved_by_libreoffice_reads_the_same(tmp_path: Path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice saknas i CI; .ci/run ska installera libreoffice-calc-nogui")
        pytest.skip("LibreOffice is not installed here")
    source = tmp_path / "exempel.xlsx"
    shutil.copy(EXAMPLE, source)
    out_dir = tmp_path / "lo"
    subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/profile",
                    "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(out_dir),
                    str(source)], check=True, capture_output=True, timeout=180)
    saved = out_dir / "exempel.xlsx"
    original = checks.validate(operations.read_register(source), date.today())
    again = checks.validate(operations.read_register(saved), date.today())
    assert [p.as_dict() for p in again] == [p.as_dict() for p in original]
    assert operations.tally_workbooks([saved]).tally.as_json()["forvaltningar"] == \
        operations.tally_workbooks([source]).tally.as_json()["forvaltningar"]
    result = operations.validate_workbook(saved, out=tmp_path / "ut.xlsx")
    assert result.written.exists()
