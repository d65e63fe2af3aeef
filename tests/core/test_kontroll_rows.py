"""The Kontroll sheet's rows as docs/arbetsboken.md describes them: their order (sheet by sheet,
row by row, column by column) and the Värde column (the cell as text, a date as ÅÅÅÅ-MM-DD, an
empty cell empty); and how a long list of rows is named in a message (at most six, then …)."""

from __future__ import annotations

import random
from datetime import date

from addin.core.checks import sort_problems
from addin.core.checks.base import listed, problem

# docs/arbetsboken.md, the Kontroll sheet: "Deltagare, Platser, Bedömningar, Mervärde, sedan
# listorna och Inställningar"
SHEETS = ["Deltagare", "Platser", "Bedömningar", "Mervärde", "Förvaltningar", "Inställningar"]


def test_value_shown_is_the_cell_as_text():
    assert problem("Platser", 2, "Startdatum", date(2026, 3, 9), "m").value == "2026-03-09"
    assert problem("Platser", 2, "Startdatum", None, "m").value == ""
    assert problem("Platser", 2, "Sysselsättningsgrad", 75, "m").value == "75"
    assert problem("Platser", 2, "PlatsID", "P 1", "m").value == "P 1"


def test_problems_stand_sheet_by_sheet_row_by_row_column_by_column():
    wanted = [
        problem("Deltagare", 2, "DeltagarID", "", "a"),
        problem("Deltagare", 2, "Förnamn", "", "b"),
        problem("Deltagare", 5, "DeltagarID", "", "c"),
        problem("Platser", 2, "PlatsID", "", "d"),
        problem("Platser", 2, "Förvaltning", "", "e"),
        problem("Platser", 2, "Startdatum", "", "f"),
        problem("Platser", 2, "en kolumn som inte finns", "", "g"),  # no cell: last in its row
        problem("Platser", 3, "PlatsID", "", "h"),
        problem("Platser", 10, "PlatsID", "", "i"),
        problem("Bedömningar", 4, "PlatsID", "", "j"),
        problem("Mervärde", 2, "PlatsID", "", "k"),
        problem("Förvaltningar", 3, "Förvaltning", "", "l"),
        problem("Inställningar", 2, "Värde", "", "m"),
        problem("Ett annat blad", 1, "A", "", "n"),  # not a sheet of the workbook: last
    ]
    shuffled = wanted[:]
    random.Random(3).shuffle(shuffled)
    assert [p.message for p in sort_problems(shuffled)] == [p.message for p in wanted]


def test_a_problem_without_a_row_comes_first_in_its_sheet():
    rowless = problem("Platser", 0, "", "", "whole sheet")
    at_row = problem("Platser", 2, "PlatsID", "", "cell")
    assert [p.message for p in sort_problems([at_row, rowless])] == ["whole sheet", "cell"]


def test_a_long_list_names_six_and_says_there_are_more():
    assert listed(["2", "3"]) == "2, 3"
    assert listed([str(n) for n in range(2, 8)]) == "2, 3, 4, 5, 6, 7"
    assert listed([str(n) for n in range(2, 9)]) == "2, 3, 4, 5, 6, 7 …"
    assert listed([]) == ""
