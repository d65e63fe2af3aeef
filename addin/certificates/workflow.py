"""File-level operations for certificates: issue from a workbook path, verify, revoke.

These join the core (``issuing``), the register (``store``) and the .xlsx adapters, and print
nothing; the command line (``addin.cli.certificates``) and the demo call them. ``register`` is the
register's location (``Settings.register_location()`` or ``--register``): a SQLite file or a
``postgresql://`` URL.
"""

from __future__ import annotations

import getpass
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from ..collector import bulk_objects
from ..core.errors import AmanstError
from ..core.model import RawSheet, Register
from ..core.reading import load_register
from ..core.schema import INTYGSREGISTER
from ..xlsx import reader
from ..xlsx.atomic import kept_backup
from ..xlsx.safety import check_writable
from ..xlsx.tablesheet import update_table_sheet
from ..xlsx.zipparts import UnsupportedPackage
from .backend import open_store
from .files import sha256_file
from .issuing import IssueResult, Progress, issue_certificates, prefix_of
from .sheet import find_raw, sheet_changes, table_sheet, write_sheet
from .store import CertificateStore, Entry, Event, Verification


def current_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name (a service): still issue, say who is unknown
        return "okänd"


@dataclass
class WorkbookIssue:
    result: IssueResult
    workbook: Path | None = None  # where the Intygsregister sheet was written
    backup: Path | None = None
    workbook_error: str = ""  # Swedish, when the sheet could not be written
    pdf_from_original: bool = False  # a reissue made a PDF because the replaced one had one


def _load(path: Path, today: date | None) -> tuple[dict[str, RawSheet], Register]:
    with bulk_objects():
        raw = reader.read_raw_book(path)
        return raw, load_register(raw, source=path.name, today=today or date.today())


def sync_workbook(path: Path, store: CertificateStore, out: Path | None = None,
                  today: date | None = None, backup: bool = True,
                  loaded: tuple[dict[str, RawSheet], Register] | None = None
                  ) -> tuple[Path | None, Path | None]:
    """Bring the workbook's Intygsregister sheet up to date with the register.

    Writes ``out`` (default: the workbook itself, with a dated backup beside it) only when
    something changed; returns (written path, backup). ``loaded`` is the workbook as just read,
    when the caller has it (issuing reads it once).
    """
    raw, register = loaded or _load(path, today)
    prefix = prefix_of(register)
    changes = sheet_changes(register.certificates, store.entries(prefix),
                            {p.plats_id for p in register.placements})
    target = out or path
    if not changes and (out is None or out.exists()):
        return None, None
    with kept_backup(target, path if backup else None) as made:  # removed if the save fails
        try:
            update_table_sheet(path, target, table_sheet(changes), find_raw(raw, INTYGSREGISTER))
            return target, made
        except UnsupportedPackage:
            pass
        from ..xlsx import writer  # the openpyxl fallback

        wb = writer.load_for_update(path)
        write_sheet(wb, changes)
        writer.save_atomic(wb, target)
    return target, made


def issue_workbook(path: Path, out_dir: Path, *, register: str | Path, pdf: bool = False,
                   reissue: str | None = None, workbook_out: Path | None = None,
                   issuer: str | None = None, today: date | None = None,
                   progress: Progress | None = None, backup: bool = True,
                   templates_dir: Path | None = None, soffice: str = "",
                   journal_dir: Path | None = None, prefixes: Collection[str] | None = None,
                   example: bool = False, options: Mapping[str, Any] | None = None
                   ) -> WorkbookIssue:
    """Issue from the workbook at ``path``; ``options`` are further ``issue_certificates``
    arguments from the settings (the seal, the credential key: ``installation.issue_options``).
    ``prefixes`` are the installation's Intygsprefix, ``journal_dir`` its state folder; with
    ``example`` (amanst demo) the register must be, or become, an example register."""
    loaded = _load(path, today)
    reg = loaded[1]
    prefix_of(reg, prefixes)
    # refusals before any number is taken: a workbook open in Excel (or read-only) would leave
    # certificates the sheet doesn't show
    check_writable(workbook_out or path)
    with open_store(register) as store:
        if example:  # amanst demo: a register of example certificates only
            store.mark_example()
        from_original = bool(reissue) and not pdf and _had_pdf(store, reg, reissue or "")
        result = issue_certificates(reg, out_dir, issuer or current_user(), store,
                                    pdf=pdf or from_original, reissue=reissue, today=today,
                                    progress=progress, templates_dir=templates_dir,
                                    soffice=soffice, journal_dir=journal_dir, prefixes=prefixes,
                                    **(options or {}))
        outcome = WorkbookIssue(result, pdf_from_original=from_original)
        try:
            outcome.workbook, outcome.backup = sync_workbook(path, store, workbook_out, today,
                                                             backup, loaded)
        except AmanstError as exc:
            outcome.workbook_error = (f"Intygen är utfärdade och registrerade, men bladet "
                                      f"Intygsregister kunde inte skrivas: {exc} Kör samma "
                                      "kommando igen när det är åtgärdat: inget utfärdas två "
                                      "gånger och bladet kommer ikapp.")
    return outcome


def _had_pdf(store: CertificateStore, register: Register, plats_id: str) -> bool:
    """Whether the valid certificate a reissue replaces was issued with a PDF."""
    number = store.live_numbers(prefix_of(register)).get(plats_id.strip())
    entry = store.get(number) if number else None
    return entry is not None and "pdf" in entry.files


def verify(number: str, code: str, register: str | Path, file: Path | None = None
           ) -> Verification:
    sha = None
    if file is not None:
        try:
            sha = sha256_file(file)
        except OSError as exc:
            raise AmanstError(f"Filen {file} kunde inte läsas: {exc.strerror}.") from None
    with open_store(register, create=False) as store:
        return store.verify(number, code, sha)


def history(number: str, register: str | Path) -> list[Event]:
    with open_store(register, create=False) as store:
        return store.history(number)


def revoke(number: str, register: str | Path, reason: str = "",
           workbook: Path | None = None, now: datetime | None = None, who: str | None = None
           ) -> tuple[Entry, Path | None]:
    if workbook is not None:
        check_writable(workbook)  # refused before anything changes
    with open_store(register, create=False) as store:
        entry = store.revoke(number, reason, now or datetime.now(), who or current_user())
        written = None
        if workbook is not None:
            written, _ = sync_workbook(workbook, store)
    return entry, written
