"""Helpers for the certificate tests: the test date, the example path, reading a .docx."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from pathlib import Path

from docx import Document

from addin.resources import workbooks_dir

TODAY = date(2026, 11, 27)
EXAMPLE = workbooks_dir() / "exempel.xlsx"
def docx_text(data: bytes | Path) -> str:
    """All text of a .docx: body paragraphs, table cells, headers and footers."""
    raw = data.read_bytes() if isinstance(data, Path) else data
    doc = Document(io.BytesIO(raw))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    for section in doc.sections:
        parts.extend(p.text for p in section.header.paragraphs)
        parts.extend(p.text for p in section.footer.paragraphs)
    return "\n".join(parts)


def zip_parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert z.testzip() is None
        return {name: z.read(name) for name in z.namelist()}


PG_ENV = "AMANST_TEST_POSTGRES_URL"
PG_HOWTO = "run them with a throwaway server: scripts/with-postgres.sh"


def postgres_register():
    """Yield a URL whose search_path is a new schema; drop the schema afterwards."""
    import os
    import secrets
    from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

    import pytest

    url = os.environ.get(PG_ENV, "").strip()
    if not url:
        message = (f"{PG_ENV} is not set: no PostgreSQL server for the register tests "
                   f"({PG_HOWTO})")
        if os.environ.get("CI"):
            pytest.fail(message + " (CI must run them: .ci/run starts PostgreSQL)")
        pytest.skip(message)
    import psycopg

    schema = f"t_{secrets.token_hex(6)}"
    with psycopg.connect(url, autocommit=True) as con:
        con.execute(f"CREATE SCHEMA {schema}")
    parts = urlsplit(url)
    query = parse_qsl(parts.query) + [("options", f"-c search_path={schema}")]
    try:
        yield urlunsplit(parts._replace(query=urlencode(query, quote_via=quote)))
    finally:
        with psycopg.connect(url, autocommit=True) as con:
            con.execute(f"DROP SCHEMA {schema} CASCADE")


def status_counts(register: str) -> dict[str, int]:
    """Every row of the register by status, including claims (Utfärdas) and voided ones."""
    from addin.certificates.backend import open_store

    with open_store(register) as store:
        return dict(store._read("SELECT status, COUNT(*) FROM certificates GROUP BY status"))


def sequence_last(register: str) -> list[int]:
    from addin.certificates.backend import open_store

    with open_store(register) as store:
        return [r[0] for r in store._read("SELECT last FROM sequences")]
