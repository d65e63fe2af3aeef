"""Worksheet XML for the sheets written anew (Kontroll, Sammanställning, the marks record).

A ``SheetSpec`` holds the values and how they look; ``sheet_chunks`` turns it into worksheet XML,
row by row, with text as inline strings (``sharedStrings`` is never touched), text that starts
like a formula stored with Excel's quote prefix, dates as dates, and a page setup that prints:
landscape where wide, fitted to the page width, the header row repeated on every page.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from .cells import DATE_FORMAT, FORMULA_TRIGGERS
from .links import column_letter
from .stylebook import Look, StyleBook

_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_EPOCH = datetime(1899, 12, 30)
HEAD = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">')


def column_number(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def clean(value: str) -> str:
    """Control characters XML cannot hold, as OOXML's ``_xHHHH_``."""
    return _ILLEGAL.sub(lambda m: f"_x{ord(m.group()):04X}_", value)


def text(value: str) -> str:
    """Text for an XML element: escaped, control characters as OOXML's ``_xHHHH_``."""
    return escape(clean(value))


def attr(value: str) -> str:
    return quoteattr(_ILLEGAL.sub("", value))


def serial(value: date) -> float:
    moment = value if isinstance(value, datetime) else datetime(value.year, value.month, value.day)
    delta = moment.replace(tzinfo=None) - _EPOCH
    return delta.days + delta.seconds / 86400


@dataclass
class SheetSpec:
    rows: list[list[Any]]
    looks: dict[tuple[int, int], Look] = field(default_factory=dict)  # (row, col), 1-based
    heights: dict[int, float] = field(default_factory=dict)
    widths: dict[int, float] = field(default_factory=dict)
    freeze_header: bool = False
    autofilter: str | None = None
    hyperlinks: list[tuple[str, str, str]] = field(default_factory=list)  # ref, location, tip
    landscape: bool = False
    selected: bool = False
    tab_color: str | None = None
    drawing_rid: str | None = None
    print_setup: bool = True


def _cell(ref: str, value: Any, look: Look, styles: StyleBook) -> str:
    if isinstance(value, bool):
        return f'<c r="{ref}" s="{styles.look(look)}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, (int, float)):
        return f'<c r="{ref}" s="{styles.look(look)}"><v>{value!r}</v></c>'
    if isinstance(value, date):
        look = replace(look, number_format=look.number_format or DATE_FORMAT)
        return f'<c r="{ref}" s="{styles.look(look)}"><v>{serial(value)!r}</v></c>'
    if value is None or value == "":
        return f'<c r="{ref}" s="{styles.look(look)}"/>' if look != Look() else ""
    value = str(value)
    if value.startswith(FORMULA_TRIGGERS):
        look = replace(look, quote_prefix=True)
    space = ' xml:space="preserve"' if value != value.strip() or "\n" in value else ""
    return (f'<c r="{ref}" s="{styles.look(look)}" t="inlineStr"><is><t{space}>{text(value)}</t>'
            f'</is></c>')


def _head(spec: SheetSpec, width: int, height: int) -> str:
    props = ""
    if spec.tab_color:
        props += f'<tabColor rgb="FF{spec.tab_color}"/>'
    if spec.print_setup:
        props += '<pageSetUpPr fitToPage="1"/>'
    parts = [HEAD]
    if props:
        parts.append(f"<sheetPr>{props}</sheetPr>")
    parts.append(f'<dimension ref="A1:{column_letter(max(width, 1))}{max(height, 1)}"/>')
    selected = ' tabSelected="1"' if spec.selected else ""
    if spec.freeze_header:
        parts.append(f'<sheetViews><sheetView{selected} workbookViewId="0"><pane ySplit="1" '
                     'topLeftCell="A2" activePane="bottomLeft" state="frozen"/><selection '
                     'pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>')
    else:
        parts.append(f'<sheetViews><sheetView{selected} workbookViewId="0"/></sheetViews>')
    parts.append('<sheetFormatPr defaultRowHeight="15"/>')
    if spec.widths:
        parts.append("<cols>" + "".join(
            f'<col min="{c}" max="{c}" width="{w}" customWidth="1"/>'
            for c, w in sorted(spec.widths.items())) + "</cols>")
    return "".join(parts)


def _tail(spec: SheetSpec) -> str:
    parts = []
    if spec.autofilter:
        parts.append(f'<autoFilter ref="{spec.autofilter}"/>')
    if spec.hyperlinks:
        parts.append("<hyperlinks>" + "".join(
            f'<hyperlink ref="{ref}" location={attr(location)} tooltip={attr(tip)} '
            f'display={attr(tip)}/>' for ref, location, tip in spec.hyperlinks) + "</hyperlinks>")
    if spec.print_setup:
        orientation = "landscape" if spec.landscape else "portrait"
        parts.append('<printOptions horizontalCentered="0"/>'
                     '<pageMargins left="0.5" right="0.5" top="0.6" bottom="0.6" header="0.3" '
                     'footer="0.3"/>'
                     f'<pageSetup paperSize="9" orientation="{orientation}" fitToWidth="1" '
                     'fitToHeight="0"/>'
                     '<headerFooter><oddFooter>&amp;L&amp;A&amp;RSida &amp;P av &amp;N'
                     '</oddFooter></headerFooter>')
    if spec.drawing_rid:
        parts.append(f'<drawing r:id="{spec.drawing_rid}"/>')
    return "".join(parts) + "</worksheet>"


def dimensions(spec: SheetSpec) -> tuple[int, int]:
    return max((len(r) for r in spec.rows), default=0), len(spec.rows)


def sheet_chunks(spec: SheetSpec, styles: StyleBook) -> Iterator[bytes]:
    """The worksheet XML of ``spec``, in chunks of a few hundred rows."""
    width, height = dimensions(spec)
    yield _head(spec, width, height).encode("utf-8")
    beyond: dict[int, list[tuple[int, Look]]] = {}  # styled cells past a row's last value
    for (r, c), look in spec.looks.items():
        if 1 <= r <= height and c > len(spec.rows[r - 1]):
            beyond.setdefault(r, []).append((c, look))
    out = ["<sheetData>"]
    for r, row in enumerate(spec.rows, start=1):
        cells = [_cell(f"{column_letter(c)}{r}", value, spec.looks.get((r, c), Look()), styles)
                 for c, value in enumerate(row, start=1)]
        cells += [_cell(f"{column_letter(c)}{r}", None, look, styles)
                  for c, look in sorted(beyond.get(r, ()))]
        height_attr = f' ht="{spec.heights[r]}" customHeight="1"' if r in spec.heights else ""
        out.append(f'<row r="{r}"{height_attr}>{"".join(cells)}</row>')
        if len(out) >= 500:
            yield "".join(out).encode("utf-8")
            out = []
    out.append("</sheetData>")
    yield "".join(out).encode("utf-8")
    yield _tail(spec).encode("utf-8")
