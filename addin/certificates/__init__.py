"""Kompetensintyg: who gets one, what it says, rendering it safely and fast, and the register.

The public API for front ends (the command line, the Excel add-in's "Utfärda intyg" button):

- ``issue_certificates(register, out_dir, issuer, store, pdf=..., reissue=...) -> IssueResult``
- ``open_store(register=None)``: the register database: SQLite (``AMANST_REGISTER`` or
  ``~/.amanst``) or PostgreSQL (a ``postgresql://`` URL, or ``AMANST_REGISTER_URL``)
- ``sheet_changes(existing, entries, plats_ids)``: rows to add to / update on Intygsregister
- ``prefix_of(register)``: the workbook's Intygsprefix, checked

Modules: ``context`` (pure: eligibility and the template variables), ``render`` (sandboxed,
compiled docxtpl), ``store`` (the register), ``files`` (atomic, never-overwrite writes), ``pdf``
(LibreOffice batches), ``issuing`` (the whole act), ``sheet`` (the workbook mirror),
``workflow`` and ``commands`` (files and the command line).
"""

from .context import CONTEXT_KEYS, Candidate, Ineligible, plan
from .issuing import IssuedCertificate, IssueResult, issue_certificates, prefix_of
from .render import CompiledTemplate, TemplateRefused
from .sheet import SheetChanges, sheet_changes
from .store import CertificateStore, RegisterError, SqliteStore, open_store

__all__ = ["CONTEXT_KEYS", "Candidate", "CertificateStore", "CompiledTemplate", "Ineligible",
           "IssueResult", "IssuedCertificate", "RegisterError", "SheetChanges", "SqliteStore",
           "TemplateRefused", "issue_certificates", "open_store", "plan", "prefix_of",
           "sheet_changes"]
