"""Helpers for the certificate tests: the test date, the example path, reading a .docx."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from pathlib import Path

from docx import Document

from addin.operations import WORKBOOKS_DIR

TODAY = date(2026, 11, 27)
EXAMPLE = WORKBOOKS_DIR / "exempel.xlsx"
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
