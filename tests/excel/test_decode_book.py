"""The workbook in a button's request is read with orjson, and with ``json`` where orjson refuses
what ``json`` reads: the same requests give the same book as before (addin/excel/webapp.py)."""

from __future__ import annotations

import json

import pytest
from fastapi import HTTPException

from addin.excel.webapp import decode_book


def _book(value) -> dict:
    return {"client": "Office.js", "version": "0.0",
            "book": {"name": "b.xlsx", "active_sheet_index": 0, "selection": "A1"},
            "names": [], "sheets": [
        {"name": "Platser", "values": [["PlatsID"], [value]], "pictures": [], "tables": []}]}


@pytest.mark.parametrize("value", ["P1", "Åsa Öberg", "\u00a0", 3.5, None, True, "日本"])
def test_ordinary_books_read_as_json_reads_them(value):
    raw = json.dumps(_book(value), ensure_ascii=False).encode()
    assert decode_book(raw) == json.loads(raw)


def test_a_lone_surrogate_in_a_cell_is_read_as_before():
    raw = json.dumps(_book("x")).replace('"x"', '"\\ud800"').encode()
    assert decode_book(raw)["sheets"][0]["values"][1][0] == "\ud800"


def test_bytes_that_are_not_utf8_are_replaced_as_before():
    raw = json.dumps(_book("ab")).encode().replace(b'"ab"', b'"a\xffb"')
    assert decode_book(raw)["sheets"][0]["values"][1][0] == "a\ufffdb"


@pytest.mark.parametrize("raw", [b"{", b"[" * 100_000 + b"]" * 100_000, b"NaN-", b""])
def test_what_is_not_json_is_a_400_in_swedish(raw):
    with pytest.raises(HTTPException) as caught:
        decode_book(raw)
    assert caught.value.status_code == 400
    assert "JSON" in caught.value.detail or "format" in caught.value.detail
