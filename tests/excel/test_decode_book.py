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


# --- the task pane's packed sheets (addin/excel/packed.py, packValues in amanst-run.js) ----------

def _packed(packed) -> dict:
    book = _book("x")
    book["sheets"][0] = {"name": "Platser", "values": [[]], "amanst_packed": packed}
    return book


def test_the_example_packed_is_read_as_the_same_book_as_sent_plain():
    from .conftest import EXAMPLE
    from .officejs_client import packed, payload

    plain = payload(EXAMPLE)
    book = packed(plain)
    assert sum("amanst_packed" in s for s in book["sheets"]) == len(plain["sheets"])
    raw = json.dumps(book, ensure_ascii=False).encode()
    assert len(raw) < len(json.dumps(plain, ensure_ascii=False).encode()) / 3
    assert decode_book(raw) == plain


def test_values_json_tells_apart_stay_apart_and_each_cell_is_its_values_one_object():
    # 1, 1.5, true, "1", null and "" in one column, as JavaScript's Map keeps them apart
    packed = {"width": 2, "distinct": ["A", 1, True, "1", None, "", 1.5],
              "index": [0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 1]}
    values = decode_book(json.dumps(_packed(packed)).encode())["sheets"][0]["values"]
    assert values == [["A", 1], ["A", True], ["A", "1"], ["A", None], ["A", ""], ["A", 1.5],
                      ["A", 1]]
    assert [type(row[1]) for row in values] == [int, bool, str, type(None), str, float, int]
    assert all(row[0] is values[0][0] for row in values)


@pytest.mark.parametrize("packed", [
    "x", [], {"width": 2, "distinct": ["a"]},  # not an object; no index
    {"width": 0, "distinct": ["a"], "index": []},
    {"width": True, "distinct": ["a"], "index": [0]},  # a boolean is no width
    {"width": "1", "distinct": ["a"], "index": [0]},
    {"width": 1.0, "distinct": ["a"], "index": [0]},
    {"width": 1, "distinct": "a", "index": [0]},
    {"width": 1, "distinct": ["a"], "index": []},  # no row
    {"width": 2, "distinct": ["a"], "index": [0, 0, 0]},  # a row cut short
    {"width": 1, "distinct": ["a", "b"], "index": [0, -1]},  # from the end, in Python
    {"width": 1, "distinct": ["a"], "index": [0, 1]},  # past the values
    {"width": 1, "distinct": ["a"], "index": [0.0]},
    {"width": 1, "distinct": ["a"], "index": ["0"]},
    {"width": 1, "distinct": ["a"], "index": [None]},
    {"width": 1, "distinct": ["a"], "index": [[0]]},
    {"width": 1, "distinct": ["a"], "index": [10 ** 30]},  # past what orjson reads, and any list
    {"width": 1, "distinct": [["a"]], "index": [0]},  # a value that is no cell's
    {"width": 1, "distinct": [{"a": 1}], "index": [0]},
])
def test_a_malformed_packed_sheet_is_a_400_in_swedish(packed):
    with pytest.raises(HTTPException) as caught:
        decode_book(json.dumps(_packed(packed)).encode())
    assert caught.value.status_code == 400
    assert caught.value.detail == "Förfrågan har inte arbetsbokens format och kunde inte läsas."
