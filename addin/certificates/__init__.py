"""Kompetensintyg: who gets one, what it says, rendering it safely and fast, and the register.

The public API for front ends (the command line, the Excel add-in's "Utfärda intyg" button):

- ``issue_certificates(register, out_dir, issuer, store, pdf=..., reissue=...) -> IssueResult``
- ``open_store(location)``: the register database: a SQLite file or PostgreSQL (a
  ``postgresql://`` URL); the location comes from the settings (``Settings.register_location``)
- ``sheet_changes(existing, entries, plats_ids)``: rows to add to / update on Intygsregister
- ``prefix_of(register)``: the workbook's Intygsprefix, checked

Eligibility and the template variables are pure and live in ``addin.core.certificate_plan``; the
rules of a certificate's status in ``addin.core.certificate_status``. Modules here: ``render``
(sandboxed, compiled docxtpl), ``store`` and ``pgstore`` (the register on SQLite and PostgreSQL,
with its status history), ``backend`` (which of the two), ``files`` (atomic, never-overwrite
writes), ``pdf`` (LibreOffice batches), ``issuing`` (the whole act), ``stopped`` (what a run that
stopped half way tells), ``evidence`` and ``journal`` (numbers seen outside the register, so a
restored register never hands them out again), ``backup`` (backup and restore), ``public`` (what
the verification page and ``amanst verify`` show), ``sheet`` (the workbook mirror) and
``workflow`` (from a workbook file; the command line in ``addin.cli.certificates`` calls it).
"""

from ..core.certificate_plan import CONTEXT_KEYS, Candidate, Ineligible, plan
from .backend import open_store
from .issuing import IssuedCertificate, IssueResult, issue_certificates, prefix_of
from .render import CompiledTemplate, TemplateRefused
from .sheet import SheetChanges, sheet_changes
from .stopped import IssueStopped
from .store import CertificateStore, RegisterError, SequenceBehind, SqliteStore

__all__ = ["CONTEXT_KEYS", "Candidate", "CertificateStore", "CompiledTemplate", "Ineligible",
           "IssueResult", "IssueStopped", "IssuedCertificate", "RegisterError", "SequenceBehind",
           "SheetChanges", "SqliteStore",
           "TemplateRefused", "issue_certificates", "open_store", "plan", "prefix_of",
           "sheet_changes"]
