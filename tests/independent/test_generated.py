"""Generated registers: the tally JSON and the steering workbook against the independent count.

The product counts issued certificates in the certificate register, never in a workbook's
Intygsregister sheet (README: the sheet is a copy). So each generated sheet's certificates are
first put into a real register through the product's own register API (claimed, finished, the
Återkallat ones revoked): that is the input; the count still reads only the sheet.
"""

from __future__ import annotations

import tempfile
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from addin.certificates.backend import open_store
from addin.certificates.store import ClaimRequest
from tests.independent import count, steering
from tests.independent.generate import registers
from tests.independent.test_steering_workbook import product_workbook
from tests.independent.test_tally_json import assert_same, product_tally

pytestmark = pytest.mark.slow




def register_of(books: list[count.Book], path: Path) -> Path:
    """A certificate register holding what the books' Intygsregister sheets list: one certificate
    per PlatsID of a workbook's prefix, valid when any row of it says Giltigt, else revoked."""
    when = datetime(2026, 11, 27, 9, 0)
    with open_store(path) as store:
        for book in books:
            prefix = count.text(book.settings.get("Intygsprefix"))
            listed = {count.text(r.get("PlatsID")) for r in book.certificate_rows} - {""}
            taken = {e.plats_id for e in store.entries(prefix)}
            requests = [ClaimRequest(pid, "", "sv") for pid in sorted(listed - taken)]
            if not requests:
                continue
            claims, _ = store.claim(prefix, 2026, requests, "test", book.name, when)
            store.finalize([(c.number, "fp", {"docx": (f"{c.number}.docx", "0" * 64)})
                            for c in claims], when)
            for c in claims:
                if c.request.plats_id not in book.certified:
                    store.revoke(c.number, "test", when)
    return path




@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(registers())
def test_tally_json_of_generated_registers(generated):
    with tempfile.TemporaryDirectory() as folder:
        path = generated.write(Path(folder) / "register.xlsx")
        start, end = generated.period
        register = register_of([count.read_book(path)], Path(folder) / "register.sqlite3")
        assert_same(product_tally([path], start, end, register),
                    count.tally_json([path], start, end))


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(registers(), registers())
def test_two_generated_registers_combined(one, two):
    with tempfile.TemporaryDirectory() as folder:
        paths = [one.write(Path(folder) / "a.xlsx"), two.write(Path(folder) / "b.xlsx")]
        start, end = one.period
        books = [count.read_book(p) for p in paths]
        register = register_of(books, Path(folder) / "register.sqlite3")
        assert_same(product_tally(paths, start, end, register), count.tally_json(paths, start, end))
        out = product_workbook(paths, start, end, Path(folder) / "styrgrupp.xlsx")
        assert steering.check_workbook(out, books, count.Period(start, end)) == []


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(registers())
def test_steering_workbook_of_generated_registers(generated):
    with tempfile.TemporaryDirectory() as folder:
        path = generated.write(Path(folder) / "register.xlsx")
        start, end = generated.period
        register_of([count.read_book(path)], Path(folder) / "register.sqlite3")
        out = product_workbook([path], start, end, Path(folder) / "styrgrupp.xlsx")
        problems = steering.check_workbook(out, [count.read_book(path)], count.Period(start, end))
        assert problems == []
