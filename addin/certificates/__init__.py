"""Kompetensintyg: who gets one, what it says, rendering it safely and fast, and the register.

The public API for front ends (the command line, the Excel add-in's "Utfärda intyg" button):

- ``issue_certificates(register, out_dir, issuer, store, pdf=..., reissue=...) -> IssueResult``
- ``open_store(location)``: the register database: a SQLite file or PostgreSQL (a
  ``postgresql://`` URL); the location comes from the settings (``Settings.register_location``)
- ``sheet_changes(existing, entries, plats_ids)``: rows to add to / update on Intygsregister
- ``prefix_of(register)``: the workbook's Intygsprefix, checked

Eligibility and the template variables are pure and live in ``addin.core.certificate_plan``.
Modules here: ``render`` (sandboxed, compiled docxtpl), ``store`` and ``pgstore`` (the register on
SQLite and PostgreSQL), ``backend`` (which of the two), ``files`` (atomic, never-overwrite writes),
``pdf`` (LibreOffice batches), ``issuing`` (the whole act), ``sheet`` (the workbook mirror) and
``workflow`` (from a workbook file; the command line in ``addin.cli.certificates`` calls it).
"""

from ..core.certificate_plan import CONTEXT_KEYS, Candidate, Ineligible, plan
from .issuing import IssuedCertificate, IssueResult, issue_certificates, prefix_of
from .render import CompiledTemplate, TemplateRefused
from .sheet import SheetChanges, sheet_changes
from .backend import open_store
from .store import CertificateStore, RegisterError, SqliteStore

__all__ = ["CONTEXT_KEYS", "Candidate", "CertificateStore", "CompiledTemplate", "Ineligible",
           "IssueResult", "IssuedCertificate", "RegisterError", "SheetChanges", "SqliteStore",
           "TemplateRefused", "issue_certificates", "open_store", "plan", "prefix_of",
           "sheet_changes"]
