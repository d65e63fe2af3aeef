"""Errors a user can do something about. Their ``str()`` is a complete Swedish sentence.

Every entry point (command line, xlwings scripts) shows these as they are and turns anything else
into a short Swedish message, so no traceback ever reaches a user.
"""

from __future__ import annotations


class AmanstError(Exception):
    """A problem the user can fix; the message is Swedish and names what to do."""


class WorkbookUnreadable(AmanstError):
    """The file cannot be read as a register: not an .xlsx, damaged, encrypted, locked."""


class WorkbookStructureError(AmanstError):
    """The workbook lacks a sheet or a column the contract requires."""


class WorkbookLocked(AmanstError):
    """Another program holds the file open, or it is read-only."""
