"""The buttons over HTTP: requests built as the Office.js client builds them, posted to the real
xlwings Server app, and the returned actions checked (values, colours, notes, end state)."""

from __future__ import annotations

import io
import json
import re
from contextlib import redirect_stdout
from datetime import date, timedelta
from pathlib import Path

import openpyxl
import pytest

from addin.core import checks, presentation, schema
from addin.cli.main import main as cli_main
from addin.excel import actions as xactions
from addin.excel import book as xbook
from addin.excel import form as xform
from addin.excel.scripts import SCRIPTS
from addin.operations import read_register

from .conftest import EXAMPLE
from .officejs_client import apply, packed, payload

CALL = "/xlwings/custom-scripts-call/"


def include_of(script: str) -> list[str]:
    return SCRIPTS[script].__xlscript__["include"]


def post(client, script: str, wb, args=None, headers=None, name="exempel.xlsx", plain=False):
    """The button's request as the task pane sends it (its sheets packed); ``plain``: as xlwings'
    own client sends it."""
    body = payload(Path(name), include_of(script), workbook=wb)
    if not plain:
        body = packed(body)
    if args is not None:
        body["args"] = args
    return client.post(CALL + script, json=body, headers=headers or {})


def run(client, script: str, wb, args=None):
    """Post, check it succeeded, replay the actions on ``wb``; return the actions."""
    response = post(client, script, wb, args)
    assert response.status_code == 200, response.text
    acts = response.json()["actions"]
    apply(acts, wb)
    return acts


def sheet_writes(acts, wb_before, sheet: str):
    """The writes of values aimed at the sheet called ``sheet`` (tracking added sheets): xlwings'
    setValues, and the add-in's own amanstWrite (values with their number formats), as
    ``{"values", "formats", "top", "left"}``; a write of formats alone is left out."""
    names = list(wb_before.sheetnames)
    found = []
    for a in acts:
        if a["func"] == "sheetDelete":
            names.pop(a["sheet_position"])
        elif a["func"] == "addSheet":
            names.insert(a["args"][0], a["args"][1])
        elif a["func"] == "setValues" and names[a["sheet_position"]] == sheet:
            found.append({**a, "top": a["start_row"], "left": a["start_column"], "formats": None})
        elif a["func"] == "runMacro" and a["args"][0] == "amanstWrite":
            position, top, left, values, formats = a["args"][1:]
            if names[position] == sheet and any(v is not None for row in values for v in row):
                found.append({"values": values, "formats": formats, "top": top, "left": left})
    return found


def cli_json(*argv: str):
    out = io.StringIO()
    with redirect_stdout(out):
        cli_main(list(argv))
    return json.loads(out.getvalue())


@pytest.fixture()
def example():
    return openpyxl.load_workbook(EXAMPLE)


# --- Kontrollera ------------------------------------------------------------------------------

def test_kontrollera_lists_the_same_problems_as_the_command_line(client, example):
    # Kontroll lives in the register itself, which holds the full numbers; the terminal masks them
    expected = cli_json("validate", "--json", "--visa-personnummer", str(EXAMPLE))
    assert len(expected) >= 9  # the planted mistakes
    before = openpyxl.load_workbook(EXAMPLE)
    acts = run(client, "kontrollera", example)
    (write,) = sheet_writes(acts, before, schema.KONTROLL)
    values = write["values"]
    assert values[0] == list(schema.KONTROLL_HEADERS)
    got = [dict(zip(("sheet", "row", "column", "value", "message", "severity"), row))
           for row in values[1:len(expected) + 1]]
    formats = write["formats"][1:len(expected) + 1]
    for g, fmt in zip(got, formats):
        g["row"] = g["row"] if g["row"] != "" else None
        if fmt[3] == "yyyy-mm-dd":  # a date is written as a date: Excel's serial number
            g["value"] = (date(1899, 12, 30) + timedelta(days=g["value"])).isoformat()
        elif isinstance(g["value"], (int, float)) and not isinstance(g["value"], bool):
            # a number stays a number in Excel; the command line's JSON shows it as text
            g["value"] = str(int(g["value"]) if g["value"] == int(g["value"]) else g["value"])
    assert got == expected
    assert values[len(expected) + 2][0].startswith("Kontrollerad ")
    ws = example[schema.KONTROLL]
    assert [c.value for c in ws[1]][:6] == list(schema.KONTROLL_HEADERS)


def test_every_offending_cell_is_coloured_and_noted(client, example):
    register = read_register(EXAMPLE)
    problems = checks.validate(register, date.today())  # the button checks as of today
    original = openpyxl.load_workbook(EXAMPLE)
    run(client, "kontrollera", example)
    marks = presentation.marks(problems)
    assert marks
    for (sheet, row, column), (fill, note) in marks.items():
        ws = example[sheet]
        col = [c.value for c in ws[1]].index(column) + 1
        cell = ws.cell(row=row, column=col)
        assert cell.fill.fgColor.rgb[-6:] == fill, (sheet, row, column)
        assert cell.comment is not None and cell.comment.text == note
    # nothing else was coloured, and no data cell changed
    marked = {(s, r, c) for s, r, c in marks}
    for ws in original.worksheets:
        new = example[ws.title]
        headers = [c.value for c in ws[1]]
        for row in ws.iter_rows():
            for cell in row:
                after = new.cell(row=cell.row, column=cell.column)
                assert after.value == cell.value
                if (ws.title, cell.row, headers[cell.column - 1] if cell.column <= len(headers)
                        else None) not in marked:
                    assert after.fill.fgColor.rgb == cell.fill.fgColor.rgb


def test_second_run_resets_exactly_the_cells_the_first_marked(client, example):
    run(client, "kontrollera", example)
    assert example[xbook.MARKS_SHEET].sheet_state == "hidden"
    record = [[c.value for c in r] for r in example[xbook.MARKS_SHEET].iter_rows(min_row=2)]
    sheet, address, _ = record[0]
    assert example[sheet][address].comment is not None
    # the user fixes the Deltagare mistake the first run marked (a wrong check digit)
    pnr = next((s, a) for s, a, _ in record if s == schema.DELTAGARE)
    example[pnr[0]][pnr[1]] = "19121212-1212"
    acts = run(client, "kontrollera", example)
    cell = example[pnr[0]][pnr[1]]
    assert cell.comment is None and cell.fill.fill_type is None
    assert any(a["func"] == "deleteNote" for a in acts)
    again = [[c.value for c in r] for r in example[xbook.MARKS_SHEET].iter_rows(min_row=2)]
    assert len(again) == len(record) - 1


def test_a_users_own_note_is_never_replaced(client, example):
    from openpyxl.comments import Comment

    register = read_register(EXAMPLE)
    problem = next(p for p in checks.validate(register, date.today())
                   if p.sheet == schema.PLATSER and p.row)
    ws = example[problem.sheet]
    col = [c.value for c in ws[1]].index(problem.column) + 1
    ws.cell(row=problem.row, column=col).comment = Comment("Min egen anteckning", "Handläggare")
    run(client, "kontrollera", example)
    cell = ws.cell(row=problem.row, column=col)
    assert cell.comment.text == "Min egen anteckning"
    assert cell.fill.fgColor.rgb[-6:] in (presentation.FILL_FEL, presentation.FILL_VARNING)
    run(client, "kontrollera", example)  # and a second run leaves it alone too
    assert ws.cell(row=problem.row, column=col).comment.text == "Min egen anteckning"


def test_text_that_looks_like_a_formula_stays_text(client, example):
    ws = example[schema.DELTAGARE]
    col = [c.value for c in ws[1]].index("Personnummer") + 1
    ws.cell(row=2, column=col).value = "=HYPERLINK(\"http://x\")"
    before = openpyxl.load_workbook(EXAMPLE)
    acts = run(client, "kontrollera", example)  # the applier refuses a formula in a general cell
    (write,) = sheet_writes(acts, before, schema.KONTROLL)
    assert any(row[3] == "=HYPERLINK(\"http://x\")" for row in write["values"])
    kontroll = example[schema.KONTROLL]
    hit = next(c for row in kontroll.iter_rows() for c in row if c.value == "=HYPERLINK(\"http://x\")")
    assert hit.data_type == "s" and hit.number_format == "@"


def test_kontrollera_sends_only_what_it_needs_and_no_formats_are_read(client, example):
    body = payload(EXAMPLE, include_of("kontrollera"), workbook=example)
    sent = {s["name"] for s in body["sheets"] if s["values"] != [[]]}
    assert sent <= set(include_of("kontrollera"))
    assert schema.KONTROLL not in include_of("kontrollera")


@pytest.mark.parametrize("script", ["kontrollera", "sammanstall"])
def test_the_task_panes_packed_sheets_and_xlwings_plain_ones_give_the_same_actions(
        client, example, script):
    # the plain form is what xlwings' own client sends; the task pane packs what it reads
    as_pane = post(client, script, example)
    plain = post(client, script, example, plain=True)
    assert as_pane.status_code == plain.status_code == 200, (as_pane.text, plain.text)

    def without_time(acts):  # the run's own time stamp is the one thing allowed to differ
        return re.sub(r"\d{4}-\d\d-\d\d \d\d:\d\d(:\d\d)?", "T", json.dumps(acts))

    assert without_time(as_pane.json()["actions"]) == without_time(plain.json()["actions"])
    assert len(as_pane.json()["actions"]) > 5


# --- Sammanställ ------------------------------------------------------------------------------

def test_sammanstall_figures_equal_the_command_line(client, example):
    expected = cli_json("tally", "--json", str(EXAMPLE))
    before = openpyxl.load_workbook(EXAMPLE)
    acts = run(client, "sammanstall", example)
    (write,) = sheet_writes(acts, before, schema.SAMMANSTALLNING)
    grid = write["values"]
    start = next(i for i, r in enumerate(grid) if r[0] == "Per förvaltning") + 2
    for i, f in enumerate(expected["forvaltningar"]):
        row = grid[start + i]
        assert row[0] == f["forvaltning"]
        assert row[1] == ("" if f["mal"] is None else f["mal"])
        assert row[2:9] == [f["platser"], f["paborjade"], f["pagaende"], f["avslutade"],
                            f["avbrutna"], f["till_arbete_eller_studier"], f["utfardade_intyg"]]
    total = grid[start + len(expected["forvaltningar"])]
    assert total[0] == "Totalt" and total[2] == expected["totalt"]["platser"]
    assert total[5] == expected["totalt"]["avslutade"]
    assert grid[0][0] == (f"Sammanställning {expected['period']['from']} – "
                          f"{expected['period']['to']} – Preliminär (8 fel)")
    assert any(str(r[0]).startswith("Preliminär: underlaget har 8 fel") for r in grid)
    # the tally states the register's Fel and counts by kön, so it reads what Kontrollera reads
    assert set(include_of("sammanstall")) == set(include_of("kontrollera")) - {
        schema.INTYGSREGISTER, "Kontrollmarkeringar"}
    ws = example[schema.SAMMANSTALLNING]
    assert ws.cell(row=start + 1, column=1).value == expected["forvaltningar"][0]["forvaltning"]


# --- Formulär ---------------------------------------------------------------------------------

def _ongoing_place():
    register = read_register(EXAMPLE)
    taken = {(a.plats_id, a.tillfalle) for a in register.assessments}
    p = next(p for p in register.placements if p.status == schema.STATUS_PAGAENDE
             and (p.plats_id, "Uppföljning 2") not in taken and p.yrkesomrade)
    return register, p


def test_nytt_formular_asks_for_place_then_lists_every_competence(client, example):
    run(client, "nytt_bedomningsformular", example)
    ws = example[schema.FORMULAR]
    assert ws.cell(row=xform.ROW_PLATS, column=1).value == "PlatsID"
    assert ws.cell(row=2, column=1).value == xform.CHOOSE

    register, place = _ongoing_place()
    ws.cell(row=xform.ROW_PLATS, column=2).value = place.plats_id
    ws.cell(row=xform.ROW_TILLFALLE, column=2).value = "Uppföljning 2"
    run(client, "nytt_bedomningsformular", example)
    ws = example[schema.FORMULAR]
    expected = register.catalog.competences_for(place.yrkesomrade)
    rows = [(ws.cell(row=r, column=1).value, ws.cell(row=r, column=2).value)
            for r in range(xform.FIRST_ROW, xform.FIRST_ROW + len(expected))]
    assert rows == [(k.modul, k.kompetens) for k in expected]
    assert ws.cell(row=xform.FIRST_ROW + len(expected), column=1).value is None
    assert any(k.modul == schema.MODUL_YRKESKOMPETENS for k in expected)
    assert ws.cell(row=xform.ROW_STATUS, column=2).value == xform.STATUS_NEW
    levels = [dv for dv in ws.data_validations.dataValidation if "C" in str(dv.sqref)]
    assert levels and levels[0].formula1 == '"0,1,2,3,4"'


def test_spara_appends_filled_rows_once(client, example):
    register, place = _ongoing_place()
    run(client, "nytt_bedomningsformular", example, args=[place.plats_id, "Uppföljning 2"])
    ws = example[schema.FORMULAR]
    ws.cell(row=xform.ROW_BEDOMD_AV, column=2).value = "Kim Handledare"
    ws.cell(row=xform.ROW_DATUM, column=2).value = place.startdatum
    ws.cell(row=xform.FIRST_ROW, column=3).value = 3
    ws.cell(row=xform.FIRST_ROW, column=4).value = "-bra samarbete"  # starts like a formula
    ws.cell(row=xform.FIRST_ROW + 2, column=3).value = 2
    bed = example[schema.BEDOMNINGAR]
    last_before = max(r for r in range(1, bed.max_row + 1) if bed.cell(row=r, column=1).value)

    run(client, "spara_bedomning", example)
    headers = [c.value for c in bed[1]]
    new = [{h: bed.cell(row=r, column=i + 1).value for i, h in enumerate(headers)}
           for r in (last_before + 1, last_before + 2)]
    assert [n["Kompetens"] for n in new] == [ws.cell(row=xform.FIRST_ROW, column=2).value,
                                              ws.cell(row=xform.FIRST_ROW + 2, column=2).value]
    assert [n["Nivå"] for n in new] == [3, 2]
    assert new[0]["PlatsID"] == place.plats_id and new[0]["Tillfälle"] == "Uppföljning 2"
    assert new[0]["Bedömd av"] == "Kim Handledare" and new[0]["Kommentar"] == "-bra samarbete"
    assert new[0]["Datum"] == place.startdatum or new[0]["Datum"].date() == place.startdatum
    assert bed.cell(row=last_before + 3, column=1).value is None
    table = next(iter(bed.tables.values()))
    assert table.ref.endswith(str(last_before + 2))
    assert ws.cell(row=xform.ROW_STATUS, column=2).value.startswith(xform.STATUS_SAVED)
    # the saved register passes Kontrollera's rules for the new rows
    response = post(client, "spara_bedomning", example)
    assert response.status_code == 400 and "finns redan" in response.text


def test_spara_refuses_invalid_form_and_changes_nothing(client, example):
    register, place = _ongoing_place()
    run(client, "nytt_bedomningsformular", example, args=[place.plats_id, "Uppföljning 2"])
    ws = example[schema.FORMULAR]
    ws.cell(row=xform.FIRST_ROW, column=3).value = 3
    response = post(client, "spara_bedomning", example)
    assert response.status_code == 400 and "Bedömd av" in response.text
    ws.cell(row=xform.ROW_BEDOMD_AV, column=2).value = "Kim"
    ws.cell(row=xform.FIRST_ROW, column=3).value = 9
    response = post(client, "spara_bedomning", example)
    assert response.status_code == 400
    assert "sparades inte" in response.text and f"rad {xform.FIRST_ROW}" in response.text
    # and a new form is refused while levels are filled but unsaved
    response = post(client, "nytt_bedomningsformular", example)
    assert response.status_code == 400 and "inte är sparade" in response.text


# --- errors -----------------------------------------------------------------------------------

def test_missing_sheet_is_a_swedish_message(client, example):
    del example[schema.NIVAER]
    response = post(client, "kontrollera", example)
    assert response.status_code == 400
    assert "bladet 'Nivåer'" in response.text and "Traceback" not in response.text


def test_unexpected_error_gives_an_incident_id_only(client, example, monkeypatch):
    def boom(book):
        raise RuntimeError("hemlig detalj")

    monkeypatch.setattr(xactions, "kontrollera", boom)
    response = post(client, "kontrollera", example)
    assert response.status_code == 400
    assert re.search(r"incident [0-9A-F]{8}", response.text)
    assert "hemlig" not in response.text and "RuntimeError" not in response.text


def test_the_task_pane_lists_the_last_runs(client, example):
    run(client, "sammanstall", example)
    data = client.get("/amanst/senaste").json()
    assert data["korningar"][0]["knapp"] == "Sammanställ"
    assert data["korningar"][0]["sammanfattning"].startswith("Sammanställ ")
