"""Looking at a file before any parser touches it: what it is, whether it is safe and free to open.

An .xlsx is a zip of XML parts. A hostile or broken one can be a zip bomb (parts that inflate a
thousandfold), carry an XML bomb or an external entity in a DOCTYPE, hold a token so large that
expat before 2.6.0 takes quadratic time over it (CVE-2023-52425: a 40 MB comment), be encrypted
(then it is not a zip at all but an OLE compound file), or be held open by Excel. Each is refused
here with a Swedish message before any parser runs:

- from the zip directory: the number of parts, each part's and the total inflated size, the ratio;
- every XML part read whole, streamed (it costs about a tenth of reading the workbook): no
  DOCTYPE or ENTITY anywhere (padding cannot hide one), at most 64 KB before the root element
  (Excel writes only the XML declaration there), no comment, CDATA or processing instruction
  over 64 KB, no run of 1 MB without markup, and no sheet with more rows than ``MAX_ROWS``
  (counted, and read from the last row number) — so a million-row sheet or one cell at row
  1,048,576 is refused before calamine builds its range. What the rows cannot show (a cell far
  to the right) is bounded by the reader (``MAX_CELLS``) and the parsing limits (``limits``).

The same pass notes which sheet parts may hold a formula or an error value (``Inspection``), so
that ``cellscan`` reads only those again: a register without either is inflated once here and once
by calamine, not three times.
"""

from __future__ import annotations

import os
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from ..core.errors import WorkbookLocked, WorkbookUnreadable

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
MAX_UNCOMPRESSED = 1_000_000_000  # a city-wide register over many years is well under 300 MB
MAX_PART = 400_000_000  # one sheet of 40,000 places' assessments is about 270 MB of XML
MAX_RATIO = 200  # xlsx parts compress 5–20×; hundreds is a bomb
MAX_MEMBERS = 10_000
MAX_PROLOG = 65_536  # Excel writes only the XML declaration before the root element
MAX_MARKUP = 65_536  # a comment, CDATA section or processing instruction
MAX_RUN = 1 << 20  # text or an attribute with no markup for this long is no spreadsheet's
# Per sheet, checked from the sheet's dimensions before any value becomes a Python object: a
# register of 30,000 places has 450,000 assessment rows of 8 columns.
MAX_ROWS = 500_000
MAX_CELLS = 12_000_000
_CHUNK = 1 << 20
_SNIFF = 512  # enough of the start of a file to tell what it is


def lock_owner_file(path: Path) -> Path | None:
    """The lock file Excel (``~$name``) or LibreOffice (``.~lock.name#``) keeps beside an open
    file."""
    for candidate in (path.with_name("~$" + path.name[2:]), path.with_name("~$" + path.name),
                      path.with_name(f".~lock.{path.name}#")):
        if candidate.exists():
            return candidate
    return None


@dataclass
class Inspection:
    """What the look before parsing found besides refusals: the sheet parts where a formula (an
    ``<f>`` element) or an error value (``t="e"``) may be."""

    marked: set[str] = field(default_factory=set)


def inspect_xlsx(path: Path, for_writing: bool = False) -> Inspection:
    """Raise a Swedish WorkbookUnreadable / WorkbookLocked unless ``path`` is a sound .xlsx."""
    name = path.name
    if not path.exists():
        raise WorkbookUnreadable(f"Filen {name} finns inte.")
    if path.is_dir():
        raise WorkbookUnreadable(f"{name} är en mapp, inte en arbetsbok.")
    if for_writing:
        lock = lock_owner_file(path)
        if lock is not None:
            raise WorkbookLocked(f"Arbetsboken {name} är öppen i ett annat program (låsfilen "
                                 f"{lock.name} finns). Stäng den och försök igen.")
    try:
        with path.open("rb") as fh:
            head = fh.read(_SNIFF)
    except PermissionError:
        raise WorkbookLocked(f"Filen {name} går inte att läsa: åtkomst nekad. Kontrollera att den "
                             "inte är låst av ett annat program och att du har "
                             "behörighet.") from None
    except OSError as exc:
        raise WorkbookUnreadable(f"Filen {name} går inte att läsa ({exc.strerror}).") from None
    if head.startswith(OLE_MAGIC):
        raise WorkbookUnreadable(_ole_kind(path, name))
    if not head.startswith(ZIP_MAGIC):
        raise WorkbookUnreadable(_not_a_zip(head, name))
    try:
        with zipfile.ZipFile(path) as archive:
            _check_kind(archive, path)
            return _check_archive(archive, name)
    except zipfile.BadZipFile:
        raise WorkbookUnreadable(f"Arbetsboken {name} är skadad och går inte att öppna. Öppna den "
                                 "i Excel och spara den igen, eller använd en "
                                 "säkerhetskopia.") from None


def _save_as(what: str, name: str) -> str:
    return (f"{name} är {what}, ingen Excel-arbetsbok (.xlsx). Öppna den i Excel och spara den "
            "som Excel-arbetsbok (.xlsx), och försök igen.")


def _ole_kind(path: Path, name: str) -> str:
    """What an OLE compound file is: an encrypted workbook, an old .xls, a Word .doc …"""
    streams = _ole_streams(path)
    if {"encryptioninfo", "encryptedpackage"} & streams:
        return (f"Arbetsboken {name} är lösenordsskyddad (krypterad). Ta bort lösenordet i Excel "
                "(Arkiv > Info > Skydda arbetsbok) och försök igen.")
    if "worddocument" in streams:
        return _save_as("ett Word-dokument (.doc)", name)
    wrong = "" if path.suffix.lower() == ".xls" else f" fast filändelsen är {path.suffix or 'tom'}"
    return (f"{name} är en äldre Excel-fil (.xls){wrong}. Öppna den i Excel och spara den som "
            "Excel-arbetsbok (.xlsx), och försök igen.")


def _ole_streams(path: Path) -> set[str]:
    import olefile

    try:
        with olefile.OleFileIO(str(path)) as ole:
            return {"/".join(entry).casefold() for entry in ole.listdir()}
    except OSError:
        return set()


def _not_a_zip(head: bytes, name: str) -> str:
    """Name what a file that is not a zip at all most likely is."""
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if not head:
        return f"{name} är tom (0 byte), ingen Excel-arbetsbok. Använd en säkerhetskopia."
    if start.startswith(b"%pdf"):
        return _save_as("en PDF-fil", name)
    if start.startswith((b"<html", b"<!doctype html", b"<table", b"<meta")):
        return _save_as("en webbsida (HTML), som en del system sparar med Excels filändelse", name)
    if start.startswith(b"<?xml"):
        return _save_as("en XML-fil (till exempel Excel 2003 XML)", name)
    if start.startswith(b"{\\rtf"):
        return _save_as("ett RTF-dokument", name)
    if _looks_like_text(head):
        return _save_as("en textfil (till exempel CSV)", name)
    return (f"{name} är ingen Excel-arbetsbok (.xlsx). Spara filen som Excel-arbetsbok och "
            "försök igen.")


def _looks_like_text(head: bytes) -> bool:
    try:
        sample = head.decode("utf-8")
    except UnicodeDecodeError:
        sample = head.decode("cp1252", "replace")
    return all(ch.isprintable() or ch in "\t\r\n" for ch in sample[:-4])


# What a zip with these parts is, when it is not a workbook.
_ZIP_KINDS = (
    ("word/document.xml", "ett Word-dokument (.docx)"),
    ("ppt/presentation.xml", "en PowerPoint-presentation (.pptx)"),
    ("xl/workbook.bin", "en binär Excel-arbetsbok (.xlsb)"),
)


def _check_kind(archive: zipfile.ZipFile, path: Path) -> None:
    """Refuse a zip that is another kind of document, or an .xlsx under another file extension."""
    name = path.name
    names = set(archive.namelist())
    if "mimetype" in names and b"opendocument" in archive.read("mimetype")[:100]:
        raise WorkbookUnreadable(_save_as("ett OpenDocument-dokument (till exempel från "
                                          "LibreOffice, .ods)", name))
    for part, what in _ZIP_KINDS:
        if part in names:
            raise WorkbookUnreadable(_save_as(what, name))
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise WorkbookUnreadable(f"{name} är en zip-fil men ingen Excel-arbetsbok.")
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        raise WorkbookUnreadable(
            f"{name} är en Excel-arbetsbok (.xlsx) med fel filändelse "
            f"({path.suffix or 'ingen'}). Byt namn på filen till {path.stem}.xlsx och försök igen.")


def _check_archive(archive: zipfile.ZipFile, name: str) -> Inspection:
    infos = archive.infolist()
    if len(infos) > MAX_MEMBERS:
        raise WorkbookUnreadable(f"Arbetsboken {name} innehåller orimligt många delar och "
                                 "öppnas inte.")
    total = 0
    for info in infos:
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if total > MAX_UNCOMPRESSED or info.file_size > MAX_PART or (
                info.file_size > 10_000_000 and ratio > MAX_RATIO):
            raise WorkbookUnreadable(f"Arbetsboken {name} packas upp till orimligt mycket data "
                                     "(en så kallad zip-bomb) och öppnas inte.")
    inspection = Inspection()
    for info in infos:
        if info.filename.endswith((".xml", ".rels", ".vml")) and info.file_size:
            scanner = _Scanner(sheet=info.filename.startswith("xl/worksheets/"))
            reason = scan_part(archive, info, scanner)
            if reason is not None:
                raise WorkbookUnreadable(_REFUSALS[reason].format(
                    name=name, part=info.filename, sheet=_sheet_name(archive, info.filename),
                    rows=f"{MAX_ROWS:,}".replace(",", "\u00a0")))
            if scanner.marked:
                inspection.marked.add(info.filename)
    return inspection


_REFUSALS = {
    "doctype": "Arbetsboken {name} innehåller XML-deklarationer (DOCTYPE) som Excel aldrig "
               "skriver. Den öppnas inte av säkerhetsskäl.",
    "prolog": "Arbetsboken {name} har ovanligt innehåll före XML-datat i delen {part}, som Excel "
              "aldrig skriver. Den öppnas inte av säkerhetsskäl.",
    "markup": "Arbetsboken {name} innehåller en ovanligt stor XML-kommentar eller -instruktion i "
              "delen {part}, som Excel aldrig skriver. Den öppnas inte av säkerhetsskäl.",
    "run": "Arbetsboken {name} innehåller över en megabyte text utan XML-märkning i delen "
           "{part}, mer än en cell i Excel kan rymma. Den öppnas inte av säkerhetsskäl.",
    "rows": "Bladet {sheet} i arbetsboken {name} har fler än {rows} rader (eller celler längst "
            "ner i kalkylbladet), mer än amanst läser. Ta bort tomma rader längst ner (markera "
            "dem, Ta bort) och spara arbetsboken igen.",
}


def _sheet_name(archive: zipfile.ZipFile, part: str) -> str:
    """The name of the sheet stored in ``part``, for a message (the part's name if unknown)."""
    import re

    try:
        rels = archive.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
        book = archive.read("xl/workbook.xml").decode("utf-8", "replace")
    except KeyError:
        return part
    target = part.removeprefix("xl/")
    for rel in re.finditer(r"<Relationship\b[^>]*>", rels):
        if re.search(r'Target="/?(?:xl/)?' + re.escape(target) + '"', rel.group()):
            rid = re.search(r'Id="([^"]+)"', rel.group())
            sheet = rid and re.search(r'<sheet\b[^>]*name="([^"]*)"[^>]*r:id="' +
                                      re.escape(rid.group(1)) + '"', book)
            if sheet:
                from html import unescape

                return unescape(sheet.group(1))
    return part


def scan_part(archive: zipfile.ZipFile, info: zipfile.ZipInfo, scanner: _Scanner) -> str | None:
    """Why a part is refused (a key of ``_REFUSALS``), or None; reads it whole, in chunks."""
    with archive.open(info) as part:
        while True:
            chunk = part.read(_CHUNK)
            if not chunk:
                return scanner.finish()
            reason = scanner.feed(chunk)
            if reason is not None:
                return reason


# Bytes that show a sheet's cell may hold an error value (cellscan looks closer); a formula is a
# ``<f>`` element (``_formula_tag``), not ``<formula1>`` of a data validation.
_ERROR_MARKERS = (b't="e"', b"t='e'")


class _Scanner:
    """Markup checks over a part fed in chunks; keeps the unfinished tail between chunks."""

    def __init__(self, sheet: bool = False) -> None:
        self.sheet = sheet
        self.tail = b""
        self.in_body = False
        self.seen = 0
        self.row_count = 0
        self.marked = False

    def rows(self, chunk: bytes) -> str | None:
        """Rows so far, counted and from the last row number (row elements in order or not)."""
        self.row_count += chunk.count(b"<row") + chunk.count(b":row ")
        last = chunk.rfind(b'<row r="')
        number = 0
        if last >= 0:
            digits = chunk[last + 8:last + 20].split(b'"', 1)[0]
            number = int(digits) if digits.isdigit() else 0
        return "rows" if max(self.row_count, number) > MAX_ROWS else None

    def _sheet_chunk(self, data: bytes, chunk: bytes) -> str | None:
        if not self.marked:
            self.marked = _formula_tag(data) or any(m in data for m in _ERROR_MARKERS)
        return self.rows(chunk)


    def feed(self, chunk: bytes) -> str | None:
        if len(chunk) >= _CHUNK and b"<" not in chunk:
            return "run"
        data = self.tail + chunk
        start = 0
        if not self.in_body:
            reason, start = self._prolog(data)
            if reason is not None or not self.in_body:
                self.seen += len(chunk)
                if self.seen > MAX_PROLOG:
                    return "prolog"
                self.tail = data[-16:] if reason is None else b""
                return reason
        reason, keep = _markup(data, start)
        self.tail = data[keep:]
        if len(self.tail) > MAX_MARKUP + 16:
            return "markup"
        if reason is None and self.sheet:
            return self._sheet_chunk(data, chunk)
        return reason

    def _prolog(self, data: bytes) -> tuple[str | None, int]:
        """(reason, where the root element starts) — in_body once it is found."""
        pos = 0
        while True:
            lt = data.find(b"<", pos)
            if lt < 0 or lt + 1 >= len(data):
                return None, 0
            nxt = data[lt + 1:lt + 2]
            if nxt == b"!":
                head = data[lt + 2:lt + 9].upper()
                if head.startswith((b"DOCTYPE", b"ENTITY")):
                    return "doctype", 0
            elif nxt != b"?":
                self.in_body = True
                return None, lt
            pos = lt + 1

    def finish(self) -> str | None:
        if self.tail and (b"<!DOCTYPE" in self.tail.upper() or b"<!ENTITY" in self.tail.upper()):
            return "doctype"
        return None


def _formula_tag(data: bytes) -> bool:
    """A ``<f>``, ``<f ...>``, ``<f/>`` or prefixed ``<x:f>`` element, found from the rare ``f``."""
    at = data.find(b"f")
    while at >= 0:
        if at and data[at - 1] in b"<:" and data[at + 1:at + 2] in (b"", b" ", b">", b"/"):
            return True
        at = data.find(b"f", at + 1)
    return False


_ENDS = {b"<!--": b"-->", b"<![CDATA[": b"]]>", b"<?": b"?>"}


def _markup(data: bytes, pos: int) -> tuple[str | None, int]:
    """Check every ``<!`` and ``<?`` from ``pos``; returns (reason, where unchecked data starts)."""
    while True:
        found = _next_markup(data, pos)
        if found < 0:
            return None, max(pos, len(data) - 16)
        head = data[found:found + 9]
        if head[2:9].upper().startswith((b"DOCTYPE", b"ENTITY")):
            return "doctype", found
        if len(head) < 9 and len(data) - found < 9:
            return None, found  # decide with the next chunk
        opener = next((o for o in _ENDS if head.startswith(o)), None)
        if opener is None:
            return "markup", found  # <!ELEMENT, <!ATTLIST …: DTD syntax outside a DOCTYPE
        end = data.find(_ENDS[opener], found + len(opener))
        if end < 0:
            return (None if len(data) - found <= MAX_MARKUP else "markup"), found
        if end - found > MAX_MARKUP:
            return "markup", found
        pos = end + len(_ENDS[opener])


def _next_markup(data: bytes, pos: int) -> int:
    """Where the next ``<!`` or ``<?`` at or after ``pos`` starts, or -1.

    ``<`` is in every tag, so the search is for the rare ``!`` and ``?`` (a one-byte search runs
    at memory speed) and each is kept only when a ``<`` comes right before it.
    """
    found = -1
    for mark in (b"!", b"?"):
        at = data.find(mark, pos + 1)
        while at >= 0 and data[at - 1] != 0x3C:  # "<"
            at = data.find(mark, at + 1)
        if at >= 0 and (found < 0 or at - 1 < found):
            found = at - 1
    return found


def check_writable(path: Path) -> None:
    """Raise WorkbookLocked if ``path`` (or the folder for a new file) cannot be written."""
    target = path if path.exists() else path.parent
    if not os.access(target, os.W_OK):
        raise WorkbookLocked(f"{path.name} går inte att skriva: filen eller mappen är "
                             "skrivskyddad.")
    if path.exists():
        lock = lock_owner_file(path)
        if lock is not None:
            raise WorkbookLocked(f"Arbetsboken {path.name} är öppen i ett annat program (låsfilen "
                                 f"{lock.name} finns). Stäng den och försök igen.")
