"""What the add-in writes back stays what it was, in Excel as Excel reinterprets strings.

Excel turns a string written as a value into a number, a date, a percentage, a boolean or a
formula when it looks like one (the stand-in's header cites where each rule is documented), unless
the cell is formatted as text. These strings come back exactly as the user wrote them through
Spara bedömning (comments and Bedömd av appended to Bedömningar) and through Kontrollera (the
Värde column of Kontroll). "19121212-1212" is Skatteverket's test personnummer.
"""

from __future__ import annotations

from addin.core import schema

from .workbook_model import table_rows

TRICKY = ["0012", "1-2", "75 %", "TRUE", "=SUMMA(1)", "-bra", "19121212-1212"]


def test_the_stand_in_would_change_every_one_of_them_in_a_general_cell(open_pane):
    pane = open_pane()
    got = pane.page.evaluate("(xs) => xs.map((x) => ExcelStandIn.interpret(x))", TRICKY)
    assert [g[0] for g in got][:4] == [12, 46054, 0.75, True]  # 1 February of 2026 (config.now)
    assert got[4] == ["#NAME?", None, "=SUMMA(1)"] and got[5] == ["#NAME?", None, "=-bra"]
    assert got[6] == ["19121212-1212", None, None]  # no rule matches it: Excel keeps it as text


def test_spara_bedomning_keeps_the_users_text(open_pane):
    pane = open_pane()
    placements = table_rows(pane.sheet(schema.PLATSER))
    ongoing = next(p["PlatsID"] for p in placements if p["Status"] == "Pågående")
    pane.page.fill("#amanst-plats", ongoing)
    pane.page.select_option("#amanst-tillfalle", "Uppföljning 2")
    pane.click("Nytt bedömningsformulär")
    assert pane.wait_for_run("Nytt bedömningsformulär")["status"] == "klar", pane.error_text()
    # The user types into the form as into any cell; the form's text cells keep it.
    pane.type(schema.FORMULAR, "B6", "-bra")
    for i, text in enumerate(TRICKY):
        pane.type(schema.FORMULAR, f"C{11 + i}", 2)
        pane.type(schema.FORMULAR, f"D{11 + i}", text)
    form = pane.sheet(schema.FORMULAR)
    assert [form["values"][10 + i][3] for i in range(len(TRICKY))] == TRICKY

    pane.click("Spara bedömning")
    assert pane.wait_for_run("Spara bedömning")["status"] == "klar", pane.error_text()
    sheet = pane.sheet(schema.BEDOMNINGAR)
    headers = sheet["values"][0]
    kommentar, bedomd_av = headers.index("Kommentar"), headers.index("Bedömd av")
    last = [r for r in sheet["values"] if any(v is not None for v in r)][-len(TRICKY):]
    formats = sheet["formats"][len(sheet["values"]) - len(TRICKY):]
    assert [r[kommentar] for r in last] == TRICKY
    assert all(r[bedomd_av] == "-bra" for r in last)
    assert all(f[kommentar] == "@" and f[bedomd_av] == "@" for f in formats)
    assert not sheet["formulas"]  # nothing became a formula


def test_kontrollera_shows_the_offending_text_as_it_is(open_pane):
    pane = open_pane()
    sheet = pane.sheet(schema.BEDOMNINGAR)
    column = sheet["values"][0].index("Nivå")
    letter = chr(65 + column)
    # A user's text cells (formatted as text, so Excel kept what was typed) in the Nivå column.
    pane.set_format(schema.BEDOMNINGAR, f"{letter}2:{letter}{1 + len(TRICKY)}", "@")
    for i, text in enumerate(TRICKY):
        pane.type(schema.BEDOMNINGAR, f"{letter}{2 + i}", text)

    pane.click("Kontrollera")
    assert pane.wait_for_run("Kontrollera")["status"] == "klar", pane.error_text()
    kontroll = pane.sheet(schema.KONTROLL)
    shown = {(row[0], row[1]): (row[3], fmt[3]) for row, fmt in
             zip(kontroll["values"][1:], kontroll["formats"][1:], strict=False) if row[2] == "Nivå"}
    for i, text in enumerate(TRICKY):
        assert shown[(schema.BEDOMNINGAR, 2 + i)] == (text, "@")
    assert not kontroll["formulas"]
