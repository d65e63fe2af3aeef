"""Looking at a file before any parser touches it: what it is, whether it is safe and free to open.

An .xlsx is a zip of XML parts. A hostile or broken one can be a zip bomb (parts that inflate a
thousandfold), carry an XML bomb or an external entity in a DOCTYPE, be encrypted (then it is not a
zip at all but an OLE compound file), or be held open by Excel. Each is refused here with a Swedish
message, cheaply, from the zip directory and the first bytes of each part.
"""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

from ..core.errors import WorkbookLocked, WorkbookUnreadable

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
MAX_UNCOMPRESSED = 1_000_000_000  # a city-wide register over many years is well under 100 MB
MAX_RATIO = 200  # xlsx parts compress 5–20×; hundreds is a bomb
MAX_MEMBERS = 10_000
_XML_HEAD = 4096
_SNIFF = 512  # enough of the start of a file to tell what it is


def lock_owner_file(path: Path) -> Path | None:
    """The lock file Excel (``~$name``) or LibreOffice (``.~lock.name#``) keeps beside an open file."""
    for candidate in (path.with_name("~$" + path.name[2:]), path.with_name("~$" + path.name),
                      path.with_name(f".~lock.{path.name}#")):
        if candidate.exists():
            return candidate
    return None


def inspect_xlsx(path: Path, for_writing: bool = False) -> None:
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
            _check_archive(archive, name)
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


def _check_archive(archive: zipfile.ZipFile, name: str) -> None:
    infos = archive.infolist()
    if len(infos) > MAX_MEMBERS:
        raise WorkbookUnreadable(f"Arbetsboken {name} innehåller orimligt många delar och öppnas inte.")
    total = 0
    for info in infos:
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if total > MAX_UNCOMPRESSED or (info.file_size > 10_000_000 and ratio > MAX_RATIO):
            raise WorkbookUnreadable(f"Arbetsboken {name} packas upp till orimligt mycket data "
                                     "(en så kallad zip-bomb) och öppnas inte.")
    for info in infos:
        if info.filename.endswith((".xml", ".rels", ".vml")) and info.file_size:
            with archive.open(info) as part:
                head = part.read(_XML_HEAD)
            if b"<!DOCTYPE" in head.upper() or b"<!ENTITY" in head.upper():
                raise WorkbookUnreadable(f"Arbetsboken {name} innehåller XML-deklarationer (DOCTYPE) "
                                         "som Excel aldrig skriver. Den öppnas inte av "
                                         "säkerhetsskäl.")


def check_writable(path: Path) -> None:
    """Raise WorkbookLocked if ``path`` (or the folder for a new file) cannot be written."""
    target = path if path.exists() else path.parent
    if not os.access(target, os.W_OK):
        raise WorkbookLocked(f"{path.name} går inte att skriva: filen eller mappen är skrivskyddad.")
    if path.exists():
        lock = lock_owner_file(path)
        if lock is not None:
            raise WorkbookLocked(f"Arbetsboken {path.name} är öppen i ett annat program (låsfilen "
                                 f"{lock.name} finns). Stäng den och försök igen.")
