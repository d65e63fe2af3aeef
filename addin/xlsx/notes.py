"""Cell notes (Excel's comments) on a sheet of a package: ours added and removed, users' kept.

A note lives in two parts: the comments part (who wrote what, at which cell) and a VML drawing
that Excel needs to show it. Our notes carry the author ``presentation.MARK_AUTHOR``; a cell that
already holds a user's note keeps it and gets no note of ours. Both parts are small (one entry per
note) and are rewritten whole; the sheet gets a ``legacyDrawing`` element when it had no VML.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Set

from lxml import etree

from .package import MAIN, REL, Package, parse, q, relative, rels_path, resolve, serialize
from .sheetxml import clean, column_number

COMMENTS_REL = f"{REL}/comments"
VML_REL = f"{REL}/vmlDrawing"
COMMENTS_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml"
VML_TYPE = "application/vnd.openxmlformats-officedocument.vmlDrawing"
_REF = re.compile(r"([A-Z]{1,3})(\d+)$")
_SHAPE = re.compile(rb"<v:shape\b.*?</v:shape>", re.S)
_VML_HEAD = (b'<xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:'
             b'office:office" xmlns:x="urn:schemas-microsoft-com:office:excel"><o:shapelayout '
             b'v:ext="edit"><o:idmap v:ext="edit" data="1"/></o:shapelayout><v:shapetype '
             b'id="_x0000_t202" coordsize="21600,21600" o:spt="202" path="m,l,21600r21600,l21600,'
             b'xe"><v:stroke joinstyle="miter"/><v:path gradientshapeok="t" o:connecttype="rect"/>'
             b'</v:shapetype></xml>')


def _position(ref: str) -> tuple[int, int]:
    """0-based (row, column) of an A1 reference."""
    match = _REF.match(ref)
    if match is None:
        raise ValueError(ref)
    return int(match.group(2)) - 1, column_number(match.group(1)) - 1


def _shape(ref: str, number: int) -> bytes:
    row, col = _position(ref)
    return (f'<v:shape id="_x0000_s{number}" type="#_x0000_t202" style="position:absolute;'
            f'margin-left:59.25pt;margin-top:1.5pt;width:240pt;height:82pt;z-index:{number % 1000};'
            'visibility:hidden" fillcolor="#ffffe1" o:insetmode="auto"><v:fill color2="#ffffe1"/>'
            '<v:shadow on="t" color="black" obscured="t"/><v:path o:connecttype="none"/><v:textbox '
            'style="mso-direction-alt:auto"><div style="text-align:left"></div></v:textbox>'
            '<x:ClientData ObjectType="Note"><x:MoveWithCells/><x:SizeWithCells/><x:AutoFill>False'
            f'</x:AutoFill><x:Row>{row}</x:Row><x:Column>{col}</x:Column></x:ClientData></v:shape>'
            ).encode()


def _shape_position(shape: bytes) -> tuple[int, int] | None:
    if b'ObjectType="Note"' not in shape:
        return None
    row = re.search(rb"<x:Row>\s*(\d+)\s*</x:Row>", shape)
    col = re.search(rb"<x:Column>\s*(\d+)\s*</x:Column>", shape)
    return (int(row.group(1)), int(col.group(1))) if row and col else None


class SheetNotes:
    """The notes of one sheet part, changed in memory and written back by ``save``."""

    def __init__(self, package: Package, sheet_part: str) -> None:
        self.package = package
        self.sheet_part = sheet_part
        rels = package.rels(sheet_part)
        self.rels = package.new_rels() if rels is None else rels
        self.comments_part = self._target(COMMENTS_REL)
        self.vml_part = self._target(VML_REL)
        self.had_vml = self.vml_part is not None
        if self.comments_part is not None:
            self.comments = parse(package.read(self.comments_part))
        else:
            self.comments = parse(b'<comments xmlns="%s"><authors/><commentList/></comments>'
                                  % MAIN.encode())
        self.vml = package.read(self.vml_part) if self.vml_part else _VML_HEAD
        self.changed = False

    def _target(self, rel_type: str) -> str | None:
        for r in self.rels:
            if r.get("Type") == rel_type:
                return resolve(self.sheet_part, r.get("Target", ""))
        return None

    def _list(self) -> etree._Element:
        found = self.comments.find(q("commentList"))
        if found is None:
            found = etree.SubElement(self.comments, q("commentList"))
        return found

    def _author_id(self, author: str) -> int:
        authors = self.comments.find(q("authors"))
        if authors is None:
            authors = etree.Element(q("authors"))
            self.comments.insert(0, authors)
        for i, a in enumerate(authors):
            if (a.text or "") == author:
                return i
        etree.SubElement(authors, q("author")).text = author
        return len(authors) - 1

    def refs(self) -> set[str]:
        return {c.get("ref", "") for c in self._list()}

    def remove(self, refs: Set[str], author: str) -> None:
        """Remove ``author``'s notes at ``refs``."""
        found = self.comments.find(q("authors"))
        authors = [] if found is None else [a.text or "" for a in found]
        gone = set()
        for c in list(self._list()):
            index = int(c.get("authorId", "-1"))
            if c.get("ref") in refs and 0 <= index < len(authors) and authors[index] == author:
                self._list().remove(c)
                gone.add(_position(c.get("ref", "")))
        if gone:
            self.vml = _SHAPE.sub(lambda m: b"" if _shape_position(m.group()) in gone
                                  else m.group(), self.vml)
            self.changed = True

    def add(self, notes: Mapping[str, str], author: str) -> set[str]:
        """Add a note at each ref that holds none yet; returns the refs that got one."""
        taken = self.refs()
        added = {ref for ref in notes if ref not in taken}
        if not added:
            return added
        author_id = self._author_id(author)
        numbers = [int(n) for n in re.findall(rb'id="_x0000_s(\d+)"', self.vml)]
        number = max([*numbers, 1025]) + 1
        shapes = []
        for ref in sorted(added, key=_position):
            comment = etree.SubElement(self._list(), q("comment"), ref=ref, authorId=str(author_id))
            body = etree.SubElement(comment, q("text"))
            t = etree.SubElement(body, q("t"))
            t.text = clean(notes[ref])
            t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            shapes.append(_shape(ref, number))
            number += 1
        end = self.vml.rfind(b"</xml>")
        if end < 0:
            raise ValueError("VML without end")
        self.vml = self.vml[:end] + b"".join(shapes) + self.vml[end:]
        self.changed = True
        return added

    def save(self) -> bytes | None:
        """Write the parts; returns the ``legacyDrawing`` element the sheet must get, if any."""
        if not self.changed:
            return None
        pkg = self.package
        if self.comments_part is None:
            self.comments_part = pkg.new_name("xl/comments%d.xml")
            pkg.add_rel(self.rels, COMMENTS_REL, relative(self.sheet_part, self.comments_part))
        pkg.put(self.comments_part, serialize(self.comments), COMMENTS_TYPE)
        element = None
        if self.vml_part is None:
            self.vml_part = pkg.new_name("xl/drawings/commentsDrawing%d.vml")
            rid = pkg.add_rel(self.rels, VML_REL, relative(self.sheet_part, self.vml_part))
            element = f'<legacyDrawing xmlns:r="{REL}" r:id="{rid}"/>'.encode()
        pkg.ensure_default("vml", VML_TYPE)
        pkg.put(self.vml_part, self.vml)
        pkg.put(rels_path(self.sheet_part), serialize(self.rels))
        return element
