"""The package's cell formats (``styles.xml``), extended with the few the results need.

Cells refer to a format by its position in ``cellXfs``; existing positions never change, so no
untouched cell changes look. New formats are appended: fonts built on the workbook's default
font, solid fills, a date format, and copies of an existing format with another fill (how a
marked cell keeps its number format, font and borders).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

from lxml import etree

from .package import Package, parse, q, resolve, serialize

STYLES_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"
STYLES_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles"
_EMPTY = (b'<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
          b'<fonts count="1"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
          b'</fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill>'
          b'<patternFill patternType="gray125"/></fill></fills><borders count="1"><border><left/>'
          b'<right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf '
          b'numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="1">'
          b'<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>'
          b'<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
          b'</styleSheet>')
# Order of the children of styleSheet (CT_Stylesheet), for inserting a missing list.
_ORDER = ("numFmts", "fonts", "fills", "borders", "cellStyleXfs", "cellXfs", "cellStyles", "dxfs",
          "tableStyles", "colors", "extLst")


@dataclass(frozen=True)
class Look:
    """What a new cell format asks for; None leaves the workbook default."""
    bold: bool = False
    italic: bool = False
    underline: bool = False
    size: float | None = None
    color: str | None = None  # RRGGBB
    fill: str | None = None  # RRGGBB, solid
    number_format: str | None = None
    wrap: bool = False
    vertical: str | None = None
    quote_prefix: bool = False


class StyleBook:
    def __init__(self, package: Package) -> None:
        self.package = package
        self.part = self._find_part()
        self.root = parse(package.read(self.part)) if package.exists(self.part) else parse(_EMPTY)
        self._looks: dict[Look, int] = {}
        self._refills: dict[tuple[int, str | None], int] = {}
        self._fills: dict[str | None, int] = {}
        self.changed = False

    def _find_part(self) -> str:
        pkg = self.package
        for r in pkg.workbook_rels:
            if r.get("Type") == STYLES_REL:
                return resolve(pkg.workbook_part, r.get("Target", ""))
        part = "xl/styles.xml"
        pkg.add_rel(pkg.workbook_rels, STYLES_REL, "styles.xml")
        self.changed = True
        return part

    def _list(self, tag: str) -> etree._Element:
        found = self.root.find(q(tag))
        if found is not None:
            return found
        element = etree.Element(q(tag), count="0")
        later = _ORDER[_ORDER.index(tag) + 1:]
        for i, child in enumerate(self.root):
            if etree.QName(child).localname in later:
                self.root.insert(i, element)
                return element
        self.root.append(element)
        return element

    def _append(self, tag: str, element: etree._Element) -> int:
        parent = self._list(tag)
        parent.append(element)
        parent.set("count", str(len(parent)))
        self.changed = True
        return len(parent) - 1

    def xf(self, index: int) -> etree._Element:
        xfs = self._list("cellXfs")
        return xfs[index] if 0 <= index < len(xfs) else xfs[0]

    def fill_id(self, rgb: str | None) -> int:
        """A solid fill of ``rgb`` (None: the no-fill at position 0)."""
        if rgb is None:
            return 0
        if rgb not in self._fills:
            fill = etree.Element(q("fill"))
            pattern = etree.SubElement(fill, q("patternFill"), patternType="solid")
            etree.SubElement(pattern, q("fgColor"), rgb="FF" + rgb)
            etree.SubElement(pattern, q("bgColor"), indexed="64")
            self._fills[rgb] = self._append("fills", fill)
        return self._fills[rgb]

    def fill_rgb(self, style: int) -> str:
        """The solid fill colour (RRGGBB) of format ``style``, or ''."""
        fills = self._list("fills")
        fill_id = int(self.xf(style).get("fillId", "0"))
        if not 0 <= fill_id < len(fills):
            return ""
        color = fills[fill_id].find(f"{q('patternFill')}/{q('fgColor')}")
        return "" if color is None else color.get("rgb", "")[-6:].upper()

    def with_fill(self, style: int, rgb: str | None) -> int:
        """A copy of format ``style`` with a solid ``rgb`` fill (None: no fill)."""
        key = (style, rgb)
        if key not in self._refills:
            element = copy.deepcopy(self.xf(style))
            element.set("fillId", str(self.fill_id(rgb)))
            element.set("applyFill", "1")
            self._refills[key] = self._append("cellXfs", element)
        return self._refills[key]

    def _font(self, look: Look) -> int:
        base = self._list("fonts")[0] if len(self._list("fonts")) else None
        font = etree.Element(q("font"))
        for flag, tag in ((look.bold, "b"), (look.italic, "i"), (look.underline, "u")):
            if flag:
                etree.SubElement(font, q(tag))
        size = look.size if look.size is not None else self._base_value(base, "sz", "11")
        etree.SubElement(font, q("sz"), val=str(size))
        if look.color:
            etree.SubElement(font, q("color"), rgb="FF" + look.color)
        etree.SubElement(font, q("name"), val=self._base_value(base, "name", "Calibri"))
        etree.SubElement(font, q("family"), val=self._base_value(base, "family", "2"))
        return self._append("fonts", font)

    @staticmethod
    def _base_value(base: etree._Element | None, tag: str, default: str) -> str:
        found = None if base is None else base.find(q(tag))
        return default if found is None else found.get("val", default)

    def _number_format(self, code: str | None) -> int:
        if code is None:
            return 0
        if code == "0%":
            return 9
        formats = self._list("numFmts")
        for nf in formats:
            if nf.get("formatCode") == code:
                return int(nf.get("numFmtId", "0"))
        ids = [int(nf.get("numFmtId", "0")) for nf in formats]
        new_id = max([*ids, 163]) + 1
        self._append("numFmts", etree.Element(q("numFmt"), numFmtId=str(new_id), formatCode=code))
        return new_id

    def look(self, look: Look) -> int:
        """The position of a new format that looks like ``look`` (made once per package)."""
        if look == Look():
            return 0
        if look not in self._looks:
            has_font = (look.bold or look.italic or look.underline or look.size is not None
                        or look.color is not None)
            font_id = self._font(look) if has_font else 0
            xf = etree.Element(q("xf"), numFmtId=str(self._number_format(look.number_format)),
                               fontId=str(font_id), fillId=str(self.fill_id(look.fill)),
                               borderId="0", xfId="0")
            for attr, used in (("applyFont", has_font), ("applyFill", look.fill),
                               ("applyNumberFormat", look.number_format),
                               ("applyAlignment", look.wrap or look.vertical),
                               ("quotePrefix", look.quote_prefix)):
                if used:
                    xf.set(attr, "1")
            if look.wrap or look.vertical:
                alignment = etree.SubElement(xf, q("alignment"))
                if look.vertical:
                    alignment.set("vertical", look.vertical)
                if look.wrap:
                    alignment.set("wrapText", "1")
            self._looks[look] = self._append("cellXfs", xf)
        return self._looks[look]

    def save(self) -> None:
        """Write styles.xml last, after the sheets that still add formats as they stream."""
        self.package.put(self.part, lambda: [serialize(self.root)] if self.changed else None,
                         STYLES_TYPE, late=True)
