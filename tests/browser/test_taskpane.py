"""Every button through the real task pane and xlwings' real Office.js client, in Chromium, on the
example workbook in Excel on the web (the stand-in): what the workbook holds afterwards, what
"Senaste körningar" says, and what the user sees when something fails.

The expected problems come from the command line (``amanst validate --json``), which reads the
file with calamine, not through Excel; the expected sheets and texts from docs/excel-tillagg.md.
"""

from __future__ import annotations

import json
import subprocess
import sys
from urllib.parse import unquote

import pytest

from addin.core import schema

from .conftest import EXAMPLE, REPO
from .workbook_model import table_rows

FEL_FILL = "#FFC7CE"  # docs/excel-tillagg.md: errors red, warnings yellow (presentation fills)


def cli_problems() -> list[dict]:
    out = subprocess.run([sys.executable, "-m", "addin", "validate", str(EXAMPLE), "--json"],
                         cwd=REPO, capture_output=True, text=True)
    return json.loads(out.stdout)


def test_kontrollera_lists_every_problem_marks_the_cells_and_waits_for_excel(open_pane):
    pane = open_pane()
    pane.click("Kontrollera")
    assert pane.error_text() is None, pane.console[-10:]
    run = pane.wait_for_run("Kontrollera")
    assert run["status"] == "klar"  # confirmed by the client after Excel applied the actions

    expected = cli_problems()
    kontroll = pane.sheet(schema.KONTROLL)
    assert kontroll["values"][0] == list(schema.KONTROLL_HEADERS)
    got = [dict(zip(("sheet", "row", "column", "value", "message", "severity"), row, strict=False))
           for row in kontroll["values"][1:len(expected) + 1]]
    assert [(g["sheet"], g["row"], g["column"], g["message"], g["severity"]) for g in got] == \
        [(e["sheet"], e["row"], e["column"], e["message"], e["severity"]) for e in expected]
    for g, e, fmt in zip(got, expected, kontroll["formats"][1:], strict=False):
        if isinstance(e["value"], str) and e["value"] and not e["value"][:4].isdigit():
            assert g["value"] == e["value"] and fmt[3] == "@"  # text stays text
    # Every offending cell is coloured, with a note saying what is wrong (ExcelApi 1.18).
    deltagare = pane.sheet(schema.DELTAGARE)
    headers = deltagare["values"][0]
    for e in expected:
        if e["sheet"] == schema.DELTAGARE and e["severity"] == schema.SEVERITY_FEL:
            cell = f"{chr(65 + headers.index(e['column']))}{e['row']}"
            assert deltagare["fills"][cell] == FEL_FILL and e["message"] in deltagare["notes"][cell]
    marks = pane.sheet("Kontrollmarkeringar")
    assert marks["visibility"] == "Hidden" and len(marks["values"]) > len(expected) // 2

    # A second run resets exactly the cells it marked: same marks, no note added twice.
    pane.click("Kontrollera")
    assert pane.wait_for_run("Kontrollera")["status"] == "klar"
    assert pane.sheet(schema.DELTAGARE)["notes"] == deltagare["notes"]
    assert pane.stats()["refused"] == 0


def test_the_pane_sends_each_sheet_it_reads_packed_and_the_server_reads_the_same_rows(open_pane):
    # amanst-run.js's packValues against the server's unpacking (addin/excel/packed.py) and the
    # tests' double of it (tests/excel/officejs_client.py, used by the server tests and bench)
    import gzip

    from addin.excel.packed import unpack
    from tests.excel.officejs_client import pack_values

    pane = open_pane()
    bodies = []

    def keep(route):
        bodies.append((route.request.headers.get("content-encoding"), route.request.post_data_buffer))
        route.continue_()

    pane.page.route("**/xlwings/custom-scripts-call/kontrollera", keep)
    pane.click("Kontrollera")
    assert pane.wait_for_run("Kontrollera")["status"] == "klar"
    ((encoding, raw),) = bodies
    assert encoding == "gzip"
    sent = json.loads(gzip.decompress(raw))
    read = {s["name"]: s for s in sent["sheets"] if "amanst_packed" in s}
    kontrollera = next(b for b in json.loads(pane.page.evaluate(
        "() => document.getElementById('amanst-buttons').textContent"))
        if b["function_name"] == "kontrollera")["include"].split(",")
    holding = {s["name"] for s in sent["sheets"] if s["used_range_address"]}  # empty: [[""]]
    assert set(read) == set(kontrollera) & holding and schema.BEDOMNINGAR in read
    assert all(s["values"] == [[]] for s in read.values())
    bedomningar = read[schema.BEDOMNINGAR]["amanst_packed"]
    assert len(bedomningar["distinct"]) * 20 < len(bedomningar["index"])  # each value once
    rows = {name: unpack(sheet["amanst_packed"]) for name, sheet in read.items()}
    assert rows[schema.BEDOMNINGAR][0] == list(schema.SPEC_BY_NAME[schema.BEDOMNINGAR].headers)
    for name, sheet in read.items():
        assert pack_values(rows[name]) == sheet["amanst_packed"], name
        assert len(rows[name]) == len(pane.sheet(name)["values"]), name
    # values the example does not hold side by side: JavaScript's Map keeps 1, "1" and true apart
    tricky = [["1", 1, True], [1, None, ""], ["", "1", False], [0, False, "Å"]]
    src = pane.page.evaluate("() => [...document.scripts].find((s) => s.src.endsWith('/amanst.js'))"
                             ".src.replace(/amanst[.]js$/, 'amanst-run.js')")
    in_js = pane.page.evaluate("([src, v]) => import(src).then((m) => m.packValues(v))",
                               [src, tricky])
    assert in_js == pack_values(tricky) and unpack(in_js) == tricky
    assert [(type(v), v) for v in in_js["distinct"]] == [
        (str, "1"), (int, 1), (bool, True), (type(None), None), (str, ""), (bool, False), (int, 0),
        (str, "Å")]  # 1 == True in Python: compared with their types
    # more cells than the server unpacks (max_book_bytes / 20, addin/excel/packed.py): a Swedish
    # message before anything is sent
    refused = pane.page.evaluate("""([src]) => import(src).then((m) => m.encode({sheets: [
        {amanst_packed: {index: {length: 4000000}}}]}).then(() => null, (e) => e.message))""",
                                 [src])
    assert refused.startswith("Arbetsboken är för stor för att skickas till servern (4")
    assert "celler, gränsen är 3" in refused and "Inget har skickats" in refused


# 1.9 is the manifest's minimum (addin/excel/excelapi.py): no notes, no Table.resize there.
@pytest.mark.parametrize("api", ["1.18", "1.9"])
def test_every_button_in_order_through_the_pane(open_pane, api):
    pane = open_pane(api=api)
    pane.click("Sammanställ")
    assert pane.wait_for_run("Sammanställ")["status"] == "klar"
    summary = pane.sheet(schema.SAMMANSTALLNING)
    assert summary["values"][0][0].startswith("Sammanställning ")
    assert summary["charts"] and summary["charts"][0]["name"] == "Mål och platser"

    # The form: PlatsID and Tillfälle typed in the pane, above the button that uses them.
    placements = table_rows(pane.sheet(schema.PLATSER))
    ongoing = next(p["PlatsID"] for p in placements if p["Status"] == "Pågående")
    pane.page.fill("#amanst-plats", ongoing)
    pane.page.select_option("#amanst-tillfalle", "Uppföljning 2")
    pane.click("Nytt bedömningsformulär")
    assert pane.wait_for_run("Nytt bedömningsformulär")["status"] == "klar", pane.error_text()
    form = pane.sheet(schema.FORMULAR)
    assert form["values"][2][1] == ongoing and form["values"][3][1] == "Uppföljning 2"
    assert form["formats"][4][1] == "yyyy-mm-dd"  # the date is a date
    assert pane.page.evaluate("() => ExcelStandIn.activeSheet()") == schema.FORMULAR

    before = len(table_rows(pane.sheet(schema.BEDOMNINGAR)))
    pane.type(schema.FORMULAR, "B6", "Hanna Handledare")
    pane.type(schema.FORMULAR, "C11", 3)
    pane.type(schema.FORMULAR, "C12", 2)
    pane.click("Spara bedömning")
    assert pane.wait_for_run("Spara bedömning")["status"] == "klar", pane.error_text()
    rows = table_rows(pane.sheet(schema.BEDOMNINGAR))
    assert len(rows) == before + 2
    assert [r["Nivå"] for r in rows[-2:]] == [3, 2] and rows[-1]["PlatsID"] == ongoing
    table = pane.sheet(schema.BEDOMNINGAR)["tables"][0]
    if api == "1.18":
        assert table["address"].endswith(str(before + 3))  # the table took the new rows in
    else:  # Table.resize is ExcelApi 1.13: the rows are just below the table, read all the same
        assert table["address"].endswith(str(before + 1))

    pane.click("Utfärda intyg")
    run = pane.wait_for_run("Utfärda intyg")
    assert run["status"] == "klar", run
    register = table_rows(pane.sheet(schema.INTYGSREGISTER))
    assert register and all(r["Status"] == schema.CERT_GILTIGT for r in register)
    assert pane.page.locator(".amanst-download").count() >= len(register)

    pane.click("Skicka till styrgruppen")
    run = pane.wait_for_run("Skicka till styrgruppen")
    assert run["status"] == "klar", run
    assert [r["knapp"] for r in pane.runs()[:5]] == [
        "Skicka till styrgruppen", "Utfärda intyg", "Spara bedömning", "Nytt bedömningsformulär",
        "Sammanställ"]
    assert pane.stats()["refused"] == 0


def test_the_ribbon_runs_a_button_like_the_pane(open_pane):
    pane = open_pane()
    pane.ribbon("kontrollera")
    assert schema.KONTROLL in pane.sheet_names()
    assert pane.wait_for_run("Kontrollera")["status"] == "klar"
    # A failing command tells the user in a dialog, in Swedish (a command has no pane).
    pane.ribbon("spara_bedomning")
    dialogs = [unquote(d) for d in pane.page.evaluate("() => ExcelStandIn.dialogs")]
    assert dialogs and "title=Fel" in dialogs[-1] and "Nytt bedömningsformulär" in dialogs[-1]


def test_an_error_is_swedish_and_the_next_click_clears_it(open_pane):
    pane = open_pane()
    pane.click("Spara bedömning")  # no form yet: the server says what to do
    message = pane.error_text()
    assert message and "Nytt bedömningsformulär" in message
    assert pane.wait_for_run("Spara bedömning")["status"] == "fel"
    pane.click("Sammanställ")
    assert pane.error_text() is None
    assert pane.wait_for_run("Sammanställ")["status"] == "klar"


def test_a_run_excel_could_not_apply_is_recorded_as_failed(open_pane):
    pane = open_pane()
    pane.page.evaluate("() => ExcelStandIn.failWrites('InvalidOperationInCellEditMode')")
    pane.click("Kontrollera")
    message = pane.error_text()
    assert message and "redigerar en cell" in message and "Enter" in message
    run = pane.wait_for_run("Kontrollera")
    assert run["status"] == "fel" and run["text"].startswith("Excel kunde inte göra ändringarna")
    assert schema.KONTROLL not in pane.sheet_names()


def test_an_excel_too_old_is_told_before_anything_is_sent(open_pane):
    pane = open_pane(api="1.8")
    runs_before = pane.runs()
    posts = []
    pane.page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    pane.click("Kontrollera")
    message = pane.error_text()
    assert message and "för gammal" in message and "ExcelApi 1.9" in message  # the manifest's
    assert posts == [] and pane.runs() == runs_before


def test_without_notes_the_cells_are_still_coloured(open_pane):
    pane = open_pane(api="1.17")  # notes need ExcelApi 1.18
    assert pane.page.evaluate(
        "() => Office.context.requirements.isSetSupported('ExcelApi', '1.18')") is False
    pane.click("Kontrollera")
    assert pane.wait_for_run("Kontrollera")["status"] == "klar", pane.error_text()
    deltagare = pane.sheet(schema.DELTAGARE)
    assert deltagare["fills"] and not deltagare["notes"]


def test_the_pane_is_quick_to_use_with_the_keyboard(open_pane):
    pane = open_pane()
    page = pane.page
    # Short labels; the explanation on hover (title) and folded under "Vad gör knapparna?".
    kontrollera = page.get_by_role("button", name="Kontrollera", exact=True)
    assert kontrollera.get_attribute("title").startswith("Går igenom alla regler")
    assert not page.locator("#amanst-help-kontrollera").is_visible()
    page.locator("summary").click()
    assert page.locator("#amanst-help-kontrollera").is_visible()
    # PlatsID and Tillfälle sit above the button that uses them.
    form_button = page.get_by_role("button", name="Nytt bedömningsformulär", exact=True)
    assert page.locator("#amanst-plats").bounding_box()["y"] < form_button.bounding_box()["y"]
    # Reach Kontrollera with Tab alone and run it with Enter.
    # From the top of the pane (clicking the heading moves where Tab starts from).
    page.locator("h1").click()
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.dataset.amanstScript") == "kontrollera":
            break
    else:
        raise AssertionError("Kontrollera is not reachable with Tab")
    page.keyboard.press("Enter")
    assert pane.wait_for_run("Kontrollera")["status"] == "klar"
    # The last run is shown at the top, without scrolling (the pane is 340×900 here).
    status = page.locator("#amanst-status")
    assert "Klar" in status.text_content() and "Kontrollera" in status.text_content()
    assert status.bounding_box()["y"] + status.bounding_box()["height"] < 200
    # The page frame is Swedish too.
    assert page.locator("#xlwings-taskpane-reload-btn").text_content() == "Ladda om"
    assert page.locator("#global-error-alert .btn-close").get_attribute("aria-label") == "Stäng"
