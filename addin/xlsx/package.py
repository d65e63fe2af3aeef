"""An .xlsx package opened for a few changes: its sheets, relationships, content types and names.

``Package`` reads only the small parts that say what the package holds (``[Content_Types].xml``,
the workbook, its relationships) and keeps every other part where it is. Changes are recorded —
a part replaced by new content or a stream of chunks, a part removed, a sheet added, moved or
hidden — and ``save`` writes the new package in one pass: untouched parts are copied as their
compressed bytes, the rest are deflated from their chunks.
"""

from __future__ import annotations

import posixpath
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import BinaryIO

from lxml import etree

from .zipparts import FAST_LEVEL, PartWriter, UnsupportedPackage, read_chunks

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
CT = "http://schemas.openxmlformats.org/package/2006/content-types"
RT = REL
SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
WORKSHEET_REL = f"{RT}/worksheet"
SAFE_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                              huge_tree=False)

Content = bytes | Callable[[], Iterable[bytes] | None]


def q(tag: str, ns: str = MAIN) -> str:
    return f"{{{ns}}}{tag}"


def parse(data: bytes) -> etree._Element:
    try:
        return etree.fromstring(data, SAFE_PARSER)
    except etree.XMLSyntaxError as exc:
        raise UnsupportedPackage(f"malformed part: {exc}") from None


def serialize(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def rels_path(part: str) -> str:
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", name + ".rels")


def resolve(base_part: str, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(base_part), target))


def relative(base_part: str, part: str) -> str:
    return posixpath.relpath(part, posixpath.dirname(base_part))


class Package:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.archive = zipfile.ZipFile(path)
        self.infos = {i.filename: i for i in self.archive.infolist()}
        self.changed: dict[str, Content] = {}
        self.removed: set[str] = set()
        self.levels: dict[str, int] = {}
        self.late: set[str] = set()  # written last: their content is known only then (styles)
        self.content_types = parse(self.read("[Content_Types].xml"))
        root_rels = parse(self.read("_rels/.rels"))
        office = [r.get("Target", "") for r in root_rels
                  if r.get("Type", "").endswith("/officeDocument")]
        if len(office) != 1:
            raise UnsupportedPackage("no single workbook part")
        self.workbook_part = resolve("", office[0])
        self.workbook = parse(self.read(self.workbook_part))
        if self.workbook.tag != q("workbook"):
            raise UnsupportedPackage("not a transitional SpreadsheetML workbook")
        rels = self.rels(self.workbook_part)
        if rels is None:
            raise UnsupportedPackage("workbook without relationships")
        self.workbook_rels: etree._Element = rels

    def close(self) -> None:
        self.archive.close()

    # parts ---------------------------------------------------------------------------------------
    def exists(self, part: str) -> bool:
        return part not in self.removed and (part in self.changed or part in self.infos)

    def read(self, part: str) -> bytes:
        content = self.changed.get(part)
        if content is not None:
            return content if isinstance(content, bytes) else b"".join(content() or ())
        if part not in self.infos or part in self.removed:
            raise KeyError(part)
        return self.archive.read(part)

    def chunks(self, part: str) -> Iterable[bytes]:
        return read_chunks(self.archive, part)

    def size(self, part: str) -> int:
        return self.infos[part].file_size

    def put(self, part: str, content: Content, content_type: str | None = None,
            level: int = 6, late: bool = False) -> None:
        self.removed.discard(part)
        self.changed[part] = content
        self.levels[part] = level
        if late:
            self.late.add(part)
        if content_type is not None:
            self._override(part, content_type)

    def remove(self, part: str) -> None:
        self.changed.pop(part, None)
        self.removed.add(part)
        for child in list(self.content_types):
            if child.get("PartName") == "/" + part:
                self.content_types.remove(child)

    def new_name(self, pattern: str) -> str:
        """The first free part name ``pattern % n`` for n = 1, 2, …"""
        n = 1
        while self.exists(pattern % n) or (pattern % n) in self.changed:
            n += 1
        return pattern % n

    def _override(self, part: str, content_type: str) -> None:
        for child in self.content_types:
            if child.get("PartName") == "/" + part:
                child.set("ContentType", content_type)
                return
        etree.SubElement(self.content_types, q("Override", CT), PartName="/" + part,
                         ContentType=content_type)

    def ensure_default(self, extension: str, content_type: str) -> None:
        for child in self.content_types:
            if child.tag == q("Default", CT) and child.get("Extension", "").lower() == extension:
                return
        default = etree.Element(q("Default", CT), Extension=extension, ContentType=content_type)
        self.content_types.insert(0, default)

    # relationships ------------------------------------------------------------------------------
    def rels(self, part: str) -> etree._Element | None:
        name = rels_path(part)
        if not self.exists(name):
            return None
        return parse(self.read(name))

    def put_rels(self, part: str, rels: etree._Element) -> None:
        if len(rels):
            self.put(rels_path(part), serialize(rels))
        elif self.exists(rels_path(part)):
            self.remove(rels_path(part))

    @staticmethod
    def new_rels() -> etree._Element:
        return etree.Element(q("Relationships", PKG_REL), nsmap={None: PKG_REL})

    @staticmethod
    def add_rel(rels: etree._Element, rel_type: str, target: str) -> str:
        used = {r.get("Id") for r in rels}
        n = len(used) + 1
        while f"rId{n}" in used:
            n += 1
        etree.SubElement(rels, q("Relationship", PKG_REL), Id=f"rId{n}", Type=rel_type,
                         Target=target)
        return f"rId{n}"

    def remove_with_dependants(self, part: str) -> None:
        """Remove a part and the parts only it points to (a sheet's drawing, chart, notes)."""
        rels = self.rels(part)
        if rels is not None:
            for r in rels:
                if r.get("TargetMode") != "External":
                    target = resolve(part, r.get("Target", ""))
                    if self.exists(target) and not target.endswith((".bin", "styles.xml")):
                        self.remove_with_dependants(target)
            self.remove(rels_path(part))
        self.remove(part)

    # sheets -------------------------------------------------------------------------------------
    def _sheets_element(self) -> etree._Element:
        sheets = self.workbook.find(q("sheets"))
        if sheets is None:
            raise UnsupportedPackage("workbook without sheets")
        return sheets

    def sheet_names(self) -> list[str]:
        return [s.get("name", "") for s in self._sheets_element()]

    def sheet_element(self, name: str) -> etree._Element | None:
        for s in self._sheets_element():
            if s.get("name", "").strip().casefold() == name.strip().casefold():
                return s
        return None

    def sheet_part(self, name: str) -> str | None:
        element = self.sheet_element(name)
        if element is None:
            return None
        rid = element.get(q("id", REL))
        for r in self.workbook_rels:
            if r.get("Id") == rid:
                return resolve(self.workbook_part, r.get("Target", ""))
        return None

    def sheet_index(self, name: str) -> int | None:
        for i, s in enumerate(self._sheets_element()):
            if s.get("name", "").strip().casefold() == name.strip().casefold():
                return i
        return None

    def add_sheet(self, name: str, content: Content, index: int | None = None) -> str:
        """A new worksheet part named ``name`` at position ``index`` (end when None)."""
        part = self.new_name(posixpath.join(posixpath.dirname(self.workbook_part),
                                            "worksheets/sheet%d.xml"))
        self.put(part, content, SHEET_TYPE)
        rid = self.add_rel(self.workbook_rels, WORKSHEET_REL,
                           relative(self.workbook_part, part))
        sheets = self._sheets_element()
        ids = [int(s.get("sheetId", "0")) for s in sheets]
        element = etree.Element(q("sheet"), name=name, sheetId=str(max(ids, default=0) + 1))
        element.set(q("id", REL), rid)
        self._insert_sheet(element, len(sheets) if index is None else index)
        return part

    def delete_sheet(self, name: str) -> None:
        element = self.sheet_element(name)
        if element is None:
            return
        part = self.sheet_part(name)
        index = self.sheet_index(name)
        rid = element.get(q("id", REL))
        self._remove_sheet_element(element, index or 0)
        for r in list(self.workbook_rels):
            if r.get("Id") == rid:
                self.workbook_rels.remove(r)
        if part:
            self.remove_with_dependants(part)
        self._drop_calc_chain()

    def _drop_calc_chain(self) -> None:
        """The calculation chain lists formula cells by sheet; Excel rebuilds it when it is
        missing, but repairs the file when it names a sheet that is gone."""
        for r in list(self.workbook_rels):
            if r.get("Type", "").endswith("/calcChain"):
                self.remove(resolve(self.workbook_part, r.get("Target", "")))
                self.workbook_rels.remove(r)

    def move_sheet(self, name: str, index: int) -> None:
        element = self.sheet_element(name)
        old = self.sheet_index(name)
        if element is None or old is None or old == index:
            return
        self._remove_sheet_element(element, old)
        self._insert_sheet(element, index)

    def _insert_sheet(self, element: etree._Element, index: int) -> None:
        sheets = self._sheets_element()
        index = max(0, min(index, len(sheets)))
        self._shift_local_ids(lambda i: i + 1 if i >= index else i)
        sheets.insert(index, element)

    def _remove_sheet_element(self, element: etree._Element, index: int) -> None:
        names = self.workbook.find(q("definedNames"))
        if names is not None:
            for dn in list(names):
                if dn.get("localSheetId") == str(index):
                    names.remove(dn)
        self._shift_local_ids(lambda i: i - 1 if i > index else i)
        self._sheets_element().remove(element)

    def _shift_local_ids(self, shift: Callable[[int], int]) -> None:
        """Sheet-local names and the workbook view refer to sheets by position: keep them true."""
        names = self.workbook.find(q("definedNames"))
        if names is not None:
            for dn in names:
                local = dn.get("localSheetId")
                if local is not None and local.isdigit():
                    dn.set("localSheetId", str(shift(int(local))))
        for view in self.workbook.iter(q("workbookView")):
            for attr in ("activeTab", "firstSheet"):
                value = view.get(attr)
                if value is not None and value.isdigit():
                    view.set(attr, str(shift(int(value))))

    def set_defined_name(self, name: str, sheet_index: int, value: str,
                         hidden: bool = False) -> None:
        names = self.workbook.find(q("definedNames"))
        if names is None:
            names = etree.Element(q("definedNames"))
            anchor = self._sheets_element()
            anchor.addnext(names)
            # functionGroups and externalReferences come between sheets and definedNames
            for tag in ("functionGroups", "externalReferences"):
                found = self.workbook.find(q(tag))
                if found is not None:
                    found.addnext(names)
        for dn in names:
            if dn.get("name") == name and dn.get("localSheetId") == str(sheet_index):
                dn.text = value
                return
        dn = etree.SubElement(names, q("definedName"), name=name, localSheetId=str(sheet_index))
        if hidden:
            dn.set("hidden", "1")
        dn.text = value

    def activate(self, name: str) -> None:
        """Make ``name`` the workbook's active (and only selected) sheet; returns nothing."""
        index = self.sheet_index(name)
        if index is None:
            return
        views = self.workbook.find(q("bookViews"))
        if views is None:
            views = etree.Element(q("bookViews"))
            for tag in ("fileVersion", "fileSharing", "workbookPr", "workbookProtection"):
                found = self.workbook.find(q(tag))
                if found is not None:
                    found.addnext(views)
            if views.getparent() is None:
                self.workbook.insert(0, views)
        view = views.find(q("workbookView"))
        if view is None:
            view = etree.SubElement(views, q("workbookView"))
        view.set("activeTab", str(index))
        first = view.get("firstSheet")
        if first is not None and first.isdigit() and int(first) > index:
            view.set("firstSheet", str(index))

    # saving -------------------------------------------------------------------------------------
    def _finish(self) -> None:
        self.put(self.workbook_part, serialize(self.workbook))
        self.put_rels(self.workbook_part, self.workbook_rels)
        self.put("[Content_Types].xml", serialize(self.content_types))

    def write_to(self, fh: BinaryIO) -> None:
        self._finish()
        out = PartWriter(fh)
        source = self.archive.fp
        for info in self.archive.infolist():
            name = info.filename
            if name in self.removed or name in self.late:
                continue
            if name in self.changed:
                self._write_changed(out, name)
            else:
                out.copy_raw(source, info)  # type: ignore[arg-type]
        for name in self.changed:
            if name not in self.infos and name not in self.late:
                self._write_changed(out, name)
        for name in self.late:
            self._write_changed(out, name)
        out.close()

    def _write_changed(self, out: PartWriter, name: str) -> None:
        content = self.changed[name]
        chunks = [content] if isinstance(content, bytes) else content()
        if chunks is None:  # a late part that did not change after all
            out.copy_raw(self.archive.fp, self.infos[name])  # type: ignore[arg-type]
            return
        out.write(name, chunks, self.levels.get(name, 6))


__all__ = ["FAST_LEVEL", "MAIN", "REL", "Package", "UnsupportedPackage", "parse", "q", "serialize"]
