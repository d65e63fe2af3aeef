"""The adapter and the desktop entry points on a book built from the client's JSON (no HTTP)."""

from __future__ import annotations

import xlwings as xw

from addin.core import schema
from addin.excel import book as xbook
from addin.excel import desktop
from addin.excel.scripts import SCRIPTS

from .conftest import EXAMPLE
from .officejs_client import payload


def remote_book(script: str, workbook=None) -> xw.Book:
    return xw.Book(json=payload(EXAMPLE, SCRIPTS[script].__xlscript__["include"],
                                workbook=workbook))


def test_desktop_entry_point_runs_the_same_action_and_tells_the_user():
    book = remote_book("sammanstall")
    message = desktop.sammanstall(book)
    assert message.startswith("Sammanställ ") and "platser" in message
    funcs = [a["func"] for a in book.json()["actions"]]
    assert "addSheet" in funcs and funcs[-1] == "alert"


def test_desktop_entry_point_shows_a_fixable_problem_as_it_is():
    import openpyxl

    wb = openpyxl.load_workbook(EXAMPLE)
    del wb[schema.PLATSER]
    book = remote_book("sammanstall", wb)
    message = desktop.sammanstall(book)
    assert "bladet 'Platser'" in message
    assert [a["func"] for a in book.json()["actions"]] == ["alert"]  # nothing written


def test_colour_blocks_respect_the_clients_limit():
    cells = [(r, c) for r in range(2, 3000) for c in (1, 16)]
    bands = xbook._bands(cells)
    covered = set()
    for top, left, bottom, right in bands:
        assert (bottom - top + 1) * (right - left + 1) <= xbook.SET_COLORS_MAX
        covered |= {(r, c) for r, c in cells if top <= r <= bottom and left <= c <= right}
    assert covered == set(cells)
    assert xbook._bands([(2, 3), (500, 3)]) == [(2, 3, 2, 3), (500, 3, 500, 3)]


def test_a1_round_trip():
    for row, col in [(1, 1), (27, 26), (3, 27), (1048576, 16384)]:
        assert xbook._parse_a1(xbook._a1(row, col)) == (row, col)
    assert xbook._parse_a1("$AB$12") == (12, 28)


def test_serve_sets_defaults_but_keeps_what_is_set():
    from addin import resources, settings

    env = settings.xlwings_environment(resources.SERVER_DIR, {"XLWINGS_ENVIRONMENT": "prod"})
    assert env["XLWINGS_ENVIRONMENT"] == "prod"
    assert env["XLWINGS_LICENSE_KEY"] == "noncommercial"
    assert env["XLWINGS_PROJECT_DIR"] == str(resources.SERVER_DIR)
    assert (resources.SERVER_DIR / "custom_scripts" / "__init__.py").exists()


def test_read_grid_takes_the_clients_rows_as_they_came():
    book = remote_book("kontrollera")
    sheet = xbook.find_sheet(book, schema.PLATSER)
    sent = sheet.api["values"]
    grid = xbook.read_grid(sheet)
    assert grid is sent  # no copy of a sheet that is already the rectangle from A1
    assert grid[0][:2] == ["PlatsID", "Förvaltning"]


def test_read_grid_copies_ragged_rows_and_leaves_the_book_as_it_was():
    book = remote_book("kontrollera")
    sheet = xbook.find_sheet(book, schema.PLATSER)
    sent = sheet.api["values"]
    sent[3] = sent[3][:2]  # a client that left a row short: read through xlwings, as before
    before = [list(row) for row in sent]
    grid = xbook.read_grid(sheet)
    assert grid is not sent and grid == before and sent == before


def test_a_write_goes_to_its_own_book_when_another_book_was_opened_since():
    # xlwings' remote App runs a macro in the book opened last (books.active); the server opens
    # one book per request, and a request that waits (its turn, a button in a thread) must not
    # send its writes to the next request's user, nor get theirs
    first = remote_book("kontrollera")
    second = remote_book("kontrollera")
    sheet = xbook.find_sheet(first, schema.PLATSER)
    xbook.write_block(sheet, 30, 2, [["P-skrivs-här", 3]])
    xbook.text_format(sheet, 31, 2, 31, 3)
    writes = [a["args"] for a in first.json()["actions"] if a["func"] == "runMacro"]
    assert [w[:4] for w in writes] == [[xbook.WRITE_ACTION, sheet.index - 1, 29, 1],
                                       [xbook.WRITE_ACTION, sheet.index - 1, 30, 1]]
    assert writes[0][4] == [["P-skrivs-här", 3]]
    assert second.json()["actions"] == []
