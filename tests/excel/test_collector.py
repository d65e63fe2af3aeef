"""The server and the collector: start-up objects frozen, a Kontrollera's bulk let go in time.

Python's collector is triggered by the number of objects made and not yet freed
(https://docs.python.org/3/library/gc.html#gc.set_threshold), and a frozen object is never
traversed again (``gc.freeze``). A request that leaves its register alive when the collector
resumes makes the next collection traverse all of it; one that lets go first leaves it nothing.
"""

from __future__ import annotations

import gc
from datetime import date, datetime

import xlwings as xw
from fastapi.testclient import TestClient

from addin import collector
from addin.excel import actions
from addin.excel.scripts import SCRIPTS
from addin.excel.webapp import decode_book

from .conftest import EXAMPLE
from .officejs_client import payload


def test_the_server_settles_its_collector_when_it_starts(app, monkeypatch):
    # tests/excel/conftest.py keeps the test process's collector as Python's default; here the
    # app starts as uvicorn starts it in every worker, lifespan included
    monkeypatch.setattr(collector, "_settled", False)
    saved = gc.get_threshold()
    try:
        with TestClient(app) as client:
            assert client.get("/").status_code == 200
            assert gc.get_freeze_count() > 10_000  # the imports and the app: tens of thousands
            assert gc.get_threshold() == (collector.YOUNG_THRESHOLD, *saved[1:])
            frozen = gc.get_freeze_count()
            collector.settle_after_start()  # a second start in one process freezes nothing more
            # (frozen objects that are freed meanwhile leave the count: it may only go down)
            assert gc.get_freeze_count() <= frozen
    finally:
        gc.unfreeze()
        gc.set_threshold(*saved)


class _Watch:
    """Stands in for ``gc`` in ``addin.collector``: notes how many new objects are alive (in
    the youngest generation) each time the collector is resumed."""

    def __init__(self) -> None:
        self.alive_at_enable: list[int] = []

    def isenabled(self) -> bool:
        return gc.isenabled()

    def disable(self) -> None:
        gc.disable()

    def enable(self) -> None:
        self.alive_at_enable.append(len(gc.get_objects(generation=0)))
        gc.enable()


def test_kontrollera_lets_go_of_the_register_before_the_collector_resumes(monkeypatch):
    book = xw.Book(json=payload(EXAMPLE, SCRIPTS["kontrollera"].__xlscript__["include"]))
    watch = _Watch()
    monkeypatch.setattr(collector, "gc", watch)
    gc.collect()
    outcome = actions.kontrollera(book, today=date(2026, 12, 2), now=datetime(2026, 12, 2, 9))
    assert outcome.details["fel"] > 0  # the example's planted errors: the run did its work
    # the example's register is about 20,000 records; what is left is the problems and the
    # actions for Excel (a few hundred)
    assert watch.alive_at_enable and max(watch.alive_at_enable) < 2_000
    assert gc.isenabled()


def test_reading_a_request_leaves_the_collector_as_it_was():
    body = (b'{"client": "Office.js", "version": "1", "book": {"name": "b.xlsx"}, '
            b'"sheets": [{"name": "A", "values": [["x", 1]]}], "names": []}')
    assert gc.isenabled()
    assert decode_book(body)["sheets"][0]["values"] == [["x", 1]]
    assert gc.isenabled()
    gc.disable()
    try:  # a caller that had paused it gets it back paused
        decode_book(body)
        assert not gc.isenabled()
    finally:
        gc.enable()
