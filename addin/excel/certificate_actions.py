"""The button Utfärda intyg on any ``xw.Book``: read the register, issue, mirror to Intygsregister.

The certificates package does the issuing (``issue_certificates``: eligibility, numbers from the
register database, files, PDFs); this module only reads the book through the adapter, chooses
where the files go and writes the workbook's ``Intygsregister`` sheet back in a few writes:

- the sheet (and its table ``tblIntygsregister``) is created when the workbook has none;
- the new certificates' rows are appended after the last filled row, one block per run of
  adjacent contract columns (``book.append_rows``: a user's extra columns are left alone);
- a Status that changed in the register (Ersatt, Återkallat) is written into its cell, one block
  per run of adjacent rows.

Which rows to write comes from ``sheet_changes`` (the register against what the sheet shows), so
a second click issues nothing and writes nothing, and a sheet that missed a run catches up.
"""

from __future__ import annotations

import contextlib
from datetime import date
from pathlib import Path
from typing import Any

from ..certificates import IssueResult, issue_certificates, open_store, prefix_of, sheet_changes
from ..certificates.installation import issue_options
from ..core import schema
from ..core.model import RawSheet
from ..core.reading import find_sheet as find_raw
from ..settings import Settings
from . import book as xbook
from . import files
from .actions import INPUT_SHEETS, Outcome

# Everything eligibility looks at (Kontrollera's rules on Platser, Deltagare and Bedömningar use
# the catalogues and settings), plus the sheet the certificates are mirrored on. Not Mervärde.
SHEETS = (*(n for n in INPUT_SHEETS if n != schema.MERVARDE), schema.INTYGSREGISTER)
HEADERS = schema.REGISTER_SHEET.headers
SHOWN_REASONS = 5


def utfarda_intyg(book: Any, issuer: str, user_id: str, settings: Settings,
                  out_dir: Path | None = None, link_base: str | None = None,
                  today: date | None = None) -> Outcome:
    """Issue every eligible placement's certificate; append and update Intygsregister.

    ``issuer`` is the name written in the register; ``user_id`` becomes the files' owner for
    downloads. ``link_base`` (the server's ``/amanst`` path) adds a download link per
    certificate to the outcome; the desktop passes none.
    """
    today = today or date.today()
    loaded = xbook.load(book, SHEETS, today)
    register = loaded.register
    prefix = prefix_of(register, settings.prefixes())
    folder = Path(out_dir) if out_dir is not None else files.cert_dir(settings)
    options = issue_options(settings)  # the PDF seal and the credential key
    with open_store(settings.register_location()) as store:
        result = issue_certificates(register, folder, issuer, store, pdf=settings.cert_pdf,
                                    today=today, templates_dir=settings.templates_dir,
                                    soffice=settings.soffice, journal_dir=settings.state_dir,
                                    prefixes=settings.prefixes(), **options)
        where = store.where
        for cert in result.issued:
            files.record_owner(folder, cert.number, user_id)
        changes = sheet_changes(register.certificates, store.entries(prefix),
                                {p.plats_id for p in register.placements})
    if changes:
        _write_register_sheet(book, find_raw(loaded.raw, schema.INTYGSREGISTER), changes)
    links = _links(result, link_base) if link_base is not None else []
    return Outcome(_summary(result, len(changes.append), len(changes.status)),
                   {"utfardade": [c.number for c in result.issued],
                    "redan": len(result.already),
                    "ej_behoriga": [(i.plats_id, i.reason) for i in result.ineligible],
                    "nya_rader": len(changes.append), "andrad_status": len(changes.status),
                    "lankar": links, "intygsregister": where})


def _summary(result: IssueResult, appended: int, updated: int) -> str:
    parts = [f"Utfärda intyg: {len(result.issued)} nya intyg"]
    if result.already:
        parts.append(f"{len(result.already)} hade redan ett giltigt intyg")
    if result.ineligible:
        parts.append(f"{len(result.ineligible)} kunde inte få intyg")
    text = ", ".join(parts) + "."
    if result.ineligible:
        shown = " ".join(i.reason for i in result.ineligible[:SHOWN_REASONS])
        more = len(result.ineligible) - SHOWN_REASONS
        text += f" {shown}" + (f" (och {more} till)" if more > 0 else "")
    if result.issued:
        if not result.pdf_requested:
            text += " PDF-filer skapas inte på den här servern, bara Word-filer."
        elif result.pdf_skipped_reason:
            text += " " + result.pdf_skipped_reason
        elif result.pdf_missing:
            text += (f" PDF saknas för {len(result.pdf_missing)} intyg "
                     f"({', '.join(result.pdf_missing[:5])}); Word-filerna finns.")
    if appended or updated:
        text += f" Bladet {schema.INTYGSREGISTER}: {appended} nya rader"
        text += f", status ändrad på {updated} rader." if updated else "."
    return text


def _links(result: IssueResult, base: str) -> list[dict[str, str]]:
    links = []
    for cert in result.issued:
        if cert.pdf is not None:
            links.append({"title": f"{cert.number} (PDF)",
                          "url": f"{base}/intyg/{cert.number}.pdf"})
        links.append({"title": f"{cert.number} (Word)", "url": f"{base}/intyg/{cert.number}.docx"})
    return links


def _runs(numbers: list[int]) -> list[tuple[int, int]]:
    runs: list[list[int]] = []
    for n in sorted(numbers):
        if runs and runs[-1][1] == n - 1:
            runs[-1][1] = n
        else:
            runs.append([n, n])
    return [(a, b) for a, b in runs]


def _write_register_sheet(book: Any, raw: RawSheet | None, changes: Any) -> None:
    if raw is None or xbook.find_sheet(book, schema.INTYGSREGISTER) is None:
        _new_register_sheet(book, changes.append)
        return
    numbers: dict[str, int] = {}
    for i, header in enumerate(raw.headers, start=1):
        if header:
            numbers.setdefault(str(header).strip().casefold(), i)
    sheet = xbook.find_sheet(book, schema.INTYGSREGISTER)
    missing = [h for h in HEADERS if h.casefold() not in numbers]
    if missing:  # a column the sheet lacks is added at its end, never reordered
        first = max(numbers.values(), default=0) + 1
        xbook.write_block(sheet, raw.header_row, first, [missing])
        raw = RawSheet(raw.name, list(raw.headers) + [""] * (first - 1 - len(raw.headers))
                       + missing, raw.rows, raw.header_row)
        numbers.update({h.casefold(): first + i for i, h in enumerate(missing)})
    status_col = numbers[HEADERS[-1].casefold()]
    for top, bottom in _runs(list(changes.status)):
        xbook.write_block(sheet, top, status_col,
                          [[changes.status[r]] for r in range(top, bottom + 1)], 1)
    if changes.append:
        xbook.append_rows(book, schema.INTYGSREGISTER, raw,
                          [dict(zip(HEADERS, row, strict=True)) for row in changes.append])


def _new_register_sheet(book: Any, rows: list[list[str]]) -> None:
    sheet = book.sheets.add(name=schema.INTYGSREGISTER, after=book.sheets[len(book.sheets) - 1])
    grid = [list(HEADERS)] + [list(r) for r in rows]
    xbook.write_block(sheet, 1, 1, grid, len(HEADERS))
    xbook.style_header(sheet, 1, len(HEADERS))
    xbook.set_widths(book, sheet, [c.width for c in schema.REGISTER_SHEET.columns])
    last = max(len(grid), 2)
    with contextlib.suppress(AttributeError, NotImplementedError):  # no tables: a plain range
        sheet.tables.add(source=xbook.cells(sheet, 1, 1, last, len(HEADERS)),
                         name=schema.REGISTER_SHEET.table, table_style_name="TableStyleMedium2",
                         has_headers=True)
    xbook.freeze_header(sheet)
