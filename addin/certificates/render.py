"""Filling a Word template: safely (sandboxed Jinja, autoescape, strict undefined) and fast.

``CompiledTemplate(path)`` reads a docxtpl template once: it prepares the XML of the body, headers
and footers exactly as docxtpl does (docxtpl's own ``patch_xml``, ``fix_tables`` and
``resolve_listing`` are reused, so the result cannot drift from docxtpl's), compiles each part's
Jinja once, and keeps the compressed bytes of every zip member that rendering does not change
(styles, theme, settings, fonts, images...). ``render(context)`` then only runs the compiled
templates, serialises the changed parts and writes a new zip around them. The document XML is
byte-for-byte what plain ``DocxTemplate.render`` + ``save`` gives (tests compare every part, also
for awkward values).

Most of docxtpl's time after Jinja goes to parsing the rendered body with lxml and writing it
back. For a template whose placeholders all sit in text (checked once, when compiling) and values
without characters the parser would change, the result of that round trip is known: the
template's XML already is lxml's serialisation, so only markupsafe's ``&#34;``/``&#39;`` and the
``<x></x>`` a blank value leaves differ from it, and those are rewritten directly. Anything else
(control characters, CR, drawings, tables whose shape can change) takes docxtpl's full way.

Safety: an administrator edits the templates in Word, so a template is untrusted code. The
environment is ``jinja2.sandbox.SandboxedEnvironment``: a tag such as
``{{ deltagare.__class__ }}`` or ``{{ cycler.__init__.__globals__ }}`` raises instead of reaching
Python internals. ``autoescape`` makes ``Åsa <Svensson> & Co`` print literally (and keeps the XML
valid), and ``StrictUndefined`` turns a misspelt placeholder into an error instead of a blank on a
certificate. A template whose placeholders are not all in ``context.CONTEXT_KEYS`` is refused
before anything is issued.
"""

from __future__ import annotations

import copy
import hashlib
import io
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import docx.oxml.ns
from docx import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.oxml import serialize_part_xml
from docx.oxml.parser import parse_xml
from docxtpl import DocxTemplate
from jinja2 import StrictUndefined, TemplateError, TemplateSyntaxError, meta
from jinja2.exceptions import SecurityError, UndefinedError
from jinja2.sandbox import SandboxedEnvironment
from lxml import etree

from ..core.certificate_plan import CONTEXT_KEYS
from ..core.errors import AmanstError
from .images import SLOT_LOGO, SLOT_QR, find_slots, put_picture
from .limits import RENDER_SECONDS, LimitedSandbox, RenderLimit, RenderTimedOut, deadline

FOOTNOTES_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
# docxtpl renders these core properties through Jinja too
CORE_PROPERTIES = ("author", "comments", "identifier", "language", "subject", "title")
_JINJA_MARK = re.compile(r"\{[{%#]")
_NEWLINE_IN_TEXT = re.compile(r"\n[^<]")
_RECOVER = etree.XMLParser(recover=True)  # the parser docxtpl's fix_tables uses
_MARK = "AMANST-BODY-MARK"
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_XNS = {"w": _W[1:-1]}
# asked once, of the template
_NESTED_TABLE = etree.XPath("boolean(.//w:tbl//w:tbl)", namespaces=_XNS)
_ROW_TOO_WIDE = etree.XPath(
    "boolean(.//w:tr[count(w:tc) > count(ancestor::w:tbl[1]/w:tblGrid/w:gridCol)])",
    namespaces=_XNS)
_GRID_TOO_WIDE = etree.XPath(
    "boolean(.//w:tbl[not(.//w:tr[count(w:tc) + sum(w:tc/w:tcPr/w:gridSpan/@w:val)"
    " - count(w:tc/w:tcPr/w:gridSpan) >= count(ancestor::w:tbl[1]/w:tblGrid/w:gridCol)])])",
    namespaces=_XNS)
# bytes the XML parser would drop, normalise (CR) or reject
_PARSER_CHANGES = bytes(b for b in range(32) if b not in (9, 10))
_XML_TOKEN = re.compile(r"<(/?)([\w:.-]+)[^>]*?(/?)>|\{[{%#]")
_TAG_IN_MARKUP = re.compile(r"<[^>]*\{[{%#]")
_MARKUP_FILTERS = re.compile(r"\b(safe|xmlattr|urlize|tojson|indent|autoescape|markup|wordwrap)\b",
                             re.IGNORECASE)
_TEXT_SRC = re.compile(r"(<w:t(?: [^>]*)?>)([^<]*)</w:t>")
_BLOCK_TAG = re.compile(r"\{%-?\s*(if|for|endif|endfor)\b")
_ANY_BLOCK = re.compile(r"\{%.*?%\}")
_TABLE_SRC = re.compile(r"<w:tbl>.*?</w:tbl>", re.DOTALL)
_GRIDCOL_SRC = re.compile(r"<w:gridCol[ />]")
_ROW_SRC = re.compile(r"<w:tr[ >].*?</w:tr>", re.DOTALL)
_CELL_SRC = re.compile(r"<w:tc[ >]")
_SPAN_SRC = re.compile(r'<w:gridSpan w:val="(\d+)"')
_DOCPR = etree.XPath("//wp:docPr", namespaces=docx.oxml.ns.nsmap)
_DOCPR_ID = re.compile(r'(<wp:docPr id=")\d+(")')


class TemplateRefused(AmanstError):
    """The template cannot be used: unsafe, unknown placeholders, or broken Jinja."""


def make_environment() -> SandboxedEnvironment:
    return LimitedSandbox(autoescape=True, undefined=StrictUndefined)


def fingerprint(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _explain(exc: Exception, name: str) -> TemplateRefused:
    if isinstance(exc, RenderLimit):
        return TemplateRefused(
            f"Mallen {name} avbröts: den skulle skapa {exc.what}. Ta bort taggen som gör det; "
            "bara platshållarna i dokumentationen behövs.")
    if isinstance(exc, SecurityError):
        return TemplateRefused(
            f"Mallen {name} försöker komma åt programmets inre delar och används inte "
            f"({exc}). Ta bort taggen ur mallen; bara platshållarna i dokumentationen är tillåtna.")
    if isinstance(exc, UndefinedError):
        return TemplateRefused(
            f"Mallen {name} använder en platshållare som inte finns ({exc}). Rätta stavningen i "
            "mallen; se listan över platshållare i docs/kompetensintyg.md.")
    if isinstance(exc, TemplateSyntaxError):
        return TemplateRefused(
            f"Mallen {name} har en trasig tagg på rad {exc.lineno} i dokumentets XML: "
            f"{exc.message}. Kontrollera att varje {{% if %}} och {{% for %}} avslutas.")
    return TemplateRefused(f"Mallen {name} kunde inte fyllas i: {exc}")


def _post_render(xml: str) -> tuple[str, bool]:
    """docxtpl's steps after Jinja (``render_xml_part``), in the same order and to the same effect.

    ``resolve_listing`` only rewrites tab, \\a, newline and form feed inside ``<w:t>`` text; its
    regex passes over the whole document are skipped when no text holds one (the common case).
    Returns the XML and whether ``resolve_listing`` ran.
    """
    xml = xml.replace("\n<w:p>", "<w:p>").replace("\n<w:p ", "<w:p ")
    xml = (xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%")
           .replace("%_}", "%}"))
    # a newline in text is followed by more text or by </w:t> (text holds no raw "<"); the other
    # newlines are the ones docxtpl's tags leave between elements, which it does not touch
    if ("\t" in xml or "\a" in xml or "\f" in xml or "\n</w:t>" in xml
            or _NEWLINE_IN_TEXT.search(xml)):
        return DocxTemplate.resolve_listing(None, xml), True
    return xml, False


def _tables_never_need_fix(src: str) -> bool:
    """Whether no rendering of this body source can give a table ``fix_tables`` would change.

    True when, in every table, no row holds a block tag (so each rendered row is a copy of a
    template row, with the same cells), no row has more cells than the grid has columns, and one
    row at least as wide as the grid is always rendered with its table (no block tag between the
    table's start and that row's end). Then the per-document check is skipped.
    """
    for table in _TABLE_SRC.finditer(src):
        text = _TEXT_SRC.sub(_drop_inline_blocks, table.group(0))
        grid = text[:text.find("</w:tblGrid>")]
        columns = len(_GRIDCOL_SRC.findall(grid))
        always_wide = False
        for row in _ROW_SRC.finditer(text):
            row_text = row.group(0)
            if "{%" in row_text:
                return False
            cells = len(_CELL_SRC.findall(row_text))
            if cells > columns:
                return False
            width = cells + sum(int(v) - 1 for v in _SPAN_SRC.findall(row_text))
            if width >= columns and "{%" not in text[:row.end()]:
                always_wide = True
        if not always_wide:
            return False
    return True


def _elements_holding_tags(src: str) -> list[tuple[str, re.Pattern]] | None:
    """The elements that hold a Jinja tag directly, each with a pattern for it left empty.

    Only such an element can render as ``<x></x>``, which lxml writes as ``<x/>``. None when the
    source's elements do not nest cleanly (then the parser is always used).
    """
    stack: list[str] = []
    names: set[str] = set()
    for m in _XML_TOKEN.finditer(src):
        if m.group(2) is None:  # a Jinja tag
            if not stack:
                return None
            names.add(stack[-1])
        elif m.group(1):
            if not stack or stack.pop() != m.group(2):
                return None
        elif not m.group(3):
            stack.append(m.group(2))
    if stack:
        return None
    return [(n, re.compile(f"<({re.escape(n)})((?: [^<>]*)?)></{re.escape(n)}>"))
            for n in sorted(names)]


def _drop_inline_blocks(m: re.Match) -> str:
    """A run's text with its block tags removed when they open and close within that text
    (``<w:t>… {% if x %}, y{% endif %}</w:t>``): such tags cannot change a table's cells."""
    content = m.group(2)
    depth = 0
    for tag in _BLOCK_TAG.findall(content):
        depth += -1 if tag.startswith("end") else 1
        if depth < 0:
            return m.group(0)
    if depth:
        return m.group(0)
    return m.group(1) + _ANY_BLOCK.sub("", content) + "</w:t>"


def _tables_need_fix(body: Any) -> bool:
    """Whether docxtpl's ``fix_tables`` would change a table: a row with more cells than the grid
    has columns, or a grid wider than every row. Asked in one XPath; nested tables (whose rows
    docxtpl also counts against the outer grid) take docxtpl's own way."""
    return bool(_ROW_TOO_WIDE(body) or _GRID_TOO_WIDE(body))


def _prepare(xml: str) -> str:
    """docxtpl's steps before Jinja (``patch_xml`` and the newline before each paragraph)."""
    xml = DocxTemplate.patch_xml(None, xml)
    return re.sub(r"<w:p([ >])", r"\n<w:p\1", xml)


def _only_document_namespaces(open_tag: str, doc: Any) -> bool:
    """Whether the body's start tag declares only namespaces the document element declares alike,
    and has no other attribute: then the body can be parsed within the whole document."""
    decls = re.findall(r'xmlns:(\w+)="([^"]*)"', open_tag)
    return (all(doc._element.nsmap.get(prefix) == uri for prefix, uri in decls)
            and not re.search(r"\s(?!xmlns)[\w:]+=", open_tag))


def _other_parts(doc: Any) -> Iterator[tuple[str, str, str]]:
    """(zip name, prepared source, kind) of each header, footer and footnotes part docxtpl
    renders; kind is ``xml:<encoding>`` for a part parsed back, ``raw`` for one written as is."""
    for rel in doc._part.rels.values():
        if rel.reltype in (RT.HEADER, RT.FOOTER) and rel.target_part.blob:
            part = rel.target_part
            xml = etree.tostring(parse_xml(part.blob), encoding="unicode")
            m = re.match(r'<\?xml[^\?]+\bencoding="([^"]+)"', xml, re.I)
            yield (part.partname.lstrip("/"), _prepare(xml),
                   "xml:" + (m.group(1) if m else "utf-8"))
    for part in doc.part.package.parts:
        if part.content_type == FOOTNOTES_CT and not hasattr(part, "_element"):
            blob = part.blob.decode("utf-8") if isinstance(part.blob, bytes) else part.blob
            yield part.partname.lstrip("/"), _prepare(blob), "raw"


@dataclass
class _Member:
    name: str
    crc: int
    compressed: bytes
    size: int
    method: int


_DOS_TIME, _DOS_DATE = 0, (0 << 9) | (1 << 5) | 1  # 1980-01-01 00:00: reproducible output


def _deflate(data: bytes) -> _Member:
    # fastest level: a certificate is a few tens of kB either way, and time counts in a batch
    c = zlib.compressobj(1, zlib.DEFLATED, -15)
    return _Member("", zlib.crc32(data), c.compress(data) + c.flush(), len(data),
                   zipfile.ZIP_DEFLATED)


def _write_zip(members: list[_Member]) -> bytes:
    """A plain zip (no data descriptors, no extras), the layout Word itself writes."""
    out = io.BytesIO()
    central = []
    for m in members:
        name = m.name.encode("ascii")
        offset = out.tell()
        out.write(struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, m.method, _DOS_TIME, _DOS_DATE,
                              m.crc, len(m.compressed), m.size, len(name), 0))
        out.write(name)
        out.write(m.compressed)
        central.append(struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, m.method, _DOS_TIME,
                                   _DOS_DATE, m.crc, len(m.compressed), m.size, len(name), 0, 0,
                                   0, 0, 0o644 << 16, offset) + name)
    start = out.tell()
    for c in central:
        out.write(c)
    size = out.tell() - start
    out.write(struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(members), len(members), size,
                          start, 0))
    return out.getvalue()


class CompiledTemplate:
    """A docxtpl template compiled once, rendered many times (not shared between threads).

    ``logo`` (PNG bytes) replaces the picture marked ``amanst:logotyp``; ``render(..., qr=...)``
    the one marked ``amanst:qr`` (see ``images``).
    """

    def __init__(self, path: Path, env: SandboxedEnvironment | None = None,
                 logo: bytes | None = None, data: bytes | None = None):
        """``data``: the file's bytes, already read (a worker compiles exactly the template the
        run checked, whatever happened to the file since)."""
        self.path = Path(path)
        self.name = self.path.name
        data = self._read() if data is None else data
        self.data, self.logo = data, logo
        self.fingerprint = fingerprint(data)
        self.env = env or make_environment()
        self.docx = self._open(data)
        self._place_pictures(logo)
        try:
            # compiled in document order, so a broken tag is reported where Word shows it first
            sources = [self._compile_body(), *self._compile_parts(), *self._compile_properties()]
            unknown = self._placeholders(sources)
        except TemplateError as exc:
            raise _explain(exc, self.name) from None
        self._refuse_unknown(unknown)
        self._members = self._reusable_members()

    def _read(self) -> bytes:
        try:
            return self.path.read_bytes()
        except OSError as exc:
            raise TemplateRefused(f"Mallen {self.path} kunde inte läsas: {exc.strerror}.") from None

    def _open(self, data: bytes) -> Any:
        try:
            return Document(io.BytesIO(data))
        except Exception:  # noqa: BLE001 - python-docx raises many kinds for a damaged file
            raise TemplateRefused(f"Mallen {self.name} är ingen giltig Word-fil (.docx).") from None

    def _place_pictures(self, logo: bytes | None) -> None:
        """Put the logo in its slot now (it is the same on every certificate); remember the QR
        code's zip member, which each certificate replaces."""
        slots = find_slots(self.docx)
        if logo and SLOT_LOGO in slots:
            put_picture(slots[SLOT_LOGO], logo)
        self.qr_member = slots[SLOT_QR].part.partname.lstrip("/") if SLOT_QR in slots else None

    def _compile_body(self) -> str:
        """Compile the body and decide, once, which of docxtpl's steps after Jinja it can skip.
        Returns the Jinja source."""
        body_src = self._body_source()
        self._check_tables = not (self._whole and _tables_never_need_fix(body_src))
        self._body = self.env.from_string(body_src)
        self._split_shell()
        # the body can skip lxml's parse and serialisation when values only ever land in
        # text (no tag inside an element's brackets), no filter can insert markup, and
        # neither table repair nor drawing renumbering can apply
        self._may_empty = _elements_holding_tags(body_src)
        self._text_only = (self._whole and not self._check_tables
                           and self._may_empty is not None
                           and not _TAG_IN_MARKUP.search(body_src)
                           and not _MARKUP_FILTERS.search(body_src))
        return body_src

    def _body_source(self) -> str:
        """The body as docxtpl prepares it; sets whether it can be parsed within the document."""
        doc = self.docx
        body_src = _prepare(etree.tostring(doc._element.body, encoding="unicode"))
        open_tag = re.match(r"<w:body\b[^>]*>", body_src)
        self._body_open = open_tag.group(0) if open_tag else ""
        self._whole = (open_tag is not None and _only_document_namespaces(open_tag.group(0), doc)
                       and not _NESTED_TABLE(doc._element.body))
        if self._whole:
            # lxml drops the body's namespace declarations that repeat the document element's
            # when docxtpl moves the rendered body into it; drop them from the source instead
            body_src = "<w:body>" + body_src[len(self._body_open):]
        return body_src

    def _split_shell(self) -> None:
        """The document around an empty body, as text (to parse a rendered body within it) and as
        python-docx writes the part (to wrap a body that needs no parse)."""
        shell = copy.deepcopy(self.docx._element)
        shell_body = shell.body
        self._body_index = shell.index(shell_body)
        for child in list(shell_body):
            shell_body.remove(child)
        shell_body.text = _MARK
        head, tail = etree.tostring(shell, encoding="unicode").split(_MARK)
        self._doc_head = head[:head.rindex("<")]
        self._doc_tail = tail[tail.index(">") + 1:]
        head_b, tail_b = serialize_part_xml(shell).split(_MARK.encode())
        self._part_head = head_b[:head_b.rindex(b"<")]
        self._part_tail = tail_b[tail_b.index(b">") + 1:]

    def _compile_parts(self) -> list[str]:
        """Compile the headers, footers and footnotes docxtpl renders; returns their sources."""
        self._parts: list[tuple[str, Any, str]] = []  # (zip name, template, kind)
        sources = []
        for name, src, kind in _other_parts(self.docx):
            sources.append(src)
            self._parts.append((name, self.env.from_string(src), kind))
        return sources

    def _compile_properties(self) -> list[str]:
        """Compile the core properties that hold Jinja; returns their sources."""
        props = self.docx.core_properties
        self._props: dict[str, Any] = {}
        sources = []
        for prop in CORE_PROPERTIES:
            value = getattr(props, prop) or ""
            if _JINJA_MARK.search(value):
                sources.append(value)
                self._props[prop] = self.env.from_string(value)
            else:
                # docxtpl writes every one of them back, rendered: do the same once
                setattr(props, prop, self.env.from_string(value).render())
        return sources

    def _placeholders(self, sources: list[str]) -> set[str]:
        unknown: set[str] = set()
        for src in sources:
            unknown |= meta.find_undeclared_variables(self.env.parse(src))
        return unknown

    def _refuse_unknown(self, placeholders: set[str]) -> None:
        unknown = placeholders - CONTEXT_KEYS
        if unknown:
            raise TemplateRefused(
                f"Mallen {self.name} använder okända platshållare: "
                f"{', '.join(sorted(unknown))}. Tillåtna är {', '.join(sorted(CONTEXT_KEYS))} "
                "(se docs/kompetensintyg.md).")

    def _reusable_members(self) -> list[_Member | str]:
        """The zip members as python-docx saves the unrendered document: all but the rendered
        parts (named by a string) are reused as they are, compressed bytes included."""
        doc = self.docx
        saved = io.BytesIO()
        doc.save(saved)
        self._core_name = (doc.part.package.core_properties_part.partname.lstrip("/")
                           if self._props else None)
        rendered = {"word/document.xml", *(name for name, _, _ in self._parts)}
        if self._core_name:
            rendered.add(self._core_name)
        members: list[_Member | str] = []
        with zipfile.ZipFile(saved) as z:
            for info in z.infolist():
                if info.filename in rendered:
                    members.append(info.filename)
                    continue
                m = _deflate(z.read(info.filename))
                m.name = info.filename
                members.append(m)
        return members

    def render_parts(self, context: Mapping[str, Any]) -> dict[str, bytes]:
        """The rendered XML of each changed part, by zip member name, within the time limit."""
        try:
            return deadline(lambda: self._render_parts(context), RENDER_SECONDS)
        except RenderTimedOut:
            raise TemplateRefused(
                f"Mallen {self.name} avbröts efter {RENDER_SECONDS:.0f} sekunder utan att bli "
                "klar. Kontrollera att mallens loopar ({% for %}) tar slut; ett intyg fylls i "
                "på några millisekunder.") from None

    def _render_parts(self, context: Mapping[str, Any]) -> dict[str, bytes]:
        try:
            out = {"word/document.xml": self._render_body(context)}
            for name, template, kind in self._parts:
                xml = _post_render(template.render(context))[0]
                if kind == "raw":
                    out[name] = xml.encode("utf-8")
                else:
                    out[name] = serialize_part_xml(parse_xml(xml.encode(kind[4:])))
            if self._props:
                props = self.docx.core_properties
                for prop, template in self._props.items():
                    setattr(props, prop, template.render(context))
                out[self._core_name] = serialize_part_xml(  # type: ignore[index]
                    self.docx.part.package.core_properties_part._element)
        except TemplateError as exc:
            raise _explain(exc, self.name) from None
        return out

    def _render_body(self, context: Mapping[str, Any]) -> bytes:
        xml, listing = _post_render(self._body.render(context))
        if self._text_only and not listing:
            # What lxml would write back is known here: the template's own XML already is lxml's
            # serialisation, and the values are escaped text. Only markupsafe's character
            # references for quotes and the empty elements a blank value leaves differ. Text
            # the parser would change (control characters, CR, non-characters) takes the parser.
            text = xml.replace("&#34;", '"').replace("&#39;", "'")
            for name, empty in self._may_empty or ():  # never None when text-only
                if f"></{name}>" in text:
                    text = empty.sub(r"<\1\2/>", text)
            try:
                data = text.encode("utf-8")
            except UnicodeEncodeError:
                data = b"\x00"  # a lone surrogate: the parser path reports it
            if (len(data.translate(None, _PARSER_CHANGES)) == len(data)
                    and b"\xef\xbf\xbe" not in data and b"\xef\xbf\xbf" not in data):
                if b"docPr" in data:  # numbered from 1001 in document order, as docxtpl does
                    ids = iter(range(1001, 1_000_000))
                    data = _DOCPR_ID.sub(lambda m: f"{m.group(1)}{next(ids)}{m.group(2)}",
                                         text).encode("utf-8")
                return self._part_head + data + self._part_tail
        # docxtpl parses the body alone and moves it into the document element; parsing the
        # whole document at once gives the same tree (the body keeps its own namespace
        # declarations either way) without lxml's costly move between documents
        if self._whole:
            root = etree.fromstring(self._doc_head + xml + self._doc_tail, _RECOVER)
            body = root[self._body_index]
            fix = self._check_tables and _tables_need_fix(body)
        else:  # a template with unusual namespaces: docxtpl's own way
            root, fix = etree.fromstring(self._doc_head + "<w:body/>" + self._doc_tail), True
        if fix:
            if self._whole:
                xml = self._body_open + xml[len("<w:body>"):]
            body = DocxTemplate.fix_tables(None, xml)
            root.replace(root[self._body_index], body)
        if "docPr" in xml:
            for i, elt in enumerate(_DOCPR(body), 1001):
                elt.attrib["id"] = str(i)
        return serialize_part_xml(root)

    def render(self, context: Mapping[str, Any], qr: bytes | None = None) -> bytes:
        """The finished .docx as bytes; ``qr`` (PNG) is the certificate's QR code."""
        parts = self.render_parts(context)
        members = []
        for m in self._members:
            if isinstance(m, str):
                fresh = _deflate(parts[m])
                fresh.name = m
                members.append(fresh)
            elif qr is not None and m.name == self.qr_member:
                # a PNG is compressed already: stored as it is
                members.append(_Member(m.name, zlib.crc32(qr), qr, len(qr), zipfile.ZIP_STORED))
            else:
                members.append(m)
        return _write_zip(members)


def render_plain(path: Path, context: Mapping[str, Any],
                 env: SandboxedEnvironment | None = None) -> bytes:
    """Plain docxtpl (a new DocxTemplate per document), for comparison in tests and the bench."""
    tpl = DocxTemplate(str(path))
    tpl.render(dict(context), jinja_env=env or make_environment(), autoescape=True)
    out = io.BytesIO()
    tpl.save(out)
    return out.getvalue()
