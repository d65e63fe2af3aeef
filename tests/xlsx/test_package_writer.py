"""The package writer (``addin.xlsx.results``): only what changes is rewritten, and the result is
what the openpyxl path writes, opens in LibreOffice and reads back the same."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from openpyxl.comments import Comment

from addin import operations
from addin.core import presentation, schema
from addin.xlsx import reader, results
from addin.xlsx.sheetpatch import SheetPatch, patch_sheet
from addin.xlsx.zipparts import UnsupportedPackage

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "workbooks" / "exempel.xlsx"
TODAY = date(2026, 11, 27)
RESULT_SHEETS = (schema.KONTROLL, schema.SAMMANSTALLNING, presentation.MARKS_SHEET)


@pytest.fixture
def example(tmp_path: Path) -> Path:
    target = tmp_path / "register.xlsx"
    shutil.copy(EXAMPLE, target)
    return target


def _raw_member(path: Path, info: zipfile.ZipInfo) -> bytes:
    with path.open("rb") as fh:
        fh.seek(info.header_offset + 26)
        lengths = fh.read(4)
        fh.seek(int.from_bytes(lengths[:2], "little") + int.from_bytes(lengths[2:], "little"), 1)
        return fh.read(info.compress_size)


def _openpyxl_path(monkeypatch) -> None:
    def unsupported(*args, **kwargs):
        raise UnsupportedPackage("forced for the comparison")

    monkeypatch.setattr(results, "write_kontroll", unsupported)


def test_untouched_parts_are_copied_byte_for_byte(example: Path, tmp_path: Path):
    out = tmp_path / "kontrollerad.xlsx"
    result = operations.validate_workbook(example, out=out, today=TODAY)
    marked = {p.sheet for p in result.problems if p.row}
    source, written = zipfile.ZipFile(example), zipfile.ZipFile(out)
    wb = openpyxl.load_workbook(example, read_only=True)
    sheet_parts = {ws.title: f"xl/worksheets/sheet{i}.xml" for i, ws in enumerate(wb.worksheets, 1)}
    may_change = {"[Content_Types].xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels",
                  "xl/styles.xml"}
    for sheet in marked:
        part = sheet_parts[sheet]
        may_change |= {part, part.replace("worksheets/", "worksheets/_rels/") + ".rels"}
    untouched = [i for i in source.infolist() if i.filename not in may_change]
    assert len(untouched) > 30
    for info in untouched:
        copy = written.getinfo(info.filename)
        assert written.read(info.filename) == source.read(info.filename), info.filename
        assert _raw_member(out, copy) == _raw_member(example, info), info.filename
    assert written.testzip() is None


def _summary(path: Path) -> dict:
    wb = openpyxl.load_workbook(path)
    kontroll = wb[schema.KONTROLL]
    rows = [tuple(r) for r in kontroll.iter_rows(values_only=True)]
    marks = {}
    for ws in wb.worksheets:
        if ws.title in RESULT_SHEETS:
            continue
        for row in ws.iter_rows():
            for cell in row:
                rgb = str(cell.fill.fgColor.rgb or "")[-6:] if cell.fill.fill_type else ""
                if rgb in (presentation.FILL_FEL, presentation.FILL_VARNING):
                    marks[(ws.title, cell.coordinate)] = (rgb, cell.comment.text if cell.comment
                                                          else None)
    return {
        "order": wb.sheetnames,
        "active": wb.active.title,
        "selected": [ws.title for ws in wb.worksheets if ws.sheet_view.tabSelected],
        "hidden": [ws.title for ws in wb.worksheets if ws.sheet_state == "hidden"],
        "kontroll": rows[:-1],  # the last line says when: it differs by the second
        "links": [(c.coordinate, c.hyperlink.location) for c in kontroll["A"] if c.hyperlink],
        "print": (kontroll.print_title_rows, kontroll.page_setup.orientation,
                  kontroll.page_setup.fitToWidth,
                  kontroll.sheet_properties.pageSetUpPr.fitToPage),
        "marks": marks,
        "record": sorted(tuple(r) for r in
                         wb[presentation.MARKS_SHEET].iter_rows(values_only=True)),
        "data": {ws.title: [tuple(r) for r in ws.iter_rows(values_only=True)]
                 for ws in wb.worksheets if ws.title not in RESULT_SHEETS},
        "tables": {ws.title: sorted(ws.tables) for ws in wb.worksheets},
        "validations": {ws.title: len(ws.data_validations.dataValidation) for ws in wb.worksheets},
        "names": sorted(wb.defined_names),
    }


def test_the_result_is_what_the_openpyxl_path_writes(example: Path, tmp_path: Path,
                                                      monkeypatch):
    fast, slow = tmp_path / "fast.xlsx", tmp_path / "slow.xlsx"
    operations.validate_workbook(example, out=fast, today=TODAY)
    _openpyxl_path(monkeypatch)
    operations.validate_workbook(example, out=slow, today=TODAY)
    a, b = _summary(fast), _summary(slow)
    assert a == b
    # and what issue 13 asks of both: Kontroll first after Instruktioner, active, linked, printable
    assert a["order"][:2] == [schema.INSTRUKTIONER, schema.KONTROLL]
    assert a["active"] == schema.KONTROLL and a["selected"] == [schema.KONTROLL]
    assert a["hidden"] == [presentation.MARKS_SHEET]
    assert a["print"] == ("$1:$1", "landscape", 1, True)
    first = a["kontroll"][1]
    header = next(openpyxl.load_workbook(example)[first[0]].iter_rows(values_only=True))
    column = header.index(first[2]) + 1
    assert a["links"][0] == ("A2", f"'{first[0]}'!{openpyxl.utils.get_column_letter(column)}"
                                   f"{first[1]}")
    assert len(a["marks"]) == len({(s, c) for s, c, _ in a["record"]} - {("Blad", "Cell")}) > 3


def test_a_second_run_resets_the_first_and_keeps_a_users_note(example: Path, tmp_path: Path):
    first = tmp_path / "first.xlsx"
    result = operations.validate_workbook(example, out=first, today=TODAY)
    problem = next(p for p in result.problems if p.row and p.sheet == schema.PLATSER)
    wb = openpyxl.load_workbook(first)
    ws = wb[problem.sheet]
    column = next(c.column for c in ws[1] if c.value == problem.column)
    cell = ws.cell(row=problem.row, column=column)
    cell.comment = Comment("Fråga Lena", "Lena")  # a user's own note on a marked cell
    wb.save(first)
    second = tmp_path / "second.xlsx"
    operations.validate_workbook(first, out=second, today=TODAY)
    third = tmp_path / "third.xlsx"
    operations.validate_workbook(second, out=third, today=TODAY)
    wb = openpyxl.load_workbook(third)
    notes = [(ws.title, c.coordinate, c.comment.author) for ws in wb.worksheets
             for row in ws.iter_rows() for c in row if c.comment]
    assert len(notes) == len(set(notes)) == len(_summary(third)["marks"])
    kept = wb[problem.sheet].cell(row=problem.row, column=column)
    assert kept.comment.text == "Fråga Lena"
    record = {(s, c): n for s, c, n in wb[presentation.MARKS_SHEET].iter_rows(values_only=True)}
    assert record[(problem.sheet, kept.coordinate)] == "Nej"


def test_a_cell_fixed_since_the_last_check_loses_its_mark(example: Path, tmp_path: Path):
    first = tmp_path / "first.xlsx"
    result = operations.validate_workbook(example, out=first, today=TODAY)
    marked = _summary(first)["marks"]
    problem = next(p for p in result.problems if p.row and p.sheet == schema.MERVARDE)
    wb = openpyxl.load_workbook(first)
    ws = wb[schema.MERVARDE]
    ws.delete_rows(problem.row)  # the offending row is gone
    wb.save(first)
    second = tmp_path / "second.xlsx"
    operations.validate_workbook(first, out=second, today=TODAY)
    after = _summary(second)["marks"]
    assert len(after) == len(marked) - 1


def _patched(xml: bytes, patch: SheetPatch, chunk: int = 7) -> bytes:
    pieces = [xml[i:i + chunk] for i in range(0, len(xml), chunk)]
    return b"".join(patch_sheet(pieces, patch))


SHEET = (b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
         b'2006/main"><sheetViews><sheetView tabSelected="1" workbookViewId="0"/></sheetViews>'
         b'<sheetData><row r="1" spans="1:3"><c r="A1" t="s"><v>0</v></c><c r="C1" s="4"><v>2</v>'
         b'</c></row><row r="2"><c r="B2" s="3" t="inlineStr"><is><t>x</t></is></c></row>'
         b'<row r="5" ht="20" customHeight="1"/></sheetData><pageMargins left="1" right="1" '
         b'top="1" bottom="1" header="0" footer="0"/><tableParts count="0"/></worksheet>')


def test_a_streamed_sheet_gets_new_formats_and_missing_cells_in_their_place():
    calls = []

    def restyle(old: int) -> int:
        calls.append(old)
        return 100 + old

    patch = SheetPatch({(1, 2): restyle, (1, 3): restyle, (2, 2): restyle, (3, 1): restyle,
                        (5, 4): restyle, (9, 1): restyle}, unselect=True,
                       tail=[("legacyDrawing", b'<legacyDrawing xmlns:r="urn:r" r:id="rId9"/>')])
    for chunk in (3, 7, 64, 10_000):
        calls.clear()
        out = _patched(SHEET, patch, chunk)
        root = openpyxl.xml.functions.fromstring(out)
        ns = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
        cells = {c.get("r"): c.get("s") for c in root.iter(f"{ns}c")}
        assert cells == {"A1": None, "B1": "100", "C1": "104", "B2": "103", "A3": "100",
                         "D5": "100", "A9": "100"}
        rows = [r.get("r") for r in root.iter(f"{ns}row")]
        assert rows == ["1", "2", "3", "5", "9"]
        assert b"spans" not in out and b"tabSelected" not in out
        assert out.index(b"<legacyDrawing") < out.index(b"<tableParts")
        assert [c.get("r") for c in root.iter(f"{ns}c")] == ["A1", "B1", "C1", "B2", "A3", "D5",
                                                              "A9"]
        assert out.count(b"<v>2</v>") == 1
        assert sorted(calls) == [0, 0, 0, 0, 3, 4]


def test_a_sheet_this_writer_does_not_know_is_refused_not_guessed():
    prefixed = SHEET.replace(b"<worksheet xmlns=", b"<x:worksheet xmlns:x=").replace(
        b"</worksheet>", b"</x:worksheet>")
    with pytest.raises(UnsupportedPackage):
        _patched(prefixed, SheetPatch({(1, 1): lambda s: s}))
    no_refs = SHEET.replace(b'<c r="C1" s="4">', b'<c s="4">')
    with pytest.raises(UnsupportedPackage):
        _patched(no_refs, SheetPatch({(1, 1): lambda s: s}))


def test_tally_out_keeps_the_workbook_and_replaces_its_chart(example: Path, tmp_path: Path):
    once, twice = tmp_path / "once.xlsx", tmp_path / "twice.xlsx"
    operations.tally_workbooks([example], out=once, today=TODAY)
    operations.tally_workbooks([once], out=twice, today=TODAY)
    names = zipfile.ZipFile(twice).namelist()
    assert sum(1 for n in names if n.startswith("xl/charts/")) == 1
    wb = openpyxl.load_workbook(twice)
    assert wb.sheetnames[1] == schema.SAMMANSTALLNING
    assert len(wb[schema.SAMMANSTALLNING]._charts) == 1
    assert wb[schema.SAMMANSTALLNING].page_setup.orientation == "landscape"
    source = openpyxl.load_workbook(example)
    for ws in source.worksheets:
        assert [tuple(r) for r in ws.iter_rows(values_only=True)] == \
               [tuple(r) for r in wb[ws.title].iter_rows(values_only=True)]


@pytest.mark.slow
def test_the_written_workbook_survives_a_libreoffice_round_trip(example: Path, tmp_path: Path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice is not installed")
    checked = tmp_path / "kontrollerad.xlsx"
    operations.validate_workbook(example, out=checked, today=TODAY)
    operations.tally_workbooks([checked], out=checked, today=TODAY)
    out = tmp_path / "lo"
    profile = (tmp_path / "profile").as_uri()
    subprocess.run([soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to",
                    "xlsx:Calc MS Excel 2007 XML", "--outdir", str(out), str(checked)],
                   check=True, capture_output=True, timeout=180)
    again = out / checked.name
    ours, theirs = _summary(checked), _summary(again)
    assert theirs["order"] == ours["order"] and theirs["active"] == schema.KONTROLL
    assert theirs["kontroll"] == ours["kontroll"] and theirs["links"] == ours["links"]
    assert set(theirs["marks"]) == set(ours["marks"])
    assert theirs["data"].keys() == ours["data"].keys()
    assert reader.read_raw_book(again).keys() == reader.read_raw_book(checked).keys()
    before = operations.validate_workbook(example, today=TODAY).problems
    assert operations.validate_workbook(again, today=TODAY).problems == before
    # a package LibreOffice wrote (shared strings, its own attribute order) takes the fast path
    rewritten = tmp_path / "igen.xlsx"
    raw = reader.read_raw_book(again)
    results.write_kontroll(again, rewritten, raw, before, datetime(2026, 11, 27, 12, 0))
    assert _summary(rewritten)["marks"].keys() == ours["marks"].keys()
    assert _summary(rewritten)["order"][:2] == [schema.INSTRUKTIONER, schema.KONTROLL]


def _slow_writer_script(folder: Path, named: bool) -> str:
    return (
        "import signal, sys, time\n"
        # as in a terminal, whatever the suite was started from (a background job ignores SIGINT)
        "signal.signal(signal.SIGINT, signal.default_int_handler)\n"
        "from pathlib import Path\n"
        "from addin.xlsx import atomic\n"
        f"if {named}:\n"
        "    atomic._unnamed = lambda folder, mode: None\n"
        "def write(fh):\n"
        "    fh.write(b'PK' * 1000); fh.flush()\n"
        "    print('writing', flush=True)\n"
        "    time.sleep(30)\n"
        f"atomic.write_atomic(Path({str(folder / 'register.xlsx')!r}), write)\n")


@pytest.mark.parametrize(("named", "sig"), [(False, signal.SIGKILL), (False, signal.SIGTERM),
                                            (True, signal.SIGTERM), (True, signal.SIGINT),
                                            (True, signal.SIGHUP)])
def test_a_killed_save_leaves_neither_half_a_file_nor_a_hidden_copy(tmp_path: Path, named, sig):
    target = tmp_path / "register.xlsx"
    target.write_bytes(b"the register as it was")
    proc = subprocess.Popen([sys.executable, "-c", _slow_writer_script(tmp_path, named)],
                            stdout=subprocess.PIPE, cwd=ROOT, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "writing"
    proc.send_signal(sig)
    proc.wait(timeout=30)
    time.sleep(0.1)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["register.xlsx"]
    assert target.read_bytes() == b"the register as it was"
    assert os.stat(target).st_size == len(b"the register as it was")


@pytest.mark.parametrize("named", [False, True])
def test_a_save_names_its_temporary_file_by_leftovers_and_sweeps_a_dead_runs(
        tmp_path: Path, monkeypatch, named):
    from addin import leftovers
    from addin.xlsx import atomic

    if named:  # a file system without unnamed files
        monkeypatch.setattr(atomic, "_unnamed", lambda folder, mode: None)
    target = tmp_path / "register.xlsx"
    # what a run that was killed (a PID that no longer exists) left in the folder
    dead = tmp_path / f".bok-{leftovers.machine_hash()}_999999999_1-x.register.tmp.xlsx"
    dead.write_bytes(b"half a workbook")
    seen: list[str] = []

    def write(fh):
        fh.write(b"PK the new register")
        fh.flush()
        seen.extend(p.name for p in tmp_path.iterdir() if p.name.startswith("."))

    atomic.write_atomic(target, write)
    assert target.read_bytes() == b"PK the new register"
    assert not dead.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["register.xlsx"]
    if named:  # the temporary name says which process made it, so a crash's is swept too
        assert len(seen) == 1 and seen[0].startswith(leftovers.prefix("bok"))
    else:  # an unnamed file has no name until it replaces the target
        assert seen == []


def test_a_failed_fast_save_over_the_input_forgets_its_backup_and_says_so(
        example: Path, monkeypatch):
    from addin.core.errors import WorkbookLocked
    from addin.xlsx import atomic

    original = example.read_bytes()
    real, written = atomic._put, []

    def full_for_the_workbook(target, write, **kw):  # the backup fits, the new workbook doesn't
        written.append(target.name)
        if target == example:
            raise OSError(28, "No space left on device")
        real(target, write, **kw)

    monkeypatch.setattr(atomic, "_put", full_for_the_workbook)
    with pytest.raises(WorkbookLocked, match=f"{example.name} kunde inte sparas: disken är full "
                                             "i mappen .* Filen är oförändrad"):
        operations.validate_workbook(example, out=example, today=TODAY)
    assert ".bak-" in written[0] and written[1:] == [example.name]  # a backup was made first
    assert example.read_bytes() == original
    assert [p.name for p in example.parent.iterdir()] == [example.name]
