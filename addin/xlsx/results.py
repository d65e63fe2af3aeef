"""Writing a check's or a tally's results into a copy of the workbook, rewriting only what changes.

This is the fast path behind ``validate --out``, ``tally --out`` and the Intygsregister update: the
package is copied part by part (``addin.xlsx.package``), the result sheets are written anew
(``sheetxml``), the marked cells get their fill and note while their sheet streams past
(``sheetpatch``, ``notes``), and nothing else is parsed or rewritten, so tables, validations,
defined names, users' notes, extra columns and other sheets are kept exactly. It does what the
openpyxl path in ``addin.xlsx.writer`` does, to the same record of marks; where the package holds
something it does not handle it raises ``UnsupportedPackage`` before writing anything, and the
caller falls back to that path.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from ..core import presentation, schema
from ..core.basis import Basis
from ..core.model import Problem, RawSheet
from ..core.tally import Tally
from .atomic import write_atomic
from .links import link_target
from .notes import SheetNotes
from .package import REL, Package, relative
from .sheetpatch import SheetPatch, patch_sheet
from .sheetxml import SheetSpec, column_letter, sheet_chunks
from .stylebook import Look, StyleBook
from .zipparts import FAST_LEVEL, UnsupportedPackage

OURS = {presentation.FILL_FEL, presentation.FILL_VARNING}
HEADER = Look(bold=True, color=presentation.HEADER_FONT, fill=presentation.HEADER_FILL,
              wrap=True, vertical="center")
LINK = Look(underline=True, color="0563C1")
KONTROLL_WIDTHS = {1: 16, 2: 6, 3: 22, 4: 28, 5: 90, 6: 12}
_HEAD_BYTES = 4096


def result_index(pkg: Package, name: str) -> int:
    """Where a result sheet goes: Kontroll first after Instruktioner, Sammanställning after it."""
    names = [n.strip().casefold() for n in pkg.sheet_names()]
    after = [schema.INSTRUKTIONER]
    if name == schema.SAMMANSTALLNING:
        after.append(schema.KONTROLL)
    index = 0
    for other in after:
        if other.casefold() in names:
            index = max(index, names.index(other.casefold()) + 1)
    return index


def kontroll_spec(problems: Sequence[Problem], checked_at: datetime,
                  target: Callable[[Problem], str]) -> SheetSpec:
    """The Kontroll sheet: header, one row per problem linked to its cell, the summary line."""
    rows = presentation.kontroll_rows(problems)
    summary_row = len(rows) + 2
    spec = SheetSpec([*rows, [], [presentation.kontroll_summary(problems, checked_at)]],
                     widths=dict(KONTROLL_WIDTHS), freeze_header=True, landscape=True,
                     selected=True, tab_color="C55A11")
    for c in range(1, len(schema.KONTROLL_HEADERS) + 1):
        spec.looks[(1, c)] = HEADER
    spec.looks[(summary_row, 1)] = Look(italic=True)
    if len(rows) > 1:
        spec.autofilter = f"A1:F{len(rows)}"
    for r, p in enumerate(problems, start=2):
        spec.looks[(r, 5)] = Look(wrap=True, vertical="top")
        spec.looks[(r, 6)] = Look(fill=presentation.FILL_FEL if p.severity == schema.SEVERITY_FEL
                                  else presentation.FILL_VARNING)
        location = target(p)
        if location:
            spec.looks[(r, 1)] = LINK
            spec.hyperlinks.append((f"A{r}", location, "Gå till cellen"))
    return spec


def column_maps(raw: Mapping[str, RawSheet]) -> dict[str, dict[str, int]]:
    """Sheet (casefolded) → header (casefolded) → 1-based column number, from the read."""
    return {name.casefold(): {h.strip().casefold(): i for i, h in enumerate(sheet.headers, start=1)
                              if h.strip()}
            for name, sheet in raw.items()}


def _record(raw: Mapping[str, RawSheet]) -> list[tuple[str, str, str]]:
    sheet = next((s for n, s in raw.items() if n.casefold() == presentation.MARKS_SHEET.casefold()),
                 None)
    if sheet is None:
        return []
    out = []
    for _, values in sheet.rows:
        values = list(values) + [None] * 3
        if values[0] and values[1]:
            out.append((str(values[0]).strip(), str(values[1]).strip(), str(values[2] or "")))
    return out


def _parse_ref(ref: str) -> tuple[int, int] | None:
    letters = "".join(ch for ch in ref if ch.isalpha()).upper()
    digits = "".join(ch for ch in ref if ch.isdigit())
    if not letters or not digits or letters + digits != ref.replace("$", "").upper():
        return None
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return int(digits), n


class _SheetWork:
    """What changes on one data sheet: cells to clear and to mark, notes to remove and to add."""

    def __init__(self) -> None:
        self.clear: set[tuple[int, int]] = set()
        self.remove_notes: set[str] = set()
        self.marks: dict[tuple[int, int], tuple[str, str]] = {}


class KontrollWriter:
    def __init__(self, source: Path, raw: Mapping[str, RawSheet]) -> None:
        self.pkg = Package(source)
        self.styles = StyleBook(self.pkg)
        self.raw = raw
        self.columns = column_maps(raw)
        self.record: list[list[str]] = [list(presentation.MARKS_HEADERS)]
        self.patches: dict[str, SheetPatch] = {}

    def _work(self, problems: Sequence[Problem]) -> dict[str, _SheetWork]:
        work: dict[str, _SheetWork] = {}
        for sheet, ref, note in _record(self.raw):
            cell = _parse_ref(ref)
            if cell is None or self.pkg.sheet_part(sheet) is None:
                continue
            w = work.setdefault(self.pkg.sheet_element(sheet).get("name"), _SheetWork())  # type: ignore[union-attr]
            w.clear.add(cell)
            if note == "Ja":
                w.remove_notes.add(f"{column_letter(cell[1])}{cell[0]}")
        for (sheet, row, column), look in presentation.marks(problems).items():
            element = self.pkg.sheet_element(sheet)
            col = self.columns.get(sheet.casefold(), {}).get(column.casefold())
            if element is None or col is None:
                continue
            work.setdefault(element.get("name", ""), _SheetWork()).marks[(row, col)] = look
        return work

    def _restyler(self, fill: str | None) -> Callable[[int], int]:
        styles = self.styles

        def restyle(old: int) -> int:
            base = styles.with_fill(old, None) if styles.fill_rgb(old) in OURS else old
            return base if fill is None else styles.with_fill(base, fill)
        return restyle

    def _apply(self, name: str, w: _SheetWork) -> None:
        part = self.pkg.sheet_part(name)
        if part is None:
            return
        notes = SheetNotes(self.pkg, part)
        notes.remove(w.remove_notes, presentation.MARK_AUTHOR)
        added = notes.add({f"{column_letter(c)}{r}": note for (r, c), (_, note) in w.marks.items()},
                          presentation.MARK_AUTHOR)
        patch = self.patches.setdefault(part, SheetPatch())
        legacy = notes.save()
        if legacy:
            patch.tail.append(("legacyDrawing", legacy))
        for cell in w.clear - set(w.marks):
            patch.cells[cell] = self._restyler(None)
        for (r, c), (fill, _) in sorted(w.marks.items()):
            patch.cells[(r, c)] = self._restyler(fill)
            ref = f"{column_letter(c)}{r}"
            self.record.append([name, ref, "Ja" if ref in added else "Nej"])

    def _unselect_others(self) -> None:
        for name in self.pkg.sheet_names():
            part = self.pkg.sheet_part(name)
            if part is None or part not in self.pkg.infos:
                continue
            with self.pkg.archive.open(part) as fh:
                head = fh.read(_HEAD_BYTES)
            start = head.find(b"<sheetView ")
            end = head.find(b">", start)
            if start >= 0 and b"tabSelected" in head[start:end]:
                self.patches.setdefault(part, SheetPatch()).unselect = True

    def build(self, problems: Sequence[Problem], checked_at: datetime) -> None:
        pkg = self.pkg
        for name, w in self._work(problems).items():
            self._apply(name, w)
        self._unselect_others()
        for part, patch in self.patches.items():
            if patch:
                pkg.put(part, _patched(pkg, part, patch), level=FAST_LEVEL)
        for name in (schema.KONTROLL, presentation.MARKS_SHEET):
            pkg.delete_sheet(name)
        sheet_names = {n.strip().casefold(): n for n in pkg.sheet_names()}
        spec = kontroll_spec(problems, checked_at,
                             lambda p: link_target(p, sheet_names, self.columns))
        pkg.add_sheet(schema.KONTROLL, b"".join(sheet_chunks(spec, self.styles)),
                      result_index(pkg, schema.KONTROLL))
        marks = SheetSpec(self.record, print_setup=False)
        pkg.add_sheet(presentation.MARKS_SHEET, b"".join(sheet_chunks(marks, self.styles)))
        pkg.sheet_element(presentation.MARKS_SHEET).set("state", "hidden")  # type: ignore[union-attr]
        pkg.activate(schema.KONTROLL)
        index = pkg.sheet_index(schema.KONTROLL)
        last = len(spec.rows)
        pkg.set_defined_name("_xlnm.Print_Titles", index, "'Kontroll'!$1:$1")  # type: ignore[arg-type]
        pkg.set_defined_name("_xlnm.Print_Area", index, f"'Kontroll'!$A$1:$F${last}")  # type: ignore[arg-type]
        self.styles.save()

    def save(self, target: Path) -> None:
        try:
            write_atomic(target, self.pkg.write_to)
        finally:
            self.pkg.close()


DRAWING_TYPE = "application/vnd.openxmlformats-officedocument.drawing+xml"
CHART_TYPE = "application/vnd.openxmlformats-officedocument.drawingml.chart+xml"
DRAWING_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/drawing"
CHART_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/chart"
_EMU_PER_CM = 360000


def sammanstallning_spec(tally: Tally, generated_at: datetime, basis: Basis | None = None
                         ) -> tuple[SheetSpec, dict]:
    """The Sammanställning sheet as the openpyxl path lays it out (``writer.fill_grid``)."""
    grid, layout = presentation.sammanstallning_grid(tally, generated_at, basis)
    width = max(len(r) for r in grid)
    spec = SheetSpec(grid, landscape=True, tab_color="C55A11",
                     widths={1: 44, 2: 40, **dict.fromkeys(range(3, width + 1), 13)})
    looks = spec.looks
    for r in layout["header_rows"]:
        for c in range(1, len(grid[r - 1]) + 1):
            looks[(r, c)] = HEADER
        spec.heights[r] = 32
    for r in layout["title_rows"]:
        looks[(r, 1)] = Look(bold=True, size=13, color=presentation.HEADER_FILL)
    for r in layout.get("total_rows", []):
        for c in range(1, len(grid[r - 1]) + 1):
            looks[(r, c)] = replace(looks.get((r, c), Look()), bold=True)
    for r, c in layout["percent_cells"]:
        looks[(r, c)] = replace(looks.get((r, c), Look()), number_format="0%")
    return spec, layout


def _chart_xml(sheet: str, header: int, first: int, last: int) -> bytes:
    from openpyxl.chart import BarChart, Reference
    from openpyxl.xml.functions import tostring

    quoted = "'" + sheet.replace("'", "''") + "'"
    chart = BarChart()
    chart.type = "bar"
    chart.title = "Mål och platser per förvaltning"
    chart.y_axis.title = "Antal platser"
    chart.add_data(Reference(range_string=f"{quoted}!$B${header}:$C${last}"),
                   titles_from_data=True)
    chart.set_categories(Reference(range_string=f"{quoted}!$A${first}:$A${last}"))
    return b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + tostring(chart._write())


def _drawing_xml(row: int, col: int, rid: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<xdr:wsDr xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing" '
        'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><xdr:oneCellAnchor>'
        f'<xdr:from><xdr:col>{col}</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>{row}</xdr:row>'
        f'<xdr:rowOff>0</xdr:rowOff></xdr:from><xdr:ext cx="{22 * _EMU_PER_CM}" '
        f'cy="{12 * _EMU_PER_CM}"/><xdr:graphicFrame macro=""><xdr:nvGraphicFramePr><xdr:cNvPr '
        'id="1" name="Diagram 1"/><xdr:cNvGraphicFramePr/></xdr:nvGraphicFramePr><xdr:xfrm>'
        '<a:off x="0" y="0"/><a:ext cx="0" cy="0"/></xdr:xfrm><a:graphic><a:graphicData '
        'uri="http://schemas.openxmlformats.org/drawingml/2006/chart"><c:chart '
        'xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart" '
        f'xmlns:r="{REL}" r:id="{rid}"/></a:graphicData></a:graphic></xdr:graphicFrame>'
        '<xdr:clientData/></xdr:oneCellAnchor></xdr:wsDr>').encode()


def write_sammanstallning(source: Path, target: Path, tally: Tally,
                          generated_at: datetime, basis: Basis | None = None) -> None:
    """Write ``source`` with a new Sammanställning sheet (and its chart) to ``target``."""
    pkg = Package(source)
    try:
        styles = StyleBook(pkg)
        name = schema.SAMMANSTALLNING
        index = pkg.sheet_index(name)
        pkg.delete_sheet(name)
        if index is None:
            index = result_index(pkg, name)
        spec, layout = sammanstallning_spec(tally, generated_at, basis)
        spec.drawing_rid = "rId1"
        part = pkg.add_sheet(name, b"".join(sheet_chunks(spec, styles)), index)
        header, first, last = layout["chart"]
        chart = pkg.new_name("xl/charts/chart%d.xml")
        pkg.put(chart, _chart_xml(name, header, first, last), CHART_TYPE)
        drawing = pkg.new_name("xl/drawings/drawing%d.xml")
        drawing_rels = pkg.new_rels()
        rid = pkg.add_rel(drawing_rels, CHART_REL, relative(drawing, chart))
        pkg.put(drawing, _drawing_xml(layout["title_rows"][1] - 1, 12, rid), DRAWING_TYPE)
        pkg.put_rels(drawing, drawing_rels)
        sheet_rels = pkg.new_rels()
        pkg.add_rel(sheet_rels, DRAWING_REL, relative(part, drawing))
        pkg.put_rels(part, sheet_rels)
        sheet_index = pkg.sheet_index(name) or 0
        width = column_letter(max(len(r) for r in spec.rows))
        pkg.set_defined_name("_xlnm.Print_Area", sheet_index,
                             f"'{name}'!$A$1:${width}${len(spec.rows)}")
        styles.save()
        write_atomic(target, pkg.write_to)
    finally:
        pkg.close()


def _patched(pkg: Package, part: str, patch: SheetPatch) -> Callable[[], Iterable[bytes]]:
    return lambda: patch_sheet(pkg.chunks(part), patch)


def write_kontroll(source: Path, target: Path, raw: Mapping[str, RawSheet],
                   problems: Sequence[Problem], checked_at: datetime) -> None:
    """Write ``source`` with a new Kontroll sheet and marked cells to ``target``, atomically.

    Raises UnsupportedPackage before anything is written when the package is beyond this writer.
    """
    writer = KontrollWriter(source, raw)
    try:
        writer.build(problems, checked_at)
    except BaseException:
        writer.pkg.close()
        raise
    writer.save(target)


__all__ = ["KontrollWriter", "UnsupportedPackage", "link_target", "write_kontroll",
           "write_sammanstallning"]
