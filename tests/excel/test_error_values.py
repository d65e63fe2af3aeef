"""Through the add-in (Office.js sends an error value as its code, e.g. "#N/A"), an error value is
a Fel at its cell, as it is from a file."""

from __future__ import annotations

import openpyxl
import xlwings as xw

from addin.core import checks, schema
from addin.excel import book as xbook
from tests.builders import TODAY

from .conftest import EXAMPLE
from .officejs_client import payload


def test_an_error_value_sent_by_office_js_is_a_fel_naming_it():
    wb = openpyxl.load_workbook(EXAMPLE)
    ws = wb[schema.PLATSER]
    column = [c.value for c in ws[1]].index("Utfall efter 90 dagar") + 1
    ws.cell(row=3, column=column).value = "#N/A"  # openpyxl keeps it as an error cell
    assert ws.cell(row=3, column=column).data_type == "e"
    sheets = [s.name for s in schema.REQUIRED_SHEETS]
    book = xw.Book(json=payload(EXAMPLE, sheets, workbook=wb))
    loaded = xbook.load(book, sheets, today=TODAY)
    found = [p for p in checks.validate(loaded.register, TODAY)
             if (p.sheet, p.row) == (schema.PLATSER, 3)]
    assert [(p.column, p.value) for p in found] == [("Utfall efter 90 dagar", "#N/A")]
    assert "#SAKNAS!" in found[0].message
